"""The two-year evaluation (SPEC §9) as a PDF, from the figures of
``workflow.selectors_evaluation.evaluation_figures``.

The PDF is rendered from the same dict that becomes the JSON, so the two always show the same
figures.  It is always in Norwegian bokmål (SPEC §7), whatever language the person or worker
that asks for it uses; the texts are English msgids translated under ``translation.override``.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from programme.money import format_nok
from workflow.charts import BarGroup, RangeBar, grouped_bar_chart, target_range_chart
from workflow.models import State


def _count(value: Decimal) -> str:
    """Jobs and days: ``42`` or ``2,5`` (one decimal only when there is one)."""
    value = Decimal(value)
    if value == value.to_integral_value():
        return number_format(value, 0, force_grouping=True)
    return number_format(value, 1, force_grouping=True)


def _percent(rate: Decimal | None) -> str:
    if rate is None:
        return "–"
    # number_format cuts rather than rounds: round half up first (11 of 12 is 91,7 %).
    percent = (Decimal(rate) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{number_format(percent, 1)} %"


def _charts(figures: dict[str, Any]) -> dict[str, str]:
    years = figures["years"]
    projects = target_range_chart(
        chart_id="evaluation-projects",
        title=_("Projects supported per year against the target"),
        description="; ".join(
            _("%(year)s: %(approved)s projects, target %(low)s–%(high)s")
            % {
                "year": y["year"],
                "approved": y["approved"],
                "low": y["target_projects_min"],
                "high": y["target_projects_max"],
            }
            for y in years
        ),
        bars=[
            RangeBar(
                str(y["year"]),
                Decimal(y["approved"]),
                Decimal(y["target_projects_min"]),
                Decimal(y["target_projects_max"]),
            )
            for y in years
        ],
        value_label=_("Projects supported"),
        range_label=_("Target range"),
        format_value=_count,
    )
    jobs = grouped_bar_chart(
        chart_id="evaluation-jobs",
        title=_("New jobs per year: expected, reported and the target"),
        description="; ".join(
            _("%(year)s: %(expected)s expected, %(reported)s reported, target %(target)s")
            % {
                "year": y["year"],
                "expected": _count(y["jobs_expected"]),
                "reported": _count(y["jobs_reported"]),
                "target": y["target_jobs"],
            }
            for y in years
        ),
        series=[_("Expected"), _("Reported")],
        groups=[
            BarGroup(str(y["year"]), [y["jobs_expected"], y["jobs_reported"]], Decimal(y["target_jobs"])) for y in years
        ],
        format_value=_count,
        target_label=_("Target"),
    )
    money = grouped_bar_chart(
        chart_id="evaluation-money",
        title=_("Committed and disbursed per year against the frame"),
        description="; ".join(
            _("%(year)s: committed %(committed)s, disbursed %(disbursed)s, frame %(frame)s")
            % {
                "year": y["year"],
                "committed": format_nok(y["committed"]),
                "disbursed": format_nok(y["disbursed"]),
                "frame": format_nok(y["budget_frame"]),
            }
            for y in years
        ),
        series=[_("Committed"), _("Disbursed")],
        groups=[BarGroup(str(y["year"]), [y["committed"], y["disbursed"]], y["budget_frame"]) for y in years],
        format_value=format_nok,
        target_label=_("Frame"),
    )
    return {"projects": projects, "jobs": jobs, "money": money}


def _with_display(row: dict[str, Any]) -> dict[str, Any]:
    """A year's or the totals' figures with the texts the tables show."""
    median = row["median_days_to_decision"]
    return {
        **row,
        "approval_percent": _percent(row["approval_rate"]),
        "median_days": "–" if median is None else _count(median),
        "jobs_expected_text": _count(row["jobs_expected"]),
        "jobs_reported_text": _count(row["jobs_reported"]),
    }


def _context(figures: dict[str, Any]) -> dict[str, Any]:
    years = [_with_display(year) for year in figures["years"]]
    totals = _with_display(figures["totals"])
    states = dict(State.choices)
    projects = [
        {
            **project,
            "state_label": str(states.get(project["state"], project["state"])),
            "jobs_expected_text": _count(project["jobs_expected"]),
            "jobs_reported_text": _count(project["jobs_reported"]),
        }
        for project in figures["projects"]
    ]

    def distribution(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            {
                **row,
                "jobs_expected_text": _count(row["jobs_expected"]),
                "jobs_reported_text": _count(row["jobs_reported"]),
            }
            for row in rows
        ]

    return {
        "programme": figures["programme"],
        "period": figures["period"],
        "generated_at": figures["generated_at"],
        "years": years,
        "totals": totals,
        "by_focus_area": distribution(figures["totals"]["by_focus_area"]),
        "by_municipality": distribution(figures["totals"]["by_municipality"]),
        "projects": projects,
        "any_not_counted": any(not p["jobs_count"] for p in projects),
        "charts": _charts(figures),
    }


def evaluation_render(*, figures: dict[str, Any]) -> bytes:
    """The evaluation as PDF bytes: Norwegian bokmål, A4, page numbers, the programme's name."""
    from weasyprint import HTML  # heavy; only the worker, the command and the tests need it

    with translation.override("nb"):
        html = render_to_string("pdf/evaluation.html", _context(figures))
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
