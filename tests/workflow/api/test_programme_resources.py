"""Programmes, budget years (with the budget page's figures) and evaluations (with their JSON):
budget years and evaluations for the programme's administrators only, as on the pages."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from tests.journey import World, case_in
from tests.workflow.api.support import token_client
from workflow import selectors
from workflow.models import Evaluation, State


def codes(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["code"] for row in response.json()["results"]}


def test_programmes_are_those_where_the_person_is_staff_or_sees_a_case(world: World) -> None:
    case_in(world, State.SUBMITTED)
    assert codes(token_client(world.admin).get("/api/programmes/")) == {"NUP"}
    assert codes(token_client(world.other_admin).get("/api/programmes/")) == {"OTH"}
    assert codes(token_client(world.applicant_a).get("/api/programmes/")) == {"NUP"}
    assert codes(token_client(world.applicant_b).get("/api/programmes/")) == set()
    assert token_client(world.applicant_b).get("/api/programmes/NUP/").status_code == 404
    detail = token_client(world.adviser_a).get("/api/programmes/NUP/").json()
    assert {m["name"] for m in detail["municipalities"]} == {"Gjøvik", "Østre Toten"}


def test_budget_years_show_the_budget_pages_figures_to_the_administrator(world: World) -> None:
    case_in(world, State.COMPLETED)
    figures = selectors.budget_year_figures(budget_year=world.budget_year)
    response = token_client(world.admin).get(f"/api/budget-years/{world.budget_year.pk}/")

    assert response.status_code == 200
    shown = {key: Decimal(value) for key, value in response.json()["figures"].items()}
    assert shown == {
        "frame": figures.frame,
        "committed": figures.committed,
        "disbursed": figures.disbursed,
        "held_back": figures.held_back,
        "available": figures.available,
    }
    assert shown["committed"] > 0
    listed = token_client(world.admin).get("/api/budget-years/").json()["results"]
    assert [row["figures"] for row in listed] == [response.json()["figures"]]


@pytest.mark.parametrize("person", ["board_member", "adviser_a", "applicant_a", "other_admin"])
def test_budget_years_do_not_exist_for_anyone_but_the_administrator(world: World, person: str) -> None:
    client = token_client(getattr(world, person))
    assert client.get("/api/budget-years/").json()["results"] == []
    assert client.get(f"/api/budget-years/{world.budget_year.pk}/").status_code == 404


def test_evaluations_with_their_figures_for_the_administrator_only(world: World) -> None:
    figures = {"totals": {"granted": "3125000.00", "new_jobs": "42"}, "years": []}
    evaluation = Evaluation.objects.create(
        programme=world.programme,
        period_from=datetime.date(2025, 1, 1),
        period_to=datetime.date(2026, 12, 31),
        status=Evaluation.Status.READY,
        progress=100,
        figures=figures,
    )
    admin = token_client(world.admin)
    listed = admin.get("/api/evaluations/").json()["results"]
    assert [row["id"] for row in listed] == [evaluation.pk]
    assert "figures" not in listed[0]
    assert admin.get(f"/api/evaluations/{evaluation.pk}/").json()["figures"] == figures

    for person in (world.board_member, world.adviser_a, world.applicant_a, world.other_admin):
        client = token_client(person)
        assert client.get("/api/evaluations/").json()["results"] == []
        assert client.get(f"/api/evaluations/{evaluation.pk}/").status_code == 404
