"""The Django admin shows amounts and organisation numbers as the site's pages do, and reads
the numbers typed into its forms the Norwegian way (the fields themselves are walked in
tests/programme/test_norwegian_numbers.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from programme.models import Contribution
from tests.factories import UserFactory
from tests.journey import GRANT, World, case_in
from workflow.models import State

pytestmark = pytest.mark.django_db
NBSP = "\u00a0"


@pytest.fixture
def superuser_client() -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="nb")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_the_lists_show_amounts_in_kroner_and_organisation_numbers_in_groups(
    world: World, superuser_client: Client
) -> None:
    case_in(world, State.APPROVED)
    grant = f"{GRANT:,.0f}".replace(",", NBSP) + f"{NBSP}kr"  # 400 000 kr

    offers = superuser_client.get(reverse("admin:workflow_offer_changelist")).content.decode()
    ledger = superuser_client.get(reverse("admin:workflow_ledgerentry_changelist")).content.decode()
    companies = superuser_client.get(reverse("admin:applications_company_changelist")).content.decode()

    assert grant in offers and "400000,00" not in offers
    assert grant in ledger
    number = world.company_a.org_number
    assert f"{number[:3]}{NBSP}{number[3:6]}{NBSP}{number[6:]}" in companies


def test_a_company_is_found_by_its_organisation_number_typed_with_spaces(
    world: World, superuser_client: Client
) -> None:
    number = world.company_a.org_number
    spaced = f"{number[:3]} {number[3:6]} {number[6:]}"

    page = superuser_client.get(reverse("admin:applications_company_changelist"), {"q": spaced}).content.decode()

    assert world.company_a.name in page and world.company_b.name not in page


def test_a_contribution_typed_the_norwegian_way_is_saved_and_shown_again(
    world: World, superuser_client: Client
) -> None:
    url = reverse("admin:programme_budgetyear_change", args=[world.budget_year.pk])
    page = superuser_client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update(
        {
            "contributions-TOTAL_FORMS": "1",
            "contributions-INITIAL_FORMS": "0",
            "contributions-MIN_NUM_FORMS": "0",
            "contributions-MAX_NUM_FORMS": "1000",
            "contributions-0-funder": "Gjøvik kommune",
            "contributions-0-municipality": str(world.municipality_a.pk),
            "contributions-0-amount": "1 250 000,50",
            "_continue": "1",
        }
    )

    answer = superuser_client.post(url, data)

    assert answer.status_code == 302, answer.content.decode()[:2000]
    contribution = Contribution.objects.get(budget_year=world.budget_year, funder="Gjøvik kommune")
    assert contribution.amount == Decimal("1250000.50")
    assert f'value="1{NBSP}250{NBSP}000,50"' in superuser_client.get(url).content.decode()
