"""The applicant's pages' reads: the cases of one's companies, a case page with exactly the
actions the rules allow now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import rules
from django_fsm import has_transition_perm

from applications.models import Attachment
from workflow.models import (
    Case,
    CaseFile,
    FinalReport,
    JobReport,
    Offer,
    Payment,
    PaymentRequest,
    State,
    TimelineEvent,
)
from workflow.models.case import project_has_started
from workflow.permissions import has_declared_conflict
from workflow.selectors import (
    ZERO,
    CaseMoney,
    Deadline,
    _with_page_data,
    case_money,
    case_next_deadline,
    cases_visible_to,
)


@dataclass(frozen=True)
class CaseRow:
    case: Case
    deadline: Deadline | None


def applicant_cases(*, user: object) -> list[CaseRow]:
    """The cases of the person's companies, newest first, each with its next deadline."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    cases = _with_page_data(Case.objects.filter(application__company__memberships__user=user)).order_by(
        "-submitted_at", "-pk"
    )
    return [CaseRow(case=case, deadline=case_next_deadline(case)) for case in cases]


def case_for_page(*, user: object, reference: str) -> Case | None:
    """The case with this reference, if the person may see it."""
    return _with_page_data(cases_visible_to(user=user)).filter(reference=reference).first()


@dataclass(frozen=True)
class CaseActions:
    """What this person may do on the case now: exactly the forms the case page shows."""

    resubmit: bool = False
    withdraw: bool = False
    accept: bool = False
    decline: bool = False
    request_payment: bool = False
    file_final_report: bool = False
    file_job_report: bool = False
    appeal: bool = False
    job_report_periods: tuple[int, ...] = ()

    def __bool__(self) -> bool:
        return any(
            (
                self.resubmit,
                self.withdraw,
                self.accept,
                self.decline,
                self.request_payment,
                self.file_final_report,
                self.file_job_report,
                self.appeal,
            )
        )


def case_actions(*, case: Case, user: object) -> CaseActions:
    """The transitions' own state, guard and permission rules decide; ``rules.has_perm``
    rather than ``user.has_perm`` so that a superuser is not offered what the services refuse."""
    if user is None or not getattr(user, "is_authenticated", False) or has_declared_conflict(user, case):
        return CaseActions()

    def may(name: str) -> bool:
        return has_transition_perm(getattr(case, name), user)

    periods: tuple[int, ...] = ()
    job_report = case.state == State.COMPLETED and rules.has_perm("workflow.file_job_report", user, case)
    if job_report:
        reported = set(case.job_reports.values_list("period_months", flat=True))
        periods = tuple(m for m in sorted(case.programme.job_followup_months) if m not in reported)
    return CaseActions(
        resubmit=may("resubmit"),
        withdraw=may("withdraw"),
        accept=may("accept"),
        decline=may("decline"),
        request_payment=case.state == State.ACCEPTED and rules.has_perm("workflow.request_payment", user, case),
        file_final_report=may("file_final_report"),
        file_job_report=job_report,
        appeal=may("appeal"),
        job_report_periods=periods,
    )


@dataclass(frozen=True)
class CasePage:
    """Everything the case page shows, read for one person."""

    case: Case
    deadline: Deadline | None
    actions: CaseActions
    offer: Offer | None
    money: CaseMoney | None
    total_cost: Decimal
    applied_amount: Decimal
    attachments: list[Attachment]
    payment_requests: list[PaymentRequest]
    payments: list[Payment]
    final_reports: list[FinalReport]
    job_reports: list[JobReport]
    letters: list[CaseFile]
    events: list[TimelineEvent]
    shows_staff_notes: bool
    appeal_deadline: date | None
    return_message: str

    @property
    def pending_part_payments(self) -> Decimal:
        """Part payments asked for and not yet paid or refused."""
        return sum(
            (r.amount for r in self.payment_requests if not r.is_final and r.status == PaymentRequest.Status.PENDING),
            ZERO,
        )

    @property
    def part_payments_left(self) -> Decimal:
        """What may still be asked for before the final report: the grant less the hold-back,
        less what is paid and what is asked for and not paid yet (as the service counts)."""
        if self.offer is None or self.money is None:
            return ZERO
        return max(ZERO, self.offer.payable_before_final_report() - self.money.paid - self.pending_part_payments)

    @property
    def final_report_from(self) -> date | None:
        """The project's start date while the final report waits for it (an accepted case
        whose project has not started), for the page to say when the report can be filed."""
        if self.case.state != State.ACCEPTED or not self.actions.request_payment or self.actions.file_final_report:
            return None
        return None if project_has_started(self.case) else self.case.application.start_date

    @property
    def final_payment_at_most(self) -> Decimal:
        if self.offer is None or self.money is None:
            return ZERO
        return max(ZERO, self.offer.amount - self.money.paid)


def case_page(*, case: Case, user: object) -> CasePage:
    """The case page of ``case_for_page``'s case; staff-only notes only for the case's staff."""
    offer = getattr(case, "offer", None)
    shows_staff_notes = rules.has_perm("workflow.view_staff_notes", user, case)
    events = case.events.select_related("actor")
    if not shows_staff_notes:
        events = events.filter(staff_only=False)
    return_message = ""
    if case.state == State.RETURNED:
        returned = case.events.filter(to_state=State.RETURNED, staff_only=False).order_by("-created_at", "-pk")
        return_message = returned.values_list("comment", flat=True).first() or ""
    return CasePage(
        case=case,
        deadline=case_next_deadline(case),
        actions=case_actions(case=case, user=user),
        offer=offer,
        money=case_money(case=case) if offer is not None else None,
        total_cost=case.application.total_cost(),
        applied_amount=case.application.applied_amount(),
        attachments=list(case.application.attachments.all()),
        payment_requests=list(case.payment_requests.prefetch_related("files").order_by("created_at", "pk")),
        payments=list(case.payments.all()),
        final_reports=list(case.final_reports.select_related("filed_by").prefetch_related("files")),
        job_reports=list(case.job_reports.all()),
        letters=list(case.files.filter(kind=CaseFile.Kind.LETTER)),
        events=list(events),
        shows_staff_notes=shows_staff_notes,
        appeal_deadline=case.appeal_deadline() if case.state in (State.REJECTED, State.DISMISSED) else None,
        return_message=return_message,
    )
