"""The applicant's pages: my cases, and the case page with exactly the actions its state allows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from programme import clock
from tests.journey import case_in
from tests.workflow.applicant.support import ACTION_URLS, case_page, pdf, text_of
from workflow import services
from workflow.models import (
    Case,
    CaseFile,
    State,
)

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
