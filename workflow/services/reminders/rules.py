"""The reminder rules of SPEC §8, one function each.  Every rule runs for a given ``today``
over the programmes with ``reminders_active`` and sends each step of a reminder on its day
(or, if the daily run was missed, up to ``CATCH_UP_DAYS`` later, but never once the next
step of the same rule is due).  "On the day" means the Oslo calendar date; a step that is
"N days before" a deadline falls on ``deadline - N days``.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone

from programme.models import Programme
from workflow.models import (
    BoardMeeting,
    Case,
    MeetingDocument,
    Notification,
    Offer,
    Payment,
    PaymentRequest,
    State,
    TimelineEvent,
)
from workflow.models import JobReport as JobReportModel
from workflow.selectors.register import REGISTER_WITHIN_DAYS
from workflow.selectors.worklist import SCREENING_CLOCK_STATES
from workflow.services.notifications import site_link
from workflow.services.reminders._common import (
    CATCH_UP_DAYS,
    Reminder,
    admins_by_programme,
    advisers_by_municipality,
    applicants_by_company,
    conflicted,
    deliver,
    staff_without_conflict,
    steps_due,
)

Kind = Notification.Kind
CATCH_UP = timedelta(days=CATCH_UP_DAYS)
RETURNED_STEPS = (7, 14)  # days after the return
OFFER_NOT_ACCEPTED_DAYS = 7  # before the acceptance deadline
FINAL_REPORT_STEPS = (-30, 0, 14)  # days from the final report's due date
OFFER_EXPIRING_DAYS = 30  # before expiry
JOB_REPORT_AGAIN_DAYS = 14  # after the job report fell due
BOARD_MEETING_DAYS = 7  # before the meeting
# Final states in which a granted award stays granted (and so must be registered).
AWARD_STATES = (State.ACCEPTED, State.REPORTING, State.COMPLETED, State.CLOSED)


def _active_cases() -> QuerySet[Case]:
    return Case.objects.filter(programme__reminders_active=True).select_related(
        "programme", "municipality", "application__company"
    )


def _applicant_url(case: Case) -> str:
    return reverse("workflow:case_detail", kwargs={"reference": case.reference})


def _staff_url(case: Case) -> str:
    return reverse("staff:case_detail", kwargs={"reference": case.reference})


def _base(case: Case) -> dict[str, Any]:
    return {"programme": case.programme, "company": case.application.company, "title": case.application.title}


def remind_screening_overdue(*, today: date) -> int:
    """Screening overdue (SPEC §8): a case still submitted or in screening past the service
    level.  Day ``screening_days`` after submission is the last day within the level (as on
    the worklist), so the municipality's advisers are reminded on submission + level + 1 day;
    the programme's administrators on submission + 2 × level + 1 day (twice the time)."""
    programmes = list(Programme.objects.filter(reminders_active=True))
    window = Q(pk__in=[])
    for programme in programmes:
        for factor in (1, 2):
            latest = today - timedelta(days=factor * programme.screening_days + 1)
            window |= Q(programme_id=programme.pk, submitted_at__date__range=(latest - CATCH_UP, latest))
    cases = list(_active_cases().filter(window, state__in=SCREENING_CLOCK_STATES))
    if not cases:
        return 0
    advisers = advisers_by_municipality(case.municipality_id for case in cases)
    admins = admins_by_programme(case.programme_id for case in cases)
    conflicts = conflicted(case.pk for case in cases)
    reminders = []
    for case in cases:
        submitted_on = timezone.localdate(case.submitted_at)
        level = case.programme.screening_days
        for factor, people in ((1, advisers[case.municipality_id]), (2, admins[case.programme_id])):
            due = submitted_on + timedelta(days=factor * level + 1)
            if not steps_due([due], today):
                continue
            context = {**_base(case), "submitted_on": submitted_on, "level_days": level, "twice": factor == 2}
            for person in staff_without_conflict(people, case, conflicts):
                reminders.append(Reminder(Kind.SCREENING_OVERDUE, person, due, _staff_url(case), context, case=case))
    return deliver(reminders)


