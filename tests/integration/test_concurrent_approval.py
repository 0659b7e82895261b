"""Two board members approve at the same moment against a year with room for one grant
(SPEC §5): the budget-year row lock must count them one after the other.

Runs only on PostgreSQL: SQLite has no row locks and serialises whole transactions, so it
cannot show the race.  Each thread uses its own database connection and closes it.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import connection, transaction

from applications.services import company_create
from programme import clock
from programme.errors import RuleViolation
from programme.models import Contribution
from tests.factories import (
    ApplicationFactory,
    BudgetYearFactory,
    CompanyFactory,
    FocusAreaFactory,
    MunicipalityFactory,
    UserFactory,
    staff_role,
)
from tests.integration.postgresql import postgresql_only
from tests.journey import GRANT, build_world, case_in
from workflow import services
from workflow.models import Case, Decision, LedgerEntry, Offer, State
from workflow.selectors import budget_year_figures

ROUNDS = 20
# Each round the frame grows by one grant, so the year always has room for 1.5 grants:
# one approval fits, two do not.
ROOM = GRANT + GRANT / 2
THREAD_TIMEOUT = 60

pytestmark = postgresql_only("the approval race needs PostgreSQL row locks")


def race(*calls: Callable[[], Any]) -> list[tuple[str, Any]]:
    """Run ``calls`` in threads that start together; each result is ("ok", value),
    ("refused", RuleViolation) or ("error", exception)."""
    barrier = threading.Barrier(len(calls))
    results: list[tuple[str, Any]] = [("error", "thread did not finish")] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=THREAD_TIMEOUT)
            results[index] = ("ok", call())
        except RuleViolation as violation:
            results[index] = ("refused", violation)
        except BaseException as error:  # noqa: BLE001 - reported by the test, not swallowed
            results[index] = ("error", error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=THREAD_TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "an approval hung"
    return results


def fresh_company_case(world, meeting=None) -> Case:
    """A case of a new company (so de minimis never interferes) on ``meeting``'s agenda."""
    company = CompanyFactory(programme=world.programme, municipality=world.municipality_b)
    if meeting is None:
        return case_in(world, State.ON_AGENDA, company)
    case = case_in(world, State.RECOMMENDED, company)
    services.agenda_add(meeting=meeting, case=case, actor=world.admin)
    return Case.objects.get(pk=case.pk)


def approval(case: Case, actor) -> Callable[[], Offer]:
    return lambda: services.decision_approve(case=case, actor=actor, amount=GRANT, legal_basis="de_minimis")


def add_room_for_one_more_grant(world, round_number: int) -> None:
    Contribution.objects.create(budget_year=world.budget_year, funder=f"Tilskudd runde {round_number}", amount=GRANT)


def assert_exactly_one_won(results, cases: list[Case]) -> Case:
    outcomes = sorted(kind for kind, _value in results)
    errors = [value for kind, value in results if kind == "error"]
    assert not errors, f"an approval failed unexpectedly: {errors!r}"
    assert outcomes == ["ok", "refused"], results
    refusal = next(value for kind, value in results if kind == "refused")
    assert refusal.code == "budget", refusal.message

    winner = next(case for case, (kind, _value) in zip(cases, results, strict=True) if kind == "ok")
    loser = next(case for case, (kind, _value) in zip(cases, results, strict=True) if kind == "refused")
    assert Case.objects.get(pk=winner.pk).state == State.APPROVED
    assert list(LedgerEntry.objects.filter(case=winner).values_list("kind", "amount")) == [("commit", GRANT)]
    assert Case.objects.get(pk=loser.pk).state == State.ON_AGENDA
    assert not LedgerEntry.objects.filter(case=loser).exists()
    assert not Offer.objects.filter(case=loser).exists()
    assert not Decision.objects.filter(case=loser, outcome="approve").exists()
    return winner


