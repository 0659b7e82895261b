"""Reads about applications, and the complete list of an application's problems."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from applications.models import Application, Company, FinancingLine
from programme.money import format_nok


@dataclass(frozen=True)
class Problem:
    """Something that stops an application from being submitted, tied to a step and field."""

    step: str
    field: str
    message: str


def companies_of(*, user: object) -> QuerySet[Company]:
    return Company.objects.filter(memberships__user=user).select_related("municipality", "programme")


def application_problems(*, application: Application) -> list[Problem]:
    """Every problem at once, so the review page can show them all (SPEC §3, step 7)."""
    problems: list[Problem] = []
    add = problems.append
    company = application.company
    programme = application.programme

    if not company.municipality_id:
        add(Problem("company", "municipality", _("Choose the company's municipality.")))
    if not company.memberships.filter(is_contact=True).exists():
        add(Problem("company", "contacts", _("Name at least one contact person.")))

    if not application.title.strip():
        add(Problem("project", "title", _("Give the project a title.")))
    if not application.summary.strip():
        add(Problem("project", "summary", _("Write a short summary of the project.")))
    if not application.description.strip():
        add(Problem("project", "description", _("Describe the project.")))
    if application.focus_area_id is None:
        add(Problem("project", "focus_area", _("Choose a focus area.")))
    elif application.focus_area.programme_id != programme.pk:
        add(Problem("project", "focus_area", _("The focus area does not belong to this programme.")))
    if not application.kind:
        add(Problem("project", "kind", _("Choose the kind of project.")))
    if not application.beside_core_business.strip():
        add(Problem("project", "beside_core_business", _("Explain how the project lies beside the core business.")))
    if application.start_date is None:
        add(Problem("project", "start_date", _("Give the project's start date.")))
    if application.end_date is None:
        add(Problem("project", "end_date", _("Give the project's end date.")))
    if application.start_date and application.end_date and application.end_date < application.start_date:
        add(Problem("project", "end_date", _("The project cannot end before it starts.")))

    total_cost = application.total_cost()
    total_financing = application.total_financing()
    applied = application.applied_amount()
    if total_cost <= 0:
        add(Problem("costs", "cost_lines", _("Add the project's costs.")))
    if total_financing != total_cost:
        add(
            Problem(
                "costs",
                "financing_lines",
                _("The financing (%(financing)s) must add up to the total cost (%(cost)s).")
                % {"financing": format_nok(total_financing), "cost": format_nok(total_cost)},
            )
        )
    if applied <= 0:
        add(
            Problem(
                "costs",
                "financing_lines",
                _("Say how much you apply for: add a financing line from %(source)s.")
                % {"source": FinancingLine.Source.THIS_PROGRAMME.label},
            )
        )
    elif total_cost > 0 and applied * 100 > total_cost * programme.support_share_max:
        add(
            Problem(
                "costs",
                "financing_lines",
                _("You may apply for at most %(share)s %% of the costs (%(max)s); you apply for %(applied)s.")
                % {
                    "share": f"{programme.support_share_max.normalize():f}",
                    "max": format_nok(total_cost * programme.support_share_max / Decimal(100)),
                    "applied": format_nok(applied),
                },
            )
        )

    if not application.information_is_true:
        add(Problem("declarations", "information_is_true", _("Confirm that the information is true.")))
    return problems
