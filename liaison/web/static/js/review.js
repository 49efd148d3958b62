// Keyboard review of overlap alerts. Everything works without this script (links, accesskeys
// n and p, plain forms); with it: j / k move to the next / previous alert, d goes to the decision,
// and after moving, focus lands on the alert's heading so that screen readers announce it.
(function () {
  "use strict";

  function typing(event) {
    var target = event.target;
    if (!target || !target.tagName) { return false; }
    var tag = target.tagName.toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || target.isContentEditable;
  }

  function focus(element) {
    if (element) { element.focus(); }
  }

  var queueLinks = Array.prototype.slice.call(document.querySelectorAll("[data-queue-link]"));
  var next = document.querySelector("[data-review-next]");
  var previous = document.querySelector("[data-review-prev]");
  var problem = document.getElementById("problem");

  // On an alert's page, start where the reader needs to be: at a refused decision, else the heading.
  if (problem) {
    problem.setAttribute("tabindex", "-1");
    focus(problem);
  } else if (document.getElementById("alert-heading") && !document.querySelector(".is-invalid")) {
    focus(document.getElementById("alert-heading"));
  }

  function moveInQueue(step) {
    var at = queueLinks.indexOf(document.activeElement);
    var to = at === -1 ? (step > 0 ? 0 : queueLinks.length - 1) : at + step;
    if (to >= 0 && to < queueLinks.length) { focus(queueLinks[to]); }
  }

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || typing(event)) { return; }
    if (event.key === "j") {
      if (queueLinks.length) { moveInQueue(1); } else if (next) { window.location.assign(next.href); }
    } else if (event.key === "k") {
      if (queueLinks.length) { moveInQueue(-1); } else if (previous) { window.location.assign(previous.href); }
    } else if (event.key === "d") {
      var choice = document.querySelector("input[name='decision']:checked") || document.querySelector("input[name='decision']");
      focus(choice);
    } else {
      return;
    }
    event.preventDefault();
  });
})();