def test_two_simultaneous_approvals_in_one_meeting_commit_only_what_the_year_has_room_for():
    world = build_world(frame=GRANT / 2)

    for round_number in range(1, ROUNDS + 1):
        add_room_for_one_more_grant(world, round_number)
        before = budget_year_figures(budget_year=world.budget_year)
        assert before.available == ROOM
        cases = [fresh_company_case(world), fresh_company_case(world)]

        results = race(approval(cases[0], world.board_member), approval(cases[1], world.board_member_2))

        assert_exactly_one_won(results, cases)
        after = budget_year_figures(budget_year=world.budget_year)
        assert after.committed - before.committed == GRANT, f"round {round_number}"
        assert after.available == ROOM - GRANT >= 0, f"round {round_number}"

    figures = budget_year_figures(budget_year=world.budget_year)
    assert figures.committed == ROUNDS * GRANT
    assert LedgerEntry.objects.filter(kind="commit").count() == ROUNDS
    assert figures.available == GRANT / 2


def test_two_board_members_approving_in_two_meetings_of_the_same_year_share_one_budget():
    world = build_world(frame=GRANT / 2)
    # A second meeting the same day: a board decides at or after its meeting, and only the cases
    # submitted by then, so both meetings of the year are today's.
    second_meeting = services.meeting_create(
        programme=world.programme, actor=world.admin, date=clock.today(), members=[world.board_member_2]
    )
    assert second_meeting.date.year == world.meeting.date.year == world.budget_year.year

    for round_number in range(1, ROUNDS + 1):
        add_room_for_one_more_grant(world, round_number)
        before = budget_year_figures(budget_year=world.budget_year)
        cases = [fresh_company_case(world, world.meeting), fresh_company_case(world, second_meeting)]

        results = race(approval(cases[0], world.board_member), approval(cases[1], world.board_member_2))

        winner = assert_exactly_one_won(results, cases)
        assert Offer.objects.get(case=winner).budget_year_id == world.budget_year.pk
        after = budget_year_figures(budget_year=world.budget_year)
        assert after.committed - before.committed == GRANT, f"round {round_number}"
        assert after.available == ROOM - GRANT >= 0, f"round {round_number}"

    figures = budget_year_figures(budget_year=world.budget_year)
    assert figures.committed == ROUNDS * GRANT
    assert figures.available == GRANT / 2


def test_an_approval_waits_for_an_uncommitted_approval_of_the_same_year_and_then_sees_it():
    """Deterministic form of the race: the first approval holds its transaction open; the
    second must block on the budget-year lock, then count the first one's commitment."""
    world = build_world(frame=ROOM)
    first, second = fresh_company_case(world), fresh_company_case(world)
    first_approved, let_first_commit = threading.Event(), threading.Event()
    outcome: dict[str, Any] = {}

    def hold_first_open() -> None:
        try:
            with transaction.atomic():
                services.decision_approve(case=first, actor=world.board_member, amount=GRANT, legal_basis="de_minimis")
                first_approved.set()
                let_first_commit.wait(timeout=THREAD_TIMEOUT)
        except BaseException as error:  # noqa: BLE001
            outcome["first"] = error
            first_approved.set()
        finally:
            connection.close()

    def approve_second() -> None:
        try:
            outcome["second"] = approval(second, world.board_member_2)()
        except BaseException as error:  # noqa: BLE001
            outcome["second"] = error
        finally:
            connection.close()

    holder = threading.Thread(target=hold_first_open)
    waiter = threading.Thread(target=approve_second)
    holder.start()
    try:
        assert first_approved.wait(timeout=THREAD_TIMEOUT)
        assert "first" not in outcome, outcome
        waiter.start()
        waiter.join(timeout=1.0)
        blocked = waiter.is_alive()
    finally:
        let_first_commit.set()
        holder.join(timeout=THREAD_TIMEOUT)
        if waiter.ident is not None:
            waiter.join(timeout=THREAD_TIMEOUT)

    assert blocked, f"the second approval did not wait for the budget-year lock: {outcome.get('second')!r}"
    assert isinstance(outcome.get("second"), RuleViolation), outcome
    assert outcome["second"].code == "budget"
    figures = budget_year_figures(budget_year=world.budget_year)
    assert (figures.committed, figures.available) == (GRANT, GRANT / 2)
    assert Case.objects.get(pk=first.pk).state == State.APPROVED
    assert Case.objects.get(pk=second.pk).state == State.ON_AGENDA


