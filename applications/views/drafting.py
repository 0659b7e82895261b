"""The application in seven steps (SPEC §3), each its own page, saved as a draft at every
step.  A submitted application is shown read-only; the services refuse any change to it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from applications import selectors, services
from applications.forms import (
    AttachmentForm,
    ContactFormSet,
    CostLineFormSet,
    DeclarationsForm,
    EffectsForm,
    FinancingLineFormSet,
    ProjectForm,
    SupportDeclarationFormSet,
    disable,
)
from applications.models import Application, Attachment
from applications.views._errors import error_items, mark_invalid, place_refusal
from applications.views.companies import contact_initial, contact_rows, profile_form
from programme import clock
from programme.errors import RuleViolation


@dataclass(frozen=True)
class Step:
    slug: str
    label: Promise
    url_name: str


STEPS = [
    Step("company", gettext_lazy("Company"), "applications:application_company"),
    Step("project", gettext_lazy("Project"), "applications:application_project"),
    Step("costs", gettext_lazy("Costs and financing"), "applications:application_costs"),
    Step("effects", gettext_lazy("Effects"), "applications:application_effects"),
    Step("attachments", gettext_lazy("Attachments"), "applications:application_attachments"),
    Step("declarations", gettext_lazy("Declarations"), "applications:application_declarations"),
    Step("review", gettext_lazy("Review and submit"), "applications:application_review"),
]
STEP_INDEX = {step.slug: index for index, step in enumerate(STEPS)}

# Where the review page's links land for problems that are not one input.
GROUP_ANCHORS = {
    "contacts": "field-contacts",
    "cost_lines": "field-cost_lines",
    "financing_lines": "field-financing_lines",
}


def step_url(application: Application, slug: str) -> str:
    return reverse(STEPS[STEP_INDEX[slug]].url_name, kwargs={"pk": application.pk})


def _application(request: HttpRequest, pk: int) -> Application:
    # Only through the person's own companies: another company's application is not found.
    return get_object_or_404(selectors.applications_of(user=request.user), pk=pk)


def _after_save(request: HttpRequest, application: Application, slug: str, message: str = "") -> HttpResponse:
    """Go on to the next step ("Save and continue"), back ("Save and go back"), or stay ("Save")."""
    index = STEP_INDEX[slug]
    action = request.POST.get("action")
    if action == "next" and index + 1 < len(STEPS):
        index += 1
    elif action == "back" and index > 0:
        index -= 1
    messages.success(request, message or _("The draft is saved."))
    return redirect(step_url(application, STEPS[index].slug))


def _render(
    request: HttpRequest,
    application: Application,
    slug: str,
    context: dict[str, Any],
    *,
    errors: Sequence[dict[str, Any]] = (),
) -> HttpResponse:
    index = STEP_INDEX[slug]
    steps = [
        {
            "number": number,
            "label": step.label,
            "url": step_url(application, step.slug),
            "current": step.slug == slug,
        }
        for number, step in enumerate(STEPS, start=1)
    ]
    return render(
        request,
        f"applications/step_{slug}.html",
        {
            "application": application,
            "editable": application.is_editable,
            "steps": steps,
            "step": steps[index],
            "step_count": len(STEPS),
            "previous_url": steps[index - 1]["url"] if index > 0 else None,
            "next_url": steps[index + 1]["url"] if index + 1 < len(STEPS) else None,
            "errors": list(errors),
            **context,
        },
    )


# --- Step 1: the company ------------------------------------------------------------------


@login_required
def application_company(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    company = application.company
    initial, members = contact_initial(company)
    if request.method == "POST":
        form = profile_form(company, request.POST)
        contacts = ContactFormSet(request.POST, initial=initial, prefix="contacts")
    else:
        form = profile_form(company)
        contacts = ContactFormSet(initial=initial, prefix="contacts")
    loose: list[str] = []
    if request.method == "POST" and form.is_valid() and contacts.is_valid():
        try:
            services.application_company_save(
                application=application, actor=request.user, fields=form.cleaned_data, contacts=contacts.rows()
            )
        except RuleViolation as refusal:
            loose = place_refusal(refusal, form=form, rows={"contacts": contacts.forms})
        else:
            return _after_save(request, application, "company")
    if not application.is_editable:
        disable(form, *contacts.forms)
    return _render(
        request,
        application,
        "company",
        {"form": form, "contacts": contacts, "contact_forms": contact_rows(contacts, members)},
        errors=error_items(form, contacts, loose=loose),
    )


# --- Steps 2 and 4: the project and its effects -------------------------------------------


def _application_fields_step(request: HttpRequest, pk: int, slug: str, form_class: type) -> HttpResponse:
    application = _application(request, pk)
    kwargs: dict[str, Any] = {"programme": application.programme} if form_class is ProjectForm else {}
    form = form_class(request.POST if request.method == "POST" else None, instance=application, **kwargs)
    loose: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            services.application_update(application=application, actor=request.user, **form.cleaned_data)
        except RuleViolation as refusal:
            application.refresh_from_db()
            loose = place_refusal(refusal, form=form)
        else:
            return _after_save(request, application, slug)
    if not application.is_editable:
        disable(form)
    return _render(request, application, slug, {"form": form}, errors=error_items(form, loose=loose))


@login_required
def application_project(request: HttpRequest, pk: int) -> HttpResponse:
    return _application_fields_step(request, pk, "project", ProjectForm)


@login_required
def application_effects(request: HttpRequest, pk: int) -> HttpResponse:
    return _application_fields_step(request, pk, "effects", EffectsForm)


# --- Step 3: costs and financing ----------------------------------------------------------

COST_FIELDS = ["category", "description", "hours", "hourly_rate", "amount"]
FINANCING_FIELDS = ["source", "description", "amount"]


def _line_initial(lines: Any, fields: list[str]) -> list[dict[str, Any]]:
    return [{name: getattr(line, name) for name in fields} for line in lines]


def _read_only(*formsets: Any) -> None:
    for formset in formsets:
        formset.extra = 0
        formset.can_delete = False


@login_required
def application_costs(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    data = request.POST if request.method == "POST" else None
    costs_initial = _line_initial(application.cost_lines.all(), COST_FIELDS)
    financing_initial = _line_initial(application.financing_lines.all(), FINANCING_FIELDS)
    costs = CostLineFormSet(data, initial=costs_initial, prefix="costs")
    financing = FinancingLineFormSet(data, initial=financing_initial, prefix="financing")
    if not application.is_editable:
        _read_only(costs, financing)
    loose: list[str] = []
    if data is not None and costs.is_valid() and financing.is_valid():
        cost_rows, financing_rows = costs.lines(), financing.lines()
        try:
            services.application_budget_save(
                application=application,
                actor=request.user,
                cost_lines=[values for _form, values in cost_rows],
                financing_lines=[values for _form, values in financing_rows],
            )
        except RuleViolation as refusal:
            loose = place_refusal(
                refusal,
                rows={
                    "cost_lines": [form for form, _values in cost_rows],
                    "financing_lines": [form for form, _values in financing_rows],
                },
            )
        else:
            return _after_save(request, application, "costs")
    if not application.is_editable:
        disable(*costs.forms, *financing.forms)
    return _render(
        request,
        application,
        "costs",
        {
            "costs": costs,
            "financing": financing,
            "budget": selectors.application_budget(application=application),
        },
        errors=error_items(costs, financing, loose=loose),
    )


@login_required
@require_POST
def application_costs_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: the totals of the lines as typed, before they are saved.  Without JavaScript the
    page shows the saved totals and the same figures appear after "Save"."""
    application = _application(request, pk)
    costs: dict[str, Decimal] = {}
    financing: dict[str, Decimal] = {}
    for prefix, formset_class, key, totals in (
        ("costs", CostLineFormSet, "category", costs),
        ("financing", FinancingLineFormSet, "source", financing),
    ):
        formset = formset_class(request.POST, prefix=prefix)
        if not formset.management_form.is_valid():
            continue
        for form in formset.forms:
            if not form.is_valid() or form.cleaned_data.get("DELETE") or not form.cleaned_data.get(key):
                continue
            data = form.cleaned_data
            amount = data.get("amount") or Decimal("0")
            if data.get(key) == "own_hours" and data.get("hours") is not None and data.get("hourly_rate") is not None:
                amount = data["hours"] * data["hourly_rate"]
            if amount >= 0:
                totals[data[key]] = totals.get(data[key], Decimal("0")) + amount
    budget = selectors.budget_of(costs=costs, financing=financing, share_max=application.programme.support_share_max)
    return render(request, "applications/_budget.html", {"budget": budget, "preview": True})


