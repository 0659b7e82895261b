"""The applicant's pages: my cases, the case page with exactly the actions the case allows,
and submitting an application.  Each view parses the input, calls one service or selector
and renders; the services decide and explain every refusal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import dateformat
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications.models import Application
from applications.selectors import companies_of
from programme.errors import RuleViolation
from programme.money import format_nok
from workflow import services
from workflow.forms import CaseActionForm, CommentForm
from workflow.forms.applicant import AppealForm, FinalReportForm, JobReportForm, PaymentRequestForm
from workflow.models import Case, State
from workflow.selectors import applicant as applicant_selectors

# The case page's forms, by the prefix that keeps their fields' ids apart.
PAGE_FORMS = {
    "payment": ("request_payment", PaymentRequestForm),
    "final": ("file_final_report", FinalReportForm),
    "jobs": ("file_job_report", JobReportForm),
    "appeal": ("appeal", AppealForm),
}


def case_url(case: Case) -> str:
    return reverse("workflow:case_detail", args=[case.reference])


def _visible_case(request: HttpRequest, reference: str) -> Case:
    """404 for a case the person may not see: whether it exists is none of his business."""
    case = applicant_selectors.case_for_page(user=request.user, reference=reference)
    if case is None:
        raise Http404
    return case


def _page_form(prefix: str, page: applicant_selectors.CasePage, data: Any = None, files: Any = None) -> CaseActionForm:
    form_class = PAGE_FORMS[prefix][1]
    kwargs: dict[str, Any] = {"prefix": prefix, "data": data, "files": files}
    if form_class is JobReportForm:
        kwargs["periods"] = page.actions.job_report_periods
    return form_class(**kwargs)


def drafting_url(application_id: int) -> str:
    """Where a returned application is completed: its review page, which lists every problem
    and links to its steps; the companies page while the drafting pages are not there."""
    try:
        return reverse("applications:application_review", args=[application_id])
    except NoReverseMatch:
        return reverse("applications:companies")


def _render_case(
    request: HttpRequest, case: Case, *, bound: CaseActionForm | None = None, status: int = 200
) -> HttpResponse:
    page = applicant_selectors.case_page(case=case, user=request.user)
    forms = {
        prefix: _page_form(prefix, page)
        for prefix, (action, _form_class) in PAGE_FORMS.items()
        if getattr(page.actions, action)
    }
    if bound is not None:
        forms[bound.prefix] = bound
    context = {
        "case": case,
        "page": page,
        "forms": forms,
        "error_form": bound,
        "drafting_url": drafting_url(case.application_id) if page.actions.resubmit else "",
    }
    return render(request, "workflow/applicant/case_detail.html", context, status=status)


def _refuse(request: HttpRequest, case: Case, message: str) -> HttpResponseRedirect:
    """An action the case does not allow now: say why on the case page; nothing changed."""
    messages.error(request, message)
    return redirect(case_url(case))


def _not_now(case: Case) -> str:
    return _("That cannot be done on this case now. The case is “%(state)s”.") % {"state": case.get_state_display()}


def _allowed(request: HttpRequest, case: Case, action: str) -> bool:
    return bool(getattr(applicant_selectors.case_actions(case=case, user=request.user), action))


def _act(
    request: HttpRequest,
    case: Case,
    *,
    action: str,
    form: CaseActionForm | None,
    perform: Callable[[dict[str, Any]], str],
    rerender: Callable[[CaseActionForm, int], HttpResponse] | None = None,
) -> HttpResponse:
    """Run one action: the service refuses in its own words; a refusal about a field is shown
    at the field, any other (wrong state, deadline passed, not allowed) on the case page."""
    if form is not None and not form.is_valid():
        if not _allowed(request, case, action):
            return _refuse(request, case, _not_now(case))
        return (rerender or _rerender_on_case_page(request, case))(form, 400)
    try:
        message = perform(form.cleaned_data if form is not None else {})
    except RuleViolation as error:
        if form is None or not _allowed(request, case, action):
            return _refuse(request, case, str(error.message))
        form.add_rule_violation(error)
        return (rerender or _rerender_on_case_page(request, case))(form, 409)
    messages.success(request, message)
    return redirect(case_url(case))


def _rerender_on_case_page(request: HttpRequest, case: Case) -> Callable[[CaseActionForm, int], HttpResponse]:
    def rerender(form: CaseActionForm, status: int) -> HttpResponse:
        return _render_case(request, case, bound=form, status=status)

    return rerender


# --- pages -----------------------------------------------------------------------------------


@login_required
def my_cases(request: HttpRequest) -> HttpResponse:
    rows = applicant_selectors.applicant_cases(user=request.user)
    return render(request, "workflow/applicant/my_cases.html", {"rows": rows})


@login_required
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    return _render_case(request, _visible_case(request, reference))


def _safe_next(request: HttpRequest) -> str | None:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


@login_required
@require_POST
def application_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """The draft's review page posts here; a refusal goes back there with the reasons."""
    application = get_object_or_404(Application, pk=pk, company__in=companies_of(user=request.user))
    try:
        case = services.application_submit(application=application, actor=request.user)
    except RuleViolation as error:
        messages.error(request, str(error.message))
        return redirect(_safe_next(request) or reverse("applications:companies"))
    messages.success(
        request,
        _("Your application has been submitted. Its case number is %(reference)s.") % {"reference": case.reference},
    )
    return redirect(case_url(case))


