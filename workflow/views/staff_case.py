"""The staff case page (under ``/saksbehandling/sak/``): the application in full, the
screening checklist with the system's own reading, the recommendation, money and timeline with
internal notes, and exactly the adviser's actions the rules allow now.

Only the case's staff see it (the advisers of its municipality, the board members and
administrators of its programme); for everybody else it does not exist (404)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.forms.models import model_to_dict
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from workflow import selectors_staff
from workflow.forms import CaseActionForm, CommentForm
from workflow.forms_screening import (
    SCREENING_CHECKS,
    ConflictForm,
    DismissForm,
    NoteForm,
    RecommendationForm,
    ReturnForm,
    ScreeningForm,
)
from workflow.models import Case

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
    case = selectors_staff.staff_case_for_page(user=request.user, reference=reference)
    if case is None:
        raise Http404
    return case


def _blank_form(prefix: str, page: selectors_staff.StaffCasePage) -> CaseActionForm:
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
    page = selectors_staff.staff_case_page(case=case, user=request.user)
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
    return render(request, "workflow/staff/case.html", context, status=status)


@login_required
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    return render_case(request, staff_case(request, reference))
