"""Offers lapse by themselves (SPEC §4, §8): not accepted by the deadline, or expired without
a final payment request.  The lapse releases exactly what was committed and not paid; a
programme kept as history (``reminders_active`` off) gets neither lapses nor reminders."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.db.models import Sum

from programme import clock
from tests.journey import GRANT, case_in
from tests.workflow.reminders.scenarios import DAY, SCENARIOS
from workflow import services
from workflow.models import Case, LedgerEntry, Notification, State

pytestmark = pytest.mark.django_db


def ledger(case: Case, kind: str) -> Decimal:
    return LedgerEntry.objects.filter(case=case, kind=kind).aggregate(total=Sum("amount"))["total"] or Decimal("0")


def test_an_offer_not_accepted_lapses_the_day_after_the_deadline_and_the_grant_is_released(world, run) -> None:
    case = case_in(world, State.APPROVED)
    accept_by = case.offer.accept_by

    assert run(accept_by)["lapsed_not_accepted"] == 0
    case.refresh_from_db()
    assert case.state == State.APPROVED, "the deadline day is still a day to accept"

    mail.outbox.clear()
    assert run(accept_by + DAY)["lapsed_not_accepted"] == 1
    case.refresh_from_db()
    assert case.state == State.LAPSED
    assert ledger(case, "release") == GRANT == ledger(case, "commit")
    event = case.events.get(to_state=State.LAPSED)
    assert event.actor is None  # the system
    assert event.created_at.date() == accept_by + DAY
    told = Notification.objects.get(case=case, kind=Notification.Kind.CASE_EVENT)
    assert told.recipient == world.applicant_a
    assert [m.to for m in mail.outbox] == [[world.applicant_a.email]]

    assert run(accept_by + 2 * DAY)["lapsed_not_accepted"] == 0
    assert ledger(case, "release") == GRANT


def test_an_expired_offer_lapses_and_releases_only_what_was_not_paid(world, run) -> None:
    case = case_in(world, State.ACCEPTED)
    paid = Decimal("120000.00")
    services.payment_register(case=case, actor=world.admin, amount=paid)
    expires_on = case.offer.expires_on

    run(expires_on)
    case.refresh_from_db()
    assert case.state == State.ACCEPTED, "the expiry date is the offer's last valid day"

    assert run(expires_on + DAY)["lapsed_expired"] == 1
    case.refresh_from_db()
    assert case.state == State.LAPSED
    committed, released, disbursed = ledger(case, "commit"), ledger(case, "release"), ledger(case, "disburse")
    assert disbursed == paid
    assert released == committed - disbursed == GRANT - paid
    assert run(expires_on + 2 * DAY)["lapsed_expired"] == 0


def test_a_case_with_the_final_report_filed_does_not_expire(world, run) -> None:
    case = case_in(world, State.REPORTING)
    run(case.offer.expires_on + DAY)
    case.refresh_from_db()
    assert case.state == State.REPORTING


def test_a_programme_kept_as_history_gets_no_reminders_and_no_lapses(world, run) -> None:
    world.programme.reminders_active = False
    world.programme.save(update_fields=["reminders_active"])
    # One step of several rules (not all: the company's de minimis room holds a few grants only).
    names = [
        "screening overdue: advisers",
        "returned: 7 days",
        "project start: 6 months after acceptance",
        "job report: 12 months",
        "board meeting: 7 days before",
    ]
    builds = [SCENARIOS[name](world) for name in names]
    approved = case_in(world, State.APPROVED)
    for _kind, due, _people in builds:
        run(due)
    run(approved.offer.accept_by + DAY)
    approved.refresh_from_db()
    assert approved.state == State.APPROVED
    assert Notification.objects.count() == 0
    assert mail.outbox == []


def test_staff_with_a_declared_conflict_get_no_reminder_about_the_case(world, run) -> None:
    case = world.submitted_case()
    services.conflict_declare(case=case, actor=world.adviser_a, reason="Min bror eier bedriften.")
    run(clock.today() + dt.timedelta(days=15))
    assert not Notification.objects.filter(recipient=world.adviser_a).exists()


def test_a_person_whose_account_is_closed_gets_no_reminder(world, run) -> None:
    world.adviser_a.is_active = False
    world.adviser_a.save(update_fields=["is_active"])
    world.submitted_case()
    run(clock.today() + dt.timedelta(days=15))
    assert not Notification.objects.filter(recipient=world.adviser_a).exists()


@pytest.mark.parametrize("state", [State.APPROVED, State.ACCEPTED])
def test_an_imported_case_never_lapses_by_itself(world, run, state) -> None:
    """Its deadlines were estimated at import; the administrator decides instead."""
    case = case_in(world, state)
    Case.objects.filter(pk=case.pk).update(imported=True)
    long_after = max(case.offer.accept_by, case.offer.expires_on) + 30 * DAY

    counts = run(long_after)

    assert counts["lapsed_not_accepted"] == counts["lapsed_expired"] == 0
    case.refresh_from_db()
    assert case.state == state
    assert ledger(case, "release") == 0