# --- actions on a case -----------------------------------------------------------------------


@login_required
@require_POST
def case_resubmit(request: HttpRequest, reference: str) -> HttpResponse:
    case = _visible_case(request, reference)

    def perform(data: dict[str, Any]) -> str:
        services.case_resubmit(case=case, actor=request.user)
        return _("The application has been submitted again.")

    return _act(request, case, action="resubmit", form=None, perform=perform)


def _confirm(
    request: HttpRequest,
    case: Case,
    *,
    action: str,
    template: str,
    perform: Callable[[dict[str, Any]], str],
    form_class: type[CaseActionForm] = CommentForm,
) -> HttpResponse:
    """An action that asks first: GET shows what will happen, POST does it."""

    def rerender(form: CaseActionForm, status: int) -> HttpResponse:
        return render(request, template, {"case": case, "form": form, "error_form": form}, status=status)

    if request.method != "POST":
        if not _allowed(request, case, action):
            return _refuse(request, case, _not_now(case))
        return rerender(form_class(), 200)
    return _act(request, case, action=action, form=form_class(request.POST), perform=perform, rerender=rerender)


@login_required
def case_withdraw(request: HttpRequest, reference: str) -> HttpResponse:
    case = _visible_case(request, reference)

    def perform(data: dict[str, Any]) -> str:
        services.case_withdraw(case=case, actor=request.user, comment=data["comment"].strip())
        return _("The application has been withdrawn.")

    return _confirm(
        request, case, action="withdraw", template="workflow/applicant/confirm_withdraw.html", perform=perform
    )


@login_required
def offer_accept(request: HttpRequest, reference: str) -> HttpResponse:
    """Accepting binds the company to the offer's terms, so it asks first, as declining does."""
    case = _visible_case(request, reference)

    def perform(data: dict[str, Any]) -> str:
        offer = services.offer_accept(case=case, actor=request.user)
        return _("You have accepted the offer. Start the project by %(date)s.") % {
            "date": dateformat.format(offer.start_by, "d.m.Y")
        }

    return _confirm(
        request,
        case,
        action="accept",
        template="workflow/applicant/confirm_accept.html",
        perform=perform,
        form_class=CaseActionForm,
    )


@login_required
def offer_decline(request: HttpRequest, reference: str) -> HttpResponse:
    case = _visible_case(request, reference)

    def perform(data: dict[str, Any]) -> str:
        services.offer_decline(case=case, actor=request.user, comment=data["comment"].strip())
        return _("You have declined the offer.")

    return _confirm(
        request, case, action="decline", template="workflow/applicant/confirm_decline.html", perform=perform
    )


@login_required
@require_POST
def payment_request_create(request: HttpRequest, reference: str) -> HttpResponse:
    case = _visible_case(request, reference)
    form = PaymentRequestForm(request.POST, request.FILES, prefix="payment")

    def perform(data: dict[str, Any]) -> str:
        payment_request = services.payment_request_send(
            case=case,
            actor=request.user,
            amount=data["amount"],
            costs_to_date=data["costs_to_date"],
            report=data["report"],
            uploads=data["attachments"],
        )
        return _("Your request for a part payment of %(amount)s has been sent.") % {
            "amount": format_nok(payment_request.amount)
        }

    return _act(request, case, action="request_payment", form=form, perform=perform)


@login_required
@require_POST
def final_report_file(request: HttpRequest, reference: str) -> HttpResponse:
    case = _visible_case(request, reference)
    form = FinalReportForm(request.POST, request.FILES, prefix="final")

    def perform(data: dict[str, Any]) -> str:
        services.final_report_send(
            case=case,
            actor=request.user,
            text=data["text"],
            amount=data["amount"],
            costs_to_date=data["costs_to_date"],
            uploads=data["attachments"],
        )
        return _("Your final report and the request for the final payment have been sent.")

    return _act(request, case, action="file_final_report", form=form, perform=perform)


@login_required
@require_POST
def job_report_file(request: HttpRequest, reference: str) -> HttpResponse:
    case = _visible_case(request, reference)
    periods = applicant_selectors.case_actions(case=case, user=request.user).job_report_periods
    form = JobReportForm(request.POST, prefix="jobs", periods=periods)

    def perform(data: dict[str, Any]) -> str:
        report = services.job_report_file(
            case=case,
            actor=request.user,
            new_jobs=data["new_jobs"],
            jobs_secured=data["jobs_secured"],
            period_months=data.get("period_months"),
        )
        if report.case.state == State.CLOSED:  # the service closes the case after the last report
            return _("Thank you for the job report. The follow-up is complete, and the case is now closed.")
        return _("Thank you for the job report.")

    return _act(request, case, action="file_job_report", form=form, perform=perform)


@login_required
@require_POST
def case_appeal(request: HttpRequest, reference: str) -> HttpResponse:
    case = _visible_case(request, reference)
    form = AppealForm(request.POST, prefix="appeal")

    def perform(data: dict[str, Any]) -> str:
        services.case_appeal(case=case, actor=request.user, text=data["text"])
        return _("Your appeal has been filed. The board will consider the case again.")

    return _act(request, case, action="appeal", form=form, perform=perform)
