"""The rules an approval (tilsagn) must pass, SPEC §2 and §5: the available budget, the
support share (50 % with reasons, never above 75 %), the de minimis ceiling over a rolling
three years, and the deadlines written into the offer."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta

from applications.services import company_create, support_declaration_add
from programme import clock
from programme.errors import RuleViolation
from programme.money import format_nok
from tests.factories import (
    ApplicationFactory,
    BudgetYearFactory,
    FocusAreaFactory,
    MunicipalityFactory,
    UserFactory,
    staff_role,
    valid_org_number,
)
from tests.journey import GRANT, PATHS, STEPS, build_world, case_in
from workflow import services
from workflow.models import Case, Decision, LedgerEntry, Offer, State, TimelineEvent
from workflow.selectors import budget_year_figures

# The programme's defaults: EUR 300 000 at 11.5 NOK/EUR is 3 450 000 kr of de minimis support.
# The grant of 400 000 kr is EUR 34 782.61, so 3 000 000 kr declared fits and 3 100 000 kr does not.
FITS = Decimal("3000000")
TOO_MUCH = Decimal("3100000")


def D(value: str | int) -> Decimal:
    return Decimal(str(value))


def approve(world, case: Case, amount=GRANT, legal_basis: str = "de_minimis", **kwargs) -> Offer:
    return services.decision_approve(
        case=case, actor=world.board_member, amount=D(amount), legal_basis=legal_basis, **kwargs
    )


def written() -> dict:
    """What an approval writes; a refused approval must leave all of it as it was."""
    return {
        "decisions": Decision.objects.count(),
        "offers": Offer.objects.count(),
        "ledger": list(LedgerEntry.objects.order_by("pk").values_list("pk", "kind", "amount")),
        "events": TimelineEvent.objects.count(),
        "states": dict(Case.objects.values_list("pk", "state")),
    }


def refused(world, case: Case, code: str, **kwargs) -> RuleViolation:
    """Approve ``case`` and expect a refusal with ``code`` that writes nothing."""
    before = written()
    with pytest.raises(RuleViolation) as refusal:
        approve(world, case, **kwargs)
    assert refusal.value.code == code, refusal.value.message
    assert written() == before
    assert Case.objects.get(pk=case.pk).state == State.ON_AGENDA
    return refusal.value


def on_agenda_with_declaration(world, *, declared: Decimal, granted_on: dt.date, kind: str = "de_minimis") -> Case:
    """A case of company A on the agenda whose application declares earlier public support."""
    application = world.application()
    support_declaration_add(
        application=application,
        actor=application.created_by,
        kind=kind,
        grantor="Innovasjon Norge",
        granted_on=granted_on,
        amount=declared,
    )
    case = services.application_submit(application=application, actor=application.created_by)
    for step in PATHS[State.ON_AGENDA]:
        STEPS[step](world, Case.objects.get(pk=case.pk))
    return Case.objects.get(pk=case.pk)


def big_grant(world, company=None, amount: Decimal = TOO_MUCH, legal_basis: str = "de_minimis") -> Offer:
    """An earlier grant of ``amount`` (50 % of its costs) in the world's programme."""
    case = case_in(world, State.ON_AGENDA, company, money=(2 * amount, amount))
    return approve(world, case, amount=amount, legal_basis=legal_basis)


def grant_in_other_programme(world, *, org_number: str, amount: Decimal = TOO_MUCH) -> Offer:
    """A company registered in ANOTHER programme of the installation gets a de minimis grant."""
    programme = world.other_programme
    today = clock.today()
    municipality = MunicipalityFactory(programme=programme, number="3401", name="Kongsvinger")
    focus_area = FocusAreaFactory(programme=programme)
    BudgetYearFactory(programme=programme, year=today.year, frame=2 * amount)
    adviser, applicant = UserFactory(), UserFactory()
    staff_role(adviser, programme, "adviser", [municipality])
    company = company_create(
        programme=programme, user=applicant, org_number=org_number, name="Samme selskap AS", municipality=municipality
    )
    application = ApplicationFactory(
        company=company,
        created_by=applicant,
        focus_area=focus_area,
        start_date=today,
        end_date=today + dt.timedelta(days=365),
        money=(2 * amount, amount),
    )
    case = services.application_submit(application=application, actor=applicant)
    services.case_take(case=case, actor=adviser)
    services.recommendation_record(case=case, actor=adviser, outcome="approve", amount=amount, assessment="Godt.")
    meeting = services.meeting_create(
        programme=programme, actor=world.other_admin, date=today, members=[world.other_board_member]
    )
    services.agenda_add(meeting=meeting, case=case, actor=world.other_admin)
    return services.decision_approve(case=case, actor=world.other_board_member, amount=amount, legal_basis="de_minimis")


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0))


