"""The awards to record in the Register for offentlig støtte (issue 4, SPEC §2, §8): exactly the
offers of EUR 100,000 or more, each marked as registered once, overdue 14 days after
acceptance, and only for the programme's administrators."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.formats import number_format

from programme import clock
from programme.numbers import format_org_number
from tests.journey import World, case_in
from tests.workflow.staff.admin_support import literal, nb, page, trace, url
from workflow import services
from workflow.models import Case, Offer, State

THRESHOLD_NOK = Decimal("1150000")  # EUR 100 000 at the programme's rate of 11.5


def award(world: World, amount: Decimal, *, company=None, accept: bool = True) -> Case:
    """A case granted ``amount`` (under the block exemption, so de minimis does not limit it)."""
    case = case_in(world, State.ON_AGENDA, company, money=(Decimal("3000000"), Decimal("1500000")))
    services.decision_approve(case=case, actor=world.board_member, amount=amount, legal_basis="block_exemption")
    if accept:
        applicant = world.applicant_b if company == world.company_b else world.applicant_a
        services.offer_accept(case=Case.objects.get(pk=case.pk), actor=applicant)
    return Case.objects.get(pk=case.pk)


def listed(html: str) -> set[str]:
    body = html.split('id="public-register"', 1)[1] if 'id="public-register"' in html else ""
    return {ref for ref in Case.objects.values_list("reference", flat=True) if f">{ref}</a>" in body}


def mark(client: Client, world: World, case: Case, **data: str):
    return client.post(url("public_register_mark", world, case.offer.pk), data)


def test_the_list_holds_exactly_the_awards_of_eur_100000_or_more(world: World, client: Client) -> None:
    large = award(world, Decimal("1200000"))
    at_threshold = award(world, THRESHOLD_NOK, accept=False)
    below = award(world, THRESHOLD_NOK - Decimal("12"), company=world.company_b, accept=False)
    small = case_in(world, State.ACCEPTED, world.company_b)

    html = page(client, world.admin, url("public_register", world) + "?vis=alle")

    assert listed(html) == {large.reference, at_threshold.reference}
    assert below.offer.public_register_required is False and small.reference not in listed(html)
    with translation.override("nb"):
        eur = number_format(
            large.offer.amount_eur.quantize(Decimal(1), ROUND_HALF_UP), 0, use_l10n=True, force_grouping=True
        )
    assert f"{eur} euro" in html
    assert format_org_number(large.application.company.org_number) in html  # 910 000 004
    assert nb("General block exemption (GBER)") in html
    assert nb("Not accepted") in html  # the offer at the threshold is not accepted yet


def test_marking_an_award_registers_it_once(world: World, client: Client) -> None:
    case = award(world, Decimal("1200000"))
    client.force_login(world.admin)

    response = mark(client, world, case)

    assert response.status_code == 302
    done_at = Offer.objects.get(pk=case.offer.pk).public_register_done_at
    assert done_at is not None
    assert case.events.filter(action="offer.publicly_registered", data={"offer_id": case.offer.pk}).exists()
    assert case.reference not in listed(client.get(url("public_register", world)).content.decode())
    everything = client.get(url("public_register", world) + "?vis=alle").content.decode()
    assert case.reference in listed(everything)
    assert nb("Registered %(date)s", date=f"{timezone.localdate(done_at):%d.%m.%Y}") in everything
    assert f'action="{url("public_register_mark", world, case.offer.pk)}"' not in everything
    before = trace(case)

    again = mark(client, world, case)

    assert again.status_code == 302
    assert Offer.objects.get(pk=case.offer.pk).public_register_done_at == done_at
    assert trace(case) == before
    assert literal("The award is already marked as registered.") in client.get(again["Location"]).content.decode()


def test_marking_from_the_full_list_returns_to_it(world: World, client: Client) -> None:
    case = award(world, Decimal("1200000"))
    client.force_login(world.admin)

    response = mark(client, world, case, vis="alle")

    assert response["Location"].endswith("?vis=alle")


def test_an_award_not_registered_14_days_after_acceptance_is_overdue(world: World, client: Client) -> None:
    late = award(world, Decimal("1200000"))
    on_time = award(world, Decimal("1200000"), company=world.company_b)
    now = clock.now()
    Offer.objects.filter(pk=late.offer.pk).update(accepted_at=now - dt.timedelta(days=15))
    Offer.objects.filter(pk=on_time.offer.pk).update(accepted_at=now - dt.timedelta(days=14))

    html = page(client, world.admin, url("public_register", world))

    rows = {ref: html.split(f">{ref}</a>", 1)[1].split("</tr>", 1)[0] for ref in (late.reference, on_time.reference)}
    assert 'class="np-overdue"' in rows[late.reference]
    assert 'class="np-overdue"' not in rows[on_time.reference]
    assert html.count('class="np-overdue"') == 1


def test_an_empty_list_says_so(world: World, client: Client) -> None:
    html = page(client, world.admin, url("public_register", world))

    assert nb("Every award that must be recorded is marked as registered.") in html
    assert nb("No award in this programme has reached the threshold.") in page(
        client, world.admin, url("public_register", world) + "?vis=alle"
    )


@pytest.mark.parametrize("person", ["other_admin", "board_member", "adviser_a", "applicant_a"])
def test_only_the_programmes_administrators_see_and_mark(world: World, client: Client, person: str) -> None:
    case = award(world, Decimal("1200000"))
    client.force_login(getattr(world, person))

    assert client.get(url("public_register", world)).status_code == 404
    assert mark(client, world, case).status_code == 404
    assert Offer.objects.get(pk=case.offer.pk).public_register_done_at is None


def test_an_award_below_the_threshold_cannot_be_marked(world: World, client: Client) -> None:
    small = case_in(world, State.ACCEPTED)
    client.force_login(world.admin)

    assert mark(client, world, small).status_code == 404
    assert client.post(url("public_register_mark", world, 999999)).status_code == 404
    assert client.get(url("public_register_mark", world, small.offer.pk)).status_code == 405


@pytest.mark.parametrize("query", ["?vis=", "?vis=%00", "?vis=" + "x" * 5000, "?vis=alle&vis=nei", "?side=-1"])
def test_odd_filters_never_give_a_server_error(world: World, client: Client, query: str) -> None:
    award(world, Decimal("1200000"))

    page(client, world.admin, url("public_register", world) + query)


def test_anonymous_is_sent_to_log_in(world: World, client: Client) -> None:
    response = client.get(url("public_register", world))

    assert response.status_code == 302 and "/logg-inn/" in response["Location"]