def test_the_race_helper_sees_both_approvals_succeed_when_the_year_has_room_for_both():
    """A control: with room for two grants both approvals go through, so the refusals above
    come from the budget, not from the threads."""
    world = build_world(frame=2 * GRANT)
    cases = [fresh_company_case(world), fresh_company_case(world)]

    results = race(approval(cases[0], world.board_member), approval(cases[1], world.board_member_2))

    assert [kind for kind, _value in results] == ["ok", "ok"], results
    figures = budget_year_figures(budget_year=world.budget_year)
    assert (figures.committed, figures.available) == (2 * GRANT, Decimal("0.00"))


# --- de minimis across programmes ----------------------------------------------------------

# EUR 156 521.74 each at 11.5 NOK/EUR: one fits under EUR 300 000, the two together do not.
HALF_CEILING_AND_MORE = Decimal("1800000")


def on_agenda_in_other_programme(world, *, org_number: str, amount: Decimal) -> Case:
    """The same organisation, registered in ANOTHER programme, with a case on that board's agenda."""
    programme = world.other_programme
    today = clock.today()
    municipality = MunicipalityFactory(programme=programme, number="3401", name="Kongsvinger")
    BudgetYearFactory(programme=programme, year=today.year, frame=2 * amount)
    adviser, applicant = UserFactory(), UserFactory()
    staff_role(adviser, programme, "adviser", [municipality])
    company = company_create(
        programme=programme, user=applicant, org_number=org_number, name="Samme selskap AS", municipality=municipality
    )
    application = ApplicationFactory(
        company=company,
        created_by=applicant,
        focus_area=FocusAreaFactory(programme=programme),
        start_date=today,
        end_date=today + dt.timedelta(days=365),
        money=(2 * amount, amount),
    )
    case = services.application_submit(application=application, actor=applicant)
    services.case_take(case=case, actor=adviser)
    services.recommendation_record(case=case, actor=adviser, outcome="approve", amount=amount, assessment="Godt.")
    meeting = services.meeting_create(
        programme=programme, actor=world.other_admin, date=today, members=[world.other_board_member]
    )
    services.agenda_add(meeting=meeting, case=case, actor=world.other_admin)
    return Case.objects.get(pk=case.pk)


def test_de_minimis_counts_an_uncommitted_approval_of_the_same_org_number_in_another_programme():
    """Two programmes' boards approve the same organisation at the same moment; each grant
    fits under the de minimis ceiling alone, the two together do not.  The budget-year locks
    are different rows, so only a lock on the organisation number can count them in turn."""
    world = build_world()
    amount = HALF_CEILING_AND_MORE
    here = case_in(world, State.ON_AGENDA, money=(2 * amount, amount))
    there = on_agenda_in_other_programme(world, org_number=world.company_a.org_number, amount=amount)
    first_approved, let_first_commit = threading.Event(), threading.Event()
    outcome: dict[str, Any] = {}

    def hold_first_open() -> None:
        try:
            with transaction.atomic():
                services.decision_approve(case=here, actor=world.board_member, amount=amount, legal_basis="de_minimis")
                first_approved.set()
                let_first_commit.wait(timeout=THREAD_TIMEOUT)
        except BaseException as error:  # noqa: BLE001
            outcome["first"] = error
            first_approved.set()
        finally:
            connection.close()

    def approve_second() -> None:
        try:
            outcome["second"] = services.decision_approve(
                case=there, actor=world.other_board_member, amount=amount, legal_basis="de_minimis"
            )
        except BaseException as error:  # noqa: BLE001
            outcome["second"] = error
        finally:
            connection.close()

    holder = threading.Thread(target=hold_first_open)
    waiter = threading.Thread(target=approve_second)
    holder.start()
    try:
        assert first_approved.wait(timeout=THREAD_TIMEOUT)
        assert "first" not in outcome, outcome
        waiter.start()
        waiter.join(timeout=1.0)
    finally:
        let_first_commit.set()
        holder.join(timeout=THREAD_TIMEOUT)
        if waiter.ident is not None:
            waiter.join(timeout=THREAD_TIMEOUT)

    granted = list(
        LedgerEntry.objects.filter(kind="commit", case__application__company__org_number=world.company_a.org_number)
        .order_by("pk")
        .values_list("case_id", "amount")
    )
    assert granted == [(here.pk, amount)], f"both grants went through: {granted}"
    assert isinstance(outcome.get("second"), RuleViolation), outcome
    assert outcome["second"].code == "de_minimis"
