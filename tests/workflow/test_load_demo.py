"""``manage.py load_demo`` loads the Gjøvik region's programme as the seed report tells it."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import Sum

from applications.models import Application
from programme.models import BudgetYear, Municipality, Programme, User
from workflow.models import Case, JobReport, LedgerEntry, Offer, State
from workflow.selectors import budget_year_figures

APPS = ("programme", "applications", "workflow")
LOGINS = ("soker@demo.no", "radgiver@demo.no", "styre@demo.no", "admin@demo.no")


def load() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for label in APPS
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    }


@pytest.fixture
def demo(db: None) -> str:
    return load()


@pytest.fixture
def year_2017(demo: str) -> BudgetYear:
    return BudgetYear.objects.get(programme__code="NUP", year=2017)


def test_loading_twice_gives_the_same_rows_in_every_table(demo):
    first = row_counts()

    second_output = load()

    assert row_counts() == first
    assert first["workflow.Case"] > 0 and first["workflow.LedgerEntry"] > 0
    assert "allerede saker" in second_output


def test_the_2017_frame_is_5_050_000_from_the_four_participating_municipalities(year_2017):
    figures = budget_year_figures(budget_year=year_2017)

    assert figures.frame == Decimal("5050000")
    assert {c.municipality.name for c in year_2017.contributions.all()} == {
        "Gjøvik",
        "Østre Toten",
        "Vestre Toten",
        "Søndre Land",
    }
    assert (year_2017.target_projects_min, year_2017.target_projects_max, year_2017.target_jobs) == (15, 20, 45)


def test_eleven_2017_projects_were_granted_3_125_000_and_all_of_it_stays_committed(year_2017):
    offers = Offer.objects.filter(budget_year=year_2017)

    assert offers.count() == 11
    assert offers.aggregate(total=Sum("amount"))["total"] == Decimal("3125000")
    commits = LedgerEntry.objects.filter(budget_year=year_2017, kind="commit").aggregate(total=Sum("amount"))
    assert commits["total"] == Decimal("3125000")
    assert budget_year_figures(budget_year=year_2017).committed == Decimal("3125000")
    assert {d.year for d in offers.values_list("decision__meeting__date", flat=True)} == {2017}


def test_the_2017_projects_reported_42_new_jobs_and_expect_260(year_2017):
    cases = list(Case.objects.filter(offer__budget_year=year_2017))
    latest = [JobReport.objects.filter(case=case).order_by("-reported_on", "-pk").first() for case in cases]
    expected = Application.objects.filter(case__in=cases).aggregate(total=Sum("new_jobs_expected"))["total"]

    assert sum(report.new_jobs for report in latest if report) == Decimal("42")
    assert expected == Decimal("260")
    # The jobs are reported on projects that are done, and every one of those is fully paid.
    assert {case.state for case, report in zip(cases, latest, strict=True) if report} <= {
        State.COMPLETED,
        State.CLOSED,
    }
    assert not LedgerEntry.objects.filter(budget_year=year_2017, kind="release").exists()


def test_every_state_of_the_case_has_a_demo_case(demo):
    present = set(Case.objects.values_list("state", flat=True))

    assert present == set(State.values)


def test_nordre_land_is_in_the_region_but_does_not_take_part(demo):
    nordre_land = Municipality.objects.get(programme__code="NUP", name="Nordre Land")

    assert nordre_land.participating is False
    assert not nordre_land.contributions.exists()
    assert Municipality.objects.filter(programme__code="NUP", participating=True).count() == 4


def test_the_output_names_each_demo_login_and_the_2017_figures(demo):
    for email in LOGINS:
        assert email in demo
        assert User.objects.get(email=email).check_password("demo-Passord-2017")
    assert "demo-Passord-2017" in demo
    assert "5\u00a0050\u00a0000\u00a0kr" in demo and "3\u00a0125\u00a0000\u00a0kr" in demo
    admin = User.objects.get(email="admin@demo.no")
    assert admin.is_staff and admin.is_superuser
    assert Programme.objects.get(code="NUP").owner_organisation == "Gjøvikregionen Utvikling (GR-U)"