# --- Step 5: attachments ------------------------------------------------------------------


@login_required
def application_attachments(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    form = AttachmentForm(request.POST, request.FILES) if request.method == "POST" else AttachmentForm()
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("file")
        if upload is not None:
            try:
                services.attachment_add(
                    application=application,
                    actor=request.user,
                    upload=upload,
                    description=form.cleaned_data.get("description") or "",
                )
            except RuleViolation as refusal:
                # The refusal is about the file (its size, its type) or the application.
                form.add_error("file", refusal.message)
                mark_invalid(form, "file")
            else:
                uploaded = _("%(name)s is uploaded.") % {"name": upload.name}
                return _after_save(request, application, "attachments", uploaded)
        elif request.POST.get("action") == "stay":
            form.add_error("file", _("Choose a file to upload."))
            mark_invalid(form, "file")
        else:
            # Nothing to save on this step: go on (or back).
            return _after_save(request, application, "attachments")
    if not application.is_editable:
        disable(form)
    return _render(
        request,
        application,
        "attachments",
        {"form": form, "attachments": application.attachments.all()},
        errors=error_items(form),
    )


@login_required
@require_POST
def attachment_delete(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    application = _application(request, pk)
    attachment: Attachment = get_object_or_404(application.attachments.all(), pk=attachment_pk)
    try:
        services.attachment_delete(attachment=attachment, actor=request.user)
    except RuleViolation as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("%(name)s is deleted.") % {"name": attachment.original_name})
    return redirect(step_url(application, "attachments"))


# --- Step 6: declarations -----------------------------------------------------------------

DECLARATION_FIELDS = ["kind", "grantor", "granted_on", "amount"]


@login_required
def application_declarations(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    data = request.POST if request.method == "POST" else None
    initial = _line_initial(application.support_declarations.all(), DECLARATION_FIELDS)
    declarations = SupportDeclarationFormSet(data, initial=initial, prefix="support")
    form = DeclarationsForm(data, initial={"information_is_true": application.information_is_true})
    if not application.is_editable:
        _read_only(declarations)
    loose: list[str] = []
    if data is not None and declarations.is_valid() and form.is_valid():
        rows = declarations.lines()
        try:
            services.application_declarations_save(
                application=application,
                actor=request.user,
                declarations=[values for _form, values in rows],
                information_is_true=form.cleaned_data["information_is_true"],
            )
        except RuleViolation as refusal:
            loose = place_refusal(refusal, form=form, rows={"declarations": [f for f, _values in rows]})
        else:
            return _after_save(request, application, "declarations")
    if not application.is_editable:
        disable(form, *declarations.forms)
    return _render(
        request,
        application,
        "declarations",
        {"declarations": declarations, "form": form, "period_start_year": clock.today().year - 2},
        errors=error_items(declarations, form, loose=loose),
    )


# --- Step 7: review -----------------------------------------------------------------------


@login_required
def application_review(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    problems = []
    for problem in selectors.application_problems(application=application):
        anchor = GROUP_ANCHORS.get(problem.field, f"id_{problem.field}")
        url = f"{step_url(application, problem.step)}#{anchor}" if problem.step in STEP_INDEX else ""
        problems.append({"step": problem.step, "field": problem.field, "message": problem.message, "url": url})
    by_step: dict[str, list[dict[str, Any]]] = {}
    for problem in problems:
        by_step.setdefault(problem["step"], []).append(problem)
    company = application.company
    return _render(
        request,
        application,
        "review",
        {
            "problems": problems,
            "by_step": by_step,
            "company": company,
            "members": company.memberships.select_related("user").order_by("joined_at", "pk"),
            "cost_lines": application.cost_lines.all(),
            "financing_lines": application.financing_lines.all(),
            "budget": selectors.application_budget(application=application),
            "attachments": application.attachments.all(),
            "declarations": application.support_declarations.all(),
            "email_unverified": not getattr(request.user, "email_verified", True),
        },
    )
