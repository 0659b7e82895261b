"""The administrator's payments page (issue 4): the programme's pending payment requests, part
and final, each with its case's money and the forms to register the payment, refuse the
request or return the final report; below, the latest payments.  The services decide and
explain every refusal; a refusal is shown at the row's form and changes nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from programme import clock
from programme.errors import RuleViolation
from programme.models import Programme
from programme.money import format_nok
from programme.pagination import page_links, page_of, page_query
from workflow import selectors, services
from workflow.exports import FORMATS, Value, export_response
from workflow.forms import CaseActionForm
from workflow.forms.payments import FinalReportReturnForm, PaymentRefuseForm, PaymentRegisterForm
from workflow.models import Payment, PaymentRequest
from workflow.selectors import payments as payments_selectors
from workflow.views.budget import administered_programme


@dataclass
class PaymentItem:
    """One pending request on the page with the forms the administrator may use on it."""

    row: payments_selectors.PaymentRow
    register: PaymentRegisterForm | None = None
    refuse: PaymentRefuseForm | None = None
    return_report: FinalReportReturnForm | None = None

    @property
    def pk(self) -> int:
        return self.row.request.pk


def _forms_for(row: payments_selectors.PaymentRow) -> PaymentItem:
    if row.conflict:
        return PaymentItem(row)  # he or she may not act on the case; the page says why
    pk = row.request.pk
    # The amount field shows it as a Norwegian types it ("100 000") and reads it back.
    initial = {"amount": row.request.amount}
    item = PaymentItem(row, register=PaymentRegisterForm(prefix=f"pay-{pk}", initial=initial))
    # A final request is answered by paying it or by returning the final report it came with.
    if row.request.is_final:
        item.return_report = FinalReportReturnForm(prefix=f"return-{pk}")
    else:
        item.refuse = PaymentRefuseForm(prefix=f"refuse-{pk}")
    return item


def _render(
    request: HttpRequest,
    programme: Programme,
    *,
    bound: tuple[int, str, CaseActionForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    page = page_of(request, payments_selectors.pending_requests(programme=programme))
    items = [_forms_for(row) for row in payments_selectors.payment_rows(page.object_list, user=request.user)]
    if bound is not None:
        pk, slot, form = bound
        for item in items:
            if item.pk == pk:
                setattr(item, slot, form)
    context = {
        "programme": programme,
        "items": items,
        "page": page,
        "page_links": page_links(request, page),
        "page_query": page_query(request),
        "recent_payments": payments_selectors.recent_payments(programme=programme),
        "error_form": bound[2] if bound else None,
    }
    return render(request, "workflow/payments/payments.html", context, status=status)


def _programme_request(request: HttpRequest, code: str, pk: int) -> tuple[Programme, PaymentRequest]:
    programme = administered_programme(request, code)
    payment_request = payments_selectors.pending_request(programme=programme, pk=pk)
    if payment_request is None:
        raise Http404
    return programme, payment_request


def _act(
    request: HttpRequest,
    programme: Programme,
    payment_request: PaymentRequest,
    *,
    slot: str,
    form: CaseActionForm,
    perform: Callable[[dict[str, Any]], str],
) -> HttpResponse:
    """Run one service: a refusal goes back to the row's form (the request is still listed)
    or, when the request is no longer pending, to the top of the page."""
    # Back to the page of the list the request was decided on.
    page_url = reverse("staff_admin:payments", args=[programme.code]) + page_query(request)
    if not form.is_valid():
        if not _still_pending(payment_request):
            messages.error(request, _("The payment request has already been decided."))
            return redirect(page_url)
        return _render(request, programme, bound=(payment_request.pk, slot, form), status=400)
    try:
        message = perform(form.cleaned_data)
    except RuleViolation as error:
        if not _still_pending(payment_request):
            messages.error(request, str(error.message))
            return redirect(page_url)
        form.add_rule_violation(error)
        return _render(request, programme, bound=(payment_request.pk, slot, form), status=409)
    messages.success(request, message)
    return redirect(page_url)


def _still_pending(payment_request: PaymentRequest) -> bool:
    return PaymentRequest.objects.filter(pk=payment_request.pk, status=PaymentRequest.Status.PENDING).exists()


@login_required
@require_GET
def payments(request: HttpRequest, code: str) -> HttpResponse:
    return _render(request, administered_programme(request, code))


@login_required
@require_POST
def payment_register(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    programme, payment_request = _programme_request(request, code, pk)
    case = payment_request.case
    form = PaymentRegisterForm(request.POST, prefix=f"pay-{pk}")

    def perform(data: dict[str, Any]) -> str:
        before = selectors.case_money(case=case)
        payment = services.payment_register(
            case=case,
            actor=request.user,
            amount=data["amount"],
            is_final=payment_request.is_final,
            request=payment_request,
            paid_on=data["paid_on"],
        )
        values = {"amount": format_nok(payment.amount), "reference": case.reference}
        if not payment.is_final:
            return _("A part payment of %(amount)s is registered on %(reference)s.") % values
        released = before.committed - selectors.case_money(case=case).committed
        return _(
            "The final payment of %(amount)s is registered on %(reference)s. The case is completed, "
            "and %(released)s not paid out has been released back to the budget."
        ) % {**values, "released": format_nok(released)}

    return _act(request, programme, payment_request, slot="register", form=form, perform=perform)


@login_required
@require_POST
def payment_request_refuse(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    programme, payment_request = _programme_request(request, code, pk)
    if payment_request.is_final:
        raise Http404  # a final request is answered by returning its final report (below)
    form = PaymentRefuseForm(request.POST, prefix=f"refuse-{pk}")

    def perform(data: dict[str, Any]) -> str:
        services.payment_request_refuse(request=payment_request, actor=request.user, reason=data["reason"])
        return _("The payment request on %(reference)s is refused.") % {"reference": payment_request.case.reference}

    return _act(request, programme, payment_request, slot="refuse", form=form, perform=perform)


@login_required
@require_POST
def final_report_return(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    programme, payment_request = _programme_request(request, code, pk)
    if not payment_request.is_final:
        raise Http404  # only a final request comes with a final report
    form = FinalReportReturnForm(request.POST, prefix=f"return-{pk}")

    def perform(data: dict[str, Any]) -> str:
        services.final_report_return(case=payment_request.case, actor=request.user, message=data["message"])
        return _("The final report on %(reference)s is returned to the company for completion.") % {
            "reference": payment_request.case.reference
        }

    return _act(request, programme, payment_request, slot="return_report", form=form, perform=perform)


# --- the export ---------------------------------------------------------------------------------


@login_required
@require_GET
def payments_export(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    """The page's two lists in one file: the pending requests (as on the page, oldest first)
    and then every registered payment (the page shows the latest; the file has them all,
    newest first).  The status column tells the two apart."""
    if fmt not in FORMATS:
        raise Http404
    programme = administered_programme(request, code)
    pending = payments_selectors.payment_rows(
        payments_selectors.pending_requests(programme=programme), user=request.user
    )
    paid = payments_selectors.programme_payments(programme=programme).iterator(chunk_size=500)
    headers = [
        _("Status"),
        _("Case"),
        _("Company"),
        _("Kind"),
        _("Amount"),
        _("Requested on"),
        _("Paid on"),
        _("Registered by"),
    ]
    return export_response(
        fmt=fmt,
        filename=f"utbetalinger-{programme.code}-{clock.today().isoformat()}",
        headers=headers,
        rows=_payment_rows(pending, paid),
        sheet_title=_("Payments"),
    )


def _kind(is_final: bool) -> str:
    return _("Final payment") if is_final else _("Part payment")


def _payment_rows(pending: list[payments_selectors.PaymentRow], paid: Iterator[Payment]) -> Iterator[list[Value]]:
    for row in pending:
        asked = row.request
        yield [
            _("Awaiting decision"),
            asked.case.reference,
            asked.case.application.company.name,
            _kind(asked.is_final),
            asked.amount,
            timezone.localdate(asked.created_at),
            None,
            None,
        ]
    for payment in paid:
        yield [
            _("Paid"),
            payment.case.reference,
            payment.case.application.company.name,
            _kind(payment.is_final),
            payment.amount,
            timezone.localdate(payment.request.created_at) if payment.request else None,
            payment.paid_on,
            str(payment.registered_by) if payment.registered_by else _("The system"),
        ]
