"""``python manage.py run_reminders [--today YYYY-MM-DD]``: run the lapses and every reminder
rule of SPEC §8 once, as the daily Celery beat task does, and print the counts per rule."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from workflow.services.reminders import reminders_run


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        message = f"--today must be a date in the form YYYY-MM-DD, e.g. 2026-03-01 (got {value!r})."
        raise CommandError(message) from error


class Command(BaseCommand):
    help = "Run the reminders and the automatic lapses once (default: for today's date)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", metavar="YYYY-MM-DD", help="Run as of this date instead of today.")

    def handle(self, *args: Any, **options: Any) -> None:
        today = _date(options["today"]) if options.get("today") else None
        counts = reminders_run(today=today)
        width = max(len(name) for name in counts)
        for name, count in counts.items():
            self.stdout.write(f"{name.ljust(width)}  {count}")
