"""Each reminder rule of SPEC §8 at its boundaries: nothing the day before, the reminder to
exactly the right people on the day, nothing new the day after or on a second run."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from tests.workflow.reminders.scenarios import DAY, SCENARIOS, made
from workflow.models import Notification
from workflow.services.reminders import CATCH_UP_DAYS

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", SCENARIOS)
def test_the_reminder_comes_on_its_day_to_the_right_people_and_only_once(world, run, name) -> None:
    kind, due, people = SCENARIOS[name](world)

    run(due - DAY)
    assert made(kind, due) == set(), "sent the day before"

    mail.outbox.clear()
    counts = run(due)
    assert made(kind, due) == people
    assert counts[kind] == len(people)
    assert sorted(address for message in mail.outbox for address in message.to) == sorted(p.email for p in people)

    rows, mails = Notification.objects.count(), len(mail.outbox)
    run(due)
    run(due + DAY)
    assert (Notification.objects.count(), len(mail.outbox)) == (rows, mails), "a rerun or the next day sent more"


@pytest.mark.parametrize("name", SCENARIOS)
def test_a_missed_day_is_caught_up_the_day_after(world, run, name) -> None:
    kind, due, people = SCENARIOS[name](world)
    run(due + DAY)
    assert made(kind, due) == people


@pytest.mark.parametrize(
    "name",
    [
        "screening overdue: advisers",
        "project start: 6 months after acceptance",
        "final report: 14 days after",
        "public register: 14 days after acceptance",
    ],
)
def test_a_step_more_than_a_week_late_is_not_sent(world, run, name) -> None:
    kind, due, _people = SCENARIOS[name](world)
    run(due + dt.timedelta(days=CATCH_UP_DAYS + 1))
    assert made(kind, due) == set()
    run(due + dt.timedelta(days=CATCH_UP_DAYS))
    assert made(kind, due) != set()
