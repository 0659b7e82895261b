"""From offer to completion: acceptance, lapse, cancellation, payments, the final report,
job reports and closing.  Whatever was committed and not paid is released when a case ends."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from programme import clock
from programme.dates import day_text
from programme.errors import RuleViolation
from programme.locking import lock_objects
from programme.money import format_nok, parse_nok
from workflow.models import (
    Case,
    FinalReport,
    JobReport,
    LedgerEntry,
    Offer,
    Payment,
    PaymentRequest,
    State,
    TimelineEvent,
)
from workflow.models.case import followup_is_over
from workflow.permissions import is_case_admin, is_case_applicant
from workflow.selectors import case_money, pending_part_requests
from workflow.services._core import (
    case_row,
    check_transition,
    fire,
    lock_case,
    record,
    refuse_declared_conflict,
    require_case_admin,
    required_text,
)


def _amount(value: Any, label: str, code: str = "amount") -> Decimal:
    """``code`` names the field, so a page can put the message next to it."""
    return parse_nok(value, label=label, allow_zero=False, code=code)


def _release_unpaid(case: Case, actor: Any, note: str) -> Decimal:
    """Release what is committed and not paid; returns the amount released."""
    money = case_money(case=case)
    if money.unpaid <= 0:
        return Decimal("0.00")
    LedgerEntry.objects.create(
        budget_year=case.offer.budget_year,
        case=case,
        kind=LedgerEntry.Kind.RELEASE,
        amount=money.unpaid,
        created_by=actor,
        note=note[:200],
    )
    record(
        case=case,
        actor=actor,
        kind=TimelineEvent.Kind.MONEY,
        action="commitment.released",
        data={"amount": str(money.unpaid)},
    )
    return money.unpaid


def offer_accept(*, case: Case, actor: Any) -> Offer:
    """The applicant accepts the offer's terms; the start deadline begins to run."""
    with transaction.atomic():
        case, offers = lock_objects(case_row(case), Offer.objects.filter(case=case))
        fire(case, "accept", actor)
        [offer] = offers  # an accepted case has its one offer
        now = clock.now()
        offer.accepted_at = now
        offer.start_by = timezone.localdate(now) + relativedelta(months=case.programme.start_months)
        offer.save(update_fields=["accepted_at", "start_by"])
    return offer


def offer_decline(*, case: Case, actor: Any, comment: str = "") -> Case:
    with transaction.atomic():
        case = lock_case(case)
        fire(case, "decline", actor, comment=comment)
        _release_unpaid(case, actor, "declined")
    return case


def case_lapse(*, case: Case, actor: Any = None) -> Case:
    """The offer lapsed (not accepted in time, or expired); ``actor=None`` is the system."""
    with transaction.atomic():
        case = lock_case(case)
        reason = "not_accepted" if case.state == State.APPROVED else "expired"
        fire(case, "lapse", actor, data={"reason": reason})
        _release_unpaid(case, actor, "lapsed")
    return case


def case_cancel(*, case: Case, actor: Any, reason: str) -> Case:
    """The programme withdraws the offer (with reasons); the unpaid commitment is released."""
    text = required_text(reason, _("Give the reasons for cancelling the offer."))
    with transaction.atomic():
        case = lock_case(case)
        fire(case, "cancel", actor, comment=text)
        _release_unpaid(case, actor, "cancelled")
    return case


def payment_request_create(*, case: Case, actor: Any, amount: Any, costs_to_date: Any, report: str) -> PaymentRequest:
    """The applicant asks for a part payment against the costs documented so far."""
    text = required_text(report, _("Write a short report on the work so far."))
    requested = _amount(amount, _("The amount"))
    costs = _amount(costs_to_date, _("The costs to date"), code="costs_to_date")
    with transaction.atomic():
        case = lock_case(case)
        if not is_case_applicant(actor, case):
            raise RuleViolation(_("Only the company's own people may request payments."), code="not_allowed")
        if case.state != State.ACCEPTED:
            raise RuleViolation(
                _("Part payments can be requested only while the offer is accepted and the project runs."),
                code="wrong_state",
            )
        # What is asked for and not paid yet counts as if paid: together the requests may not
        # pass what can be paid before the final report.
        pending = pending_part_requests([case.pk]).get(case.pk, Decimal("0.00"))
        _check_part_payment(case, requested, pending=pending)
        request = PaymentRequest.objects.create(
            case=case, amount=requested, costs_to_date=costs, report=text, created_by=actor
        )
        record(
            case=case,
            actor=actor,
            kind=TimelineEvent.Kind.MONEY,
            action="payment.requested",
            data={"amount": str(requested), "request_id": request.pk},
        )
    return request


