"""The deadlines of SPEC §4's transitions, at their boundaries: appeals, accepting and lapsing
offers, and closing a completed case."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from programme import clock
from tests.journey import case_in
from tests.workflow.transition_table import (
    TRANSITIONS,
    S,
    assert_fired,
    assert_refused,
    early_on,
    fresh,
    late_on,
    person,
)
from workflow import services
from workflow.models import (
    Case,
)

# --- deadlines -------------------------------------------------------------------------------


@pytest.mark.parametrize("refusal", [S.REJECTED, S.DISMISSED])
def test_appeal_is_allowed_late_on_the_last_day_of_the_three_weeks(world, refusal):
    case = case_in(world, refusal)
    deadline = timezone.localdate(case.latest_refusal().decided_at) + dt.timedelta(days=21)
    assert case.appeal_deadline() == deadline

    with clock.travel_to(late_on(deadline)):
        assert_fired(world, TRANSITIONS["appeal"], case, "applicant_a")


@pytest.mark.parametrize("refusal", [S.REJECTED, S.DISMISSED])
def test_appeal_is_refused_the_day_after_the_three_weeks(world, refusal):
    case = case_in(world, refusal)
    day_after = timezone.localdate(case.latest_refusal().decided_at) + dt.timedelta(days=22)

    with clock.travel_to(early_on(day_after)):
        assert_refused(
            lambda: services.case_appeal(case=fresh(case), actor=world.applicant_a, text="Vi er uenige."),
            case,
            code="guard",
            words=("appeal deadline",),
        )


def test_offer_can_be_accepted_late_on_its_accept_by_day(world):
    case = case_in(world, S.APPROVED)

    with clock.travel_to(late_on(case.offer.accept_by)):
        assert_fired(world, TRANSITIONS["accept"], case, "applicant_a")


def test_offer_acceptance_is_refused_the_day_after_accept_by(world):
    case = case_in(world, S.APPROVED)

    with clock.travel_to(early_on(case.offer.accept_by + dt.timedelta(days=1))):
        assert_refused(
            lambda: services.offer_accept(case=fresh(case), actor=world.applicant_a),
            case,
            code="guard",
            words=("deadline",),
        )


def last_day_of_offer(case: Case) -> dt.date:
    return case.offer.accept_by if case.state == S.APPROVED else case.offer.expires_on


@pytest.mark.parametrize("state", [S.APPROVED, S.ACCEPTED])
@pytest.mark.parametrize("actor", ["system", "admin"])
def test_offer_does_not_lapse_on_its_last_day(world, state, actor):
    case = case_in(world, state)
    who = person(world, actor)

    with clock.travel_to(late_on(last_day_of_offer(case))):
        assert_refused(
            lambda: services.case_lapse(case=fresh(case), actor=who),
            case,
            code="guard",
            words=("deadline",),
        )


@pytest.mark.parametrize("state", [S.APPROVED, S.ACCEPTED])
def test_offer_lapses_just_after_midnight_after_its_last_day(world, state):
    case = case_in(world, state)

    with clock.travel_to(early_on(last_day_of_offer(case) + dt.timedelta(days=1))):
        services.case_lapse(case=fresh(case), actor=None)

    assert fresh(case).state == S.LAPSED


# --- closing ---------------------------------------------------------------------------------


def test_the_system_does_not_close_a_case_the_day_after_its_job_follow_up_started(world):
    """SPEC §4: a completed case closes when the last job report is in or the follow-up
    period (reports at 12 and 24 months) is over, not before."""
    case = case_in(world, S.COMPLETED)

    with clock.travel_to(early_on(clock.today() + dt.timedelta(days=1))):
        assert_refused(lambda: services.case_close(case=fresh(case), actor=None), case, code="guard", words=())
