"""The applicant's pages: my cases, the case page with exactly the actions its state allows,
every action done through the page, refusals that change nothing, and private downloads."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications import services as application_services
from applications.models import Application
from programme import clock
from programme.errors import RuleViolation
from tests.journey import GRANT, case_in
from workflow import services
from workflow.models import (
    Appeal,
    Case,
    CaseFile,
    FinalReport,
    JobReport,
    LedgerEntry,
    PaymentRequest,
    State,
    TimelineEvent,
)
from workflow.views.applicant import drafting_url

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    """Uploaded files go to a temporary folder, not the machine's private storage."""
    settings.STORAGES = {
        **django_settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path), "base_url": None},
        },
    }
    return tmp_path


@pytest.fixture
def client(client, settings):
    """Pages in English, so that the tests read the messages' source text."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def case_page(case: Case) -> str:
    return reverse("workflow:case_detail", args=[case.reference])


def pdf(name: str = "faktura.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def trace(case: Case) -> tuple[str, int, int, int, int]:
    """What a refused action must leave as it was: state, timeline, ledger, requests, files."""
    return (
        Case.objects.get(pk=case.pk).state,
        TimelineEvent.objects.filter(case=case).count(),
        LedgerEntry.objects.filter(case=case).count(),
        PaymentRequest.objects.filter(case=case).count(),
        CaseFile.objects.filter(case=case).count(),
    )


def text_of(response) -> str:
    return response.content.decode()


# --- my cases --------------------------------------------------------------------------------


def test_my_cases_lists_only_the_cases_of_the_persons_own_companies(world, client):
    own = world.submitted_case()
    other = world.submitted_case(world.company_b)
    client.force_login(world.applicant_a)

    response = client.get(reverse("workflow:my_cases"))

    page = text_of(response)
    assert response.status_code == 200
    assert own.reference in page
    assert own.application.title in page
    assert world.company_a.name in page
    assert "Submitted" in page
    assert clock.today().strftime("%d.%m.%Y") in page
    assert other.reference not in page
    assert world.company_b.name not in page
    assert f'href="{reverse("applications:companies")}">Go to your companies and drafts</a>' in page


def test_my_cases_shows_the_next_deadline(world, client):
    case = case_in(world, State.APPROVED)
    client.force_login(world.applicant_a)

    page = text_of(client.get(reverse("workflow:my_cases")))

    assert f'Accept the offer: <time datetime="{case.offer.accept_by:%Y-%m-%d}">{case.offer.accept_by:%d.%m.%Y}' in page


def test_my_cases_takes_as_many_queries_for_twenty_cases_as_for_two(world, client):
    client.force_login(world.applicant_a)
    case_in(world, State.APPROVED)
    case_in(world, State.REJECTED)
    url = reverse("workflow:my_cases")
    client.get(url)  # warm up the session and the content types
    with CaptureQueriesContext(connection) as two:
        first = client.get(url)

    for state in [State.COMPLETED, State.ACCEPTED, State.DISMISSED, State.RETURNED, State.APPROVED]:
        case_in(world, state)
    for _ in range(13):
        world.submitted_case()
    with CaptureQueriesContext(connection) as twenty:
        second = client.get(url)

    assert text_of(first).count('scope="row"') == 2
    assert text_of(second).count('scope="row"') == 20
    assert len(twenty) == len(two)


def test_my_cases_asks_a_stranger_to_log_in(db, client):
    response = client.get(reverse("workflow:my_cases"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- the case page ---------------------------------------------------------------------------


def test_another_companys_case_is_not_found(world, client):
    other = world.submitted_case(world.company_b)
    client.force_login(world.applicant_a)

    assert client.get(case_page(other)).status_code == 404
    withdraw = client.post(reverse("workflow:case_withdraw", args=[other.reference]), {"comment": ""})
    assert withdraw.status_code == 404
    assert Case.objects.get(pk=other.pk).state == State.SUBMITTED


def test_the_case_page_shows_the_application_offer_and_timeline(world, client):
    case = case_in(world, State.ACCEPTED)
    client.force_login(world.applicant_a)

    page = text_of(client.get(case_page(case)))

    offer = case.offer
    assert case.application.title in page
    assert "<dd>Offer accepted</dd>" in page
    assert "400\u00a0000\u00a0kr" in page  # the grant
    assert "100\u00a0000\u00a0kr" in page  # held back: 25 %
    for deadline in (offer.accept_by, offer.start_by, offer.final_report_due, offer.expires_on):
        assert deadline.strftime("%d.%m.%Y") in page
    assert '<ol class="np-timeline">' in page
    assert "Status changed from “Approved (offer sent)” to “Offer accepted”." in page
    assert "No letters yet." in page


def test_staff_notes_are_hidden_from_the_applicant_and_shown_to_the_adviser(world, client):
    case = world.submitted_case()
    services.case_take(case=case, actor=world.adviser_a)
    services.case_note_add(case=case, actor=world.adviser_a, text="Intern vurdering av eierne.")
    services.case_note_add(case=case, actor=world.adviser_a, text="Vi ringer dere i morgen.", staff_only=False)

    client.force_login(world.applicant_a)
    applicant_page = text_of(client.get(case_page(case)))
    client.force_login(world.adviser_a)
    adviser_response = client.get(case_page(case))

    assert "Vi ringer dere i morgen." in applicant_page
    assert "Intern vurdering av eierne." not in applicant_page
    assert adviser_response.status_code == 200
    assert "Intern vurdering av eierne." in text_of(adviser_response)


def test_a_letter_of_the_case_is_listed_and_downloadable(world, client):
    case = world.submitted_case()
    letter = services.case_file_add(case=case, actor=None, upload=pdf("vedtaksbrev.pdf"), kind=CaseFile.Kind.LETTER)
    client.force_login(world.applicant_a)

    page = text_of(client.get(case_page(case)))

    assert "vedtaksbrev.pdf" in page
    assert "No letters yet." not in page
    assert reverse("workflow:case_file_download", args=[letter.pk]) in page


ACTION_URLS = {
    "resubmit": "workflow:case_resubmit",
    "withdraw": "workflow:case_withdraw",
    "accept": "workflow:offer_accept",
    "decline": "workflow:offer_decline",
    "request_payment": "workflow:payment_request_create",
    "final_report": "workflow:final_report_file",
    "job_report": "workflow:job_report_file",
    "appeal": "workflow:case_appeal",
}

ALLOWED_ACTIONS = {
    State.SUBMITTED: {"withdraw"},
    State.SCREENING: {"withdraw"},
    State.RETURNED: {"resubmit", "withdraw"},
    State.DISMISSED: {"appeal"},
    State.RECOMMENDED: {"withdraw"},
    State.ON_AGENDA: set(),
    State.APPROVED: {"accept", "decline"},
    State.REJECTED: {"appeal"},
    State.APPEALED: set(),
    State.WITHDRAWN: set(),
    State.DECLINED: set(),
    State.ACCEPTED: {"request_payment", "final_report"},
    State.REPORTING: set(),
    State.LAPSED: set(),
    State.CANCELLED: set(),
    State.COMPLETED: {"job_report"},
    State.CLOSED: set(),
}


def actions_on(page: str, case: Case) -> set[str]:
    return {name for name, url in ACTION_URLS.items() if f'"{reverse(url, args=[case.reference])}"' in page}


@pytest.mark.parametrize("state", list(ALLOWED_ACTIONS))
def test_the_case_page_offers_exactly_the_actions_the_state_allows(world, client, state):
    case = case_in(world, state)
    client.force_login(world.applicant_a)

    response = client.get(case_page(case))

    assert response.status_code == 200
    assert actions_on(text_of(response), case) == ALLOWED_ACTIONS[state]


@pytest.mark.parametrize("state", [State.SUBMITTED, State.APPROVED, State.ACCEPTED])
def test_staff_see_the_case_page_without_the_applicants_actions(world, client, state):
    case = case_in(world, state)
    client.force_login(world.adviser_a)

    response = client.get(case_page(case))

    assert response.status_code == 200
    assert actions_on(text_of(response), case) == set()


def test_the_appeal_form_is_gone_once_the_deadline_has_passed(world, client):
    case = case_in(world, State.REJECTED)
    client.force_login(world.applicant_a)

    with clock.travel_to(clock.now() + dt.timedelta(days=30)):
        page = text_of(client.get(case_page(case)))

    assert actions_on(page, case) == set()
    assert "The deadline for appealing was" in page


# --- each action through the page ------------------------------------------------------------


def test_submitting_an_application_opens_its_case_page(world, client):
    application = world.application()
    client.force_login(world.applicant_a)

    response = client.post(
        reverse("workflow:application_submit", args=[application.pk]), {"next": "/bedrift/"}, follow=True
    )

    case = Case.objects.get(application=application)
    assert response.redirect_chain[-1][0] == case_page(case)
    assert f"Your application has been submitted. Its case number is {case.reference}." in text_of(response)
    assert case.state == State.SUBMITTED


def test_an_incomplete_application_goes_back_to_the_review_page_with_the_reasons(world, client):
    application = world.application(title="")
    client.force_login(world.applicant_a)
    review = "/bedrift/soknad/7/oppsummering/"

    response = client.post(reverse("workflow:application_submit", args=[application.pk]), {"next": review})

    assert response.status_code == 302
    assert response["Location"] == review
    assert not Case.objects.filter(application=application).exists()
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("Give the project a title." in m for m in messages)


def test_a_refused_submission_never_follows_a_next_address_to_another_site(world, client):
    application = world.application(title="")
    client.force_login(world.applicant_a)

    response = client.post(
        reverse("workflow:application_submit", args=[application.pk]), {"next": "https://evil.example/"}
    )

    assert response["Location"] == reverse("applications:companies")


def test_submitting_is_post_only_and_only_for_the_companys_people(world, client):
    application = world.application()
    client.force_login(world.applicant_b)
    url = reverse("workflow:application_submit", args=[application.pk])

    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 404
    assert Application.objects.get(pk=application.pk).status == Application.Status.DRAFT


def test_a_returned_application_is_submitted_again_from_the_case_page(world, client):
    case = case_in(world, State.RETURNED)
    client.force_login(world.applicant_a)

    page = text_of(client.get(case_page(case)))
    response = client.post(reverse("workflow:case_resubmit", args=[case.reference]), follow=True)

    assert "Legg ved budsjett." in page  # what the adviser asked for
    assert f'href="{drafting_url(case.application_id)}">Complete the application</a>' in page
    assert Case.objects.get(pk=case.pk).state == State.SUBMITTED
    assert "The application has been submitted again." in text_of(response)


def test_withdrawing_asks_to_confirm_and_keeps_the_comment(world, client):
    case = world.submitted_case()
    client.force_login(world.applicant_a)
    url = reverse("workflow:case_withdraw", args=[case.reference])

    confirm = client.get(url)
    response = client.post(url, {"comment": "Vi har fått finansiering et annet sted."}, follow=True)

    assert confirm.status_code == 200
    assert "Yes, withdraw the application" in text_of(confirm)
    assert Case.objects.get(pk=case.pk).state == State.WITHDRAWN
    assert "The application has been withdrawn." in text_of(response)
    assert "Vi har fått finansiering et annet sted." in text_of(response)


def test_accepting_the_offer_starts_the_project_deadline(world, client):
    case = case_in(world, State.APPROVED)
    client.force_login(world.applicant_a)

    response = client.post(reverse("workflow:offer_accept", args=[case.reference]), follow=True)

    case.refresh_from_db()
    assert case.state == State.ACCEPTED
    assert f"Start the project by {case.offer.start_by:%d.%m.%Y}." in text_of(response)


def test_declining_the_offer_asks_to_confirm_and_releases_the_grant(world, client):
    case = case_in(world, State.APPROVED)
    client.force_login(world.applicant_a)
    url = reverse("workflow:offer_decline", args=[case.reference])

    confirm = client.get(url)
    response = client.post(url, {"comment": ""}, follow=True)

    assert "Yes, decline the offer" in text_of(confirm)
    assert Case.objects.get(pk=case.pk).state == State.DECLINED
    assert LedgerEntry.objects.filter(case=case, kind="release", amount=GRANT).exists()
    assert "You have declined the offer." in text_of(response)


def test_a_part_payment_is_requested_with_a_pdf_that_only_the_company_can_download(world, client):
    case = case_in(world, State.ACCEPTED)
    client.force_login(world.applicant_a)

    response = client.post(
        reverse("workflow:payment_request_create", args=[case.reference]),
        {
            "payment-amount": "150 000",
            "payment-costs_to_date": "320000,50",
            "payment-report": "Første fase er ferdig.",
            "payment-attachments": [pdf("regnskap, fase 1.pdf")],
        },
        follow=True,
    )

    request = PaymentRequest.objects.get(case=case)
    assert (request.amount, request.costs_to_date, request.is_final) == (Decimal("150000"), Decimal("320000.50"), False)
    document = request.files.get()
    assert (document.kind, document.content_type, document.original_name) == (
        CaseFile.Kind.PAYMENT_REQUEST,
        "application/pdf",
        "regnskap, fase 1.pdf",
    )
    assert "Your request for a part payment of 150\u00a0000\u00a0kr has been sent." in text_of(response)
    download_url = reverse("workflow:case_file_download", args=[document.pk])
    assert download_url in text_of(response)

    download = client.get(download_url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("attachment;")
    assert "regnskap" in download["Content-Disposition"]

    client.force_login(world.applicant_b)
    assert client.get(download_url).status_code == 404


def test_a_file_lying_about_its_type_is_refused_at_the_field_and_nothing_is_stored(world, client, private_storage):
    case = case_in(world, State.ACCEPTED)
    client.force_login(world.applicant_a)
    before = trace(case)

    response = client.post(
        reverse("workflow:payment_request_create", args=[case.reference]),
        {
            "payment-amount": "100000",
            "payment-costs_to_date": "300000",
            "payment-report": "Første fase.",
            "payment-attachments": [pdf("bilag.pdf"), SimpleUploadedFile("faktura.pdf", EXE)],
        },
    )

    page = text_of(response)
    assert response.status_code == 409
    assert 'id="id_payment-attachments_error"' in page
    assert "The content of “faktura.pdf” is not PDF, DOCX, XLSX, PNG or JPEG, whatever its name says." in page
    assert 'href="#id_payment-attachments"' in page  # the error summary points at the field
    assert trace(case) == before
    assert not any(path.is_file() for path in private_storage.rglob("*"))


def test_a_part_payment_beyond_the_holdback_is_refused_at_the_amount(world, client):
    case = case_in(world, State.ACCEPTED)
    client.force_login(world.applicant_a)
    before = trace(case)

    response = client.post(
        reverse("workflow:payment_request_create", args=[case.reference]),
        {"payment-amount": "350000", "payment-costs_to_date": "800000", "payment-report": "Nesten ferdig."},
    )

    assert response.status_code == 409
    assert 'id="id_payment-amount_error"' in text_of(response)
    assert "Before the final report at most 300\u00a0000\u00a0kr may be paid" in text_of(response)
    assert trace(case) == before


def test_a_payment_request_without_a_report_shows_every_problem_at_once(world, client):
    case = case_in(world, State.ACCEPTED)
    client.force_login(world.applicant_a)

    response = client.post(
        reverse("workflow:payment_request_create", args=[case.reference]),
        {"payment-amount": "0", "payment-costs_to_date": "", "payment-report": ""},
    )

    page = text_of(response)
    assert response.status_code == 400
    assert 'class="ds-error-summary"' in page
    for field in ("amount", "costs_to_date", "report"):
        assert f'href="#id_payment-{field}"' in page
    assert 'aria-invalid="true"' in page
    assert not PaymentRequest.objects.filter(case=case).exists()


def test_the_final_report_is_filed_with_the_final_payment_request_and_its_attachments(world, client):
    case = case_in(world, State.ACCEPTED)
    client.force_login(world.applicant_a)

    response = client.post(
        reverse("workflow:final_report_file", args=[case.reference]),
        {
            "final-text": "Prosjektet er gjennomført som planlagt.",
            "final-amount": "400000",
            "final-costs_to_date": "1000000",
            "final-attachments": [pdf("sluttregnskap.pdf")],
        },
        follow=True,
    )

    assert Case.objects.get(pk=case.pk).state == State.REPORTING
    report = FinalReport.objects.get(case=case)
    final_request = PaymentRequest.objects.get(case=case, is_final=True)
    assert final_request.amount == GRANT
    document = report.files.get()
    assert document.payment_request == final_request
    assert "Your final report and the request for the final payment have been sent." in text_of(response)
    assert "Prosjektet er gjennomført som planlagt." in text_of(response)


def test_job_reports_are_filed_per_period_and_the_last_one_closes_the_case(world, client):
    case = case_in(world, State.COMPLETED)
    client.force_login(world.applicant_a)
    url = reverse("workflow:job_report_file", args=[case.reference])

    first = client.post(
        url, {"jobs-period_months": "12", "jobs-new_jobs": "2,5", "jobs-jobs_secured": "4"}, follow=True
    )
    page_after_first = text_of(client.get(case_page(case)))
    second = client.post(url, {"jobs-period_months": "24", "jobs-new_jobs": "3", "jobs-jobs_secured": "4"}, follow=True)

    assert "Thank you for the job report." in text_of(first)
    assert 'value="12"' not in page_after_first  # only the period still due is offered
    assert 'value="24"' in page_after_first
    reports = list(JobReport.objects.filter(case=case).values_list("period_months", "new_jobs", "jobs_secured"))
    assert reports == [(12, Decimal("2.5"), Decimal("4.0")), (24, Decimal("3.0"), Decimal("4.0"))]
    assert Case.objects.get(pk=case.pk).state == State.CLOSED
    assert "the case is now closed" in text_of(second)


def test_a_refusal_is_appealed_from_the_case_page_within_the_deadline(world, client):
    case = case_in(world, State.REJECTED)
    client.force_login(world.applicant_a)

    page = text_of(client.get(case_page(case)))
    response = client.post(
        reverse("workflow:case_appeal", args=[case.reference]),
        {"appeal-text": "Styret har misforstått markedet."},
        follow=True,
    )

    assert f"You may appeal the decision until {case.appeal_deadline():%d.%m.%Y}" in page
    assert Case.objects.get(pk=case.pk).state == State.APPEALED
    assert Appeal.objects.get(case=case).text == "Styret har misforstått markedet."
    assert "Your appeal has been filed." in text_of(response)


# --- actions the state does not allow --------------------------------------------------------

WRONG_STATE_POSTS = [
    ("resubmit", State.SUBMITTED, {}, "A case that is “Submitted” cannot submit the application again."),
    (
        "withdraw",
        State.APPROVED,
        {"comment": "Likevel ikke."},
        "A case that is “Approved (offer sent)” cannot withdraw the application.",
    ),
    ("accept", State.SUBMITTED, {}, "A case that is “Submitted” cannot accept the offer."),
    ("accept", State.ACCEPTED, {}, "A case that is “Offer accepted” cannot accept the offer."),
    ("decline", State.ACCEPTED, {"comment": ""}, "A case that is “Offer accepted” cannot decline the offer."),
    (
        "request_payment",
        State.APPROVED,
        {"payment-amount": "1000", "payment-costs_to_date": "2000", "payment-report": "Ferdig."},
        "Part payments can be requested only while the offer is accepted and the project runs.",
    ),
    (
        "final_report",
        State.REPORTING,
        {"final-text": "Igjen.", "final-amount": "1000", "final-costs_to_date": "2000"},
        "A case that is “Final report filed” cannot file the final report.",
    ),
    (
        "job_report",
        State.ACCEPTED,
        {"jobs-period_months": "12", "jobs-new_jobs": "1", "jobs-jobs_secured": "0"},
        "Job reports are filed after the project is completed; the case is “Offer accepted”.",
    ),
    ("appeal", State.APPROVED, {"appeal-text": "Vi vil ha mer."}, "cannot appeal the decision."),
    (
        "appeal",
        State.APPEALED,
        {"appeal-text": "En gang til."},
        "A case that is “Appealed” cannot appeal the decision.",
    ),
]


@pytest.mark.parametrize(
    ("action", "state", "data", "message"),
    WRONG_STATE_POSTS,
    ids=[f"{action}-in-{state}" for action, state, _data, _message in WRONG_STATE_POSTS],
)
def test_an_action_the_state_does_not_allow_is_refused_and_changes_nothing(world, client, action, state, data, message):
    case = case_in(world, state)
    client.force_login(world.applicant_a)
    before = trace(case)

    response = client.post(reverse(ACTION_URLS[action], args=[case.reference]), data, follow=True)

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == case_page(case)
    page = text_of(response)
    assert 'data-color="danger"' in page
    assert message in page
    assert trace(case) == before


@pytest.mark.parametrize("action", ["withdraw", "decline"])
def test_a_confirmation_page_for_an_action_the_state_does_not_allow_is_refused(world, client, action):
    case = case_in(world, State.ACCEPTED)
    client.force_login(world.applicant_a)

    response = client.get(reverse(ACTION_URLS[action], args=[case.reference]), follow=True)

    assert response.redirect_chain[-1][0] == case_page(case)
    assert "That cannot be done on this case now. The case is “Offer accepted”." in text_of(response)


def test_submitting_a_returned_application_again_is_refused_while_it_is_incomplete(world, client):
    case = case_in(world, State.RETURNED)
    application_services.application_update(application=case.application, actor=world.applicant_a, title="")
    client.force_login(world.applicant_a)
    before = trace(case)

    response = client.post(reverse("workflow:case_resubmit", args=[case.reference]), follow=True)

    assert "The application cannot be submitted yet: Give the project a title." in text_of(response)
    assert trace(case) == before


def test_accepting_after_the_deadline_is_refused_with_the_reason(world, client):
    case = case_in(world, State.APPROVED)
    client.force_login(world.applicant_a)
    before = trace(case)

    with clock.travel_to(clock.now() + dt.timedelta(days=30)):
        response = client.post(reverse("workflow:offer_accept", args=[case.reference]), follow=True)

    assert "The deadline for accepting the offer has passed." in text_of(response)
    assert trace(case) == before


def test_an_invalid_form_for_an_action_the_state_does_not_allow_is_refused_too(world, client):
    case = world.submitted_case()
    client.force_login(world.applicant_a)

    response = client.post(reverse("workflow:case_appeal", args=[case.reference]), {"appeal-text": ""}, follow=True)

    assert "That cannot be done on this case now. The case is “Submitted”." in text_of(response)
    assert Case.objects.get(pk=case.pk).state == State.SUBMITTED


# --- downloads -------------------------------------------------------------------------------


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
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

    assert "submitted" in str(refused.value).lower()
    assert not application.attachments.exists()


def test_saving_one_step_from_a_stale_page_does_not_undo_another_step(world):
    application = world.application(information_is_true=False)
    stale = Application.objects.get(pk=application.pk)  # the project step, opened earlier
    application_services.application_update(application=application, actor=world.applicant_a, information_is_true=True)

    application_services.application_update(application=stale, actor=world.applicant_a, title="Nytt navn")

    application.refresh_from_db()
    assert application.title == "Nytt navn"
    assert application.information_is_true is True
