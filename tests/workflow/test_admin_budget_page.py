"""The administrator's budget page (issue 4): the year's figures, the breakdown by focus area
and by municipality, the charts, who may see it, and its query count."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.models import Application
from programme.money import format_nok
from tests.factories import BudgetYearFactory, FocusAreaFactory
from tests.journey import GRANT, World, case_in
from workflow import selectors, services
from workflow.models import Case, State
from workflow.selectors.budget import budget_breakdown

SVG = "{http://www.w3.org/2000/svg}"
FIGURES = ("frame", "committed", "disbursed", "held_back", "available")


class _Figures(HTMLParser):
    """The ``data-figure`` cells of each table, by the table's id, row by row."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[dict[str, str]]] = defaultdict(list)
        self._table: str | None = None
        self._figure: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "table":
            self._table = attributes.get("id") or ""
        elif tag == "tr" and self._table is not None:
            self.tables[self._table].append({})
        elif tag == "td" and attributes.get("data-figure"):
            self._figure = attributes["data-figure"]

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._table = None
        elif tag == "td":
            self._figure = None

    def handle_data(self, data: str) -> None:
        if self._figure and self._table is not None:
            row = self.tables[self._table][-1]
            row[self._figure] = row.get(self._figure, "") + data.strip()


def figures_on(html: str) -> dict[str, list[dict[str, str]]]:
    parser = _Figures()
    parser.feed(html)
    return {table: [row for row in rows if row] for table, rows in parser.tables.items()}


def budget_url(world: World, year: int | None = None) -> str:
    return reverse("staff_admin:budget", args=[world.programme.code, year or world.budget_year.year])


def page_as(client: Client, user: object, url: str) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def build_year(world: World) -> dict[str, Case]:
    """A part-paid case in Gjøvik under a second focus area, a lapsed case in Østre Toten and
    a freshly approved one in Gjøvik."""
    tourism = FocusAreaFactory(programme=world.programme, code="reiseliv", name="Reiseliv")
    paid = case_in(world, State.ACCEPTED)
    Application.objects.filter(pk=paid.application_id).update(focus_area=tourism)
    services.payment_register(case=paid, actor=world.admin, amount=Decimal("100000"))
    lapsed = case_in(world, State.LAPSED, world.company_b)
    approved = case_in(world, State.APPROVED)
    return {"paid": paid, "lapsed": lapsed, "approved": approved}


def test_the_figures_on_the_page_are_the_budget_figures(world: World, client: Client) -> None:
    build_year(world)
    expected = selectors.budget_year_figures(budget_year=world.budget_year)
    assert expected.committed == 2 * GRANT  # the lapsed grant was released
    assert expected.disbursed == Decimal("100000")
    assert expected.held_back > 0

    html = page_as(client, world.admin, budget_url(world))

    shown = {name: value for row in figures_on(html)["budget-figures"] for name, value in row.items()}
    released = shown.pop("released")
    assert shown == {name: format_nok(getattr(expected, name)) for name in FIGURES}
    assert released == format_nok(GRANT)  # the lapsed offer's grant went back to the budget
    assert "Kommunene" in html  # the contribution making up the frame


def test_the_breakdown_sums_to_the_totals(world: World, client: Client) -> None:
    cases = build_year(world)
    totals = selectors.budget_year_figures(budget_year=world.budget_year)

    breakdown = budget_breakdown(budget_year=world.budget_year)

    for rows in (breakdown.by_focus_area, breakdown.by_municipality):
        assert sum(row.committed for row in rows) == totals.committed
        assert sum(row.disbursed for row in rows) == totals.disbursed
        assert sum(row.held_back for row in rows) == totals.held_back
        assert sum(row.granted_cases for row in rows) == len(cases)
    by_municipality = {row.name: row for row in breakdown.by_municipality}
    assert by_municipality["Gjøvik"].committed == 2 * GRANT
    assert by_municipality["Østre Toten"].committed == 0
    assert by_municipality["Østre Toten"].granted_cases == 1
    by_focus_area = {row.name: row for row in breakdown.by_focus_area}
    assert by_focus_area["Reiseliv"].disbursed == Decimal("100000")
    assert by_focus_area["Industri"].committed == GRANT

    tables = figures_on(page_as(client, world.admin, budget_url(world)))
    for table in ("by-focus-area", "by-municipality"):
        assert [row["committed"] for row in tables[table]] == [
            format_nok(row.committed) for row in getattr(breakdown, table.replace("-", "_"))
        ]


