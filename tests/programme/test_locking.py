"""programme.locking.lock_objects: one global order for every lock, and fresh rows back.

The race itself (two transactions, real locks) is shown on PostgreSQL in
tests/integration/test_lock_order.py; here the order and the re-read, on any database.
"""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from applications.models import Application
from programme.locking import LOCK_ORDER, AdvisoryKey, de_minimis_key, lock_objects, lock_plan, one
from programme.models import BudgetYear, Programme
from tests.journey import build_world, case_in
from workflow.models import AgendaItem, BoardMeeting, Case, Offer, State, TimelineEvent


def kinds(plan) -> list[tuple[str, tuple]]:
    return [(step.kind, step.pks) for step in plan]


def test_the_plan_orders_by_kind_then_key_whatever_order_the_service_gives():
    plan = lock_plan(
        [Case(pk=7), Offer(pk=1), Case(pk=3), BoardMeeting(pk=2), BudgetYear(pk=9), Application(pk=4)],
        advisory=[de_minimis_key("999888777"), de_minimis_key("111222333")],
    )

    assert kinds(plan) == [
        ("de-minimis:111222333", ()),
        ("de-minimis:999888777", ()),
        ("programme.budgetyear", (9,)),
        ("workflow.boardmeeting", (2,)),
        ("workflow.case", (3, 7)),
        ("workflow.offer", (1,)),
        ("applications.application", (4,)),
    ]


def test_the_same_call_in_any_order_gives_the_same_plan():
    """What makes a deadlock impossible: two services asking for the same things in a
    different order still lock them in one order."""
    one_way = lock_plan([Case(pk=5), BoardMeeting(pk=1), Case(pk=2)], advisory=[de_minimis_key("1")])
    other_way = lock_plan([Case(pk=2), Case(pk=5), BoardMeeting(pk=1)], advisory=[de_minimis_key("1")])

    assert kinds(one_way) == kinds(other_way)


def test_the_global_order_puts_the_wide_locks_before_the_narrow_ones():
    order = LOCK_ORDER.index
    assert order("de-minimis") < order("programme.budgetyear") < order("workflow.case")
    assert order("programme.programme") < order("applications.application")
    assert order("workflow.boardmeeting") < order("workflow.agendaitem") < order("workflow.case")
    assert order("workflow.case") < order("workflow.offer") < order("workflow.paymentrequest")
    assert order("workflow.case") < order("applications.application") < order("applications.company")


def test_a_kind_without_a_place_in_the_order_is_refused():
    with pytest.raises(ValueError, match="workflow.timelineevent"):
        lock_plan([TimelineEvent(pk=1)])
    with pytest.raises(ValueError, match="unknown"):
        lock_plan([], advisory=[AdvisoryKey("unknown", "1")])


def test_a_kind_is_given_once_as_a_queryset_or_as_instances():
    with pytest.raises(ValueError, match="given twice"):
        lock_plan([Case.objects.all(), Case(pk=1)])
    with pytest.raises(ValueError, match="unsaved"):
        lock_plan([Case()])


def test_locking_outside_a_transaction_is_a_mistake():
    with pytest.raises(RuntimeError, match="transaction"):
        lock_objects(Programme(pk=1))


@pytest.mark.django_db
def test_the_rows_come_back_as_they_are_under_the_lock_in_the_order_given():
    world = build_world()
    case = case_in(world, State.ON_AGENDA)
    stale_year = BudgetYear.objects.get(pk=world.budget_year.pk)
    BudgetYear.objects.filter(pk=stale_year.pk).update(target_jobs=123)

    with transaction.atomic():
        locked_case, year, items = lock_objects(
            one(Case.objects.select_related("programme").filter(pk=case.pk)),
            stale_year,
            AgendaItem.objects.filter(meeting=world.meeting),
        )

    assert locked_case.pk == case.pk and locked_case.programme == world.programme
    assert year.target_jobs == 123 != stale_year.target_jobs
    assert [item.case_id for item in items] == [case.pk]


@pytest.mark.django_db
def test_the_queries_run_in_the_global_order():
    world = build_world()
    case = case_in(world, State.ON_AGENDA)

    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        lock_objects(case, world.meeting, world.budget_year, world.programme)

    tables = [
        next(
            table
            for table in ("programme_programme", "programme_budgetyear", "boardmeeting", "workflow_case")
            if table in query["sql"]
        )
        for query in queries.captured_queries
        if "SELECT" in query["sql"] and "FROM" in query["sql"]
    ]
    assert tables == ["programme_programme", "programme_budgetyear", "boardmeeting", "workflow_case"]


@pytest.mark.django_db
def test_a_row_that_is_gone_is_not_found():
    world = build_world()
    with pytest.raises(Case.DoesNotExist), transaction.atomic():
        lock_objects(one(Case.objects.filter(programme=world.programme)))
    with pytest.raises(BoardMeeting.DoesNotExist), transaction.atomic():
        lock_objects(BoardMeeting(pk=world.meeting.pk + 1000))
