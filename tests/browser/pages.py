"""Small helpers for the applicant's browser journeys: the words a Norwegian user sees, going
to a page and checking it answered, and files to upload.

Button and field names are looked up through the same translation catalogue the pages use
(``nb("Save and continue")``), so that a test finds the control a Norwegian user sees, today
(where the text may still be untranslated) and after the catalogue is filled in.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Page, Response

from workflow.models import Case

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def nb(msgid: str, **values: Any) -> str:
    """The Norwegian (bokmål) text the pages show for ``msgid``."""
    with translation.override("nb"):
        text = gettext(msgid)
    return text % values if values else text


def pdf_file(name: str = "kostnader.pdf") -> dict[str, Any]:
    """A small PDF for ``set_input_files``."""
    return {"name": name, "mimeType": "application/pdf", "buffer": PDF}


def go(page: Page, path: str, status: int = 200) -> Response:
    """Open ``path`` as a person would (typing the address) and check the answer."""
    response = page.goto(path)
    assert response is not None, f"{path}: no answer"
    assert response.status == status, f"{path} answered {response.status}, expected {status}"
    return response


def case_path(case: Case | str) -> str:
    reference = case if isinstance(case, str) else case.reference
    return reverse("workflow:case_detail", args=[reference])
