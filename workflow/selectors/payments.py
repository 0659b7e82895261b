"""The payments page's reads: payment requests to decide with each case's money (summed per
case in one grouped query, not case by case) and the payments registered."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from programme.models import Programme
from workflow.models import Case, ConflictDeclaration, LedgerEntry, Offer, Payment, PaymentRequest
from workflow.selectors import ZERO, CaseMoney, _sum, pending_part_requests

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


def conflicted_case_ids(
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


# --- payments --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PaymentRow:
    """A pending payment request with its case's money (as ``selectors.case_money``)."""

    request: PaymentRequest
    money: CaseMoney
    conflict: bool
    # The case's other part payments asked for and not yet paid or refused.
    other_pending: Decimal = ZERO

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
        """What may still be paid before the final report on this request: the grant less the
        hold-back, less what is paid and what the case's other requests ask for."""
        if self.offer is None:
            return ZERO
        return max(ZERO, self.offer.payable_before_final_report() - self.money.paid - self.other_pending)

    @property
    def payable_now(self) -> Decimal:
        """At most what this request may be paid: the final payment may take the hold-back."""
        if self.offer is None:
            return ZERO
        if self.request.is_final:
            return max(ZERO, self.offer.amount - self.money.paid)
        return self.payable_before_final_report


def pending_requests(*, programme: Programme) -> QuerySet[PaymentRequest]:
    """The programme's pending payment requests, oldest first (the page shows them a page at a
    time, the export all of them; ``payment_rows`` adds each case's money)."""
    return (
        PaymentRequest.objects.filter(case__programme=programme, status=PaymentRequest.Status.PENDING)
        .select_related("case__application__company", "case__offer", "created_by")
        .prefetch_related("files")
        .order_by("created_at", "pk")
    )


def payment_rows(requests: Iterable[PaymentRequest], *, user: object) -> list[PaymentRow]:
    """Each request with its case's money (summed per case in one grouped query) and whether
    the person declared a conflict in the case."""
    requests = list(requests)
    case_ids = sorted({request.case_id for request in requests})
    money = _money_by_case(case_ids)
    pending = pending_part_requests(case_ids)
    conflicts = conflicted_case_ids(user, case_ids)
    rows = []
    for request in requests:
        committed, paid = money.get(request.case_id, (ZERO, ZERO))
        offer = getattr(request.case, "offer", None)
        own = request.amount if not request.is_final and request.status == PaymentRequest.Status.PENDING else ZERO
        rows.append(
            PaymentRow(
                request=request,
                money=CaseMoney(committed=committed, paid=paid, holdback=offer.holdback_amount if offer else ZERO),
                conflict=request.case_id in conflicts,
                other_pending=pending.get(request.case_id, ZERO) - own,
            )
        )
    return rows


def recent_payments(*, programme: Programme) -> list[Payment]:
    """The latest payments, as the page shows them (the export has them all)."""
    return list(programme_payments(programme=programme)[:RECENT_PAYMENTS])


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
