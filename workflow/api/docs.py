"""The API's docs pages, /api/docs/ (Swagger UI) and /api/redoc/ (ReDoc), from the vendored
drf-spectacular-sidecar assets and under the site's Content-Security-Policy, with no inline
script: Swagger UI's start-up script is served from its page's address with ``?script``, and
ReDoc's is static/js/redoc_init.js.  ReDoc needs three exceptions, on its page only (checked
in tests/browser/test_content_security_policy.py):

- the <style> elements it makes as it draws carry this response's nonce, which the start-up
  script hands it;
- two <style> elements it writes while loading, before it can be given the nonce, are allowed
  by the hash of their text (an update of drf-spectacular-sidecar may change them: the browser
  test then fails and Chromium's console names the new hash);
- its search index runs in a Web Worker made from a ``blob:`` address.

ReDoc's "API docs by Redocly" logo comes from Redocly's CDN and stays blocked (no third-party
requests); the image hides itself when it does not load."""

from __future__ import annotations

from csp.constants import NONCE
from csp.decorators import csp_update
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView

# The two <style> elements ReDoc 2.5.4 writes while loading: an empty one, and perfect-scrollbar's CSS.
REDOC_STYLE_HASHES = [
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",
    "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='",
]

swagger_ui = SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="workflow/api/swagger_ui.html")

redoc = csp_update({"style-src": [NONCE, *REDOC_STYLE_HASHES], "worker-src": ["blob:"]})(
    SpectacularRedocView.as_view(url_name="api:schema", template_name="workflow/api/redoc.html")
)
