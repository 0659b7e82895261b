"""The staff menu in the page header: each person sees the links of the roles they hold, and
applicants none."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.journey import World

pytestmark = pytest.mark.django_db

MENU = 'class="np-staff-menu"'


def _menu_of(client: Client, user: object) -> str:
    client.force_login(user)
    html = client.get(reverse("account")).content.decode()
    if MENU not in html:
        return ""
    return html[html.index(MENU) : html.index("</nav>", html.index(MENU))]


def test_an_applicant_sees_no_staff_menu(client: Client, world: World) -> None:
    assert _menu_of(client, world.applicant_a) == ""


def test_an_administrator_sees_the_budget_of_the_own_programme_only(client: Client, world: World) -> None:
    menu = _menu_of(client, world.admin)
    assert reverse("staff_admin:budget_latest", kwargs={"code": "NUP"}) in menu
    assert reverse("staff_admin:budget_latest", kwargs={"code": "OTH"}) not in menu


def test_an_adviser_sees_no_administration_links(client: Client, world: World) -> None:
    menu = _menu_of(client, world.adviser_a)
    assert menu != ""
    assert "/administrasjon/" not in menu


def _queries(client: Client, user: object) -> list[str]:
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("account"))
    return [query["sql"] for query in queries.captured_queries]


def test_the_menu_costs_one_query_whatever_the_roles(client: Client, world: World) -> None:
    applicant, admin = _queries(client, world.applicant_a), _queries(Client(), world.admin)
    assert len(admin) == len(applicant)
    assert sum("programme_staffrole" in sql for sql in admin) == 1


def test_staff_start_at_the_worklist_and_applicants_at_their_cases(client: Client, world: World) -> None:
    client.force_login(world.board_member)
    assert client.get(reverse("home")).url == reverse("worklist:list")
    client.force_login(world.applicant_a)
    assert client.get(reverse("home")).url == reverse("workflow:my_cases")


def test_a_board_member_sees_the_worklist_and_the_meetings_but_not_the_budget(client: Client, world: World) -> None:
    menu = _menu_of(client, world.board_member)
    assert reverse("worklist:list") in menu
    assert "/administrasjon/" not in menu
