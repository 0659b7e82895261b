"""Taking the demo's cases away again, so that its present can be told afresh on another day.

This is no service: nothing in the programme ever removes a case, its ledger or its letters.
The demo does, for its own fiction only (the programme ``NUP`` it made), when it is loaded on
a later day: the present it told then is no longer the present.  Rows are removed children
first, since the case's records are protected against removal one by one.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from applications.models import Application, Attachment
from programme.models import BudgetYear
from workflow.models import (
    AgendaItem,
    Appeal,
    BoardMeeting,
    Case,
    CaseFile,
    Decision,
    FinalReport,
    JobReport,
    LedgerEntry,
    MeetingDocument,
    Notification,
    Offer,
    Payment,
    PaymentRequest,
)


def _remove_files(rows: Iterable[CaseFile | Attachment | MeetingDocument]) -> None:
    for row in rows:
        if row.file:
            row.file.delete(save=False)


def demo_remove(*, cases: QuerySet[Case], meetings: QuerySet[BoardMeeting], budget_years: QuerySet[BudgetYear]) -> int:
    """Remove ``cases`` with everything recorded on them, then ``meetings`` and ``budget_years``
    (which must hold nothing of other cases); returns how many cases were removed."""
    case_ids = list(cases.values_list("pk", flat=True))
    meeting_ids = list(meetings.values_list("pk", flat=True))
    of_cases = Q(case_id__in=case_ids)
    _remove_files(CaseFile.objects.filter(of_cases))
    CaseFile.objects.filter(of_cases).delete()
    for model in (LedgerEntry, Payment, PaymentRequest, FinalReport, JobReport, Appeal, Offer, AgendaItem):
        model.objects.filter(of_cases).delete()
    Decision.objects.filter(of_cases).delete()
    # A meeting's reminders are keyed by the meeting, not by a case.
    Notification.objects.filter(of_cases).delete()
    for meeting_id in meeting_ids:
        Notification.objects.filter(case=None, key__contains=f":meeting={meeting_id}:").delete()
    application_ids = list(cases.values_list("application_id", flat=True))
    Case.objects.filter(pk__in=case_ids).delete()  # the timeline, screening and recommendations with it
    _remove_files(Attachment.objects.filter(application_id__in=application_ids))
    Application.objects.filter(pk__in=application_ids).delete()
    _remove_files(MeetingDocument.objects.filter(meeting_id__in=meeting_ids))
    MeetingDocument.objects.filter(meeting_id__in=meeting_ids).delete()
    # Decisions of other cases keep their meeting (and so the meeting stays): none in the demo.
    BoardMeeting.objects.filter(pk__in=meeting_ids).exclude(decisions__isnull=False).delete()
    budget_years.exclude(offers__isnull=False).exclude(ledger_entries__isnull=False).delete()
    return len(case_ids)
