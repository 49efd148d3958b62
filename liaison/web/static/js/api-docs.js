// The API page: Swagger UI (vendored under static/vendor) reads the site's own OpenAPI document.
// Its set-up lives here, not inline, so that the page keeps the site's script-src 'self' policy.
(function () {
  "use strict";
  var node = document.getElementById("swagger-ui");
  if (!node || typeof SwaggerUIBundle !== "function") return;
  SwaggerUIBundle({
    url: node.getAttribute("data-spec-url"),
    domNode: node,
    // Deep links put an anchor inside each operation's button (nested controls, which axe-core flags).
    deepLinking: false,
    // The document is served by this site; nothing is fetched from elsewhere (no validator badge).
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout"
  });
})();
