"""The awards to record in the Register for offentlig støtte, and those overdue."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from programme import clock
from programme.models import Programme
from workflow.models import Case, Offer

# SPEC §8: the administrator is reminded of an award not registered 14 days after acceptance.
REGISTER_WITHIN_DAYS = 14


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
    return offers.select_related("case__application__company", "decision").order_by(
        "-decision__decided_at", "-decision_id"
    )


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