def remind_returned_not_completed(*, today: date) -> int:
    """Returned, not completed: the applicant, 7 and 14 days after the return (the latest
    return on the timeline), while the case is still returned."""
    returns = TimelineEvent.objects.filter(case=OuterRef("pk"), to_state=State.RETURNED).order_by("-created_at", "-pk")
    earliest = today - timedelta(days=RETURNED_STEPS[-1]) - CATCH_UP
    latest = today - timedelta(days=RETURNED_STEPS[0])
    cases = list(
        _active_cases()
        .filter(state=State.RETURNED)
        .annotate(
            returned_at=Subquery(returns.values("created_at")[:1]),
            return_message=Subquery(returns.values("comment")[:1]),
        )
        .filter(returned_at__date__range=(earliest, latest))
    )
    if not cases:
        return 0
    applicants = applicants_by_company(case.application.company_id for case in cases)
    reminders = []
    for case in cases:
        returned_on = timezone.localdate(case.returned_at)
        steps = [returned_on + timedelta(days=days) for days in RETURNED_STEPS]
        for due in steps_due(steps, today):
            context = {
                **_base(case),
                "returned_on": returned_on,
                "days": (due - returned_on).days,
                "message": case.return_message,
            }
            for person in applicants[case.application.company_id]:
                reminders.append(
                    Reminder(Kind.RETURNED_NOT_COMPLETED, person, due, _applicant_url(case), context, case=case)
                )
    return deliver(reminders)


def remind_offer_not_accepted(*, today: date) -> int:
    """Offer not accepted: the applicant, 7 days before the acceptance deadline (``accept_by``,
    the last day to accept), and up to the deadline if the run was missed.  The day after
    the deadline the case lapses by itself (``lapse_not_accepted``)."""
    cases = list(
        _active_cases()
        .filter(state=State.APPROVED, offer__accept_by__range=(today, today + timedelta(days=OFFER_NOT_ACCEPTED_DAYS)))
        .select_related("offer")
    )
    if not cases:
        return 0
    applicants = applicants_by_company(case.application.company_id for case in cases)
    reminders = []
    for case in cases:
        offer = case.offer
        step = offer.accept_by - timedelta(days=OFFER_NOT_ACCEPTED_DAYS)
        for due in steps_due([step], today, last_day=offer.accept_by):
            context = {**_base(case), "offer": offer, "accept_by": offer.accept_by}
            for person in applicants[case.application.company_id]:
                reminders.append(
                    Reminder(Kind.OFFER_NOT_ACCEPTED, person, due, _applicant_url(case), context, case=case)
                )
    return deliver(reminders)


def remind_project_start(*, today: date) -> int:
    """Project start: the applicant, on the offer's start deadline (``start_by``: acceptance +
    the programme's ``start_months``, 6 by default) if the case is accepted and no payment
    has been requested yet (the first payment request shows that the project started)."""
    requests = PaymentRequest.objects.filter(case=OuterRef("pk"))
    cases = list(
        _active_cases()
        .filter(state=State.ACCEPTED, offer__start_by__range=(today - CATCH_UP, today))
        .exclude(Exists(requests))
        .select_related("offer")
    )
    if not cases:
        return 0
    applicants = applicants_by_company(case.application.company_id for case in cases)
    reminders = []
    for case in cases:
        offer = case.offer
        for due in steps_due([offer.start_by], today):
            accepted_on = timezone.localdate(offer.accepted_at) if offer.accepted_at else None
            context = {
                **_base(case),
                "offer": offer,
                "accepted_on": accepted_on,
                "start_by": offer.start_by,
                "months": case.programme.start_months,
            }
            for person in applicants[case.application.company_id]:
                reminders.append(Reminder(Kind.PROJECT_START, person, due, _applicant_url(case), context, case=case))
    return deliver(reminders)


