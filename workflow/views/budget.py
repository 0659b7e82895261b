"""The administrator's budget page (issue 4): a programme's budget year with its frame,
contributions, committed, disbursed, held back and available money, and the same by focus
area and by municipality, as tables and as charts.  Only the programme's administrators see
it; for everyone else it does not exist (404)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from programme import clock
from programme.errors import RuleViolation
from programme.models import Programme
from programme.money import format_nok
from programme.permissions import is_admin_of
from programme.services_budget import budget_year_create
from workflow import selectors
from workflow.charts import Bar, horizontal_bar_chart
from workflow.forms.budget import BudgetYearForm
from workflow.selectors import budget as budget_selectors
from workflow.selectors.budget import budget_breakdown


def administered_programme(request: HttpRequest, code: str) -> Programme:
    """The programme with this code, if the person administers it; for everyone else it does
    not exist (404), so that a page does not tell outsiders which programmes there are."""
    programme = Programme.objects.filter(code=code).first()
    if programme is None or not is_admin_of(request.user, programme.pk):
        raise Http404
    return programme


@login_required
def budget_latest(request: HttpRequest, code: str) -> HttpResponseRedirect:
    programme = administered_programme(request, code)
    latest = programme.budget_years.order_by("-year").values_list("year", flat=True).first()
    if latest is None:
        # A new programme's first budget year is yet to be added.
        return redirect("staff_admin:budget_year_add", code=programme.code)
    return redirect("staff_admin:budget", code=programme.code, year=latest)


@login_required
def budget(request: HttpRequest, code: str, year: int) -> HttpResponse:
    programme = administered_programme(request, code)
    budget_years = list(programme.budget_years.order_by("year"))
    budget_year = next((by for by in budget_years if by.year == year), None)
    if budget_year is None:
        raise Http404
    figures = selectors.budget_year_figures(budget_year=budget_year)
    breakdown = budget_breakdown(budget_year=budget_year, unnamed=_("Other"))
    contributions = list(budget_year.contributions.select_related("municipality").order_by("funder"))
    totals_chart = horizontal_bar_chart(
        chart_id="budget-totals",
        title=_("Budget %(year)s") % {"year": budget_year.year},
        description=_("Frame %(frame)s, committed %(committed)s, disbursed %(disbursed)s, available %(available)s.")
        % {
            "frame": format_nok(figures.frame),
            "committed": format_nok(figures.committed),
            "disbursed": format_nok(figures.disbursed),
            "available": format_nok(figures.available),
        },
        bars=[
            Bar(_("Frame"), figures.frame),
            Bar(_("Committed"), figures.committed),
            Bar(_("Disbursed"), figures.disbursed),
            Bar(_("Available"), figures.available),
        ],
    )
    focus_area_chart = horizontal_bar_chart(
        chart_id="budget-focus-areas",
        title=_("Committed by focus area, %(year)s") % {"year": budget_year.year},
        description="; ".join(f"{row.name}: {format_nok(row.committed)}" for row in breakdown.by_focus_area),
        bars=[Bar(row.name, row.committed) for row in breakdown.by_focus_area],
    )
    return render(
        request,
        "workflow/budget/budget.html",
        {
            "programme": programme,
            "budget_year": budget_year,
            "budget_years": budget_years,
            "figures": figures,
            "released": budget_selectors.released(budget_year=budget_year),
            "contributions": contributions,
            "breakdown": breakdown,
            "totals_chart": totals_chart,
            "focus_area_chart": focus_area_chart,
        },
    )


@login_required
def budget_year_add(request: HttpRequest, code: str) -> HttpResponse:
    """A new budget year with its targets and the municipalities' contributions (each January's
    first task).  The amounts start as last year's, the targets too."""
    programme = administered_programme(request, code)
    municipalities = list(programme.municipalities.filter(participating=True).order_by("name"))
    form = BudgetYearForm(request.POST or None, municipalities=municipalities, initial=_initial(programme))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                budget_year = budget_year_create(
                    programme=programme,
                    actor=request.user,
                    year=form.cleaned_data["year"],
                    target_projects_min=form.cleaned_data["target_projects_min"],
                    target_projects_max=form.cleaned_data["target_projects_max"],
                    target_jobs=form.cleaned_data["target_jobs"],
                    contributions=form.contributions(),
                )
            except RuleViolation as refusal:
                form.add_rule_violation(refusal)
            else:
                messages.success(request, _("The budget year %(year)s is added.") % {"year": budget_year.year})
                return redirect("staff_admin:budget", code=programme.code, year=budget_year.year)
        status = 400
    return render(
        request, "workflow/budget/budget_year_add.html", {"programme": programme, "form": form}, status=status
    )


def _initial(programme: Programme) -> dict[str, object]:
    latest = programme.budget_years.order_by("-year").prefetch_related("contributions").first()
    if latest is None:
        return {"year": clock.today().year}
    initial: dict[str, object] = {
        "year": max(latest.year + 1, clock.today().year),
        "target_projects_min": latest.target_projects_min,
        "target_projects_max": latest.target_projects_max,
        "target_jobs": latest.target_jobs,
    }
    for contribution in latest.contributions.all():
        if contribution.municipality_id is not None:
            initial[f"contribution_{contribution.municipality_id}"] = contribution.amount
    return initial
