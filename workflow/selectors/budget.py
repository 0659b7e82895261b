"""The budget page's reads: a budget year's money broken down by focus area and by
municipality (SPEC §5, issue 4).  A fixed number of aggregate queries, whatever the number
of cases: the ledger grouped twice, the open offers once, and the two lists of names."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum, Value
from django.db.models.functions import Coalesce

from programme.models import BudgetYear, FocusArea, Municipality
from workflow.models import LedgerEntry, Offer
from workflow.selectors import OPEN_OFFER_STATES, ZERO, _money, _sum


@dataclass(frozen=True)
class BreakdownRow:
    """One focus area's or municipality's share of a budget year."""

    key: int | None
    name: str
    committed: Decimal
    disbursed: Decimal
    held_back: Decimal
    granted_cases: int


@dataclass(frozen=True)
class BudgetBreakdown:
    by_focus_area: list[BreakdownRow]
    by_municipality: list[BreakdownRow]


FOCUS_AREA = "case__application__focus_area_id"
MUNICIPALITY = "case__municipality_id"


def _ledger_by(budget_year: BudgetYear, key: str) -> dict[int | None, dict[str, Any]]:
    rows = (
        LedgerEntry.objects.filter(budget_year=budget_year)
        .values(key)
        .annotate(
            commit=_sum("commit"),
            release=_sum("release"),
            disburse=_sum("disburse"),
            reclaim=_sum("reclaim"),
            granted=Count("case", distinct=True, filter=Q(kind="commit")),
        )
        .order_by()
    )
    return {row[key]: row for row in rows}


def _held_back_by(budget_year: BudgetYear) -> tuple[dict[int | None, Decimal], dict[int | None, Decimal]]:
    """As ``selectors._held_back_by_year``: of each open offer, the unpaid part of its hold-back."""
    paid = Coalesce(
        Sum("case__ledger_entries__amount", filter=Q(case__ledger_entries__kind="disburse")),
        Value(ZERO),
        output_field=_money,
    ) - Coalesce(
        Sum("case__ledger_entries__amount", filter=Q(case__ledger_entries__kind="reclaim")),
        Value(ZERO),
        output_field=_money,
    )
    offers = (
        Offer.objects.filter(budget_year=budget_year, case__state__in=OPEN_OFFER_STATES)
        .annotate(paid=paid)
        .values("amount", "holdback_amount", "paid", FOCUS_AREA, MUNICIPALITY)
    )
    by_focus_area: dict[int | None, Decimal] = {}
    by_municipality: dict[int | None, Decimal] = {}
    for offer in offers:
        held = max(ZERO, min(offer["holdback_amount"], offer["amount"] - offer["paid"]))
        by_focus_area[offer[FOCUS_AREA]] = by_focus_area.get(offer[FOCUS_AREA], ZERO) + held
        by_municipality[offer[MUNICIPALITY]] = by_municipality.get(offer[MUNICIPALITY], ZERO) + held
    return by_focus_area, by_municipality


def _rows(
    names: Iterable[tuple[int, str]],
    ledger: dict[int | None, dict[str, Any]],
    held_back: dict[int | None, Decimal],
    unnamed: str,
) -> list[BreakdownRow]:
    """Every named group (with zeros where nothing was granted), then any money outside them."""
    named = list(names)
    keys: list[tuple[int | None, str]] = list(named)
    known = {pk for pk, _name in named}
    if any(key not in known for key in (*ledger, *held_back)):
        keys.append((None, unnamed))
    rows = []
    for pk, name in keys:
        if pk is None:
            # Money not tied to any of the listed groups (no focus area, or another programme's).
            entries = [row for key, row in ledger.items() if key not in known]
            held = sum((amount for key, amount in held_back.items() if key not in known), ZERO)
        else:
            entries = [ledger[pk]] if pk in ledger else []
            held = held_back.get(pk, ZERO)
        rows.append(
            BreakdownRow(
                key=pk,
                name=name,
                committed=sum((r["commit"] - r["release"] for r in entries), ZERO),
                disbursed=sum((r["disburse"] - r["reclaim"] for r in entries), ZERO),
                held_back=held,
                granted_cases=sum(r["granted"] for r in entries),
            )
        )
    return rows


def budget_breakdown(*, budget_year: BudgetYear, unnamed: str = "—") -> BudgetBreakdown:
    """The year's committed, disbursed and held-back money and its number of granted cases
    (cases the board granted money from this year, lapsed ones included), by focus area and
    by municipality.  Each table sums to ``selectors.budget_figures``' totals."""
    held_by_focus_area, held_by_municipality = _held_back_by(budget_year)
    focus_areas = FocusArea.objects.filter(programme_id=budget_year.programme_id).values_list("pk", "name")
    municipalities = Municipality.objects.filter(programme_id=budget_year.programme_id).values_list("pk", "name")
    return BudgetBreakdown(
        by_focus_area=_rows(focus_areas, _ledger_by(budget_year, FOCUS_AREA), held_by_focus_area, unnamed),
        by_municipality=_rows(municipalities, _ledger_by(budget_year, MUNICIPALITY), held_by_municipality, unnamed),
    )


def released(*, budget_year: BudgetYear) -> Decimal:
    """What the year's ledger released back to the budget (lapsed, declined and cancelled
    offers, and projects completed under their grant), in one query."""
    return LedgerEntry.objects.filter(budget_year=budget_year).aggregate(total=_sum("release"))["total"]
