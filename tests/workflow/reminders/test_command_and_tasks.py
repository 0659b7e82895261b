"""``manage.py run_reminders``, the Celery tasks and their beat schedule.  (The demo's reminders:
tests/workflow/test_load_demo.py.)"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core import mail
from django.core.management import CommandError, call_command

from programme import clock
from workflow import tasks
from workflow.models import Notification
from workflow.services.reminders import RULES

pytestmark = pytest.mark.django_db


def test_the_command_runs_every_rule_once_and_prints_the_counts(world, django_capture_on_commit_callbacks) -> None:
    world.submitted_case()
    out = io.StringIO()
    day = clock.today() + dt.timedelta(days=15)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_reminders", "--today", day.isoformat(), stdout=out)
    lines = dict(line.split() for line in out.getvalue().splitlines())
    assert set(lines) == {*RULES, "mail_retried"}
    assert lines["screening_overdue"] == "1"
    assert Notification.objects.get().recipient == world.adviser_a
    assert len(mail.outbox) == 1

    out = io.StringIO()
    call_command("run_reminders", "--today", day.isoformat(), stdout=out)
    assert "screening_overdue  1" not in out.getvalue()
    assert Notification.objects.count() == 1 and len(mail.outbox) == 1


@pytest.mark.parametrize("typed", ["2026-02-30", "tomorrow", "01.03.2026", "2026-3-1x", "\x00"])
def test_a_wrong_date_is_a_clear_error(typed: str) -> None:
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("run_reminders", "--today", typed, stdout=io.StringIO())


def test_the_tasks_are_safe_to_run_twice(world, django_capture_on_commit_callbacks) -> None:
    case = world.submitted_case()
    day = (clock.today() + dt.timedelta(days=15)).isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.run_reminders(day)["screening_overdue"] == 1
        assert tasks.run_reminders(day)["screening_overdue"] == 0
    notification = Notification.objects.get(case=case)
    assert notification.emailed_at is not None
    assert tasks.send_notification(notification.pk) is False, "already mailed"
    assert tasks.send_notification(987654) is False
    assert len(mail.outbox) == 1
    assert tasks.send_daily_digests() == {"digests": 0, "notifications": 0}


def test_the_tasks_acknowledge_late_and_beat_runs_them_each_morning_in_oslo() -> None:
    for task in (tasks.run_reminders, tasks.send_notification, tasks.send_daily_digests):
        assert task.acks_late
    schedule = settings.CELERY_BEAT_SCHEDULE
    by_task = {entry["task"]: entry["schedule"] for entry in schedule.values()}
    assert by_task["workflow.tasks.run_reminders"] == crontab(hour=6, minute=0)
    assert by_task["workflow.tasks.send_daily_digests"] == crontab(hour=7, minute=0)
    assert settings.CELERY_TIMEZONE == "Europe/Oslo"
