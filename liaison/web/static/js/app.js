// On every page: the error summary takes the focus, so that screen readers announce it and the
// keyboard starts there; its links move the focus into the field they name (as GOV.UK's do).
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (!summary) return;
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) return;
    var target = document.getElementById(link.getAttribute("href").slice(1));
    if (!target) return;
    event.preventDefault();
    var input = target.matches("input, select, textarea") ? target : target.querySelector("input, select, textarea");
    (input || target).scrollIntoView({block: "center"});
    (input || target).focus();
  });
})();
