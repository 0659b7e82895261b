"""The staff case page (under ``/saksbehandling/sak/``): the application in full, the
screening checklist with the system's own reading, the recommendation, money and timeline with
internal notes, and exactly the adviser's actions the rules allow now.  Each action is a POST
that calls exactly one service; a refusal shows the case page again with the service's own
words at the form (400 for what the form itself refuses, 409 for a rule of the programme) and
nothing has changed; a success redirects to the case page with a message (post/redirect/get).

Only the case's staff see it (the advisers of its municipality, the board members and
administrators of its programme); for everybody else it does not exist (404)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms.models import model_to_dict
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from programme.errors import RuleViolation
from programme.money import format_nok
from workflow import services
from workflow.forms import CaseActionForm, CommentForm
from workflow.forms.case import (
    SCREENING_CHECKS,
    ConflictForm,
    DismissForm,
    NoteForm,
    RecommendationForm,
    ReturnForm,
    ScreeningForm,
)
from workflow.models import Case, Recommendation, State
from workflow.selectors import case as case_selectors
from workflow.services._core import check_transition, refuse_declared_conflict

# The page's forms, by the prefix that keeps their fields' ids apart: the action flag of
# ``StaffCaseActions`` that shows the form, and its class.
PAGE_FORMS: dict[str, tuple[str, type[CaseActionForm]]] = {
    "screening": ("screen", ScreeningForm),
    "return": ("return_for_completion", ReturnForm),
    "dismiss": ("dismiss", DismissForm),
    "recommendation": ("recommend", RecommendationForm),
    "reopen": ("reopen", CommentForm),
    "conflict": ("declare_conflict", ConflictForm),
    "note": ("add_note", NoteForm),
}


def staff_case_url(case: Case) -> str:
    return reverse("staff:case_detail", args=[case.reference])


def staff_case(request: HttpRequest, reference: str) -> Case:
    """404 for a case the person is not staff of: whether it exists is none of his business."""
    case = case_selectors.staff_case_for_page(user=request.user, reference=reference)
    if case is None:
        raise Http404
    return case


def _blank_form(prefix: str, page: case_selectors.StaffCasePage) -> CaseActionForm:
    form_class = PAGE_FORMS[prefix][1]
    if form_class is ScreeningForm and page.screening is not None:
        fields = [*SCREENING_CHECKS, "innovation_norway_outcome", "notes"]
        return ScreeningForm(prefix=prefix, initial=model_to_dict(page.screening, fields=fields))
    return form_class(prefix=prefix)


def render_case(
    request: HttpRequest,
    case: Case,
    *,
    bound: CaseActionForm | None = None,
    refusal: str = "",
    status: int = 200,
) -> HttpResponse:
    """The page; ``bound`` is a sent form shown with its errors at its place, ``refusal`` a
    refusal of an action the page does not offer this person now (shown at the top)."""
    page = case_selectors.staff_case_page(case=case, user=request.user)
    forms: dict[str, CaseActionForm] = {
        prefix: _blank_form(prefix, page) for prefix, (flag, _cls) in PAGE_FORMS.items() if getattr(page.actions, flag)
    }
    refusals = [refusal] if refusal else []
    error_form = None
    if bound is not None and bound.prefix in forms:
        forms[bound.prefix] = bound
        error_form = bound
    elif bound is not None:
        # The form is no longer on the page: its messages go to the top.
        refusals += [str(message) for messages in bound.errors.values() for message in messages]
    context: dict[str, Any] = {
        "case": case,
        "page": page,
        "forms": forms,
        "error_form": error_form,
        "refusals": [{"message": message} for message in refusals],
    }
    return render(request, "workflow/case/case.html", context, status=status)


@login_required
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    return render_case(request, staff_case(request, reference))


# The case transition behind each action, for explaining a refusal in the transition's words.
TRANSITIONS = {
    "take": "take",
    "return": "return_for_completion",
    "dismiss": "dismiss",
    "recommendation": "recommend",
    "reopen": "reopen",
}

Perform = Callable[[Case, dict[str, Any]], str]


def _why_not(case: Case, user: Any, prefix: str) -> str:
    """Why the page does not offer this action to this person now, in the services' words:
    a declared conflict first, then the state, then the role."""
    try:
        refuse_declared_conflict(case, user)
        if prefix in TRANSITIONS:
            check_transition(case, TRANSITIONS[prefix], user)
    except RuleViolation as error:
        return str(error.message)
    if prefix == "screening" and case.state == State.SCREENING:
        return _("Only an adviser for the company's municipality may screen the case.")
    return _("That cannot be done on this case now. The case is “%(state)s”.") % {"state": case.get_state_display()}


def _act(
    request: HttpRequest,
    reference: str,
    *,
    flag: str,
    prefix: str,
    form_class: type[CaseActionForm] | None,
    perform: Perform,
) -> HttpResponse:
    case = staff_case(request, reference)
    offered = bool(getattr(case_selectors.staff_case_actions(case=case, user=request.user), flag))
    form = form_class(request.POST, prefix=prefix) if form_class is not None else None
    if form is not None and not form.is_valid():
        if not offered:
            return render_case(request, case, refusal=_why_not(case, request.user, prefix), status=409)
        return render_case(request, case, bound=form, status=400)
    try:
        message = perform(case, form.cleaned_data if form is not None else {})
    except RuleViolation as error:
        if form is not None and offered:
            form.add_rule_violation(error)
            return render_case(request, case, bound=form, status=409)
        return render_case(request, case, refusal=str(error.message), status=409)
    messages.success(request, message)
    return redirect(staff_case_url(case))


@login_required
@require_POST
def case_take(request: HttpRequest, reference: str) -> HttpResponse:
    def perform(case: Case, data: dict[str, Any]) -> str:
        services.case_take(case=case, actor=request.user)
        return _("You have taken %(reference)s for screening.") % {"reference": case.reference}

    return _act(request, reference, flag="take", prefix="take", form_class=None, perform=perform)


@login_required
@require_POST
def screening_save(request: HttpRequest, reference: str) -> HttpResponse:
    def perform(case: Case, data: dict[str, Any]) -> str:
        services.screening_save(case=case, actor=request.user, **data)
        return _("The screening checklist is saved.")

    return _act(request, reference, flag="screen", prefix="screening", form_class=ScreeningForm, perform=perform)


@login_required
@require_POST
def case_return(request: HttpRequest, reference: str) -> HttpResponse:
    def perform(case: Case, data: dict[str, Any]) -> str:
        services.case_return(case=case, actor=request.user, message=data["message"])
        return _("The application has been returned to the applicant for completion.")

    return _act(
        request, reference, flag="return_for_completion", prefix="return", form_class=ReturnForm, perform=perform
    )


@login_required
@require_POST
def case_dismiss(request: HttpRequest, reference: str) -> HttpResponse:
    def perform(case: Case, data: dict[str, Any]) -> str:
        services.case_dismiss(case=case, actor=request.user, reasons=data["reasons"])
        return _("The application has been dismissed. The dismissal letter is being made and will appear on the case.")

    return _act(request, reference, flag="dismiss", prefix="dismiss", form_class=DismissForm, perform=perform)


@login_required
@require_POST
def recommendation_record(request: HttpRequest, reference: str) -> HttpResponse:
    def perform(case: Case, data: dict[str, Any]) -> str:
        recommendation = services.recommendation_record(
            case=case,
            actor=request.user,
            outcome=data["outcome"],
            assessment=data["assessment"],
            amount=data["amount"],
            conditions=data["conditions"].strip(),
            reasons=data["reasons"].strip(),
        )
        if recommendation.outcome == Recommendation.Outcome.APPROVE:
            return _("You recommend a grant of %(amount)s. The case is ready for the board.") % {
                "amount": format_nok(recommendation.amount)
            }
        return _("You recommend rejection. The case is ready for the board.")

    return _act(
        request,
        reference,
        flag="recommend",
        prefix="recommendation",
        form_class=RecommendationForm,
        perform=perform,
    )


@login_required
@require_POST
def case_reopen(request: HttpRequest, reference: str) -> HttpResponse:
    def perform(case: Case, data: dict[str, Any]) -> str:
        services.case_reopen(case=case, actor=request.user, comment=data["comment"].strip())
        return _("The case is back in screening.")

    return _act(request, reference, flag="reopen", prefix="reopen", form_class=CommentForm, perform=perform)


@login_required
@require_POST
def conflict_declare(request: HttpRequest, reference: str) -> HttpResponse:
    def perform(case: Case, data: dict[str, Any]) -> str:
        services.conflict_declare(case=case, actor=request.user, reason=data["reason"])
        return _("Your conflict of interest is recorded. You can read the case, but no longer act on it.")

    return _act(
        request, reference, flag="declare_conflict", prefix="conflict", form_class=ConflictForm, perform=perform
    )


@login_required
@require_POST
def case_note_add(request: HttpRequest, reference: str) -> HttpResponse:
    def perform(case: Case, data: dict[str, Any]) -> str:
        services.case_note_add(
            case=case, actor=request.user, text=data["text"], staff_only=not data["show_to_applicant"]
        )
        if data["show_to_applicant"]:
            return _("The note is added to the timeline, and the applicant can read it.")
        return _("The internal note is added to the timeline.")

    return _act(request, reference, flag="add_note", prefix="note", form_class=NoteForm, perform=perform)
