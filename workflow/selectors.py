"""Reads shared by pages, the API and reports: the budget figures, a case's money and the
de minimis headroom.  Each is a fixed number of aggregate queries, whatever the row count."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db.models import DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from applications.models import Application, SupportDeclaration
from programme.models import BudgetYear, Contribution, Programme
from workflow.models import Case, LedgerEntry, Offer, State

ZERO = Decimal("0.00")
OPEN_OFFER_STATES = (State.APPROVED, State.ACCEPTED, State.REPORTING)
_money = DecimalField(max_digits=16, decimal_places=2)


def _sum(kind: str, prefix: str = "") -> Coalesce:
    return Coalesce(Sum(f"{prefix}amount", filter=Q(**{f"{prefix}kind": kind})), Value(ZERO), output_field=_money)


@dataclass(frozen=True)
class BudgetFigures:
    """A budget year's figures (SPEC §5): available = frame − committed."""

    budget_year_id: int
    year: int
    frame: Decimal
    committed: Decimal
    disbursed: Decimal
    held_back: Decimal

    @property
    def available(self) -> Decimal:
        return self.frame - self.committed

    @property
    def undisbursed_commitments(self) -> Decimal:
        return self.committed - self.disbursed


@dataclass(frozen=True)
class CaseMoney:
    committed: Decimal
    paid: Decimal
    holdback: Decimal

    @property
    def unpaid(self) -> Decimal:
        return self.committed - self.paid


def case_money(*, case: Case) -> CaseMoney:
    totals = LedgerEntry.objects.filter(case=case).aggregate(
        commit=_sum("commit"), release=_sum("release"), disburse=_sum("disburse"), reclaim=_sum("reclaim")
    )
    offer = Offer.objects.filter(case=case).first()
    return CaseMoney(
        committed=totals["commit"] - totals["release"],
        paid=totals["disburse"] - totals["reclaim"],
        holdback=offer.holdback_amount if offer else ZERO,
    )


def budget_figures(*, budget_years: QuerySet[BudgetYear] | list[BudgetYear]) -> dict[int, BudgetFigures]:
    """Figures for many budget years in three queries."""
    ids = [by.pk for by in budget_years]
    years = {by.pk: by.year for by in budget_years}
    frames = dict(
        Contribution.objects.filter(budget_year_id__in=ids)
        .values("budget_year_id")
        .annotate(total=Sum("amount"))
        .values_list("budget_year_id", "total")
    )
    ledger = {
        row["budget_year_id"]: row
        for row in LedgerEntry.objects.filter(budget_year_id__in=ids)
        .values("budget_year_id")
        .annotate(commit=_sum("commit"), release=_sum("release"), disburse=_sum("disburse"), reclaim=_sum("reclaim"))
    }
    held_back = _held_back_by_year(ids)
    result = {}
    for pk in ids:
        row = ledger.get(pk, {})
        result[pk] = BudgetFigures(
            budget_year_id=pk,
            year=years[pk],
            frame=frames.get(pk) or ZERO,
            committed=row.get("commit", ZERO) - row.get("release", ZERO),
            disbursed=row.get("disburse", ZERO) - row.get("reclaim", ZERO),
            held_back=held_back.get(pk, ZERO),
        )
    return result


def budget_year_figures(*, budget_year: BudgetYear) -> BudgetFigures:
    return budget_figures(budget_years=[budget_year])[budget_year.pk]


def _held_back_by_year(budget_year_ids: list[int]) -> dict[int, Decimal]:
    """Held back: of each open offer, the part of its hold-back not yet paid out."""
    offers = Offer.objects.filter(budget_year_id__in=budget_year_ids, case__state__in=OPEN_OFFER_STATES).annotate(
        paid=Coalesce(
            Sum("case__ledger_entries__amount", filter=Q(case__ledger_entries__kind="disburse")),
            Value(ZERO),
            output_field=_money,
        )
        - Coalesce(
            Sum("case__ledger_entries__amount", filter=Q(case__ledger_entries__kind="reclaim")),
            Value(ZERO),
            output_field=_money,
        )
    )
    result: dict[int, Decimal] = {}
    for offer in offers.values("budget_year_id", "amount", "holdback_amount", "paid"):
        still_unpaid = offer["amount"] - offer["paid"]
        result[offer["budget_year_id"]] = result.get(offer["budget_year_id"], ZERO) + max(
            ZERO, min(offer["holdback_amount"], still_unpaid)
        )
    return result


@dataclass(frozen=True)
class DeMinimis:
    """The company's de minimis support over the rolling period, in EUR."""

    declared_eur: Decimal
    granted_here_eur: Decimal
    ceiling_eur: Decimal

    @property
    def used_eur(self) -> Decimal:
        return self.declared_eur + self.granted_here_eur

    @property
    def headroom_eur(self) -> Decimal:
        return self.ceiling_eur - self.used_eur


def de_minimis_status(*, application: Application, on: date, exclude_case: Case | None = None) -> DeMinimis:
    """Declared de minimis support in the period plus what this installation granted to the
    same organisation number (in any programme), each converted at the deciding programme's rate."""
    programme: Programme = application.programme
    since = on - relativedelta(years=programme.de_minimis_years)
    rate = programme.eur_nok_rate
    declared_nok = application.support_declarations.filter(
        kind=SupportDeclaration.Kind.DE_MINIMIS, granted_on__gt=since, granted_on__lte=on
    ).aggregate(total=Coalesce(Sum("amount"), Value(ZERO), output_field=_money))["total"]
    here = LedgerEntry.objects.filter(
        case__application__company__org_number=application.company.org_number,
        case__offer__legal_basis="de_minimis",
        case__offer__decision__decided_at__date__gt=since,
        case__offer__decision__decided_at__date__lte=on,
    )
    if exclude_case is not None:
        here = here.exclude(case=exclude_case)
    totals = here.aggregate(commit=_sum("commit"), release=_sum("release"))
    granted_nok = totals["commit"] - totals["release"]
    return DeMinimis(
        declared_eur=(declared_nok / rate).quantize(Decimal("0.01")),
        granted_here_eur=(granted_nok / rate).quantize(Decimal("0.01")),
        ceiling_eur=programme.de_minimis_ceiling_eur,
    )


def cases_visible_to(*, user: object, programme: Programme | None = None) -> QuerySet[Case]:
    """The cases a person may see: own companies' cases, own municipalities' cases as an
    adviser, all of a programme as board member or administrator."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Case.objects.none()
    staff = user.staff_roles.all()  # type: ignore[attr-defined]
    whole_programmes = staff.filter(kind__in=["board", "admin"]).values("programme_id")
    adviser_municipalities = staff.filter(kind="adviser").values("municipalities")
    cases = Case.objects.filter(
        Q(application__company__memberships__user=user)
        | Q(programme_id__in=whole_programmes)
        | Q(municipality_id__in=adviser_municipalities)
    ).distinct()
    if programme is not None:
        cases = cases.filter(programme=programme)
    return cases
