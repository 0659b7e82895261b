"""Writes on the programme's budget: a new budget year with its frame and targets.

The frame (ramme) is the sum of the year's contributions; each participating municipality
gives one.  A budget year has no case, so it leaves no timeline event or ledger row: the
ledger records money moving against a frame, and adding the frame moves none."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from programme.errors import RuleViolation
from programme.models import BudgetYear, Contribution, Municipality, Programme
from programme.permissions import is_admin_of

FIRST_YEAR, LAST_YEAR = 2000, 2100


def _year_taken(programme: Programme, year: int) -> RuleViolation:
    return RuleViolation(
        _("%(programme)s already has a budget year %(year)s. Change it in the administration pages.")
        % {"programme": programme.name, "year": year},
        code="year_taken",
    )


def budget_year_create(
    *,
    programme: Programme,
    actor: Any,
    year: int,
    target_projects_min: int,
    target_projects_max: int,
    target_jobs: int,
    contributions: Mapping[int, Decimal | None],
) -> BudgetYear:
    """Adds ``year`` to ``programme`` with a contribution from each participating municipality
    whose amount is given (``contributions``: municipality id → amount; none or zero means the
    municipality does not take part this year)."""
    if not is_admin_of(actor, programme.pk):
        raise RuleViolation(_("Only the programme's administrators may add a budget year."), code="permission")
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise RuleViolation(
            _("Give a year from %(first)s to %(last)s.") % {"first": FIRST_YEAR, "last": LAST_YEAR}, code="year"
        )
    if min(target_projects_min, target_projects_max, target_jobs) < 0:
        raise RuleViolation(_("A target cannot be negative."), code="targets")
    if target_projects_min > target_projects_max:
        raise RuleViolation(
            _("The lower project target (%(low)s) may not exceed the upper one (%(high)s).")
            % {"low": target_projects_min, "high": target_projects_max},
            code="targets",
        )
    municipalities = {m.pk: m for m in programme.municipalities.filter(participating=True)}
    amounts: dict[Municipality, Decimal] = {}
    for municipality_id, amount in contributions.items():
        municipality = municipalities.get(municipality_id)
        if municipality is None:
            raise RuleViolation(_("Only the programme's participating municipalities contribute."), code="municipality")
        if amount is not None and amount < 0:
            raise RuleViolation(
                _("The contribution from %(municipality)s cannot be negative.") % {"municipality": municipality.name},
                code=f"amount-{municipality.pk}",
            )
        if amount:
            amounts[municipality] = amount
    if not amounts:
        raise RuleViolation(
            _("Give the contribution of at least one municipality: the year's frame is their sum."),
            code="contributions",
        )
    if programme.budget_years.filter(year=year).exists():
        raise _year_taken(programme, year)
    try:
        with transaction.atomic():
            budget_year = BudgetYear.objects.create(
                programme=programme,
                year=year,
                target_projects_min=target_projects_min,
                target_projects_max=target_projects_max,
                target_jobs=target_jobs,
            )
            Contribution.objects.bulk_create(
                Contribution(
                    budget_year=budget_year,
                    municipality=municipality,
                    # The funder's name, not UI text: the same whoever's language (as load_demo).
                    funder=f"{municipality.name} kommune",
                    amount=amount,
                )
                for municipality, amount in amounts.items()
            )
    except IntegrityError:
        # Another administrator added the same year a moment ago (the unique constraint).
        raise _year_taken(programme, year) from None
    return budget_year