# --- the available budget ------------------------------------------------------------------


def test_approval_beyond_the_available_budget_is_refused_naming_the_available_amount(db):
    world = build_world(frame=D(500000))
    approve(world, case_in(world, State.ON_AGENDA))
    case = case_in(world, State.ON_AGENDA, world.company_b)

    violation = refused(world, case, "budget")

    assert format_nok(D(100000)) in violation.message
    figures = budget_year_figures(budget_year=world.budget_year)
    assert (figures.committed, figures.available) == (GRANT, D(100000))


def test_approval_of_exactly_the_available_amount_is_allowed_and_leaves_nothing(db):
    world = build_world(frame=D(500000))
    approve(world, case_in(world, State.ON_AGENDA))
    case = case_in(world, State.ON_AGENDA, world.company_b)

    refused(world, case, "budget", amount=D("100000.01"))
    approve(world, case, amount=D(100000))

    figures = budget_year_figures(budget_year=world.budget_year)
    assert (figures.committed, figures.available) == (D(500000), D(0))
    assert Case.objects.get(pk=case.pk).state == State.APPROVED


def test_approval_with_no_frame_at_all_is_refused(db):
    world = build_world(frame=D(0))
    case = case_in(world, State.ON_AGENDA)

    violation = refused(world, case, "budget")

    assert format_nok(D(0)) in violation.message


def test_a_released_commitment_can_be_granted_again(db):
    world = build_world(frame=D(500000))
    case_in(world, State.DECLINED)
    case = case_in(world, State.ON_AGENDA, world.company_b)

    approve(world, case)

    figures = budget_year_figures(budget_year=world.budget_year)
    assert (figures.committed, figures.available) == (GRANT, D(100000))


# --- the support share ---------------------------------------------------------------------


def test_approval_of_half_the_costs_needs_no_reason(world):
    case = case_in(world, State.ON_AGENDA)  # costs 1 000 000 kr

    offer = approve(world, case, amount=500000)

    assert offer.support_share == D("50.00")


def test_approval_above_half_the_costs_without_a_reason_is_refused(world):
    case = case_in(world, State.ON_AGENDA)

    refused(world, case, "support_share", amount=600000)
    refused(world, case, "support_share", amount=600000, share_reason="   ")


def test_approval_above_half_the_costs_with_a_reason_is_allowed_and_the_reason_kept(world):
    case = case_in(world, State.ON_AGENDA)

    offer = approve(world, case, amount=600000, share_reason="Høy risiko og stor regional effekt.")

    assert offer.support_share == D("60.00")
    assert Decision.objects.get(case=case, outcome="approve").reasons == "Høy risiko og stor regional effekt."


def test_approval_one_krone_above_half_the_costs_needs_a_reason(world):
    case = case_in(world, State.ON_AGENDA)  # costs 1 000 000 kr: 500 001 kr is 50.0001 %

    refused(world, case, "support_share", amount=500001)


def test_approval_of_three_quarters_of_the_costs_with_a_reason_is_allowed(world):
    case = case_in(world, State.ON_AGENDA)

    offer = approve(world, case, amount=750000, share_reason="Forprosjekt med høy risiko.")

    assert offer.support_share == D("75.00")


def test_approval_above_three_quarters_of_the_costs_is_refused_even_with_a_reason(world):
    case = case_in(world, State.ON_AGENDA)

    refused(world, case, "support_share", amount=800000, share_reason="Særlige grunner.")


def test_approval_one_krone_above_three_quarters_of_the_costs_is_refused_even_with_a_reason(world):
    case = case_in(world, State.ON_AGENDA)  # costs 1 000 000 kr: 750 001 kr is 75.0001 %

    refused(world, case, "support_share", amount=750001, share_reason="Særlige grunner.")


# --- de minimis ----------------------------------------------------------------------------


