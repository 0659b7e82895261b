"""The administrator's pages' reads (issue 4): payment requests to decide with each case's
money, the awards to record in the Register for offentlig støtte, and the job outcomes per
budget year with the cases in follow-up.  Each is a fixed number of queries, whatever the
number of rows: money is summed per case in one grouped query, not case by case."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from programme import clock
from programme.models import BudgetYear, Programme
from workflow.models import Case, ConflictDeclaration, JobReport, LedgerEntry, Offer, Payment, PaymentRequest, State
from workflow.selectors import ZERO, CaseMoney, Deadline, _sum, _with_page_data, case_next_deadline

# SPEC §9: the jobs of a granted case count unless the project never ran.
ENDED_WITHOUT_PROJECT = (State.LAPSED, State.CANCELLED, State.DECLINED)
FOLLOW_UP_STATES = (State.COMPLETED, State.CLOSED)
# SPEC §8: the administrator is reminded of an award not registered 14 days after acceptance.
REGISTER_WITHIN_DAYS = 14
RECENT_PAYMENTS = 25


def _money_by_case(case_ids: list[int]) -> dict[int, tuple[Decimal, Decimal]]:
    """(committed, paid) per case from the ledger, in one grouped query."""
    rows = (
        LedgerEntry.objects.filter(case_id__in=case_ids)
        .values("case_id")
        .annotate(commit=_sum("commit"), release=_sum("release"), disburse=_sum("disburse"), reclaim=_sum("reclaim"))
        .order_by()
    )
    return {row["case_id"]: (row["commit"] - row["release"], row["disburse"] - row["reclaim"]) for row in rows}


def _conflicted_case_ids(
    user: object, case_ids: list[int] | None = None, *, programme: Programme | None = None
) -> set[int]:
    """The cases among ``case_ids`` (or of ``programme``) where the person declared a
    conflict of interest: one query, as many rows as the person's declarations."""
    pk = getattr(user, "pk", None)
    if pk is None:
        return set()
    declarations = ConflictDeclaration.objects.filter(user_id=pk)
    if case_ids is not None:
        declarations = declarations.filter(case_id__in=case_ids)
    if programme is not None:
        declarations = declarations.filter(case__programme=programme)
    return set(declarations.values_list("case_id", flat=True))


def released(*, budget_year: BudgetYear) -> Decimal:
    """What the year's ledger released back to the budget (lapsed, declined and cancelled
    offers, and projects completed under their grant), in one query."""
    return LedgerEntry.objects.filter(budget_year=budget_year).aggregate(total=_sum("release"))["total"]


# --- payments --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PaymentRow:
    """A pending payment request with its case's money (as ``selectors.case_money``)."""

    request: PaymentRequest
    money: CaseMoney
    conflict: bool

    @property
    def case(self) -> Case:
        return self.request.case

    @property
    def offer(self) -> Offer | None:
        return getattr(self.request.case, "offer", None)

    @property
    def granted(self) -> Decimal:
        return self.offer.amount if self.offer else ZERO

    @property
    def held_back(self) -> Decimal:
        """The part of the hold-back not paid out yet."""
        if self.offer is None:
            return ZERO
        return max(ZERO, min(self.offer.holdback_amount, self.offer.amount - self.money.paid))

    @property
    def payable_before_final_report(self) -> Decimal:
        """What may still be paid before the final report: the grant less the hold-back."""
        if self.offer is None:
            return ZERO
        return max(ZERO, self.offer.payable_before_final_report() - self.money.paid)

    @property
    def payable_now(self) -> Decimal:
        """At most what this request may be paid: the final payment may take the hold-back."""
        if self.offer is None:
            return ZERO
        if self.request.is_final:
            return max(ZERO, self.offer.amount - self.money.paid)
        return self.payable_before_final_report


@dataclass(frozen=True)
class PaymentsPage:
    rows: list[PaymentRow]
    recent_payments: list[Payment]


def payments_page(*, programme: Programme, user: object) -> PaymentsPage:
    """The programme's pending payment requests, oldest first, and its latest payments."""
    requests = list(
        PaymentRequest.objects.filter(case__programme=programme, status=PaymentRequest.Status.PENDING)
        .select_related("case__application__company", "case__offer", "created_by")
        .prefetch_related("files")
        .order_by("created_at", "pk")
    )
    case_ids = sorted({request.case_id for request in requests})
    money = _money_by_case(case_ids)
    conflicts = _conflicted_case_ids(user, case_ids)
    rows = []
    for request in requests:
        committed, paid = money.get(request.case_id, (ZERO, ZERO))
        offer = getattr(request.case, "offer", None)
        rows.append(
            PaymentRow(
                request=request,
                money=CaseMoney(committed=committed, paid=paid, holdback=offer.holdback_amount if offer else ZERO),
                conflict=request.case_id in conflicts,
            )
        )
    recent = list(programme_payments(programme=programme)[:RECENT_PAYMENTS])
    return PaymentsPage(rows=rows, recent_payments=recent)


def programme_payments(*, programme: Programme) -> QuerySet[Payment]:
    """Every payment of the programme, newest registration first: the page shows the latest of
    them, the export all of them, in the same order."""
    return (
        Payment.objects.filter(case__programme=programme)
        .select_related("case__application__company", "registered_by", "request")
        .order_by("-registered_at", "-pk")
    )


def pending_request(*, programme: Programme, pk: int) -> PaymentRequest | None:
    """A payment request of the programme (any status: the service says if it is decided)."""
    return PaymentRequest.objects.filter(pk=pk, case__programme=programme).select_related("case").first()


# --- the Register for offentlig støtte ---------------------------------------------------------


