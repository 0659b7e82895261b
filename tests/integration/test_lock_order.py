"""The one lock helper (programme.locking.lock_objects) on PostgreSQL: locks taken in one
global order cannot deadlock, and a lock held too long gives a refusal a person can read.

Before the helper, ``agenda_add_cases`` locked case, meeting, case, …: two people placing the
same cases on two meetings in opposite order each held a case the other waited for, and
PostgreSQL killed one of them as a deadlock.  Each thread uses its own connection and closes it.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django.utils import translation

from programme import clock
from programme.errors import RuleViolation
from programme.locking import de_minimis_key, lock_objects
from tests.integration.postgresql import postgresql_only
from tests.integration.test_concurrent_approval import race
from tests.journey import GRANT, World, build_world, case_in
from workflow import services
from workflow.models import AgendaItem, BoardMeeting, Case, LedgerEntry, Offer, Screening, State, TimelineEvent

ROUNDS = 10
THREAD_TIMEOUT = 60

pytestmark = postgresql_only("the lock-order tests need PostgreSQL row locks")


def second_meeting(world: World) -> BoardMeeting:
    today = clock.today()
    return services.meeting_create(
        programme=world.programme, actor=world.admin, date=today + dt.timedelta(days=7), members=[world.board_member]
    )


def agenda_adds(meeting: BoardMeeting, cases: list[Case], actor) -> Callable[[], list[AgendaItem]]:
    return lambda: services.agenda_add_cases(meeting=meeting, cases=cases, actor=actor)


def agenda_of(meeting: BoardMeeting) -> list[tuple[int, int]]:
    return list(AgendaItem.objects.filter(meeting=meeting).order_by("position").values_list("position", "case_id"))


def test_two_people_placing_the_same_cases_in_opposite_order_on_two_meetings_take_turns():
    """Each round one of the two adds wins all three cases and the other is refused (the
    cases are on an agenda by then); never a deadlock, never half a list."""
    world = build_world()
    meetings = [world.meeting, second_meeting(world)]

    for round_number in range(1, ROUNDS + 1):
        cases = [case_in(world, State.RECOMMENDED) for _ in range(3)]
        before = [agenda_of(meeting) for meeting in meetings]

        results = race(
            agenda_adds(meetings[0], cases, world.admin),
            agenda_adds(meetings[1], list(reversed(cases)), world.admin),
        )

        errors = [value for kind, value in results if kind == "error"]
        assert not errors, f"round {round_number}: {errors!r}"
        assert sorted(kind for kind, _value in results) == ["ok", "refused"], results
        winner = next(i for i, (kind, _value) in enumerate(results) if kind == "ok")
        loser = 1 - winner
        chosen = cases if winner == 0 else list(reversed(cases))
        added = agenda_of(meetings[winner])[len(before[winner]) :]
        start = len(before[winner])
        assert added == [(start + i, case.pk) for i, case in enumerate(chosen, start=1)], f"round {round_number}"
        assert agenda_of(meetings[loser]) == before[loser], f"round {round_number}: the refused add left items"
        for case in cases:
            assert Case.objects.get(pk=case.pk).state == State.ON_AGENDA
            assert AgendaItem.objects.filter(case=case).count() == 1


def test_two_people_placing_other_cases_in_opposite_order_on_one_meeting_both_get_them_all():
    """Different cases, one meeting: both adds go through, and the agenda numbers every case
    once (1, 2, 3, 4), none lost to the other's transaction."""
    world = build_world()

    for round_number in range(1, ROUNDS + 1):
        meeting = second_meeting(world)
        a, b, c, d = sorted((case_in(world, State.RECOMMENDED) for _ in range(4)), key=lambda case: case.pk)

        results = race(agenda_adds(meeting, [a, d], world.admin), agenda_adds(meeting, [c, b], world.admin))

        assert [kind for kind, _value in results] == ["ok", "ok"], f"round {round_number}: {results!r}"
        agenda = agenda_of(meeting)
        assert [position for position, _case in agenda] == [1, 2, 3, 4], f"round {round_number}"
        assert sorted(case for _position, case in agenda) == sorted(case.pk for case in (a, b, c, d))
        # Each person's cases stay in the order that person chose.
        order = [case for _position, case in agenda]
        assert order.index(a.pk) < order.index(d.pk) and order.index(c.pk) < order.index(b.pk)


def hold_lock(targets: Callable[[], list[Any]], locked: threading.Event, release: threading.Event, advisory=()) -> dict:
    """Start a thread that locks ``targets()`` (and ``advisory`` keys) in a transaction and
    keeps it open until ``release`` is set."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            with transaction.atomic():
                lock_objects(*targets(), advisory=advisory)
                locked.set()
                release.wait(timeout=THREAD_TIMEOUT)
        except BaseException as error:  # noqa: BLE001 - reported by the test
            outcome["error"] = error
            locked.set()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    outcome["thread"] = thread
    return outcome


@override_settings(LOCK_TIMEOUT=0.3)
def test_a_case_locked_longer_than_the_lock_timeout_refuses_with_busy_and_changes_nothing():
    world = build_world()
    case = case_in(world, State.SUBMITTED)
    events = TimelineEvent.objects.filter(case=case).count()
    locked, release = threading.Event(), threading.Event()
    holder = hold_lock(lambda: [Case.objects.get(pk=case.pk)], locked, release)
    try:
        assert locked.wait(timeout=THREAD_TIMEOUT)
        assert "error" not in holder, holder
        with pytest.raises(RuleViolation) as refused, translation.override("nb"):
            services.case_take(case=case, actor=world.adviser_a)
        refusal = refused.value
    finally:
        release.set()
        holder["thread"].join(timeout=THREAD_TIMEOUT)

    assert refusal.code == "busy"
    assert refusal.message == "Saken er opptatt; prøv igjen."
    case.refresh_from_db()
    assert case.state == State.SUBMITTED
    assert TimelineEvent.objects.filter(case=case).count() == events
    assert not Screening.objects.filter(case=case).exists()
    # Once the other transaction is over, the same action goes through.
    services.case_take(case=case, actor=world.adviser_a)
    assert Case.objects.get(pk=case.pk).state == State.SCREENING


@override_settings(LOCK_TIMEOUT=0.3)
def test_an_approval_waiting_on_the_organisations_de_minimis_key_past_the_timeout_is_refused():
    """The advisory key (held here by another programme's approval, say) falls under the
    same timeout as the rows."""
    world = build_world()
    case = case_in(world, State.ON_AGENDA)
    key = de_minimis_key(case.application.company.org_number)
    locked, release = threading.Event(), threading.Event()
    holder = hold_lock(lambda: [], locked, release, advisory=[key])
    try:
        assert locked.wait(timeout=THREAD_TIMEOUT)
        assert "error" not in holder, holder
        with pytest.raises(RuleViolation) as refused:
            services.decision_approve(case=case, actor=world.board_member, amount=GRANT, legal_basis="de_minimis")
    finally:
        release.set()
        holder["thread"].join(timeout=THREAD_TIMEOUT)

    assert refused.value.code == "busy"
    assert Case.objects.get(pk=case.pk).state == State.ON_AGENDA
    assert not LedgerEntry.objects.filter(case=case).exists()
    assert not Offer.objects.filter(case=case).exists()
