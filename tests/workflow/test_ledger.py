"""The budget ledger (SPEC §5): after every money movement the year's figures are exactly
right, refused payments change nothing, and ledger rows are only ever added.

The world's year has a frame of 5 000 000 kr; every grant here is 400 000 kr (GRANT) with a
hold-back of 25 % (100 000 kr), so at most 300 000 kr may be paid before the final report.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from programme import clock
from programme.errors import RuleViolation
from tests.journey import GRANT, case_in
from workflow import services
from workflow.models import Case, LedgerEntry, Payment, PaymentRequest, State, TimelineEvent
from workflow.selectors import budget_year_figures

FRAME = Decimal("5000000")
HOLDBACK = Decimal("100000")


def D(value: str | int) -> Decimal:
    return Decimal(str(value))


def assert_figures(world, *, committed, disbursed, held_back) -> None:
    figures = budget_year_figures(budget_year=world.budget_year)
    assert figures.frame == FRAME
    assert {
        "committed": figures.committed,
        "disbursed": figures.disbursed,
        "held_back": figures.held_back,
        "available": figures.available,
    } == {
        "committed": D(committed),
        "disbursed": D(disbursed),
        "held_back": D(held_back),
        "available": FRAME - D(committed),
    }


def rows_of(case: Case) -> list[tuple[str, Decimal]]:
    """The case's ledger rows as the database holds them, oldest first."""
    return list(LedgerEntry.objects.filter(case=case).order_by("pk").values_list("kind", "amount"))


def money_snapshot(world, case: Case) -> dict:
    """Everything a refused money action must leave as it was."""
    return {
        "ledger": list(
            LedgerEntry.objects.order_by("pk").values_list("pk", "case_id", "budget_year_id", "kind", "amount")
        ),
        "payments": list(Payment.objects.order_by("pk").values_list("pk", "case_id", "amount", "is_final")),
        "requests": list(PaymentRequest.objects.order_by("pk").values_list("pk", "amount", "is_final", "status")),
        "figures": budget_year_figures(budget_year=world.budget_year),
        "state": Case.objects.get(pk=case.pk).state,
        "events": TimelineEvent.objects.filter(case=case).count(),
    }


def pay(world, case: Case, amount, *, final: bool = False) -> Payment:
    return services.payment_register(case=case, actor=world.admin, amount=D(amount), is_final=final)


def file_final_report(world, case: Case, amount) -> None:
    services.final_report_file(
        case=case, actor=world.applicant_a, text="Prosjektet er gjennomført.", amount=D(amount), costs_to_date=900000
    )


def at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12, 0))


def fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


# --- every money movement, and the figures after it ---------------------------------------


def test_the_year_starts_with_its_whole_frame_available(world):
    assert_figures(world, committed=0, disbursed=0, held_back=0)
    assert LedgerEntry.objects.count() == 0


def test_approval_commits_the_grant_and_holds_back_a_quarter(world):
    case = case_in(world, State.APPROVED)

    assert rows_of(case) == [("commit", GRANT)]
    assert LedgerEntry.objects.get(case=case).budget_year_id == world.budget_year.pk
    assert_figures(world, committed=GRANT, disbursed=0, held_back=HOLDBACK)


def test_declining_the_offer_releases_the_whole_commitment(world):
    case = case_in(world, State.DECLINED)

    assert rows_of(case) == [("commit", GRANT), ("release", GRANT)]
    assert_figures(world, committed=0, disbursed=0, held_back=0)


def test_an_offer_not_accepted_in_time_lapses_and_releases_the_whole_commitment(world):
    case = case_in(world, State.LAPSED)

    assert rows_of(case) == [("commit", GRANT), ("release", GRANT)]
    assert_figures(world, committed=0, disbursed=0, held_back=0)


def test_an_expired_offer_with_part_payments_releases_only_what_was_not_paid(world):
    case = case_in(world, State.ACCEPTED)
    pay(world, case, 200000)

    with clock.travel_to(at(case.offer.expires_on + dt.timedelta(days=1))):
        services.case_lapse(case=case, actor=None)

    assert fresh(case).state == State.LAPSED
    assert rows_of(case) == [("commit", GRANT), ("disburse", D(200000)), ("release", D(200000))]
    assert_figures(world, committed=200000, disbursed=200000, held_back=0)


