"""The board's decision on a case of a meeting's agenda: approve with amount, conditions and
legal basis, reject with reasons, or defer.  A refusal (budget, support share, de minimis,
conflict, not a member) is shown at that case's form on the agenda page; nothing changes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from programme.errors import RuleViolation
from programme.money import format_nok
from workflow import services
from workflow.forms_board import DECISION_FORMS, decision_prefix
from workflow.models import Case
from workflow.views.board_meetings import meeting_or_404, meeting_url, render_agenda


def _decide(
    request: HttpRequest,
    code: str,
    pk: int,
    reference: str,
    *,
    action: str,
    perform: Callable[[Case, dict[str, Any]], str],
) -> HttpResponse:
    meeting = meeting_or_404(request, code, pk)
    item = meeting.items.filter(case__reference=reference).select_related("case").first()
    if item is None:
        raise Http404  # not on this meeting's agenda (or another programme's case)
    case = item.case
    form = DECISION_FORMS[action](request.POST, prefix=decision_prefix(action, case.pk))
    if not form.is_valid():
        return render_agenda(request, meeting, bound=form, bound_case_id=case.pk, status=400)
    try:
        message = perform(case, form.cleaned_data)
    except RuleViolation as error:
        form.add_rule_violation(error)
        return render_agenda(request, meeting, bound=form, bound_case_id=case.pk, status=409)
    messages.success(request, message)
    return redirect(meeting_url(meeting, f"case-{case.reference}"))


@login_required
@require_POST
def decision_approve(request: HttpRequest, code: str, pk: int, reference: str) -> HttpResponse:
    def perform(case: Case, data: dict[str, Any]) -> str:
        offer = services.decision_approve(
            case=case,
            actor=request.user,
            amount=data["amount"],
            legal_basis=data["legal_basis"],
            conditions=data["conditions"],
            share_reason=data["share_reason"],
        )
        return _("%(reference)s approved: %(amount)s granted.") % {
            "reference": case.reference,
            "amount": format_nok(offer.amount),
        }

    return _decide(request, code, pk, reference, action="approve", perform=perform)


@login_required
@require_POST
def decision_reject(request: HttpRequest, code: str, pk: int, reference: str) -> HttpResponse:
    def perform(case: Case, data: dict[str, Any]) -> str:
        services.decision_reject(case=case, actor=request.user, reasons=data["reasons"])
        return _("%(reference)s rejected.") % {"reference": case.reference}

    return _decide(request, code, pk, reference, action="reject", perform=perform)


@login_required
@require_POST
def decision_defer(request: HttpRequest, code: str, pk: int, reference: str) -> HttpResponse:
    def perform(case: Case, data: dict[str, Any]) -> str:
        services.decision_defer(case=case, actor=request.user, comment=data["comment"])
        return _("%(reference)s deferred to a later meeting.") % {"reference": case.reference}

    return _decide(request, code, pk, reference, action="defer", perform=perform)
