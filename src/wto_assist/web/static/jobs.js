// A corpus job followed without reloading (progressive enhancement: without JavaScript the page refreshes
// itself while the job runs). Bound to data attributes: the element that says where to ask is followed.
(function () {
  function follow(element) {
    var url = element.getAttribute("data-job-url");
    var message = element.querySelector("[data-job-message]");
    var progress = element.querySelector("[data-job-progress]");
    function ask() {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (job) {
          if (!job) return;
          if (job.status !== "running") { location.reload(); return; }  // the documents and the index changed
          if (message) message.textContent = job.message;
          if (progress) progress.textContent = job.progress || "";
          setTimeout(ask, 1500);
        })
        .catch(function () { setTimeout(ask, 5000); });
    }
    setTimeout(ask, 1500);
  }
  document.addEventListener("DOMContentLoaded", function () {
    var running = document.querySelectorAll('[data-job-url][data-job-status="running"]');
    for (var i = 0; i < running.length; i++) follow(running[i]);
  });
})();