def test_cancelling_an_accepted_offer_releases_the_whole_commitment(world):
    case = case_in(world, State.CANCELLED)

    assert rows_of(case) == [("commit", GRANT), ("release", GRANT)]
    assert_figures(world, committed=0, disbursed=0, held_back=0)


def test_cancelling_after_part_payments_releases_only_what_was_not_paid(world):
    case = case_in(world, State.ACCEPTED)
    pay(world, case, 100000)
    pay(world, case, 150000)

    services.case_cancel(case=case, actor=world.admin, reason="Prosjektet stanset.")

    assert fresh(case).state == State.CANCELLED
    assert rows_of(case) == [
        ("commit", GRANT),
        ("disburse", D(100000)),
        ("disburse", D(150000)),
        ("release", D(150000)),
    ]
    assert_figures(world, committed=250000, disbursed=250000, held_back=0)


def test_a_part_payment_is_disbursed_and_leaves_the_commitment_and_hold_back_alone(world):
    case = case_in(world, State.ACCEPTED)

    payment = pay(world, case, 120000)

    assert rows_of(case) == [("commit", GRANT), ("disburse", D(120000))]
    assert LedgerEntry.objects.get(kind="disburse").payment_id == payment.pk
    assert_figures(world, committed=GRANT, disbursed=120000, held_back=HOLDBACK)


def test_part_payments_may_reach_the_grant_less_the_hold_back(world):
    case = case_in(world, State.ACCEPTED)

    pay(world, case, 200000)
    pay(world, case, 100000)

    assert rows_of(case) == [("commit", GRANT), ("disburse", D(200000)), ("disburse", D(100000))]
    assert_figures(world, committed=GRANT, disbursed=300000, held_back=HOLDBACK)


def test_a_final_payment_of_the_whole_grant_completes_the_case_and_releases_nothing(world):
    case = case_in(world, State.COMPLETED)

    assert rows_of(case) == [("commit", GRANT), ("disburse", GRANT)]
    assert_figures(world, committed=GRANT, disbursed=GRANT, held_back=0)


def test_a_final_payment_below_the_grant_completes_the_case_and_releases_the_remainder(world):
    case = case_in(world, State.ACCEPTED)
    pay(world, case, 200000)
    file_final_report(world, case, 150000)
    assert_figures(world, committed=GRANT, disbursed=200000, held_back=HOLDBACK)

    pay(world, case, 150000, final=True)

    assert fresh(case).state == State.COMPLETED
    assert rows_of(case) == [
        ("commit", GRANT),
        ("disburse", D(200000)),
        ("disburse", D(150000)),
        ("release", D(50000)),
    ]
    assert_figures(world, committed=350000, disbursed=350000, held_back=0)


def test_a_reclaim_after_completion_lowers_what_is_disbursed(world):
    case = case_in(world, State.COMPLETED)

    services.payment_reclaim(case=case, actor=world.admin, amount=D(50000), reason="Kostnader ikke dokumentert.")

    assert rows_of(case) == [("commit", GRANT), ("disburse", GRANT), ("reclaim", D(50000))]
    # SPEC §5: disbursed = disburse − reclaim; committed = commit − release is not touched.
    assert_figures(world, committed=GRANT, disbursed=350000, held_back=0)


def test_a_reclaim_during_the_project_makes_room_for_part_payments_again(world):
    case = case_in(world, State.ACCEPTED)
    pay(world, case, 300000)
    services.payment_reclaim(case=case, actor=world.admin, amount=D(50000), reason="Feilutbetaling.")
    assert_figures(world, committed=GRANT, disbursed=250000, held_back=HOLDBACK)

    pay(world, case, 50000)

    assert rows_of(case) == [("commit", GRANT), ("disburse", D(300000)), ("reclaim", D(50000)), ("disburse", D(50000))]
    assert_figures(world, committed=GRANT, disbursed=300000, held_back=HOLDBACK)


