"""Reads for the public list of granted support (offentleglova: a decision to grant is public
once made; applications are exempt).  Only what a decision to grant makes public leaves this
module: company name and organisation number, project title, amount, decision date, focus area
and programme — never the applicant's people or anything from a case that was not granted."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet
from django.db.models.functions import ExtractYear
from django.utils import timezone

from programme.models import Programme
from workflow.models import Offer, State

# Granted, then ended without the money being used: still a public decision, shown with a note.
ENDED_STATES = (State.LAPSED, State.DECLINED, State.CANCELLED)
GRANTED = "granted"


@dataclass(frozen=True)
class GrantedSupport:
    """One row of the public list (tilskuddsliste)."""

    company_name: str
    org_number: str
    project_title: str
    amount: Decimal
    decided_on: date
    focus_area: str
    programme_code: str
    programme_name: str
    status: str  # GRANTED, or the state the grant ended in (lapsed/declined/cancelled)


def granted_support(*, programme: Programme | str | None = None, year: int | None = None) -> QuerySet[Offer]:
    """Every offer (tilsagn) the board has made, newest decision first, each row with what it
    shows in the same query (read them as rows with ``granted_support_rows``).

    Listing by ``Offer`` rather than by case state is what keeps cases that were never granted
    out: an offer exists only once the board has approved, whatever happened to the case later.
    """
    offers = Offer.objects.select_related(
        "decision",
        "case__programme",
        "case__application__company",
        "case__application__focus_area",
    ).order_by("-decision__decided_at", "-decision_id")
    if isinstance(programme, Programme):
        offers = offers.filter(case__programme=programme)
    elif programme:
        offers = offers.filter(case__programme__code=programme)
    if year is not None:
        offers = offers.filter(decision__decided_at__year=year)
    return offers


def granted_support_rows(offers: Iterable[Offer]) -> Iterator[GrantedSupport]:
    """The public rows of ``offers`` (a page of them, or ``.iterator()`` for a file)."""
    return (_row(offer) for offer in offers)


def granted_support_years() -> list[int]:
    """The years in which support was granted, newest first (the page's year filter)."""
    years = Offer.objects.annotate(year=ExtractYear("decision__decided_at")).order_by("-year")
    return list(years.values_list("year", flat=True).distinct())


def _row(offer: Offer) -> GrantedSupport:
    case = offer.case
    application = case.application
    return GrantedSupport(
        company_name=application.company.name,
        org_number=application.company.org_number,
        project_title=application.title,
        amount=offer.amount,
        decided_on=timezone.localdate(offer.decision.decided_at),
        focus_area=application.focus_area.name if application.focus_area else "",
        programme_code=case.programme.code,
        programme_name=case.programme.name,
        status=case.state if case.state in ENDED_STATES else GRANTED,
    )
