"""The API applies the pages' rules: an applicant's token reaches only his or her companies'
cases, an adviser only his or her municipalities', and staff-only notes stay with the staff."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from programme import clock
from tests.journey import World, case_in
from tests.workflow.api.support import case_paths, references, token_client
from workflow import services
from workflow.models import Case, State


@pytest.fixture
def granted(world: World):
    """Company A's case with a decision, payments and a job report; company B's in screening."""
    case_a = case_in(world, State.COMPLETED)
    services.job_report_file(case=case_a, actor=world.applicant_a, new_jobs=Decimal("2.0"), jobs_secured=Decimal("1.0"))
    case_b = case_in(world, State.SCREENING, company=world.company_b)
    return case_a, case_b


def test_an_applicants_token_never_reaches_another_companys_case(world: World, granted) -> None:
    case_a, case_b = granted
    client = token_client(world.applicant_a)

    assert references(client.get("/api/cases/")) == {case_a.reference}
    for path in case_paths(case_b.reference):
        assert client.get(path).status_code == 404, path
    for path in case_paths(case_a.reference):
        assert client.get(path).status_code == 200, path
    # No filter widens the list: a search for the other case finds nothing.
    assert references(client.get("/api/cases/", {"q": case_b.reference})) == set()


def test_the_applicant_sees_the_decisions_payments_and_job_reports_of_the_own_case(world: World, granted) -> None:
    case_a, _ = granted
    client = token_client(world.applicant_a)
    base = f"/api/cases/{case_a.reference}/"

    decisions = client.get(f"{base}decisions/").json()["results"]
    payments = client.get(f"{base}payments/").json()["results"]
    assert [d["outcome"] for d in decisions] == ["approve"]
    assert sum(Decimal(p["amount"]) for p in payments) == sum(p.amount for p in case_a.payments.all())
    assert len(client.get(f"{base}job-reports/").json()["results"]) == case_a.job_reports.count()
    detail = client.get(base).json()
    assert detail["granted_amount"] == str(case_a.offer.amount)
    assert detail["state"] == State.COMPLETED


def test_an_adviser_never_sees_another_municipalitys_case(world: World, granted) -> None:
    case_a, case_b = granted
    client = token_client(world.adviser_a)

    assert references(client.get("/api/cases/")) == {case_a.reference}
    for path in case_paths(case_b.reference):
        assert client.get(path).status_code == 404, path
    # Filtering by the other municipality is refused at the field, not answered with its cases.
    response = client.get("/api/cases/", {"municipality": world.municipality_b.pk})
    assert response.status_code == 400
    assert "municipality" in response.json()


def test_board_and_administrator_see_every_case_of_their_programme_and_no_other(world: World, granted) -> None:
    both = {case.reference for case in granted}
    assert references(token_client(world.board_member).get("/api/cases/")) == both
    assert references(token_client(world.admin).get("/api/cases/")) == both
    assert references(token_client(world.other_admin).get("/api/cases/")) == set()
    assert token_client(world.other_admin).get(f"/api/cases/{granted[0].reference}/").status_code == 404


def test_the_worklist_filters_narrow_the_list(world: World, granted) -> None:
    case_a, case_b = granted
    client = token_client(world.admin)
    assert references(client.get("/api/cases/", {"state": State.SCREENING})) == {case_b.reference}
    assert references(client.get("/api/cases/", {"phase": "evaluation"})) == {case_a.reference}
    assert references(client.get("/api/cases/", {"municipality": world.municipality_a.pk})) == {case_a.reference}
    assert client.get("/api/cases/", {"state": "nonsense"}).status_code == 400


def test_the_overdue_filter_lists_the_cases_past_the_screening_deadline(world: World, granted) -> None:
    # The API's scope is not the worklist's: the filter once answered 500 here.
    _, case_b = granted
    for person in (world.admin, world.adviser_b, world.applicant_a, world.other_admin):
        assert references(token_client(person).get("/api/cases/", {"overdue": "true"})) == set()
    late = clock.now() - timedelta(days=world.programme.screening_days + 2)
    Case.objects.filter(pk=case_b.pk).update(submitted_at=late)
    assert references(token_client(world.admin).get("/api/cases/", {"overdue": "true"})) == {case_b.reference}
    assert references(token_client(world.applicant_a).get("/api/cases/", {"overdue": "true"})) == set()
    assert len(references(token_client(world.admin).get("/api/cases/", {"overdue": "false"}))) == 2


def test_staff_only_timeline_events_are_hidden_from_the_applicant(world: World) -> None:
    case = case_in(world, State.SCREENING)
    services.case_note_add(case=case, actor=world.adviser_a, text="Intern vurdering", staff_only=True)

    def comments(user) -> list[str]:
        response = token_client(user).get(f"/api/cases/{case.reference}/timeline/")
        assert response.status_code == 200
        return [event["comment"] for event in response.json()["results"]]

    assert "Intern vurdering" in comments(world.adviser_a)
    assert "Intern vurdering" in comments(world.admin)
    assert "Intern vurdering" not in comments(world.applicant_a)
    assert comments(world.applicant_a)  # the rest of the history is there


def test_token_and_session_authentication_both_work(world: World) -> None:
    case = case_in(world, State.SUBMITTED)
    session = APIClient()
    session.force_login(world.applicant_a)
    assert references(session.get("/api/cases/")) == {case.reference}
    assert references(token_client(world.applicant_a).get("/api/cases/")) == {case.reference}


def test_anonymous_requests_are_refused(world: World) -> None:
    case = case_in(world, State.SUBMITTED)
    client = APIClient()
    for path in [
        "/api/cases/",
        "/api/programmes/",
        "/api/budget-years/",
        "/api/evaluations/",
        *case_paths(case.reference),
    ]:
        assert client.get(path).status_code == 401, path
    bad = APIClient()
    bad.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert bad.get("/api/cases/").status_code == 401


def test_a_person_gets_a_token_with_e_mail_address_and_password(world: World) -> None:
    world.applicant_a.set_password("Et langt passord 123")
    world.applicant_a.save()
    client = APIClient()

    refused = client.post("/api/token/", {"username": world.applicant_a.email, "password": "feil"}, format="json")
    assert refused.status_code == 400
    response = client.post(
        "/api/token/", {"username": world.applicant_a.email, "password": "Et langt passord 123"}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    assert APIClient(HTTP_AUTHORIZATION=f"Token {token}").get("/api/cases/").status_code == 200


def test_an_address_with_a_nul_character_does_not_exist(world: World) -> None:
    # PostgreSQL cannot compare a NUL: the address must be refused before any query (404).
    client = token_client(world.admin)
    for path in [*case_paths("NUP%00"), "/api/programmes/NUP%00/", "/api/evaluations/1%00/"]:
        assert client.get(path).status_code == 404, path
    assert client.get("/api/cases/", {"q": "a\x00b"}).status_code == 400
    assert client.get("/api/cases/", {"municipality": "1\x00"}).status_code == 400