def test_a_payment_request_books_nothing_until_the_payment_is_registered(world):
    case = case_in(world, State.ACCEPTED)

    request = services.payment_request_create(
        case=case, actor=world.applicant_a, amount=D(120000), costs_to_date=D(300000), report="Første fase ferdig."
    )
    assert rows_of(case) == [("commit", GRANT)]
    assert_figures(world, committed=GRANT, disbursed=0, held_back=HOLDBACK)

    services.payment_register(case=case, actor=world.admin, amount=D(120000), request=request)

    assert PaymentRequest.objects.get(pk=request.pk).status == PaymentRequest.Status.PAID
    assert rows_of(case) == [("commit", GRANT), ("disburse", D(120000))]
    assert_figures(world, committed=GRANT, disbursed=120000, held_back=HOLDBACK)


def test_the_figures_add_up_the_movements_of_every_case_of_the_year(world):
    approved = case_in(world, State.APPROVED)
    running = case_in(world, State.ACCEPTED, world.company_b)
    pay(world, running, 250000)
    declined = case_in(world, State.DECLINED)
    completed = case_in(world, State.ACCEPTED)
    pay(world, completed, 100000)
    file_final_report(world, completed, 200000)
    pay(world, completed, 200000, final=True)

    assert [fresh(c).state for c in (approved, running, declined, completed)] == [
        State.APPROVED,
        State.ACCEPTED,
        State.DECLINED,
        State.COMPLETED,
    ]
    # committed: 400 000 + 400 000 + 0 + 300 000; held back: the two open offers' hold-backs.
    assert_figures(world, committed=1100000, disbursed=550000, held_back=2 * HOLDBACK)


# --- refusals change nothing ---------------------------------------------------------------


def test_a_part_payment_above_the_grant_less_the_hold_back_is_refused_and_changes_nothing(world):
    case = case_in(world, State.ACCEPTED)
    before = money_snapshot(world, case)

    with pytest.raises(RuleViolation) as refusal:
        pay(world, case, D("300000.01"))

    assert refusal.value.code == "holdback"
    assert money_snapshot(world, case) == before


def test_a_part_payment_that_would_bring_the_total_above_the_grant_less_the_hold_back_is_refused(world):
    case = case_in(world, State.ACCEPTED)
    pay(world, case, 250000)
    before = money_snapshot(world, case)

    with pytest.raises(RuleViolation) as refusal:
        pay(world, case, D("50000.01"))

    assert refusal.value.code == "holdback"
    assert money_snapshot(world, case) == before
    assert_figures(world, committed=GRANT, disbursed=250000, held_back=HOLDBACK)


def test_a_payment_request_above_the_grant_less_the_hold_back_is_refused_and_changes_nothing(world):
    case = case_in(world, State.ACCEPTED)
    pay(world, case, 200000)
    before = money_snapshot(world, case)

    with pytest.raises(RuleViolation) as refusal:
        services.payment_request_create(
            case=case, actor=world.applicant_a, amount=D(150000), costs_to_date=D(700000), report="Mer arbeid."
        )

    assert refusal.value.code == "holdback"
    assert money_snapshot(world, case) == before


def test_a_final_payment_above_the_grant_is_refused_and_changes_nothing(world):
    case = case_in(world, State.REPORTING)
    before = money_snapshot(world, case)

    with pytest.raises(RuleViolation) as refusal:
        pay(world, case, GRANT + D("0.01"), final=True)

    assert refusal.value.code == "grant"
    assert money_snapshot(world, case) == before
    assert fresh(case).state == State.REPORTING


def test_a_final_payment_above_the_rest_of_the_grant_after_part_payments_is_refused(world):
    case = case_in(world, State.ACCEPTED)
    pay(world, case, 300000)
    file_final_report(world, case, 100000)
    before = money_snapshot(world, case)

    with pytest.raises(RuleViolation) as refusal:
        pay(world, case, D("100000.01"), final=True)

    assert refusal.value.code == "grant"
    assert money_snapshot(world, case) == before
    assert_figures(world, committed=GRANT, disbursed=300000, held_back=HOLDBACK)


