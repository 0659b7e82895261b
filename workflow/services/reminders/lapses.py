"""Offers that lapse by themselves (SPEC §4, §8): an offer not accepted by its deadline, and
an accepted offer that expired without a final payment request.  Each lapse goes through
``case_lapse`` as the system, which releases the unpaid commitment, and tells the applicant."""

from __future__ import annotations

import logging
from datetime import date

from django.db import transaction
from django.urls import reverse

from programme.errors import RuleViolation
from workflow.models import Case, Notification, State
from workflow.services.notifications import notification_send
from workflow.services.payments import case_lapse
from workflow.services.reminders._common import applicants_by_company

logger = logging.getLogger(__name__)


def _lapse_each(cases: list[Case], reason: str) -> int:
    # Each lapse is a state change with its own lock and ledger release (``case_lapse``), so it
    # costs its own queries; the applicants to tell are read once for all of them.
    applicants = applicants_by_company(case.application.company_id for case in cases)
    lapsed = 0
    for case in cases:
        try:
            with transaction.atomic():
                case = case_lapse(case=case, actor=None)
                offer = case.offer
                url = reverse("workflow:case_detail", kwargs={"reference": case.reference})
                for person in applicants[case.application.company_id]:
                    notification_send(
                        recipient=person,
                        kind=Notification.Kind.CASE_EVENT,
                        key=f"case_event:lapsed:case={case.pk}:to={person.pk}",
                        case=case,
                        url=url,
                        template="case_lapsed",
                        context={
                            "offer": offer,
                            "reason": reason,
                            "title": case.application.title,
                            "company": case.application.company,
                            "programme": case.programme,
                        },
                    )
        except RuleViolation as refused:
            # Accepted or declined a moment ago, or locked by someone else's change: the next
            # run looks again.
            logger.warning("Case %s did not lapse: %s", case.pk, refused)
            continue
        lapsed += 1
    return lapsed


# Imported cases never lapse by themselves: their offers' deadlines were estimated from the
# decision date at import (the spreadsheet holds no project dates), and a wrong estimate must
# not release real money.  The administrator lets them lapse from the Django admin.


def lapse_not_accepted(*, today: date) -> int:
    """Approved offers whose acceptance deadline (``accept_by``, the last day to accept) has
    passed lapse on the day after it."""
    cases = list(
        Case.objects.filter(
            programme__reminders_active=True, imported=False, state=State.APPROVED, offer__accept_by__lt=today
        )
        .select_related("application")
        .order_by("pk")
    )
    return _lapse_each(cases, "not_accepted")


def lapse_expired(*, today: date) -> int:
    """Accepted offers past their expiry date (``expires_on``, the last valid day) with no
    final payment requested (still accepted, not reporting) lapse on the day after it."""
    cases = list(
        Case.objects.filter(
            programme__reminders_active=True, imported=False, state=State.ACCEPTED, offer__expires_on__lt=today
        )
        .select_related("application")
        .order_by("pk")
    )
    return _lapse_each(cases, "expired")
