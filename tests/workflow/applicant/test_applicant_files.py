"""The applicant's files: private downloads of attachments and case documents, and uploads
that cannot slip into a submitted application."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.translation import gettext

from applications import services as application_services
from applications.models import Application
from programme.errors import RuleViolation
from tests.journey import case_in
from tests.workflow.applicant.support import case_page, pdf, text_of
from workflow import services
from workflow.models import (
    CaseFile,
    State,
)

# --- downloads -------------------------------------------------------------------------------


def _docx() -> bytes:
    # Fixed member dates: the same bytes every time, whatever second the test runs in.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("[Content_Types].xml", (2026, 1, 1, 0, 0, 0)), "<Types/>")
        archive.writestr(zipfile.ZipInfo("word/document.xml", (2026, 1, 1, 0, 0, 0)), "<document/>")
    return buffer.getvalue()


def test_an_application_attachment_is_served_to_the_company_and_the_case_staff_only(world, client):
    application = world.application()
    attachment = application_services.attachment_add(
        application=application,
        actor=world.applicant_a,
        upload=SimpleUploadedFile("budsjett.docx", _docx()),
    )
    case = services.application_submit(application=application, actor=world.applicant_a)
    url = reverse("workflow:attachment_download", args=[attachment.pk])

    client.force_login(world.applicant_a)
    page = text_of(client.get(case_page(case)))
    own = client.get(url)
    client.force_login(world.adviser_a)
    adviser = client.get(url)
    client.force_login(world.adviser_b)
    other_adviser = client.get(url)
    client.force_login(world.applicant_b)
    other_company = client.get(url)

    assert url in page
    assert own.status_code == 200
    assert own["Content-Disposition"].startswith("attachment;")
    assert 'filename="budsjett.docx"' in own["Content-Disposition"]
    assert own["X-Content-Type-Options"] == "nosniff"
    assert b"".join(own.streaming_content) == _docx()
    assert adviser.status_code == 200
    assert other_adviser.status_code == 404
    assert other_company.status_code == 404


def test_a_case_document_of_another_company_is_not_found(world, client):
    other = case_in(world, State.ACCEPTED, company=world.company_b)
    request = services.payment_request_send(
        case=other,
        actor=world.applicant_b,
        amount=1000,
        costs_to_date=2000,
        report="Fase 1.",
        uploads=[pdf()],
    )
    document = request.files.get()
    client.force_login(world.applicant_a)

    assert client.get(reverse("workflow:case_file_download", args=[document.pk])).status_code == 404
    assert client.get(reverse("workflow:case_file_download", args=[document.pk + 1000])).status_code == 404


def test_an_internal_document_is_not_downloadable_by_the_applicant_but_is_by_the_adviser(world, client):
    case = world.submitted_case()
    internal = services.case_file_add(case=case, actor=None, upload=pdf("notat.pdf"), kind=CaseFile.Kind.OTHER)
    url = reverse("workflow:case_file_download", args=[internal.pk])

    client.force_login(world.applicant_a)
    as_applicant = client.get(url)
    client.force_login(world.adviser_a)
    as_adviser = client.get(url)

    assert as_applicant.status_code == 404
    assert as_adviser.status_code == 200


@pytest.mark.parametrize("reference", ["%00", "NUP%00", "NUP-2026-001%00", "..%2F..", "NUP 2026"])
def test_a_malformed_case_reference_is_not_found_rather_than_an_error(world, client, reference):
    world.submitted_case()
    client.force_login(world.applicant_a)

    assert client.get(f"/saker/{reference}/").status_code == 404
    assert client.post(f"/saker/{reference}/klage/", {"text": "x"}).status_code == 404


def test_no_attachment_slips_into_an_application_submitted_after_the_page_was_loaded(world):
    application = world.application()
    loaded = Application.objects.get(pk=application.pk)  # the copy the upload view holds
    services.application_submit(application=application, actor=world.applicant_a)

    with pytest.raises(RuleViolation) as refused:
        application_services.attachment_add(application=loaded, actor=world.applicant_a, upload=pdf())

    assert str(refused.value) == gettext("The application has been submitted; changes are made on the case.")
    assert not application.attachments.exists()


def test_saving_one_step_from_a_stale_page_does_not_undo_another_step(world):
    application = world.application(information_is_true=False)
    stale = Application.objects.get(pk=application.pk)  # the project step, opened earlier
    application_services.application_update(application=application, actor=world.applicant_a, information_is_true=True)

    application_services.application_update(application=stale, actor=world.applicant_a, title="Nytt navn")

    application.refresh_from_db()
    assert application.title == "Nytt navn"
    assert application.information_is_true is True
