// Check as you type: while an officer fills in a work item, show the stored items it may overlap.
// The form works without this script (overlaps are then shown after submit, before saving).
(function () {
  "use strict";

  var form = document.querySelector("form[data-similar-url]");
  if (!form) { return; }
  var panel = document.getElementById("similar-results");
  if (!panel) { return; }
  var url = form.getAttribute("data-similar-url");
  var itemUrl = form.getAttribute("data-item-url") || "/items/";
  var excludeId = parseInt(form.getAttribute("data-item-id") || "", 10);
  var fields = ["title", "summary", "keywords", "group", "reference"];
  var timer = null;
  var lastBody = "";
  // The server says from which score a match is worth showing (below, it is mostly shared common words),
  // from which an alert would be raised (only those get a percentage), and the words, in the page's language.
  var floor = parseFloat(form.getAttribute("data-similar-floor"));
  var alertFrom = parseFloat(form.getAttribute("data-similar-alert"));
  var heading = form.getAttribute("data-similar-heading");
  var none = form.getAttribute("data-similar-none");
  var possible = form.getAttribute("data-similar-possible");
  var seen = form.elements.namedItem("overlaps_seen");
  var inFlight = null;

  function value(name) {
    var field = form.elements.namedItem(name);
    return field && "value" in field ? field.value : "";
  }

  function text(tag, content, className) {
    var node = document.createElement(tag);
    node.textContent = content;
    if (className) { node.className = className; }
    return node;
  }

  function render(matches) {
    matches = matches.filter(function (match) { return match.score >= floor; });
    panel.replaceChildren();
    panel.appendChild(text("h2", heading, "h6"));
    if (!matches.length) {
      panel.appendChild(text("p", none, "text-body-secondary small mb-0"));
      return;
    }
    var list = document.createElement("ul");
    list.className = "list-unstyled mb-0";
    matches.forEach(function (match) {
      var entry = document.createElement("li");
      entry.className = "mb-2";
      var link = document.createElement("a");
      link.href = itemUrl + match.id;
      link.target = "_blank";
      link.rel = "noopener";
      link.textContent = match.reference + " " + match.title;
      entry.appendChild(link);
      var likely = match.score >= alertFrom;
      var label = likely ? Math.round(match.score * 100) + "%" : possible;
      entry.appendChild(text("span", label + " · " + match.group, "badge ms-1 " + (likely ? "text-bg-warning" : "text-bg-light border")));
      if (match.reasons.length) {
        entry.appendChild(text("div", match.reasons.slice(0, 3).join("; "), "small text-body-secondary"));
      }
      list.appendChild(entry);
    });
    panel.appendChild(list);
    // The officer has seen the overlaps: the server need not stop the save to show them again.
    if (seen) { seen.value = "1"; }
  }

  function check() {
    var body = { k: 5 };
    fields.forEach(function (name) { body[name] = value(name); });
    if (!isNaN(excludeId)) { body.exclude_id = excludeId; }
    var serialised = JSON.stringify(body);
    if (serialised === lastBody) { return; }
    lastBody = serialised;
    if (!body.title.trim() && !body.summary.trim() && !body.keywords.trim()) {
      panel.replaceChildren();
      return;
    }
    if (inFlight) { inFlight.abort(); }
    inFlight = new AbortController();
    fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      credentials: "same-origin",
      body: serialised,
      signal: inFlight.signal
    }).then(function (response) {
      return response.ok ? response.json() : { matches: [] };
    }).then(function (data) {
      render(data.matches || []);
    }).catch(function (error) {
      if (error.name !== "AbortError") { panel.replaceChildren(); }
    });
  }

  form.addEventListener("input", function (event) {
    if (fields.indexOf(event.target.name) === -1) { return; }
    window.clearTimeout(timer);
    timer = window.setTimeout(check, 250);
  });
  check();
})();
