"""One scenario per step of each reminder rule of SPEC §8: a case (or meeting) made through
the services, the day its reminder falls due, and who must get it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from programme import clock
from programme.models import User
from tests.journey import World, case_in
from workflow import services
from workflow.models import Case, Notification, State

Kind = Notification.Kind
DAY = dt.timedelta(days=1)
Scenario = Callable[[World], tuple[str, dt.date, set[User]]]


def _submitted(world: World) -> dt.date:
    case = world.submitted_case()
    return timezone.localdate(case.submitted_at)


def screening_advisers(world: World):
    # Service level 14 days: day 14 is the last day within it, day 15 the first overdue.
    return Kind.SCREENING_OVERDUE, _submitted(world) + dt.timedelta(days=15), {world.adviser_a}


def screening_administrators(world: World):
    return Kind.SCREENING_OVERDUE, _submitted(world) + dt.timedelta(days=29), {world.admin}


def returned(days: int) -> Scenario:
    def build(world: World):
        case_in(world, State.RETURNED)
        return Kind.RETURNED_NOT_COMPLETED, clock.today() + dt.timedelta(days=days), {world.applicant_a}

    return build


def offer_not_accepted(world: World):
    case = case_in(world, State.APPROVED)
    return Kind.OFFER_NOT_ACCEPTED, case.offer.accept_by - dt.timedelta(days=7), {world.applicant_a}


def project_start(world: World):
    case = case_in(world, State.ACCEPTED)
    return Kind.PROJECT_START, case.offer.start_by, {world.applicant_a}


def final_report(days: int) -> Scenario:
    def build(world: World):
        case = case_in(world, State.ACCEPTED)
        due = case.offer.final_report_due + dt.timedelta(days=days)
        return Kind.FINAL_REPORT_DUE, due, {world.applicant_a, world.adviser_a}

    return build


def offer_expiring(world: World):
    case = case_in(world, State.ACCEPTED)
    return Kind.OFFER_EXPIRING, case.offer.expires_on - dt.timedelta(days=30), {world.applicant_a, world.admin}


def job_report(months: int, again: bool = False) -> Scenario:
    def build(world: World):
        case = case_in(world, State.COMPLETED)
        paid_on = case.payments.get(is_final=True).paid_on
        due = paid_on + relativedelta(months=months) + dt.timedelta(days=14 if again else 0)
        return Kind.JOB_REPORT_DUE, due, {world.applicant_a}

    return build


def board_meeting(world: World):
    meeting = services.meeting_create(
        programme=world.programme,
        actor=world.admin,
        date=clock.today() + dt.timedelta(days=20),
        members=[world.board_member],
        location="Gjøvik rådhus",
    )
    return Kind.BOARD_MEETING, meeting.date - dt.timedelta(days=7), {world.board_member}


def public_register(world: World):
    # A lower threshold than EUR 100,000, so that the journey's grant must be registered.
    world.programme.public_register_threshold_eur = Decimal("10000")
    world.programme.save(update_fields=["public_register_threshold_eur"])
    case = case_in(world, State.ACCEPTED)
    assert case.offer.public_register_required
    return Kind.PUBLIC_REGISTER, clock.today() + dt.timedelta(days=14), {world.admin}


SCENARIOS: dict[str, Scenario] = {
    "screening overdue: advisers": screening_advisers,
    "screening overdue: administrators after twice the time": screening_administrators,
    "returned: 7 days": returned(7),
    "returned: 14 days": returned(14),
    "offer not accepted: 7 days before": offer_not_accepted,
    "project start: 6 months after acceptance": project_start,
    "final report: 30 days before": final_report(-30),
    "final report: on the day": final_report(0),
    "final report: 14 days after": final_report(14),
    "offer expiring: 30 days before": offer_expiring,
    "job report: 12 months": job_report(12),
    "job report: 12 months, again after 14 days": job_report(12, again=True),
    "job report: 24 months": job_report(24),
    "board meeting: 7 days before": board_meeting,
    "public register: 14 days after acceptance": public_register,
}


def made(kind: str, due: dt.date) -> set[User]:
    return {n.recipient for n in Notification.objects.filter(kind=kind, due_on=due).select_related("recipient")}


def case_of(world: World) -> Case:
    return Case.objects.get(programme=world.programme)
