"""The Django admin's lists and a case's change page read a fixed number of queries, whatever
the number of rows (issue 16: the ledger list issued 511, a case's change page 110)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from programme import clock
from tests.factories import (
    BudgetYearFactory,
    CompanyFactory,
    MunicipalityFactory,
    UserFactory,
    add_member,
    staff_role,
)
from tests.journey import World, build_world, case_in
from tests.programme.test_admin_walk import label, registered_models, url
from workflow import services
from workflow.models import Case, State

FROZEN = timezone.make_aware(dt.datetime(2026, 3, 2, 10, 0))


@pytest.fixture
def world(db: None) -> World:
    # Room in the year's frame for twenty grants.
    with clock.travel_to(FROZEN):
        return build_world(frame=Decimal("20000000"))


def add_rows(world: World, start: int, count: int) -> None:
    """``count`` more of what the lists show: cases with their offers, ledger rows, payments
    and timelines, and budget years, municipalities, people and roles."""
    with clock.travel_to(FROZEN):
        for n in range(start, start + count):
            # A company of its own for each: a company's grants stop at the de minimis ceiling.
            company = CompanyFactory(programme=world.programme, municipality=world.municipality_b)
            add_member(company, world.applicant_b)
            case_in(world, State.COMPLETED, company=company)
            BudgetYearFactory(programme=world.programme, year=2040 + n, frame=1000)
            municipality = MunicipalityFactory(programme=world.programme, number=f"{5000 + n}", name=f"Kommune {n}")
            staff_role(UserFactory(), world.programme, "adviser", [municipality])


def changelist_queries(client: Client) -> dict[str, int]:
    counts = {}
    for model in registered_models():
        with CaptureQueriesContext(connection) as queries:
            answer = client.get(url(model, "changelist"))
        assert answer.status_code in (200, 403), (label(model), answer.status_code)
        counts[label(model)] = len(queries)
    return counts


@pytest.mark.parametrize("who", ["superuser", "administrator"])
def test_every_list_reads_as_many_queries_for_twenty_rows_as_for_two(world: World, who: str) -> None:
    person = UserFactory(is_staff=True, is_superuser=True) if who == "superuser" else world.admin
    client = Client()
    client.force_login(person)
    add_rows(world, 0, 2)
    few = changelist_queries(client)
    add_rows(world, 2, 18)
    many = changelist_queries(client)
    assert Case.objects.count() == 20
    grown = {name: (few[name], many[name]) for name in few if few[name] != many[name]}
    assert not grown, f"queries with 2 rows, with 20: {grown}"


def test_a_cases_change_page_reads_as_many_queries_for_a_long_timeline_as_a_short(world: World) -> None:
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    with clock.travel_to(FROZEN):
        short = case_in(world, State.COMPLETED)
        long = case_in(world, State.COMPLETED, company=world.company_b)
        for n in range(10):
            services.case_note_add(case=long, actor=world.adviser_b, text=f"Notat {n}.")
    assert long.events.count() == short.events.count() + 10

    def queries(case: Case) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url(Case, "change", case.pk)).status_code == 200
        return len(captured)

    queries(short)  # once before counting: Django caches the content types on the first
    assert queries(long) == queries(short)
