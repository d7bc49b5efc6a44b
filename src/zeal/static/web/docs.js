// Starts Swagger UI on /docs (src/zeal/docs.py); a file, not an inline script, so the
// page's Content-Security-Policy can allow scripts from Zeal only.
(function () {
  var root = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({
    url: root.getAttribute("data-openapi-url"),
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
})();
