"""No user text is rendered unescaped (issue 7, security settings).

Every way of switching Django's autoescaping off — ``|safe``/``|safeseq`` and
``{% autoescape off %}`` in templates, ``mark_safe``/``SafeString(...)`` in Python — must be on
the allow-list below with its reason.  A new, unlisted occurrence fails the run, so a person
decides about it; an entry whose occurrence is gone fails too, so the list stays true."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Our own code: the project's templates and the apps' Python (tests and the venv are not shipped).
TEMPLATE_DIRS = (ROOT / "templates",)
PYTHON_DIRS = (ROOT / "programme", ROOT / "applications", ROOT / "workflow")

TEMPLATE_PATTERN = re.compile(r"\|\s*safe(?:seq)?\b|{%\s*autoescape\s+off\s*%}")
PYTHON_PATTERN = re.compile(r"\bmark_safe\s*\(|\bSafeString\s*\(|\bSafeText\s*\(")

_PLAIN_TEXT_MAIL = "plain-text e-mail body (text/plain, never parsed as HTML); HTML escaping would show &amp; etc."
_SVG_CHART = (
    "server-side SVG chart of figures; every interpolated text (titles, the names of "
    "municipalities and focus areas, formatted numbers) goes through django.utils.html.escape"
)

# (path relative to the repository, the matched text) → why it is safe.
ALLOWED: dict[tuple[str, str], str] = {
    ("templates/programme/emails/verify_email.txt", "{% autoescape off %}"): _PLAIN_TEXT_MAIL,
    ("templates/programme/emails/password_reset.txt", "{% autoescape off %}"): _PLAIN_TEXT_MAIL,
    ("templates/workflow/emails/_base.txt", "{% autoescape off %}"): _PLAIN_TEXT_MAIL,
    ("templates/applications/emails/membership_decided.txt", "{% autoescape off %}"): _PLAIN_TEXT_MAIL,
    ("templates/applications/emails/invitation.txt", "{% autoescape off %}"): _PLAIN_TEXT_MAIL,
    ("templates/applications/emails/membership_request.txt", "{% autoescape off %}"): _PLAIN_TEXT_MAIL,
    ("workflow/charts.py", "mark_safe("): _SVG_CHART,
    ("programme/services_two_factor.py", "SafeString("): (
        "the QR code of two-factor login, an SVG drawn by segno from the otpauth address: paths only, and "
        "the one text, a translated title, escaped by segno"
    ),
}


def _occurrences() -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for directory in TEMPLATE_DIRS:
        for path in directory.rglob("*"):
            if path.is_file() and path.suffix in {".html", ".txt", ".xml", ".svg"}:
                for match in TEMPLATE_PATTERN.finditer(path.read_text(encoding="utf-8")):
                    found.add((str(path.relative_to(ROOT)), re.sub(r"\s+", " ", match.group(0))))
    for directory in PYTHON_DIRS:
        for path in directory.rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for match in PYTHON_PATTERN.finditer(path.read_text(encoding="utf-8")):
                found.add((str(path.relative_to(ROOT)), re.sub(r"\s+", "", match.group(0))))
    return found


def test_every_unescaped_output_is_on_the_allow_list() -> None:
    unlisted = sorted(_occurrences() - ALLOWED.keys())
    assert unlisted == [], f"unescaped output not on the allow-list (add it with a reason, or escape): {unlisted}"


def test_the_allow_list_names_only_occurrences_that_exist() -> None:
    assert sorted(ALLOWED.keys() - _occurrences()) == []


def test_plain_text_mails_that_switch_escaping_off_are_text_templates() -> None:
    """The reason given for the mails holds only while those templates are the text/plain part."""
    for (path, _match), reason in ALLOWED.items():
        if reason == _PLAIN_TEXT_MAIL:
            assert path.endswith(".txt"), path


def test_the_pattern_catches_what_it_must() -> None:
    samples = ["{{ x|safe }}", "{{ x | safe }}", "{{ rows|safeseq }}", "{% autoescape off %}"]
    assert all(TEMPLATE_PATTERN.search(sample) for sample in samples)
    assert PYTHON_PATTERN.search("return mark_safe(html)")
    assert not TEMPLATE_PATTERN.search("{{ x|safe_amount }}")
