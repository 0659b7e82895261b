"""Reads shared by pages, the API and reports: the budget figures, a case's money, the
de minimis headroom, a case's next deadline and which files a person may see.  Each is a
fixed number of aggregate queries, whatever the row count."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db.models import Case as Switch
from django.db.models import DecimalField, F, Func, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, Greatest, Least
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application, Attachment, FinancingLine, SupportDeclaration
from programme import clock
from programme.models import BudgetYear, Contribution, Programme
from workflow.models import (
    Case,
    CaseFile,
    Decision,
    LedgerEntry,
    Offer,
    Payment,
    PaymentRequest,
    State,
)
from workflow.permissions import is_case_staff
from workflow.selectors.scope import visible_scope

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


def case_money(*, case: Case, offer: Offer | None = None) -> CaseMoney:
    """``offer``: the case's offer as the caller has read it (else read here)."""
    totals = LedgerEntry.objects.filter(case=case).aggregate(
        commit=_sum("commit"), release=_sum("release"), disburse=_sum("disburse"), reclaim=_sum("reclaim")
    )
    if offer is None:
        offer = Offer.objects.filter(case=case).first()
    return CaseMoney(
        committed=totals["commit"] - totals["release"],
        paid=totals["disburse"] - totals["reclaim"],
        holdback=offer.holdback_amount if offer else ZERO,
    )


