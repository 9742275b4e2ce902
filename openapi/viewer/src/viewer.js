// Starts Swagger UI on the gateway's /docs page. The page names the
// document to show (data-spec, the gateway's /openapi.yaml); the
// document's server is "/", so the try-it console calls this same gateway.
// This file exists so that the page needs no inline script: its
// Content-Security-Policy allows none.
(function () {
  'use strict';
  var root = document.getElementById('reference');
  // Swagger UI has a dark theme; follow the reader's setting.
  var dark = window.matchMedia('(prefers-color-scheme: dark)');
  function followColorScheme() {
    document.documentElement.classList.toggle('dark-mode', dark.matches);
  }
  followColorScheme();
  dark.addEventListener('change', followColorScheme);

  window.ui = window.SwaggerUIBundle({
    domNode: root,
    url: root.dataset.spec,
    // Sections and operations get addresses (/docs#/gateway/getDirectory).
    deepLinking: true,
    // Nothing leaves the gateway: no badge fetched from validator.swagger.io.
    validatorUrl: null,
    // A link's query string cannot make the page load another document.
    queryConfigEnabled: false,
    docExpansion: 'list',
    // The schemas are listed, each folded.
    defaultModelsExpandDepth: 1,
    displayRequestDuration: true,
    // The console may send what a browser may: the gateway answers CORS
    // preflights itself, and the signed publish is shown (it answers 401
    // without a courier's signature).
    supportedSubmitMethods: ['get', 'post', 'put', 'options'],
  });
})();
