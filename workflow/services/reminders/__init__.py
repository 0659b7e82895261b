"""Reminders (SPEC §8) and the lapses that go with them; ``reminders_run`` runs them all.

| Rule | To | Sent on (Oslo date) |
|---|---|---|
| screening overdue | advisers / administrators | submission + level + 1 day / + 2 × level + 1 day |
| returned, not completed | applicant | return + 7 and + 14 days |
| offer not accepted | applicant | ``accept_by`` − 7 days; lapses on ``accept_by`` + 1 day |
| project start | applicant | ``start_by`` (acceptance + 6 months) without a payment request |
| final report due | applicant, advisers | due − 30 days, the due date, due + 14 days |
| offer expiring | applicant, administrators | ``expires_on`` − 30 days; lapses on ``expires_on`` + 1 day |
| job report due | applicant | final payment + 12 / 24 months, and 14 days later |
| board meeting | the meeting's members | meeting − 7 days |
| public register | administrators | acceptance + 14 days, if not marked |

A step missed by the daily run is sent up to ``CATCH_UP_DAYS`` late (never after the next
step of the same rule is due).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date

from django.conf import settings
from django.utils import timezone, translation

from programme import clock
from workflow.services.notifications import notifications_unmailed_send
from workflow.services.reminders._common import CATCH_UP_DAYS, reminder_key, steps_due
from workflow.services.reminders.lapses import lapse_expired, lapse_not_accepted
from workflow.services.reminders.rules import (
    remind_board_meeting,
    remind_final_report_due,
    remind_job_report_due,
    remind_offer_expiring,
    remind_offer_not_accepted,
    remind_project_start,
    remind_public_register,
    remind_returned_not_completed,
    remind_screening_overdue,
)

RULES: dict[str, Callable[..., int]] = {
    "lapsed_not_accepted": lapse_not_accepted,
    "lapsed_expired": lapse_expired,
    "screening_overdue": remind_screening_overdue,
    "returned_not_completed": remind_returned_not_completed,
    "offer_not_accepted": remind_offer_not_accepted,
    "project_start": remind_project_start,
    "final_report_due": remind_final_report_due,
    "offer_expiring": remind_offer_expiring,
    "job_report_due": remind_job_report_due,
    "board_meeting": remind_board_meeting,
    "public_register": remind_public_register,
}


@contextmanager
def _as_of(today: date) -> Iterator[None]:
    """Let the services (lapse guards, timestamps) see ``today`` when it is not the real date."""
    if today == clock.today():
        yield
        return
    moment = timezone.make_aware(dt.datetime.combine(today, dt.time(6, 0)))
    with clock.travel_to(moment):
        yield


def reminders_run(*, today: date | None = None) -> dict[str, int]:
    """Run the lapses and every reminder rule once for ``today`` (default: the real date) and
    return how many cases lapsed and reminders were sent, per rule.  Safe to run twice: a
    second run for the same day sends nothing new."""
    today = today or clock.today()
    counts: dict[str, int] = {}
    # The notifications' subjects and texts are stored in the programme's language, not a caller's.
    with translation.override(settings.LANGUAGE_CODE), _as_of(today):
        for name, rule in RULES.items():
            counts[name] = rule(today=today)
        counts["mail_retried"] = notifications_unmailed_send()
    return counts


__all__ = [
    "CATCH_UP_DAYS",
    "RULES",
    "lapse_expired",
    "lapse_not_accepted",
    "remind_board_meeting",
    "remind_final_report_due",
    "remind_job_report_due",
    "remind_offer_expiring",
    "remind_offer_not_accepted",
    "remind_project_start",
    "remind_public_register",
    "remind_returned_not_completed",
    "remind_screening_overdue",
    "reminder_key",
    "reminders_run",
    "steps_due",
]