def _check_part_payment(case: Case, amount: Decimal, *, pending: Decimal = Decimal("0.00")) -> None:
    """``pending``: part payments asked for and not paid yet, counted as if paid."""
    offer = case.offer
    money = case_money(case=case)
    limit = offer.payable_before_final_report()
    if money.paid + pending + amount <= limit:
        return
    figures = {
        "limit": format_nok(limit),
        "holdback": format_nok(offer.holdback_amount),
        "paid": format_nok(money.paid),
        "pending": format_nok(pending),
        "left": format_nok(max(Decimal("0.00"), limit - money.paid - pending)),
    }
    if pending:
        raise RuleViolation(
            _(
                "Before the final report at most %(limit)s may be paid (the grant less the %(holdback)s held back); "
                "%(paid)s is paid already and %(pending)s is asked for in requests not paid yet, "
                "so at most %(left)s more can be asked for."
            )
            % figures,
            code="holdback",
        )
    raise RuleViolation(
        _(
            "Before the final report at most %(limit)s may be paid (the grant less the %(holdback)s held back); "
            "%(paid)s is paid already."
        )
        % figures,
        code="holdback",
    )


def _paid_on_check(case: Case, offer: Offer, paid_on: date) -> None:
    """A payment is registered once it is made, so its date is not after today; and nothing is
    paid before the offer is accepted (imported offers carry their acceptance too; the
    decision's date stands in should one lack it)."""
    decided = offer.accepted_at or offer.decision.decided_at
    first, last = timezone.localdate(decided), clock.today()
    if not first <= paid_on <= last:
        raise RuleViolation(
            _("Give the date the payment was made: from %(first)s, when the offer was accepted, to today, %(last)s.")
            % {"first": day_text(first), "last": day_text(last)},
            code="paid_on",
        )


def final_report_file(*, case: Case, actor: Any, text: str, amount: Any, costs_to_date: Any) -> FinalReport:
    """Sluttrapport with the final payment request."""
    body = required_text(text, _("Write the final report."))
    requested = _amount(amount, _("The amount"))
    costs = _amount(costs_to_date, _("The costs to date"), code="costs_to_date")
    with transaction.atomic():
        case = lock_case(case)
        check_transition(case, "file_final_report", actor)
        money = case_money(case=case)
        if money.paid + requested > case.offer.amount:
            raise RuleViolation(
                _("The final payment may be at most %(rest)s: the grant less what is paid already.")
                % {"rest": format_nok(case.offer.amount - money.paid)},
                code="grant",
            )
        report = FinalReport.objects.create(case=case, text=body, filed_by=actor)
        PaymentRequest.objects.create(
            case=case, is_final=True, amount=requested, costs_to_date=costs, report=body, created_by=actor
        )
        fire(case, "file_final_report", actor, data={"amount": str(requested)})
    return report


def final_report_return(*, case: Case, actor: Any, message: str) -> Case:
    """Return the final report for completion; the pending final request is refused."""
    text = required_text(message, _("Say what the final report lacks."))
    with transaction.atomic():
        case = lock_case(case)
        fire(case, "return_report", actor, comment=text)
        case.payment_requests.filter(is_final=True, status=PaymentRequest.Status.PENDING).update(
            status=PaymentRequest.Status.REFUSED
        )
    return case