def test_de_minimis_declared_support_and_the_grant_within_the_ceiling_is_allowed(world):
    case = on_agenda_with_declaration(world, declared=FITS, granted_on=clock.today() - relativedelta(years=1))

    offer = approve(world, case)

    assert offer.legal_basis == "de_minimis"
    assert offer.amount_eur == D("34782.61")


def test_de_minimis_declared_support_and_the_grant_above_the_ceiling_is_refused(world):
    case = on_agenda_with_declaration(world, declared=TOO_MUCH, granted_on=clock.today() - relativedelta(years=1))

    violation = refused(world, case, "de_minimis")

    assert "300000" in violation.message.replace(" ", "").replace("\u00a0", "")


@pytest.mark.parametrize(
    ("declared", "allowed"),
    [(D(2600000), True), (D("2600000.10"), False)],
    ids=["exactly-at-the-ceiling", "one-cent-above-the-ceiling"],
)
def test_de_minimis_allows_reaching_the_ceiling_but_not_passing_it(world, declared, allowed):
    # At 10 NOK/EUR: 2 600 000 kr + 400 000 kr is EUR 300 000.00; ten øre more is EUR 300 000.01.
    world.programme.eur_nok_rate = D("10")
    world.programme.save()
    case = on_agenda_with_declaration(world, declared=declared, granted_on=clock.today() - relativedelta(years=1))

    if allowed:
        approve(world, case)
        assert Case.objects.get(pk=case.pk).state == State.APPROVED
    else:
        refused(world, case, "de_minimis")


def test_de_minimis_reads_the_programmes_exchange_rate(world):
    # 2 700 000 kr declared: EUR 234 782.61 at 11.5 (fits), EUR 270 000 at 10 (does not).
    world.programme.eur_nok_rate = D("10")
    world.programme.save()
    case = on_agenda_with_declaration(world, declared=D(2700000), granted_on=clock.today() - relativedelta(years=1))

    refused(world, case, "de_minimis")


def test_de_minimis_ignores_declared_support_of_another_kind(world):
    case = on_agenda_with_declaration(
        world, declared=TOO_MUCH, granted_on=clock.today() - relativedelta(years=1), kind="other"
    )

    approve(world, case)

    assert Case.objects.get(pk=case.pk).state == State.APPROVED


def test_de_minimis_counts_a_grant_to_the_same_org_number_in_another_programme(world):
    grant_in_other_programme(world, org_number=world.company_a.org_number)
    case = case_in(world, State.ON_AGENDA)

    refused(world, case, "de_minimis")


def test_de_minimis_does_not_count_a_grant_to_another_org_number_in_another_programme(world):
    grant_in_other_programme(world, org_number=valid_org_number(9000))
    case = case_in(world, State.ON_AGENDA)

    approve(world, case)

    assert Case.objects.get(pk=case.pk).state == State.APPROVED


def test_de_minimis_counts_the_same_companys_earlier_grant(world):
    big_grant(world)
    case = case_in(world, State.ON_AGENDA)

    refused(world, case, "de_minimis")


def test_de_minimis_does_not_count_another_companys_grant(world):
    big_grant(world, world.company_b)
    case = case_in(world, State.ON_AGENDA)

    approve(world, case)

    assert Case.objects.get(pk=case.pk).state == State.APPROVED


def test_de_minimis_does_not_count_an_earlier_offer_that_was_declined(world):
    earlier = big_grant(world)
    services.offer_decline(case=earlier.case, actor=world.applicant_a)
    case = case_in(world, State.ON_AGENDA)

    approve(world, case)

    assert Case.objects.get(pk=case.pk).state == State.APPROVED


def test_de_minimis_does_not_count_an_earlier_grant_under_the_block_exemption(world):
    big_grant(world, legal_basis="block_exemption")
    case = case_in(world, State.ON_AGENDA)

    approve(world, case)

    assert Case.objects.get(pk=case.pk).state == State.APPROVED


def test_de_minimis_counts_support_declared_just_under_three_years_before_the_decision(world):
    declared_on = clock.today() - relativedelta(years=1)
    case = on_agenda_with_declaration(world, declared=TOO_MUCH, granted_on=declared_on)

    with clock.travel_to(at(declared_on + relativedelta(years=3) - dt.timedelta(days=1))):
        refused(world, case, "de_minimis")