@dataclass(frozen=True)
class RegisterRow:
    offer: Offer
    today: date

    @property
    def case(self) -> Case:
        return self.offer.case

    @property
    def register_by(self) -> date | None:
        if self.offer.accepted_at is None:
            return None
        return timezone.localdate(self.offer.accepted_at) + timedelta(days=REGISTER_WITHIN_DAYS)

    @property
    def overdue(self) -> bool:
        due = self.register_by
        return self.offer.public_register_done_at is None and due is not None and self.today > due


def public_register_offers(*, programme: Programme, only_unregistered: bool) -> QuerySet[Offer]:
    """The programme's awards that must be recorded in the register (EUR threshold reached
    when granted), newest decision first; optionally only those not yet marked.  Read them as
    rows with ``register_rows``, a page at a time or (for a file) through ``.iterator()``."""
    offers = Offer.objects.filter(case__programme=programme, public_register_required=True)
    if only_unregistered:
        offers = offers.filter(public_register_done_at__isnull=True)
    return offers.select_related("case__application__company", "decision").order_by("-decision__decided_at", "-pk")


def register_rows(offers: Iterable[Offer]) -> Iterator[RegisterRow]:
    today = clock.today()  # taken now, not when a streamed file reaches its first row
    return (RegisterRow(offer=offer, today=today) for offer in offers)


def overdue_register_count(*, programme: Programme) -> int:
    """How many awards are not marked as registered 14 days after acceptance (``RegisterRow.overdue``),
    counted by the database, so that the warning covers every page of the list."""
    accepted_before = clock.today() - timedelta(days=REGISTER_WITHIN_DAYS)
    return Offer.objects.filter(
        case__programme=programme,
        public_register_required=True,
        public_register_done_at__isnull=True,
        accepted_at__date__lt=accepted_before,
    ).count()


def register_offer(*, programme: Programme, pk: int) -> Offer | None:
    return Offer.objects.filter(pk=pk, case__programme=programme, public_register_required=True).first()


# --- job outcomes ----------------------------------------------------------------------------


@dataclass(frozen=True)
class JobYear:
    """SPEC §9 for one budget year: the jobs expected by the projects granted from it (the
    "potential"), the latest reported of those projects, and the year's target."""

    budget_year_id: int
    year: int
    granted_cases: int
    expected: Decimal
    reported: Decimal
    target: int


def _latest_report(field: str) -> Subquery:
    latest = JobReport.objects.filter(case=OuterRef("case_id")).order_by("-reported_on", "-pk")
    return Subquery(latest.values(field)[:1])


def job_outcomes(*, programme: Programme) -> list[JobYear]:
    """Per budget year, in two queries (the years, then the sums per year), whatever the
    number of granted projects: the database adds them up."""
    budget_years = list(programme.budget_years.order_by("year"))
    sums = (
        Offer.objects.filter(budget_year__programme=programme)
        .exclude(case__state__in=ENDED_WITHOUT_PROJECT)
        .values("budget_year_id")
        .annotate(
            expected=Coalesce(Sum("case__application__new_jobs_expected"), ZERO),
            reported=Coalesce(Sum(_latest_report("new_jobs")), ZERO),
            granted_cases=Count("pk"),
        )
        .order_by()
    )
    by_year = {row["budget_year_id"]: row for row in sums}
    empty = {"expected": ZERO, "reported": ZERO, "granted_cases": 0}
    return [
        JobYear(
            budget_year_id=by.pk,
            year=by.year,
            granted_cases=by_year.get(by.pk, empty)["granted_cases"],
            expected=Decimal(by_year.get(by.pk, empty)["expected"]),
            reported=Decimal(by_year.get(by.pk, empty)["reported"]),
            target=by.target_jobs,
        )
        for by in budget_years
    ]


@dataclass(frozen=True)
class FollowUpRow:
    """A completed or closed case in the job follow-up."""

    case: Case
    reports: list[JobReport]
    next_due: Deadline | None
    periods_left: tuple[int, ...]
    conflict: bool

    @property
    def expected(self) -> Decimal:
        return self.case.application.new_jobs_expected

    @property
    def latest(self) -> JobReport | None:
        return max(self.reports, key=lambda r: (r.reported_on, r.pk), default=None)

    @property
    def may_report(self) -> bool:
        """Reports are filed while the case is completed (the service decides the rest)."""
        return self.case.state == State.COMPLETED and not self.conflict


def follow_up_cases(*, programme: Programme) -> QuerySet[Case]:
    """The programme's cases in follow-up, those still open first, with what each row shows
    (read them as rows with ``follow_up_rows``, a page at a time)."""
    return (
        _with_page_data(Case.objects.filter(programme=programme, state__in=FOLLOW_UP_STATES))
        .select_related("offer__budget_year")
        .order_by("-state", "reference", "pk")  # "completed" (still reporting) before "closed"
    )


def follow_up_rows(cases: Iterable[Case], *, programme: Programme, user: object) -> Iterator[FollowUpRow]:
    """The rows of ``cases`` (from ``follow_up_cases``: a page, or ``.iterator()`` for a file)."""
    conflicts = _conflicted_case_ids(user, programme=programme)
    followup = sorted(programme.job_followup_months)
    for case in cases:
        reports = list(case.job_reports.all())
        reported = {report.period_months for report in reports}
        yield FollowUpRow(
            case=case,
            reports=reports,
            next_due=case_next_deadline(case),
            periods_left=tuple(m for m in followup if m not in reported),
            conflict=case.pk in conflicts,
        )


def programme_case(*, programme: Programme, pk: int) -> Case | None:
    """A case of the programme, whatever its state: the service refuses a wrong state in words."""
    return Case.objects.filter(pk=pk, programme=programme).first()
