"""On the demo data (a whole programme in every state), every staff page opens for the demo
staff: the worklist, the case page of every case, each meeting's agenda, the administrator's
pages.  Realistic data finds what hand-made fixtures miss."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from programme.models import BudgetYear, User
from tests.demo import loaded_for_the_module
from workflow.models import BoardMeeting, Case

# One xdist worker runs the whole module, so the demo is loaded once (tests/demo.py).
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group(__name__)]


@pytest.fixture(scope="module")
def demo_loaded(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    yield from loaded_for_the_module(django_db_blocker)


@pytest.fixture
def demo(demo_loaded: str, db: None) -> None:
    """The demo, loaded once for the module (tests/demo.py)."""


def _client(email: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(email=email))
    return client


def test_the_adviser_sees_the_worklist_and_the_case_page_of_each_own_case(demo: None) -> None:
    client = _client("radgiver@demo.no")
    worklist = client.get(reverse("worklist:list"))
    assert worklist.status_code == 200
    own = Case.objects.filter(municipality__advisers__user__email="radgiver@demo.no").distinct()
    assert own.exists()
    for case in own:
        assert case.reference in worklist.content.decode()  # the demo fits on one page
        response = client.get(reverse("staff:case_detail", kwargs={"reference": case.reference}))
        assert response.status_code == 200, case.reference
    for case in Case.objects.exclude(pk__in=own):
        response = client.get(reverse("staff:case_detail", kwargs={"reference": case.reference}))
        assert response.status_code == 404, case.reference


def test_the_board_member_opens_every_meeting_and_every_case(demo: None) -> None:
    client = _client("styre@demo.no")
    assert client.get(reverse("board:meetings", kwargs={"code": "NUP"})).status_code == 200
    meetings = BoardMeeting.objects.filter(programme__code="NUP")
    assert meetings.exists()
    for meeting in meetings:
        response = client.get(reverse("board:meeting", kwargs={"code": "NUP", "pk": meeting.pk}))
        assert response.status_code == 200, meeting
    for case in Case.objects.filter(programme__code="NUP"):
        response = client.get(reverse("staff:case_detail", kwargs={"reference": case.reference}))
        assert response.status_code == 200, case.reference


@pytest.mark.parametrize("name", ["payments", "public_register", "job_outcomes", "budget_latest"])
def test_the_administrator_opens_each_administration_page(demo: None, name: str) -> None:
    client = _client("admin@demo.no")
    response = client.get(reverse(f"staff_admin:{name}", kwargs={"code": "NUP"}), follow=True)
    assert response.status_code == 200


def test_the_administrator_opens_the_budget_of_every_year(demo: None) -> None:
    client = _client("admin@demo.no")
    for budget_year in BudgetYear.objects.filter(programme__code="NUP"):
        url = reverse("staff_admin:budget", kwargs={"code": "NUP", "year": budget_year.year})
        assert client.get(url).status_code == 200, budget_year.year


def test_the_applicant_reaches_no_staff_page(demo: None) -> None:
    client = _client("soker@demo.no")
    assert client.get(reverse("worklist:list")).status_code == 404
    assert client.get(reverse("board:meetings", kwargs={"code": "NUP"})).status_code == 404
    assert client.get(reverse("staff_admin:payments", kwargs={"code": "NUP"})).status_code == 404
    case = Case.objects.filter(programme__code="NUP").first()
    assert client.get(reverse("staff:case_detail", kwargs={"reference": case.reference})).status_code == 404