def payment_register(
    *,
    case: Case,
    actor: Any,
    amount: Any,
    is_final: bool = False,
    request: PaymentRequest | None = None,
    paid_on: date | None = None,
) -> Payment:
    """Register a payment.  Part payments keep the hold-back; the single final payment needs
    the final report, completes the case and releases the unpaid remainder."""
    paid_amount = _amount(amount, _("The amount"))
    if request is not None:
        requests = PaymentRequest.objects.filter(pk=request.pk)
    elif is_final:
        # The final payment answers the final report's request, even when it is not named.
        requests = PaymentRequest.objects.filter(case=case, is_final=True, status=PaymentRequest.Status.PENDING)
    else:
        requests = PaymentRequest.objects.none()
    with transaction.atomic():
        # The requests are read under the case's lock, taken first.
        case, requests = lock_objects(case_row(case), requests)
        request = requests[0] if requests else None
        require_case_admin(case, actor, _("Only the programme's administrators register payments."))
        if request is not None:
            if request.case_id != case.pk or request.status != PaymentRequest.Status.PENDING:
                raise RuleViolation(_("The payment request is not pending on this case."))
            if request.is_final != is_final:
                raise RuleViolation(_("The payment must be of the same kind as the request (part or final)."))
        offer = getattr(case, "offer", None)
        if is_final:
            if case.state != State.REPORTING:
                raise RuleViolation(
                    _("The final payment needs the final report: the case is “%(state)s”.")
                    % {"state": State(case.state).label},
                    code="wrong_state",
                )
            if case.payments.filter(is_final=True).exists():
                raise RuleViolation(_("The case already has its final payment."), code="final_exists")
            money = case_money(case=case)
            if money.paid + paid_amount > offer.amount:
                raise RuleViolation(
                    _("%(amount)s would bring the payments above the grant of %(grant)s (%(paid)s paid already).")
                    % {
                        "amount": format_nok(paid_amount),
                        "grant": format_nok(offer.amount),
                        "paid": format_nok(money.paid),
                    },
                    code="grant",
                )
        else:
            if case.state != State.ACCEPTED:
                raise RuleViolation(
                    _("Part payments are made only while the offer is accepted; the case is “%(state)s”.")
                    % {"state": State(case.state).label},
                    code="wrong_state",
                )
            _check_part_payment(case, paid_amount)
        paid_on = paid_on or clock.today()
        _paid_on_check(case, offer, paid_on)

        payment = Payment.objects.create(
            case=case,
            request=request,
            amount=paid_amount,
            is_final=is_final,
            paid_on=paid_on,
            registered_by=actor,
        )
        LedgerEntry.objects.create(
            budget_year=offer.budget_year,
            case=case,
            kind=LedgerEntry.Kind.DISBURSE,
            amount=paid_amount,
            booked_on=payment.paid_on,
            created_by=actor,
            payment=payment,
        )
        if request is not None:
            request.status = PaymentRequest.Status.PAID
            request.save(update_fields=["status"])
        record(
            case=case,
            actor=actor,
            kind=TimelineEvent.Kind.MONEY,
            action="payment.registered",
            data={
                "amount": str(paid_amount),
                "final": is_final,
                "payment_id": payment.pk,
                "paid_on": payment.paid_on.isoformat(),
            },
        )
        if is_final:
            fire(case, "complete", actor)
            _release_unpaid(case, actor, "completed under budget")
    return payment


def payment_request_refuse(*, request: PaymentRequest, actor: Any, reason: str) -> PaymentRequest:
    text = required_text(reason, _("Give the reasons for refusing the payment request."))
    with transaction.atomic():
        case, request = lock_objects(case_row(request.case_id), request)
        require_case_admin(case, actor, _("Only the programme's administrators decide payment requests."))
        if request.status != PaymentRequest.Status.PENDING:
            raise RuleViolation(_("The payment request is not pending."))
        if request.is_final:
            # A refused final request would leave the case in reporting with nothing to act on.
            raise RuleViolation(
                _("A final payment request is not refused: return the final report, so the company can correct it."),
                code="final_request",
            )
        request.status = PaymentRequest.Status.REFUSED
        request.save(update_fields=["status"])
        record(
            case=case,
            actor=actor,
            kind=TimelineEvent.Kind.MONEY,
            action="payment_request.refused",
            data={"request_id": request.pk, "amount": str(request.amount)},
            comment=text,
        )
    return request


