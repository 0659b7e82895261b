"""The administrator's page for a new budget year (issue 16): the year, one contribution per
participating municipality and the targets; refusals in Norwegian that change nothing; only
the programme's administrators find it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from programme import clock
from programme.errors import RuleViolation
from programme.models import BudgetYear, Contribution
from programme.services_budget import budget_year_create
from tests.factories import MunicipalityFactory, ProgrammeFactory, staff_role
from tests.journey import World, build_world

FROZEN = timezone.make_aware(dt.datetime(2027, 1, 4, 9, 0))


@pytest.fixture
def world(db: None) -> Iterator[World]:
    # Built in 2026: the world's budget year is 2026, and January 2027 asks for the next.
    with clock.travel_to(FROZEN.replace(year=2026, month=6)):
        world = build_world()
    with clock.travel_to(FROZEN):
        yield world


def page_url(world: World) -> str:
    return reverse("staff_admin:budget_year_add", args=[world.programme.code])


def as_user(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def form_data(world: World, **changes: str) -> dict[str, str]:
    data = {
        "year": "2027",
        f"contribution_{world.municipality_a.pk}": "1 500 000",
        f"contribution_{world.municipality_b.pk}": "750000",
        "target_projects_min": "12",
        "target_projects_max": "18",
        "target_jobs": "40",
    }
    data.update(changes)
    return data


def test_the_page_starts_from_last_year(world: World) -> None:
    Contribution.objects.create(
        budget_year=world.budget_year, funder="Gjøvik kommune", municipality=world.municipality_a, amount=800000
    )
    page = as_user(world.admin).get(page_url(world))
    assert page.status_code == 200
    form = page.context["form"]
    assert form.initial["year"] == 2027
    assert form.initial[f"contribution_{world.municipality_a.pk}"] == Decimal("800000.00")
    assert form.initial["target_jobs"] == world.budget_year.target_jobs
    text = page.content.decode()
    assert "Bidrag fra Gjøvik (kr)" in text and "Bidrag fra Østre Toten (kr)" in text
    field = f'name="contribution_{world.municipality_a.pk}"'
    assert f'{field} value="800\u00a0000"' in text  # not 800000.00


def test_an_administrator_adds_the_year_with_its_contributions_and_targets(world: World) -> None:
    client = as_user(world.admin)
    answer = client.post(page_url(world), form_data(world))
    assert answer.status_code == 302
    assert answer["Location"] == reverse("staff_admin:budget", args=[world.programme.code, 2027])
    budget_year = BudgetYear.objects.get(programme=world.programme, year=2027)
    assert (budget_year.target_projects_min, budget_year.target_projects_max, budget_year.target_jobs) == (12, 18, 40)
    assert sorted(budget_year.contributions.values_list("funder", "municipality", "amount")) == [
        ("Gjøvik kommune", world.municipality_a.pk, Decimal("1500000.00")),
        ("Østre Toten kommune", world.municipality_b.pk, Decimal("750000.00")),
    ]
    shown = client.get(answer["Location"]).content.decode()
    assert "Budsjettåret 2027 er lagt til." in shown


def test_a_blank_amount_means_the_municipality_does_not_take_part(world: World) -> None:
    answer = as_user(world.admin).post(
        page_url(world), form_data(world, **{f"contribution_{world.municipality_b.pk}": ""})
    )
    assert answer.status_code == 302
    assert list(Contribution.objects.filter(budget_year__year=2027).values_list("municipality", flat=True)) == [
        world.municipality_a.pk
    ]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"year": "2026"}, "Næringsprogrammet har allerede budsjettåret 2026."),
        ({"year": "1999"}, "Skriv et år fra 2000 til 2100."),
        ({"contribution_A": "-5000"}, "Et bidrag kan ikke være negativt."),
        ({"target_projects_min": "20", "target_projects_max": "10"}, "Det laveste prosjektmålet (20) kan ikke være"),
        ({"contribution_A": "", "contribution_B": "0"}, "Skriv inn bidraget fra minst én kommune"),
        ({"target_jobs": "-1"}, "Et mål kan ikke være negativt."),
    ],
)
def test_a_refusal_is_shown_and_changes_nothing(world: World, changes: dict[str, str], message: str) -> None:
    names = {"contribution_A": f"contribution_{world.municipality_a.pk}"}
    names["contribution_B"] = f"contribution_{world.municipality_b.pk}"
    data = form_data(world, **{names.get(key, key): value for key, value in changes.items()})
    before = (BudgetYear.objects.count(), Contribution.objects.count())
    answer = as_user(world.admin).post(page_url(world), data)
    assert answer.status_code == 400
    assert message in answer.content.decode()
    assert (BudgetYear.objects.count(), Contribution.objects.count()) == before


@pytest.mark.parametrize("who", ["adviser_a", "board_member", "applicant_a", "other_admin"])
def test_only_the_programmes_administrators_find_the_page(world: World, who: str) -> None:
    client = as_user(getattr(world, who))
    assert client.get(page_url(world)).status_code == 404
    assert client.post(page_url(world), form_data(world)).status_code == 404
    assert not BudgetYear.objects.filter(year=2027).exists()


def test_the_service_refuses_anyone_but_an_administrator(world: World) -> None:
    with pytest.raises(RuleViolation) as refused:
        budget_year_create(
            programme=world.programme,
            actor=world.board_member,
            year=2027,
            target_projects_min=1,
            target_projects_max=2,
            target_jobs=3,
            contributions={world.municipality_a.pk: Decimal("1")},
        )
    assert refused.value.code == "permission"
    assert not BudgetYear.objects.filter(year=2027).exists()


def test_a_municipality_of_another_programme_cannot_contribute(world: World) -> None:
    stranger = MunicipalityFactory(programme=ProgrammeFactory(code="ANN"), number="9999", name="Andeby")
    with pytest.raises(RuleViolation) as refused:
        budget_year_create(
            programme=world.programme,
            actor=world.admin,
            year=2027,
            target_projects_min=1,
            target_projects_max=2,
            target_jobs=3,
            contributions={stranger.pk: Decimal("100")},
        )
    assert refused.value.code == "municipality"
    assert not BudgetYear.objects.filter(year=2027).exists()


def test_the_budget_page_links_to_it_and_a_programme_without_years_is_sent_to_it(world: World) -> None:
    budget = as_user(world.admin).get(reverse("staff_admin:budget", args=[world.programme.code, 2026]))
    assert page_url(world) in budget.content.decode()
    fresh = ProgrammeFactory(code="NY")
    MunicipalityFactory(programme=fresh, number="3401", name="Kongsvinger")
    staff_role(world.admin, fresh, "admin")
    latest = as_user(world.admin).get(reverse("staff_admin:budget_latest", args=["NY"]))
    assert latest.status_code == 302
    assert latest["Location"] == reverse("staff_admin:budget_year_add", args=["NY"])