def test_de_minimis_does_not_count_support_declared_more_than_three_years_before_the_decision(world):
    declared_on = clock.today() - relativedelta(years=1)
    case = on_agenda_with_declaration(world, declared=TOO_MUCH, granted_on=declared_on)

    with clock.travel_to(at(declared_on + relativedelta(years=3) + dt.timedelta(days=1))):
        approve(world, case)

    assert Case.objects.get(pk=case.pk).state == State.APPROVED


def test_de_minimis_counts_a_grant_made_here_just_under_three_years_before_the_decision(world):
    big_grant(world)
    case = case_in(world, State.ON_AGENDA)

    with clock.travel_to(at(clock.today() + relativedelta(years=3) - dt.timedelta(days=1))):
        refused(world, case, "de_minimis")


def test_de_minimis_does_not_count_a_grant_made_here_more_than_three_years_before_the_decision(world):
    big_grant(world)
    case = case_in(world, State.ON_AGENDA)

    with clock.travel_to(at(clock.today() + relativedelta(years=3) + dt.timedelta(days=1))):
        approve(world, case)

    assert Case.objects.get(pk=case.pk).state == State.APPROVED


def test_de_minimis_does_not_count_a_grant_in_another_programme_more_than_three_years_ago(world):
    with clock.travel_to(at(clock.today() - relativedelta(years=3) - dt.timedelta(days=1))):
        grant_in_other_programme(world, org_number=world.company_a.org_number)
    case = case_in(world, State.ON_AGENDA)

    approve(world, case)

    assert Case.objects.get(pk=case.pk).state == State.APPROVED


@pytest.mark.parametrize("legal_basis", ["block_exemption", "not_state_aid"])
def test_a_grant_under_another_legal_basis_is_not_limited_by_de_minimis(world, legal_basis):
    case = on_agenda_with_declaration(world, declared=TOO_MUCH, granted_on=clock.today() - relativedelta(years=1))

    offer = approve(world, case, legal_basis=legal_basis)

    assert Offer.objects.get(pk=offer.pk).legal_basis == legal_basis
    assert Decision.objects.get(case=case, outcome="approve").legal_basis == legal_basis


# --- the offer's terms ---------------------------------------------------------------------


def test_the_offer_carries_the_deadlines_and_hold_back_of_the_rules(db):
    end = dt.date(2027, 8, 31)
    decided = dt.date(2026, 12, 3)

    # The whole story as of that day: the case submitted and decided at that day's meeting.
    with clock.travel_to(at(decided, hour=10)):
        world = build_world()
        case = case_in(world, State.ON_AGENDA, start_date=dt.date(2026, 12, 1), end_date=end)
        offer = approve(world, case, amount=D("333333.33"))

    offer = Offer.objects.get(pk=offer.pk)
    assert offer.accept_by == decided + dt.timedelta(days=21)
    assert offer.final_report_due == end + dt.timedelta(days=60)
    assert offer.expires_on == dt.date(2028, 2, 29)  # end + 6 months, into a leap-year February
    assert offer.holdback_amount == D("83333.33")  # 25 %, rounded to whole øre
    assert offer.budget_year_id == world.budget_year.pk
    assert offer.support_share == D("33.33")


def test_the_acceptance_deadline_counts_from_the_decision_date_in_norway(db):
    # 23:30 UTC on 10 March is already 11 March in Oslo: the day of the meeting, and of the case.
    moment = dt.datetime(2026, 3, 10, 23, 30, tzinfo=dt.UTC)

    with clock.travel_to(moment):
        world = build_world()
        case = case_in(world, State.ON_AGENDA)
        offer = approve(world, case)

    assert Offer.objects.get(pk=offer.pk).accept_by == dt.date(2026, 4, 1)


def test_approval_writes_the_decision_the_offer_the_commitment_and_the_timeline(world):
    case = case_in(world, State.ON_AGENDA)
    before = written()

    offer = approve(world, case)

    after = written()
    assert after["decisions"] == before["decisions"] + 1
    assert after["offers"] == before["offers"] + 1
    assert after["ledger"][len(before["ledger"]) :] == [(after["ledger"][-1][0], "commit", GRANT)]
    assert after["states"][case.pk] == State.APPROVED
    assert offer.amount == GRANT
    assert offer.holdback_amount == D(100000)