def remind_final_report_due(*, today: date) -> int:
    """Final report due: the applicant and the municipality's advisers, 30 days before the
    due date, on the due date, and 14 days after it (overdue), while no final report is filed
    (the case is still accepted)."""
    first, last = FINAL_REPORT_STEPS[0], FINAL_REPORT_STEPS[-1]
    cases = list(
        _active_cases()
        .filter(
            state=State.ACCEPTED,
            offer__final_report_due__range=(today - timedelta(days=last) - CATCH_UP, today - timedelta(days=first)),
        )
        .select_related("offer")
    )
    if not cases:
        return 0
    applicants = applicants_by_company(case.application.company_id for case in cases)
    advisers = advisers_by_municipality(case.municipality_id for case in cases)
    conflicts = conflicted(case.pk for case in cases)
    reminders = []
    for case in cases:
        deadline = case.offer.final_report_due
        steps = [deadline + timedelta(days=days) for days in FINAL_REPORT_STEPS]
        for due in steps_due(steps, today):
            step = "before" if due < deadline else "day" if due == deadline else "overdue"
            context = {**_base(case), "offer": case.offer, "deadline": deadline, "step": step}
            for person in applicants[case.application.company_id]:
                reminders.append(
                    Reminder(
                        Kind.FINAL_REPORT_DUE, person, due, _applicant_url(case), {**context, "staff": False}, case=case
                    )
                )
            for person in staff_without_conflict(advisers[case.municipality_id], case, conflicts):
                reminders.append(
                    Reminder(
                        Kind.FINAL_REPORT_DUE, person, due, _staff_url(case), {**context, "staff": True}, case=case
                    )
                )
    return deliver(reminders)


def remind_offer_expiring(*, today: date) -> int:
    """Offer expiring: the applicant and the programme's administrators, 30 days before the
    offer's expiry date (its last valid day), while the case is accepted (no final payment
    requested).  The day after expiry the case lapses by itself (``lapse_expired``)."""
    latest = today + timedelta(days=OFFER_EXPIRING_DAYS)
    cases = list(
        _active_cases()
        .filter(state=State.ACCEPTED, offer__expires_on__range=(latest - CATCH_UP, latest))
        .select_related("offer")
    )
    if not cases:
        return 0
    applicants = applicants_by_company(case.application.company_id for case in cases)
    admins = admins_by_programme(case.programme_id for case in cases)
    conflicts = conflicted(case.pk for case in cases)
    reminders = []
    for case in cases:
        offer = case.offer
        step = offer.expires_on - timedelta(days=OFFER_EXPIRING_DAYS)
        for due in steps_due([step], today, last_day=offer.expires_on):
            context = {**_base(case), "offer": offer, "expires_on": offer.expires_on}
            for person in applicants[case.application.company_id]:
                reminders.append(
                    Reminder(
                        Kind.OFFER_EXPIRING, person, due, _applicant_url(case), {**context, "staff": False}, case=case
                    )
                )
            for person in staff_without_conflict(admins[case.programme_id], case, conflicts):
                reminders.append(
                    Reminder(Kind.OFFER_EXPIRING, person, due, _staff_url(case), {**context, "staff": True}, case=case)
                )
    return deliver(reminders)


def _followup_months(programme: Programme) -> list[int]:
    months = programme.job_followup_months or []
    return sorted({int(m) for m in months if isinstance(m, int | str) and str(m).isdigit() and int(m) > 0})


def remind_job_report_due(*, today: date) -> int:
    """Job report due: the applicant, at each of the programme's follow-up months (12 and 24
    by default) after completion (the date of the final payment), and again 14 days later,
    while that period's job report is missing and the case is completed (not yet closed)."""
    window = Q(pk__in=[])
    slack = timedelta(days=3)  # month lengths differ; the exact date is checked below
    for programme in Programme.objects.filter(reminders_active=True):
        for months in _followup_months(programme):
            latest = today - relativedelta(months=months)
            earliest = latest - timedelta(days=JOB_REPORT_AGAIN_DAYS) - CATCH_UP
            window |= Q(case__programme_id=programme.pk, paid_on__range=(earliest - slack, latest + slack))
    # The windows filter the final payments themselves: on a subquery annotation Django would
    # copy the subquery into every one of the (programmes × months) conditions (bench/RESULTS.md).
    final_paid_on = dict(
        Payment.objects.filter(window, is_final=True, case__state=State.COMPLETED).values_list("case_id", "paid_on")
    )
    if not final_paid_on:
        return 0
    cases = list(_active_cases().filter(state=State.COMPLETED, pk__in=list(final_paid_on)))
    for case in cases:
        case.final_paid_on = final_paid_on[case.pk]
    if not cases:
        return 0
    reported = set(
        JobReportModel.objects.filter(case_id__in=[case.pk for case in cases]).values_list("case_id", "period_months")
    )
    applicants = applicants_by_company(case.application.company_id for case in cases)
    reminders = []
    for case in cases:
        for months in _followup_months(case.programme):
            if (case.pk, months) in reported:
                continue
            first = case.final_paid_on + relativedelta(months=months)
            steps = [first, first + timedelta(days=JOB_REPORT_AGAIN_DAYS)]
            for due in steps_due(steps, today):
                context = {
                    **_base(case),
                    "months": months,
                    "completed_on": case.final_paid_on,
                    "report_due": first,
                    "again": due != first,
                }
                for person in applicants[case.application.company_id]:
                    reminders.append(
                        Reminder(Kind.JOB_REPORT_DUE, person, due, _applicant_url(case), context, case=case)
                    )
    return deliver(reminders)


