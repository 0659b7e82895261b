"""Helpers for the board's page tests: an agenda of three recommended cases where the third
approval no longer fits the budget, reading the agenda's figures off the page, PDF text."""

from __future__ import annotations

import io
import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from pypdf import PdfReader

from programme.money import format_nok
from tests.journey import World, build_world, case_in
from workflow import services
from workflow.models import BoardMeeting, Case, State

FRAME = Decimal("1000000")
RECOMMENDED = (Decimal("400000"), Decimal("350000"), Decimal("300000"))


def nb(msgid: str, **values: object) -> str:
    """The Norwegian text the pages show for ``msgid``."""
    with translation.override("nb"):
        text = gettext(msgid)
    return text % values if values else text


def words(text: str) -> str:
    """Every run of white space (non-breaking ones too) as one space."""
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " ")).strip()


def nok(amount: Decimal | int) -> str:
    return words(format_nok(Decimal(amount)))


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return words(" ".join(page.extract_text() for page in reader.pages))


@pytest.fixture
def tight_world(db: None) -> World:
    """A programme whose year has 1 000 000 kr: room for two of the three recommended cases."""
    return build_world(frame=FRAME)


@dataclass
class AgendaOfThree:
    world: World
    meeting: BoardMeeting
    cases: list[Case]


def recommended_case(world: World, amount: Decimal, company=None) -> Case:
    case = case_in(world, State.SCREENING, company)
    services.recommendation_record(
        case=case,
        actor=world.adviser_a if case.municipality_id == world.municipality_a.pk else world.adviser_b,
        outcome="approve",
        amount=amount,
        assessment=f"Godt prosjekt, innstilt med {amount} kr.",
        conditions="Prosjektet skal rapportere halvveis.",
    )
    return Case.objects.get(pk=case.pk)


def agenda_of_three(world: World) -> AgendaOfThree:
    """Three recommended cases (400 000, 350 000 and 300 000 kr) on the world's meeting."""
    companies = [world.company_a, world.company_b, world.company_a]
    cases = [recommended_case(world, amount, company) for amount, company in zip(RECOMMENDED, companies, strict=True)]
    services.agenda_add_cases(meeting=world.meeting, cases=cases, actor=world.admin)
    return AgendaOfThree(world=world, meeting=world.meeting, cases=[Case.objects.get(pk=c.pk) for c in cases])


def meeting_path(meeting: BoardMeeting) -> str:
    return reverse("board:meeting", args=[meeting.programme.code, meeting.pk])


def decision_path(meeting: BoardMeeting, case: Case, action: str) -> str:
    return reverse(f"board:decision_{action}", args=[meeting.programme.code, meeting.pk, case.reference])


def approve_data(case: Case, amount: str = "", legal_basis: str = "de_minimis", **extra: str) -> dict[str, str]:
    prefix = f"approve-{case.pk}"
    data = {f"{prefix}-amount": amount, f"{prefix}-legal_basis": legal_basis}
    data.update({f"{prefix}-{name}": value for name, value in extra.items()})
    return data


class _AgendaFigures(HTMLParser):
    """The ``data-figure`` cells of the agenda table, by case reference."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, dict[str, str]] = defaultdict(dict)
        self._in_table = False
        self._case: str | None = None
        self._figure: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "table":
            self._in_table = attributes.get("id") == "agenda-budget"
        elif tag == "tr" and self._in_table:
            self._case = attributes.get("data-case")
        elif tag == "td" and self._case and attributes.get("data-figure"):
            self._figure = attributes["data-figure"]

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._in_table = False
        elif tag == "td":
            self._figure = None

    def handle_data(self, data: str) -> None:
        if self._case and self._figure:
            row = self.rows[self._case]
            row[self._figure] = words(row.get(self._figure, "") + " " + data)


def agenda_figures(html: str) -> dict[str, dict[str, str]]:
    parser = _AgendaFigures()
    parser.feed(html)
    return dict(parser.rows)


def agenda_order(html: str) -> list[str]:
    return list(agenda_figures(html))
