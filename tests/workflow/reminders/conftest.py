"""Shared by the reminder tests: run the daily sweep as of a date with the mails it sends on
commit actually sent (into ``django.core.mail.outbox``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from workflow.services.reminders import reminders_run

Run = Callable[[dt.date], dict[str, int]]


@pytest.fixture
def run(django_capture_on_commit_callbacks) -> Run:
    def sweep(today: dt.date) -> dict[str, int]:
        with django_capture_on_commit_callbacks(execute=True):
            return reminders_run(today=today)

    return sweep