def remind_board_meeting(*, today: date) -> int:
    """Board meeting: the meeting's members, 7 days before the meeting (and up to the day
    before it if the run was missed), with links to the agenda and the agenda pack."""
    meetings = list(
        BoardMeeting.objects.filter(
            programme__reminders_active=True,
            date__range=(today + timedelta(days=1), today + timedelta(days=BOARD_MEETING_DAYS)),
        )
        .select_related("programme")
        .annotate(item_count=Count("items"))
    )
    if not meetings:
        return 0
    ids = [meeting.pk for meeting in meetings]
    members: dict[int, list[Any]] = {meeting_id: [] for meeting_id in ids}
    links = BoardMeeting.members.through.objects.filter(boardmeeting_id__in=ids, user__is_active=True)
    for link in links.select_related("user").order_by("user_id"):
        members[link.boardmeeting_id].append(link.user)
    with_pack = set(
        MeetingDocument.objects.filter(
            meeting_id__in=ids, kind=MeetingDocument.Kind.AGENDA_PACK, status=MeetingDocument.Status.READY
        ).values_list("meeting_id", flat=True)
    )
    reminders = []
    for meeting in meetings:
        step = meeting.date - timedelta(days=BOARD_MEETING_DAYS)
        url = reverse("board:meeting", kwargs={"code": meeting.programme.code, "pk": meeting.pk})
        documents = reverse("board:documents", kwargs={"code": meeting.programme.code, "pk": meeting.pk})
        for due in steps_due([step], today, last_day=meeting.date - timedelta(days=1)):
            context = {
                "programme": meeting.programme,
                "item_count": meeting.item_count,
                "has_pack": meeting.pk in with_pack,
                "documents_full": site_link(documents),
            }
            for person in members[meeting.pk]:
                reminders.append(Reminder(Kind.BOARD_MEETING, person, due, url, context, meeting=meeting))
    return deliver(reminders)


def remind_public_register(*, today: date) -> int:
    """Register for public support: the programme's administrators, 14 days after acceptance
    (the last day to register, as on the register page) of an award of EUR 100,000 or more
    (the programme's threshold) that is not yet marked as registered."""
    latest = today - timedelta(days=REGISTER_WITHIN_DAYS)
    offers = list(
        Offer.objects.filter(
            case__programme__reminders_active=True,
            case__state__in=AWARD_STATES,
            public_register_required=True,
            public_register_done_at__isnull=True,
            accepted_at__date__range=(latest - CATCH_UP, latest),
        ).select_related("case__programme", "case__municipality", "case__application__company")
    )
    if not offers:
        return 0
    admins = admins_by_programme(offer.case.programme_id for offer in offers)
    conflicts = conflicted(offer.case_id for offer in offers)
    reminders = []
    for offer in offers:
        case = offer.case
        accepted_on = timezone.localdate(offer.accepted_at)
        step = accepted_on + timedelta(days=REGISTER_WITHIN_DAYS)
        url = reverse("staff_admin:public_register", kwargs={"code": case.programme.code})
        for due in steps_due([step], today):
            context = {**_base(case), "offer": offer, "accepted_on": accepted_on, "register_by": due}
            for person in staff_without_conflict(admins[case.programme_id], case, conflicts):
                reminders.append(Reminder(Kind.PUBLIC_REGISTER, person, due, url, context, case=case))
    return deliver(reminders)
