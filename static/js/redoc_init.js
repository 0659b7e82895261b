// Starts ReDoc on /api/redoc/ (workflow/api/docs.py).  A file rather than an inline script, for
// the Content-Security-Policy; the page's nonce, given to this script tag, lets ReDoc's own
// <style> elements through (style-src has no 'unsafe-inline').
(function () {
  "use strict";
  const script = document.currentScript;
  Redoc.init(script.dataset.schemaUrl, { nonce: script.nonce }, document.getElementById("redoc-container"));
})();
