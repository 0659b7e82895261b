"""The applicant's actions, each done through the case page, and refusals that change nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications import services as application_services
from applications.models import Application
from programme import clock
from programme.money import format_nok
from tests.journey import GRANT, case_in
from tests.workflow.applicant.support import ACTION_URLS, EXE, PDF, case_page, pdf, text_of, trace
from workflow.models import (
    Appeal,
    Case,
    CaseFile,
    FinalReport,
    JobReport,
    LedgerEntry,
    PaymentRequest,
    State,
)
from workflow.views.applicant import drafting_url

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


def test_accepting_the_offer_asks_to_confirm_and_starts_the_project_deadline(world, client):
    case = case_in(world, State.APPROVED)
    client.force_login(world.applicant_a)
    url = reverse("workflow:offer_accept", args=[case.reference])
    before = trace(case)

    # The case page links to the confirmation, as for declining: no one-click acceptance.
    page = text_of(client.get(case_page(case)))
    assert f'href="{url}"' in page and f'action="{url}"' not in page
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert f"Accept the offer for {case.reference}?" in text_of(confirm)
    assert "Yes, accept the offer" in text_of(confirm) and f'action="{url}"' in text_of(confirm)
    assert "No, go back to the case" in text_of(confirm)
    assert format_nok(GRANT) in text_of(confirm)  # the terms, the grant first
    assert trace(case) == before  # asking changes nothing

    response = client.post(url, follow=True)

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


@pytest.mark.parametrize("action", ["withdraw", "decline", "accept"])
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
