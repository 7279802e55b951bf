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

// In a document, the paragraph reached by Previous/Next match is the current match: marked for eyes
// (CSS :target) and for screen readers (aria-current), with its first marked word highlighted.
function markCurrentMatch() {
  var previous = document.querySelectorAll('[aria-current="true"], mark.current');
  for (var i = 0; i < previous.length; i++) {
    if (previous[i].tagName === "MARK") previous[i].classList.remove("current");
    else previous[i].removeAttribute("aria-current");
  }
  var id = decodeURIComponent(location.hash.slice(1));
  var section = id && document.getElementById(id);
  if (!section || !section.classList.contains("paragraph")) return;
  section.setAttribute("aria-current", "true");
  var first = section.querySelector("mark");
  if (first) first.classList.add("current");
}
window.addEventListener("hashchange", markCurrentMatch);
document.addEventListener("DOMContentLoaded", markCurrentMatch);
