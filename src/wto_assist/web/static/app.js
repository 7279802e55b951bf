// Progressive enhancement only: every page works without this file.
document.addEventListener("click", function (event) {
  // Bound to the data attribute, not to a look: a button styled like this one (a tag form) keeps its own job.
  var button = event.target.closest("button[data-citation]");
  if (!button) return;
  event.preventDefault();
  var text = button.getAttribute("data-citation");
  var done = function () { button.textContent = "Copied"; setTimeout(function () { button.textContent = "Copy citation"; }, 1500); };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(done);
  } else {
    var area = document.createElement("textarea");
    area.value = text; document.body.appendChild(area); area.select();
    document.execCommand("copy"); document.body.removeChild(area); done();
  }
});