def pending_part_requests(case_ids: Iterable[int]) -> dict[int, Decimal]:
    """Per case, the part payments asked for and not yet paid or refused, in one grouped query:
    what may still be paid before the final report is less by as much (SPEC §5: at most the
    grant less the hold-back before the final report, counting what is asked for)."""
    rows = (
        PaymentRequest.objects.filter(case_id__in=list(case_ids), is_final=False, status=PaymentRequest.Status.PENDING)
        .values("case_id")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    return {row["case_id"]: row["total"] for row in rows}


def budget_figures(*, budget_years: QuerySet[BudgetYear] | list[BudgetYear]) -> dict[int, BudgetFigures]:
    """Figures for many budget years in one query: each figure a sum in a subquery on the year."""
    ids = [by.pk for by in budget_years]
    rows = BudgetYear.objects.filter(pk__in=ids).order_by().values("pk", "year", **_figure_sums())
    return {row["pk"]: _figures_of(row["pk"], row["year"], row) for row in rows}


def budget_year_figures(*, budget_year: BudgetYear) -> BudgetFigures:
    return budget_figures(budget_years=[budget_year])[budget_year.pk]


def budget_year_with_figures(*, programme: Programme, year: int) -> tuple[BudgetYear | None, BudgetFigures | None]:
    """The programme's budget year ``year`` and its figures, read together in one query;
    ``(None, None)`` when the programme has no budget for that year."""
    budget_year = BudgetYear.objects.filter(programme=programme, year=year).annotate(**_figure_sums()).first()
    if budget_year is None:
        return None, None
    budget_year.programme = programme  # the caller's object: not read again
    sums = {name: getattr(budget_year, name) for name in _figure_sums()}
    return budget_year, _figures_of(budget_year.pk, budget_year.year, sums)


def _figures_of(pk: int, year: int, sums: dict[str, Any]) -> BudgetFigures:
    return BudgetFigures(
        budget_year_id=pk,
        year=year,
        frame=sums["frame_sum"],
        committed=sums["commit_sum"] - sums["release_sum"],
        disbursed=sums["disburse_sum"] - sums["reclaim_sum"],
        held_back=sums["held_back_sum"],
    )


def _figure_sums() -> dict[str, Coalesce]:
    """A budget year's sums, each a subquery on the year (``OuterRef("pk")``): the frame (its
    contributions), the ledger by kind, and the held-back part of its open offers."""
    ledger = LedgerEntry.objects.filter(budget_year=OuterRef("pk"))
    open_offers = Offer.objects.filter(budget_year=OuterRef("pk"), case__state__in=OPEN_OFFER_STATES)
    return {
        "frame_sum": sum_of(Contribution.objects.filter(budget_year=OuterRef("pk"))),
        **{f"{kind}_sum": sum_of(ledger.filter(kind=kind)) for kind in LedgerEntry.Kind.values},
        "held_back_sum": sum_of(open_offers, _still_held_back()),
    }


def applied_amount(application: str = "application") -> Coalesce:
    """The amount applied for from this programme: the sum of the financing lines of the
    application at ``application`` (its path from the outer query's model: "application" on a
    case, "case__application" on an agenda item)."""
    return sum_of(
        FinancingLine.objects.filter(application=OuterRef(application), source=FinancingLine.Source.THIS_PROGRAMME)
    )


def sum_of(rows: QuerySet[Any], amount: Any = "amount") -> Coalesce:
    """The sum of ``amount`` over ``rows`` (tied to the outer query by ``OuterRef``) as a
    subquery, zero for no rows.  A plain SUM rather than Django's grouped aggregate: the same
    answer without a GROUP BY, and a subquery that costs less to build and compile (the
    agenda and the budget have several in one query)."""
    amount = F(amount) if isinstance(amount, str) else amount
    summed = rows.order_by().annotate(total=Func(amount, function="SUM", output_field=_money)).values("total")
    return Coalesce(Subquery(summed, output_field=_money), Value(ZERO), output_field=_money)


def _still_held_back() -> Greatest:
    """An offer's hold-back not yet paid: what is left of the offer, at most the hold-back."""
    payments = LedgerEntry.objects.filter(
        case=OuterRef("case_id"), kind__in=[LedgerEntry.Kind.DISBURSE, LedgerEntry.Kind.RECLAIM]
    )
    paid = sum_of(payments, Switch(When(kind=LedgerEntry.Kind.RECLAIM, then=-F("amount")), default=F("amount")))
    unpaid = F("amount") - paid
    return Greatest(Value(ZERO), Least(F("holdback_amount"), unpaid, output_field=_money), output_field=_money)


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


def de_minimis_status(
    *,
    application: Application,
    on: date,
    exclude_case: Case | None = None,
    declarations: Iterable[SupportDeclaration] | None = None,
) -> DeMinimis:
    """Declared de minimis support in the period plus what this installation granted to the
    same organisation number (in any programme), each converted at the deciding programme's rate.

    ``declarations``: all of the application's declarations, as the caller has read them
    (else read here)."""
    programme: Programme = application.programme
    since = on - relativedelta(years=programme.de_minimis_years)
    rate = programme.eur_nok_rate
    if declarations is None:
        declarations = application.support_declarations.all()
    declared_nok = sum(
        (
            declaration.amount
            for declaration in declarations
            if declaration.kind == SupportDeclaration.Kind.DE_MINIMIS and since < declaration.granted_on <= on
        ),
        ZERO,
    )
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
    adviser, all of a programme as board member or administrator (``selectors_scope.Scope``,
    the rule the worklist and the API read too)."""
    cases = visible_scope(user=user).cases()
    if programme is not None:
        cases = cases.filter(programme=programme)
    return cases


# --- the applicant's pages: my cases, the case page, downloads -------------------------------


@dataclass(frozen=True)
class Deadline:
    """The next date the company must act by, and what it must do."""

    on: date
    label: str


def _with_page_data(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Everything a list or page reads about each case, in a fixed number of queries."""
    refusals = Decision.objects.filter(
        case=OuterRef("pk"), outcome__in=[Decision.Outcome.REJECT, Decision.Outcome.DISMISS]
    ).order_by("-decided_at", "-pk")
    final_payment = Payment.objects.filter(case=OuterRef("pk"), is_final=True)
    return (
        cases.select_related("programme", "application__company", "application__focus_area", "offer")
        .annotate(
            latest_refusal_at=Subquery(refusals.values("decided_at")[:1]),
            final_paid_on=Subquery(final_payment.values("paid_on")[:1]),
        )
        .prefetch_related("job_reports")
    )


def case_next_deadline(case: Case) -> Deadline | None:
    """The company's next deadline on a case read through ``_with_page_data``."""
    today = clock.today()
    offer = getattr(case, "offer", None)
    if case.state == State.APPROVED and offer is not None:
        return Deadline(offer.accept_by, _("Accept the offer"))
    if case.state == State.ACCEPTED and offer is not None:
        return Deadline(offer.final_report_due, _("File the final report"))
    refused_at = getattr(case, "latest_refusal_at", None)
    if case.state in (State.REJECTED, State.DISMISSED) and refused_at is not None:
        appeal_by = timezone.localdate(refused_at) + timedelta(days=case.programme.appeal_days)
        if today <= appeal_by:
            return Deadline(appeal_by, _("Appeal the decision"))
    paid_on = getattr(case, "final_paid_on", None)
    if case.state == State.COMPLETED and paid_on is not None:
        reported = {report.period_months for report in case.job_reports.all()}
        for months in sorted(case.programme.job_followup_months):
            if months not in reported:
                return Deadline(
                    paid_on + relativedelta(months=months),
                    _("Report the jobs after %(months)s months") % {"months": months},
                )
    return None


def attachment_visible_to(*, user: object, pk: int) -> Attachment | None:
    """An application's attachment, if the person acts for the company or may see its case."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return (
        Attachment.objects.filter(pk=pk)
        .filter(
            Q(application__company__memberships__user=user)
            | Q(application__case__in=cases_visible_to(user=user).values("pk"))
        )
        .distinct()
        .first()
    )


def case_file_visible_to(*, user: object, pk: int) -> CaseFile | None:
    """A document of a case the person may see."""
    document = CaseFile.objects.filter(pk=pk, case__in=cases_visible_to(user=user).values("pk")).first()
    if document is not None and document.kind == CaseFile.Kind.OTHER and not is_case_staff(user, document.case):
        return None  # internal documents are for the programme's staff
    return document
