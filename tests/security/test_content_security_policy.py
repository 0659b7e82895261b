"""Every page carries a Content-Security-Policy without 'unsafe-inline' or 'unsafe-eval' for
scripts (django-csp), and the templates give it nothing to block: no inline script, no event
handler attribute, no javascript: address, no style attribute.  The browser side is in
tests/browser/test_content_security_policy.py."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

from tests.journey import World

ROOT = Path(__file__).resolve().parents[2]
# Printed documents (WeasyPrint, never served as a page) keep their <style>.
PAGE_TEMPLATES = sorted(p for p in (ROOT / "templates").rglob("*.html") if "pdf" not in p.relative_to(ROOT).parts)

REQUIRED = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "object-src": {"'none'"},
    "base-uri": {"'self'"},
    "frame-ancestors": {"'none'"},
    "form-action": {"'self'"},
}


def policy(response) -> dict[str, set[str]]:
    header = response.headers["Content-Security-Policy"]
    directives = (part.split() for part in header.split(";") if part.strip())
    return {name: set(values) for name, *values in directives}


def assert_strict(response) -> None:
    found = policy(response)
    for directive, values in REQUIRED.items():
        assert found.get(directive) == values, f"{directive}: {found.get(directive)}"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/logg-inn/", "/ny-konto/", "/offentlig/tilskudd/", "/finnes-ikke/"])
def test_public_pages_carry_the_strict_policy(client, path: str) -> None:
    assert_strict(client.get(path))


def test_staff_and_applicant_pages_carry_the_strict_policy(client, world: World) -> None:
    client.force_login(world.adviser_a)
    assert_strict(client.get(reverse("worklist:list")))
    client.force_login(world.applicant_a)
    assert_strict(client.get(reverse("workflow:my_cases")))
    assert_strict(client.get(reverse("applications:companies")))


@pytest.mark.django_db
def test_swagger_ui_loads_its_start_up_script_from_the_site(client) -> None:
    page = client.get("/api/docs/")

    assert_strict(page)
    html = page.content.decode()
    assert "<script>" not in html and "<style>" not in html
    (script_url,) = re.findall(r'<script src="(/api/docs/\?[^"]*script[^"]*)"', html)
    script = client.get(script_url.replace("&amp;", "&"))
    assert script.status_code == 200
    assert script.headers["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


@pytest.mark.django_db
def test_redoc_gets_a_nonce_for_its_styles_and_nothing_inline_for_scripts(client) -> None:
    page = client.get("/api/redoc/")

    found = policy(page)
    assert found["script-src"] == {"'self'"}
    assert "'unsafe-inline'" not in found["style-src"]
    (nonce,) = [v for v in found["style-src"] if v.startswith("'nonce-")]
    html = page.content.decode()
    assert f'nonce="{nonce[7:-1]}"' in html
    assert "<script>" not in html and "<style>" not in html and "fonts.googleapis.com" not in html
    # Another response, another nonce.
    assert nonce not in policy(client.get("/api/redoc/"))["style-src"]


@pytest.mark.parametrize("template", PAGE_TEMPLATES, ids=lambda p: str(p.relative_to(ROOT / "templates")))
def test_no_template_has_inline_script_or_style(template: Path) -> None:
    # Without the template's comments, which may name what they avoid.
    text = re.sub(r"{% comment %}.*?{% endcomment %}|{#.*?#}", "", template.read_text(), flags=re.DOTALL)

    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), "inline <script>"
    assert not re.search(r"<style\b", text), "inline <style>"
    assert not re.search(r"\son[a-z]+\s*=", text), "event handler attribute"
    assert not re.search(r"\sstyle\s*=", text), "style attribute"
    assert "javascript:" not in text.lower()


def test_htmx_is_told_to_add_no_style_and_evaluate_nothing() -> None:
    base = (ROOT / "templates" / "base.html").read_text()

    assert '"includeIndicatorStyles": false' in base
    assert '"allowEval": false' in base
