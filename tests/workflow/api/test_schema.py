"""The OpenAPI schema generates without a warning or an error, and the docs are served from
the vendored assets (drf-spectacular-sidecar), not from a CDN."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client


def test_the_schema_validates_without_warnings(tmp_path) -> None:
    # --fail-on-warn: a warning (an unnamed enum, a field of unknown type) fails the test too.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    assert "/api/cases/{reference}/timeline/" in (tmp_path / "schema.yml").read_text()


@pytest.mark.django_db
def test_the_schema_and_the_docs_are_public_and_the_docs_use_vendored_assets() -> None:
    client = Client()
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    assert schema.json()["info"]["title"] == "Næringsprogram API"

    for path in ("/api/docs/", "/api/redoc/"):
        page = client.get(path)
        assert page.status_code == 200, path
        html = page.content.decode()
        assert "drf_spectacular_sidecar" in html, path
        assert "cdn." not in html and "unpkg" not in html, path
