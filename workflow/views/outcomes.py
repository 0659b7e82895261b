"""The job outcomes (issue 4, SPEC §9): per budget year, the new jobs the granted projects
expect (the "potential"), the jobs they have reported so far and the year's target, as a
table and a chart; below, the cases in follow-up, where the administrator can register a job
report on the company's behalf (from a telephone call or a survey), marked as such."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from programme import clock
from programme.errors import RuleViolation
from programme.models import Programme
from programme.pagination import page_links, page_of, page_query
from workflow import services
from workflow.charts import BarGroup, grouped_bar_chart
from workflow.exports import FORMATS, Value, export_response
from workflow.forms.outcomes import OnBehalfJobReportForm
from workflow.models import Case, State
from workflow.selectors import outcomes as outcomes_selectors
from workflow.views.budget import administered_programme


def jobs(value: Decimal | int) -> str:
    """Full-time equivalents with one decimal, the Norwegian way (``12,5``)."""
    return number_format(Decimal(value), 1, use_l10n=True)


def _chart(years: list[outcomes_selectors.JobYear]) -> str:
    description = "; ".join(
        _("%(year)s: expected %(expected)s, reported %(reported)s, target %(target)s")
        % {"year": y.year, "expected": jobs(y.expected), "reported": jobs(y.reported), "target": y.target}
        for y in years
    )
    return grouped_bar_chart(
        chart_id="job-outcomes",
        title=_("New jobs per budget year: expected, reported and the target"),
        description=description or _("No budget years yet."),
        series=[_("Expected"), _("Reported")],
        groups=[BarGroup(str(y.year), [y.expected, y.reported], Decimal(y.target)) for y in years],
        format_value=jobs,
        target_label=_("Target"),
    )


def _render(
    request: HttpRequest,
    programme: Programme,
    *,
    bound: tuple[int, OnBehalfJobReportForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    years = outcomes_selectors.job_outcomes(programme=programme)  # every year, whatever the page
    page = page_of(request, outcomes_selectors.follow_up_cases(programme=programme))
    rows = outcomes_selectors.follow_up_rows(page.object_list, programme=programme, user=request.user)
    # One report form at a time, as a phone call takes one project: the one asked for with
    # ``?rapport=<case>``, else the first project that may report; the others link to theirs.
    # (A form for each of the page's fifty projects cost more than everything else together.)
    rows = list(rows)
    chosen = bound[0] if bound is not None else _chosen_case(request, rows)
    items = []
    for row in rows:
        form = None
        if bound is not None and bound[0] == row.case.pk:
            form = bound[1]
        elif row.may_report and row.case.pk == chosen:
            form = OnBehalfJobReportForm(prefix=f"jobs-{row.case.pk}", periods=row.periods_left)
        items.append((row, form))
    context = {
        "programme": programme,
        "years": years,
        "totals": {
            "expected": sum((y.expected for y in years), Decimal(0)),
            "reported": sum((y.reported for y in years), Decimal(0)),
            "target": sum(y.target for y in years),
            "granted_cases": sum(y.granted_cases for y in years),
        },
        "chart": _chart(years),
        "items": items,
        "page": page,
        "page_links": page_links(request, page),
        "page_query": page_query(request),
        "error_form": bound[1] if bound else None,
    }
    return render(request, "workflow/outcomes/job_outcomes.html", context, status=status)


def _chosen_case(request: HttpRequest, rows: list[outcomes_selectors.FollowUpRow]) -> int | None:
    reportable = [row.case.pk for row in rows if row.may_report]
    asked = request.GET.get("rapport", "")
    if asked.isdigit() and int(asked) in reportable:
        return int(asked)
    return reportable[0] if reportable else None


@login_required
@require_GET
def job_outcomes(request: HttpRequest, code: str) -> HttpResponse:
    return _render(request, administered_programme(request, code))


@login_required
@require_POST
def job_report_on_behalf(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    programme = administered_programme(request, code)
    case = outcomes_selectors.programme_case(programme=programme, pk=pk)
    if case is None:
        raise Http404
    page_url = reverse("staff_admin:job_outcomes", args=[programme.code]) + page_query(request)
    periods = _periods_left(case)
    form = OnBehalfJobReportForm(request.POST, prefix=f"jobs-{case.pk}", periods=periods)
    if not form.is_valid():
        return _back(request, programme, case, form, 400, page_url)
    try:
        report = services.job_report_file(
            case=case,
            actor=request.user,
            new_jobs=form.cleaned_data["new_jobs"],
            jobs_secured=form.cleaned_data["jobs_secured"],
            period_months=form.cleaned_data.get("period_months"),
            note=form.note_text(),
        )
    except RuleViolation as error:
        form.add_rule_violation(error)
        return _back(request, programme, case, form, 409, page_url)
    message = _("The job report for %(reference)s is registered on the company's behalf: %(jobs)s new jobs.") % {
        "reference": case.reference,
        "jobs": jobs(report.new_jobs),
    }
    if Case.objects.filter(pk=case.pk, state=State.CLOSED).exists():
        closed = _("The follow-up is complete, and the case is now closed.")
        message = f"{message} {closed}"
    messages.success(request, message)
    return redirect(page_url)


def _periods_left(case: Case) -> tuple[int, ...]:
    reported = set(case.job_reports.values_list("period_months", flat=True))
    return tuple(m for m in sorted(case.programme.job_followup_months) if m not in reported)


def _back(
    request: HttpRequest, programme: Programme, case: Case, form: OnBehalfJobReportForm, status: int, page_url: str
) -> HttpResponse:
    """Show the refusal at the case's form; a case not in follow-up has no form, so it is said
    at the top of the page instead."""
    if case.state not in outcomes_selectors.FOLLOW_UP_STATES:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(page_url)
    return _render(request, programme, bound=(case.pk, form), status=status)


# --- the export ---------------------------------------------------------------------------------


@login_required
@require_GET
def job_reports_export(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    """The projects in follow-up as on the page, in its order, one row per job report (oldest
    first); a project with no report yet is one row with the report's columns empty, so that
    every project of the page is in the file."""
    if fmt not in FORMATS:
        raise Http404
    programme = administered_programme(request, code)
    cases = outcomes_selectors.follow_up_cases(programme=programme).iterator(chunk_size=500)
    rows = outcomes_selectors.follow_up_rows(cases, programme=programme, user=request.user)
    headers = [
        _("Case"),
        _("Company"),
        _("Status"),
        _("New jobs expected"),
        _("Reported on"),
        _("Months after completion"),
        _("New jobs (FTE)"),
        _("Jobs secured (FTE)"),
        _("On the company's behalf"),
        _("Note"),
    ]
    return export_response(
        fmt=fmt,
        filename=f"jobbrapporter-{programme.code}-{clock.today().isoformat()}",
        headers=headers,
        rows=_report_rows(rows),
        sheet_title=_("Job reports"),
    )


def _report_rows(rows: Iterator[outcomes_selectors.FollowUpRow]) -> Iterator[list[Value]]:
    for row in rows:
        case = row.case
        project: list[Value] = [
            case.reference,
            case.application.company.name,
            case.get_state_display(),
            row.expected,
        ]
        if not row.reports:
            yield [*project, None, None, None, None, None, None]
        for report in row.reports:
            yield [
                *project,
                report.reported_on,
                report.period_months,
                report.new_jobs,
                report.jobs_secured,
                _("Yes") if report.on_behalf else _("No"),
                report.note,
            ]