def test_the_page_carries_well_formed_charts_with_titles(world: World, client: Client) -> None:
    build_year(world)

    html = page_as(client, world.admin, budget_url(world))

    svgs = re.findall(r"<svg\b.*?</svg>", html, flags=re.DOTALL)
    assert len(svgs) == 2
    for svg in svgs:
        root = ET.fromstring(svg)  # noqa: S314 - our own page
        assert root.get("role") == "img"
        title = root.find(f"{SVG}title")
        assert title is not None and title.text
        assert root.find(f"{SVG}desc") is not None
        assert root.get("style") is None and not root.findall(f".//{SVG}script")
    totals = ET.fromstring(svgs[0])  # noqa: S314
    assert format_nok(2 * GRANT) in "".join(totals.itertext())
    assert "<script>" not in html.split("<body>", 1)[1]


def test_the_chart_escapes_names(world: World, client: Client) -> None:
    FocusAreaFactory(programme=world.programme, code="x", name="<b>R&D</b>")

    html = page_as(client, world.admin, budget_url(world))

    assert "<b>R&D</b>" not in html
    svg = re.findall(r"<svg\b.*?</svg>", html, flags=re.DOTALL)[1]
    assert "<b>R&D</b>" in "".join(ET.fromstring(svg).itertext())  # noqa: S314


def test_the_year_switcher_and_the_latest_year(world: World, client: Client) -> None:
    later = BudgetYearFactory(programme=world.programme, year=world.budget_year.year + 1, frame=Decimal("100"))
    client.force_login(world.admin)

    response = client.get(reverse("staff_admin:budget_latest", args=[world.programme.code]))

    assert response.status_code == 302
    assert response["Location"] == budget_url(world, later.year)
    html = client.get(budget_url(world)).content.decode()
    assert f'href="{budget_url(world, later.year)}"' in html
    assert client.get(budget_url(world, 1999)).status_code == 404


@pytest.mark.parametrize("person", ["applicant_a", "adviser_a", "board_member", "other_admin"])
def test_only_the_programmes_administrators_see_the_page(world: World, client: Client, person: str) -> None:
    client.force_login(getattr(world, person))

    assert client.get(budget_url(world)).status_code == 404
    assert client.get(reverse("staff_admin:budget_latest", args=[world.programme.code])).status_code == 404


def test_anonymous_is_sent_to_log_in(world: World, client: Client) -> None:
    response = client.get(budget_url(world))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_page_runs_the_same_queries_with_2_and_12_cases(world: World, client: Client) -> None:
    client.force_login(world.admin)
    other = FocusAreaFactory(programme=world.programme, code="reiseliv", name="Reiseliv")

    def add_cases(count: int) -> None:
        for index in range(count):
            case = case_in(world, State.ACCEPTED, world.company_b if index % 2 else None)
            if index % 3 == 0:
                Application.objects.filter(pk=case.application_id).update(focus_area=other)
            services.payment_register(case=case, actor=world.admin, amount=Decimal("50000"))

    add_cases(2)
    with CaptureQueriesContext(connection) as two:
        assert client.get(budget_url(world)).status_code == 200
    add_cases(10)
    with CaptureQueriesContext(connection) as twelve:
        assert client.get(budget_url(world)).status_code == 200

    assert len(twelve) == len(two)
    assert selectors.budget_year_figures(budget_year=world.budget_year).committed == 12 * GRANT
