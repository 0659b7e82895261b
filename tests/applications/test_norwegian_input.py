"""The applicant's numbers, saved and shown again: what was typed the Norwegian way comes back
as it was typed when the person returns to the step (``4,5`` not ``4.5``, ``200 000`` not
``200000.00``, ``400`` hours not ``400.0``), an empty field stays empty (not ``0.00``), and a
number the page cannot read is refused at its field in Norwegian, saving nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.urls import reverse

from applications.models import Application
from programme import clock
from tests.applications.test_drafting_pages import company_step_data, costs_data, formset, step

NBSP = "\u00a0"


class _Inputs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str | None] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "input" and named.get("name"):
            self.values[named["name"]] = named.get("value")


def inputs(response) -> dict[str, str | None]:
    """Each input's value by name, as the browser would fill it (None: no value attribute)."""
    assert response.status_code == 200
    parser = _Inputs()
    parser.feed(response.content.decode())
    return parser.values


@pytest.fixture
def draft(world, client) -> Application:
    client.force_login(world.applicant_a)
    client.post(reverse("applications:application_start", args=[world.company_a.pk]))
    return Application.objects.get(company=world.company_a)


def test_the_costs_and_financing_come_back_as_they_were_typed(client, draft) -> None:
    costs = [
        {"category": "own_hours", "description": "Egne timer", "hours": "400", "hourly_rate": "1 250"},
        {"category": "own_hours", "description": "Prosjektleder", "hours": "12,5", "hourly_rate": "950,50"},
        {"category": "external", "description": "Konsulent", "amount": "200 000"},
        {"category": "equipment", "description": "Robot", "amount": f"1{NBSP}250{NBSP}000,50 kr"},
    ]
    financing = [
        {"source": "own_funds", "description": "", "amount": "1\u202f000\u202f000"},
        {"source": "this_programme", "description": "", "amount": "1 000 000,5"},
    ]
    assert client.post(step(draft, "costs"), {**costs_data(costs, financing), "action": "stay"}).status_code == 302

    shown = inputs(client.get(step(draft, "costs")))

    assert [shown[f"costs-{i}-hours"] for i in range(4)] == ["400", "12,5", None, None]
    assert [shown[f"costs-{i}-hourly_rate"] for i in range(2)] == [f"1{NBSP}250", "950,50"]
    assert [shown[f"costs-{i}-amount"] for i in range(4)] == [
        f"500{NBSP}000",  # 400 h × 1 250 kr
        f"11{NBSP}881,25",  # 12,5 h × 950,50 kr
        f"200{NBSP}000",
        f"1{NBSP}250{NBSP}000,50",
    ]
    assert [shown[f"financing-{i}-amount"] for i in range(2)] == [f"1{NBSP}000{NBSP}000", f"1{NBSP}000{NBSP}000,50"]
    # The empty rows for new lines are empty, not 0.00.
    assert shown["costs-4-amount"] is None and shown["costs-4-hours"] is None
    draft.refresh_from_db()
    assert sorted(line.amount for line in draft.cost_lines.all()) == [
        Decimal("11881.25"),
        Decimal("200000"),
        Decimal("500000"),
        Decimal("1250000.50"),
    ]


def test_the_effects_come_back_as_typed_and_an_empty_field_stays_empty(client, draft) -> None:
    data = {"new_jobs_expected": "4,5", "jobs_secured": "", "expected_turnover": "2 500 000", "action": "stay"}
    assert client.post(step(draft, "effects"), data).status_code == 302

    shown = inputs(client.get(step(draft, "effects")))

    assert shown["new_jobs_expected"] == "4,5"
    assert shown["jobs_secured"] is None  # nothing typed, nothing shown (it counts as zero)
    assert shown["expected_turnover"] == f"2{NBSP}500{NBSP}000"
    draft.refresh_from_db()
    assert (draft.new_jobs_expected, draft.jobs_secured, draft.expected_turnover) == (4.5, 0, 2500000)


def test_the_employees_and_the_support_already_received_come_back_as_typed(client, draft) -> None:
    assert client.post(step(draft, "company"), {**company_step_data(draft, employees_fte="12,5"), "action": "stay"})
    granted_on = (clock.today() - dt.timedelta(days=200)).isoformat()
    declarations = formset(
        "support",
        [{"kind": "de_minimis", "grantor": "Innovasjon Norge", "granted_on": granted_on, "amount": "150 000"}],
    )
    client.post(step(draft, "declarations"), {**declarations, "action": "stay"})

    assert inputs(client.get(step(draft, "company")))["employees_fte"] == "12,5"
    assert inputs(client.get(step(draft, "declarations")))["support-0-amount"] == f"150{NBSP}000"


@pytest.mark.parametrize("typed", ["1,5e4", "NaN", "1.250.000", "12 34", "fire hundre"])
def test_garbage_is_refused_at_its_field_in_norwegian_and_nothing_is_saved(client, draft, typed: str) -> None:
    costs = [{"category": "external", "description": "Konsulent", "amount": typed}]

    response = client.post(step(draft, "costs"), {**costs_data(costs, []), "action": "stay"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Skriv et beløp i kroner" in page or "Skriv tusener med mellomrom" in page
    assert 'aria-invalid="true"' in page
    assert not draft.cost_lines.exists()


def test_in_english_the_decimal_sign_is_a_point_and_the_thousands_are_spaced_the_same(client, draft) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the person's choice of English
    costs = [{"category": "own_hours", "description": "Timer", "hours": "12,5", "hourly_rate": "1 000.50"}]
    assert client.post(step(draft, "costs"), {**costs_data(costs, []), "action": "stay"}).status_code == 302

    shown = inputs(client.get(step(draft, "costs")))

    assert (shown["costs-0-hours"], shown["costs-0-hourly_rate"]) == ("12.5", f"1{NBSP}000.50")
    assert shown["costs-0-amount"] == f"12{NBSP}506.25"