def test_a_second_final_payment_is_refused_and_changes_nothing(world):
    case = case_in(world, State.COMPLETED)
    before = money_snapshot(world, case)

    with pytest.raises(RuleViolation) as refusal:
        pay(world, case, 1, final=True)

    assert refusal.value.code in {"wrong_state", "final_exists"}
    assert money_snapshot(world, case) == before
    assert Payment.objects.filter(case=case, is_final=True).count() == 1


@pytest.mark.parametrize("state", [State.APPROVED, State.ACCEPTED])
def test_a_final_payment_before_the_final_report_is_refused_and_changes_nothing(world, state):
    case = case_in(world, state)
    before = money_snapshot(world, case)

    with pytest.raises(RuleViolation) as refusal:
        pay(world, case, 100000, final=True)

    assert refusal.value.code == "wrong_state"
    assert money_snapshot(world, case) == before


def test_reclaiming_more_than_was_paid_is_refused_and_changes_nothing(world):
    case = case_in(world, State.ACCEPTED)
    pay(world, case, 100000)
    before = money_snapshot(world, case)

    with pytest.raises(RuleViolation) as refusal:
        services.payment_reclaim(case=case, actor=world.admin, amount=D("100000.01"), reason="For mye.")

    assert refusal.value.code == "reclaim"
    assert money_snapshot(world, case) == before


# --- the ledger is append-only -------------------------------------------------------------


def test_ledger_rows_are_only_ever_added_and_keep_their_amounts(world):
    case = case_in(world, State.ON_AGENDA)
    seen: dict[int, tuple] = {}

    def step(expected_new_rows: int) -> None:
        rows = {
            pk: (case_id, budget_year_id, kind, amount, booked_on)
            for pk, case_id, budget_year_id, kind, amount, booked_on in LedgerEntry.objects.values_list(
                "pk", "case_id", "budget_year_id", "kind", "amount", "booked_on"
            )
        }
        assert {pk: rows.get(pk) for pk in seen} == seen, "an earlier ledger row was changed or removed"
        assert len(rows) == len(seen) + expected_new_rows
        seen.update(rows)

    services.decision_approve(case=case, actor=world.board_member, amount=GRANT, legal_basis="de_minimis")
    step(1)
    services.offer_accept(case=case, actor=world.applicant_a)
    step(0)
    pay(world, case, 100000)
    step(1)
    pay(world, case, 150000)
    step(1)
    services.payment_reclaim(case=case, actor=world.admin, amount=D(50000), reason="Feilutbetaling.")
    step(1)
    with pytest.raises(RuleViolation):
        pay(world, case, 200000)  # 200 000 paid; 100 000 more is the limit before the final report
    step(0)
    file_final_report(world, case, 150000)
    step(0)
    pay(world, case, 150000, final=True)
    step(2)  # the final payment and the release of what was not paid

    assert rows_of(case) == [
        ("commit", GRANT),
        ("disburse", D(100000)),
        ("disburse", D(150000)),
        ("reclaim", D(50000)),
        ("disburse", D(150000)),
        ("release", D(50000)),
    ]
    assert_figures(world, committed=350000, disbursed=350000, held_back=0)


def test_the_hold_back_shrinks_to_what_is_left_unpaid_and_grows_back_with_a_reclaim(world):
    # The rule, as the database sums it for the year: of each open offer, its hold-back, but
    # never more than what is left unpaid (payments less reclaims) and never below zero.  The
    # rows are written directly to reach the edges no payment service lets a case reach.
    case = case_in(world, State.ACCEPTED)
    book = {"case": case, "budget_year": world.budget_year}
    LedgerEntry.objects.create(kind=LedgerEntry.Kind.DISBURSE, amount=D(350000), **book)
    assert_figures(world, committed=GRANT, disbursed=350000, held_back=50000)

    LedgerEntry.objects.create(kind=LedgerEntry.Kind.RECLAIM, amount=D(20000), **book)
    assert_figures(world, committed=GRANT, disbursed=330000, held_back=70000)

    LedgerEntry.objects.create(kind=LedgerEntry.Kind.DISBURSE, amount=D(120000), **book)
    assert_figures(world, committed=GRANT, disbursed=450000, held_back=0)