def payment_reclaim(*, case: Case, actor: Any, amount: Any, reason: str) -> LedgerEntry:
    """Money paid back by the company (tilbakebetaling); never more than was paid."""
    text = required_text(reason, _("Give the reason for the reclaim."))
    reclaimed = _amount(amount, _("The amount"))
    with transaction.atomic():
        case = lock_case(case)
        require_case_admin(case, actor, _("Only the programme's administrators register reclaims."))
        money = case_money(case=case)
        if reclaimed > money.paid:
            raise RuleViolation(
                _("Only %(paid)s has been paid, so no more can be reclaimed.") % {"paid": format_nok(money.paid)},
                code="reclaim",
            )
        entry = LedgerEntry.objects.create(
            budget_year=case.offer.budget_year,
            case=case,
            kind=LedgerEntry.Kind.RECLAIM,
            amount=reclaimed,
            created_by=actor,
            note=text[:200],
        )
        record(
            case=case,
            actor=actor,
            kind=TimelineEvent.Kind.MONEY,
            action="payment.reclaimed",
            data={"amount": str(reclaimed)},
            comment=text,
        )
    return entry


def job_report_file(
    *,
    case: Case,
    actor: Any,
    new_jobs: Any,
    jobs_secured: Any = 0,
    period_months: int | None = None,
    note: str = "",
) -> JobReport:
    """A report of the jobs created; an administrator may file it on the company's behalf.
    The case closes by itself when the last follow-up report is in."""
    try:
        jobs = Decimal(str(new_jobs)).quantize(Decimal("0.1"))
        secured = Decimal(str(jobs_secured)).quantize(Decimal("0.1"))
    except Exception as error:  # noqa: BLE001
        raise RuleViolation(_("Give the number of jobs as a number of full-time equivalents.")) from error
    if not jobs.is_finite() or not secured.is_finite() or jobs < 0 or secured < 0 or jobs >= 100000:
        raise RuleViolation(_("The number of jobs must be zero or more."), code="jobs")
    with transaction.atomic():
        case = lock_case(case)
        applicant = is_case_applicant(actor, case)
        if not applicant:
            refuse_declared_conflict(case, actor)
        if not (applicant or is_case_admin(actor, case)):
            raise RuleViolation(_("Only the company's people or an administrator may report jobs."), code="not_allowed")
        if case.state != State.COMPLETED:
            raise RuleViolation(
                _("Job reports are filed after the project is completed; the case is “%(state)s”.")
                % {"state": State(case.state).label},
                code="wrong_state",
            )
        followup = list(case.programme.job_followup_months)
        if period_months is not None and period_months not in followup:
            raise RuleViolation(
                _("Job reports are asked for at %(months)s months.") % {"months": ", ".join(str(m) for m in followup)}
            )
        if period_months is not None and case.job_reports.filter(period_months=period_months).exists():
            raise RuleViolation(
                _("The job report for %(months)s months after completion is already filed.")
                % {"months": period_months},
                code="period_months",
            )
        report = JobReport.objects.create(
            case=case,
            period_months=period_months,
            new_jobs=jobs,
            jobs_secured=secured,
            reported_by=actor,
            on_behalf=not applicant,
            note=note,
        )
        record(
            case=case,
            actor=actor,
            kind=TimelineEvent.Kind.REPORT,
            action="job_report.filed",
            data={"jobs": str(jobs), "on_behalf": not applicant, "period_months": period_months},
        )
        if followup_is_over(case):
            fire(case, "close", None, data={"reason": "last_job_report"})
    return report


def case_close(*, case: Case, actor: Any = None) -> Case:
    """Close a completed case when the follow-up period is over (``actor=None``: the system)."""
    with transaction.atomic():
        case = lock_case(case)
        fire(case, "close", actor, data={"reason": "followup_over"})
    return case
