"""Guards a clerk expects of the money after the offer (issue 17): a payment is dated from the
offer's acceptance to today; what can still be paid before the final report ("kan utbetales")
counts the part payments asked for and not paid yet, on every page and in the service; and the
final report waits until the project has started.  Each refusal names its rule and changes
nothing; the edge is allowed.  Dates are built from the clock."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from programme import clock
from programme.errors import RuleViolation
from programme.money import format_nok
from tests.journey import GRANT, World, case_in
from tests.workflow.staff.admin_support import figure, literal, nb, trace
from workflow import services
from workflow.models import Case, FinalReport, LedgerEntry, Offer, Payment, PaymentRequest, State

DAY = dt.timedelta(days=1)
HOLDBACK = GRANT * Decimal("0.25")
PAYABLE = GRANT - HOLDBACK  # before the final report: 300 000 kr of the 400 000 kr grant


def ask(world: World, case: Case, amount: Decimal | int) -> PaymentRequest:
    return services.payment_request_create(
        case=Case.objects.get(pk=case.pk), actor=world.applicant_a, amount=amount, costs_to_date=900000, report="Fase."
    )


# --- the date of a payment -------------------------------------------------------------------


def test_a_payment_is_dated_from_the_acceptance_to_today(world: World) -> None:
    case = case_in(world, State.ACCEPTED)
    accepted_on = clock.today() - dt.timedelta(days=10)
    Offer.objects.filter(case=case).update(accepted_at=clock.now() - dt.timedelta(days=10))
    before = trace(case)

    for day in (accepted_on - DAY, clock.today() + DAY, dt.date(1900, 1, 1)):
        with pytest.raises(RuleViolation) as refused:
            services.payment_register(case=case, actor=world.admin, amount=Decimal("1000"), paid_on=day)
        assert refused.value.code == "paid_on"
        assert accepted_on.strftime("%d.%m.%Y") in refused.value.message
        assert clock.today().strftime("%d.%m.%Y") in refused.value.message
        assert trace(case) == before

    # Both edges are allowed: the day of the acceptance and today.
    for day in (accepted_on, clock.today()):
        payment = services.payment_register(case=case, actor=world.admin, amount=Decimal("1000"), paid_on=day)
        assert payment.paid_on == day
        assert LedgerEntry.objects.get(payment=payment).booked_on == day


def test_a_payment_dated_in_the_future_is_refused_at_the_date_on_the_payments_page(
    world: World, client: Client
) -> None:
    case = case_in(world, State.ACCEPTED)
    request = ask(world, case, 100000)
    before = trace(case)
    client.force_login(world.admin)
    prefix = f"pay-{request.pk}"

    response = client.post(
        reverse("staff_admin:payment_register", args=[world.programme.code, request.pk]),
        {f"{prefix}-amount": "100000", f"{prefix}-paid_on": (clock.today() + DAY).isoformat()},
    )

    assert response.status_code == 409
    html = unescape(response.content.decode())
    assert f'id="id_{prefix}-paid_on_error"' in html
    message = "Give the date the payment was made: from %(first)s, when the offer was accepted, to today, %(last)s."
    assert literal(message) in html
    assert trace(case) == before


# --- "kan utbetales" counts what is asked for ------------------------------------------------


def test_a_new_request_counts_the_requests_not_paid_yet(world: World) -> None:
    case = case_in(world, State.ACCEPTED)
    ask(world, case, 200000)
    before = trace(case)

    with pytest.raises(RuleViolation) as refused:
        ask(world, case, PAYABLE - 200000 + 1)
    assert refused.value.code == "holdback"
    assert format_nok(Decimal(200000)) in refused.value.message  # what is asked for
    assert format_nok(PAYABLE - 200000) in refused.value.message  # what more can be asked for
    assert trace(case) == before

    # The edge: exactly what is left.
    ask(world, case, PAYABLE - 200000)
    assert PaymentRequest.objects.filter(case=case, status=PaymentRequest.Status.PENDING).count() == 2


def test_a_refused_request_no_longer_counts(world: World) -> None:
    case = case_in(world, State.ACCEPTED)
    first = ask(world, case, 250000)
    services.payment_request_refuse(request=first, actor=world.admin, reason="Bilag mangler.")

    ask(world, case, PAYABLE)

    assert PaymentRequest.objects.get(case=case, status=PaymentRequest.Status.PENDING).amount == PAYABLE


def test_the_pages_show_what_can_be_paid_less_the_requests_not_paid_yet(world: World, client: Client) -> None:
    case = case_in(world, State.ACCEPTED)
    services.payment_register(case=Case.objects.get(pk=case.pk), actor=world.admin, amount=Decimal("50000"))
    first = ask(world, case, 100000)
    second = ask(world, case, 30000)
    left = PAYABLE - 50000 - 130000

    # The applicant's case page: what more can be asked for, and what is asked for.
    client.force_login(world.applicant_a)
    html = unescape(client.get(reverse("workflow:case_detail", args=[case.reference])).content.decode())
    sentence = html.split('id="part-payments-left">')[1].split("</p>")[0]
    assert format_nok(left) in sentence and format_nok(Decimal(130000)) in sentence

    # The staff case page.
    client.force_login(world.admin)
    html = unescape(client.get(reverse("staff:case_detail", args=[case.reference])).content.decode())
    assert figure(html, "pending_part_payments", "case-money") == [format_nok(Decimal(130000))]
    assert figure(html, "payable_before_final_report", "case-money") == [format_nok(left)]

    # The payments page: each request with what the other one asks for.
    html = unescape(client.get(reverse("staff_admin:payments", args=[world.programme.code])).content.decode())
    rows = {
        request.pk: html.split(f'id="request-{request.pk}"')[1].split('class="np-request"')[0]
        for request in (first, second)
    }
    assert figure(rows[first.pk], "other_pending") == [format_nok(Decimal(30000))]
    assert figure(rows[first.pk], "payable_before_final_report") == [format_nok(PAYABLE - 50000 - 30000)]
    assert figure(rows[second.pk], "other_pending") == [format_nok(Decimal(100000))]
    assert figure(rows[second.pk], "payable_before_final_report") == [format_nok(PAYABLE - 50000 - 100000)]


# --- the final report needs a started project ------------------------------------------------


def final_report(world: World, case: Case, amount: Decimal = GRANT) -> FinalReport:
    return services.final_report_file(
        case=Case.objects.get(pk=case.pk), actor=world.applicant_a, text="Ferdig.", amount=amount, costs_to_date=900000
    )


def test_a_final_report_before_the_project_starts_is_refused(world: World, client: Client) -> None:
    start = clock.today() + DAY
    case = case_in(world, State.ACCEPTED, start_date=start, end_date=start + dt.timedelta(days=200))
    before = trace(case)

    with pytest.raises(RuleViolation) as refused:
        final_report(world, case)
    assert refused.value.code == "guard"
    assert start.strftime("%d.%m.%Y") in refused.value.message
    assert trace(case) == before and not FinalReport.objects.filter(case=case).exists()

    # The page says from when, offers no final report, and a report posted anyway is refused.
    client.force_login(world.applicant_a)
    address = reverse("workflow:case_detail", args=[case.reference])
    html = unescape(client.get(address).content.decode())
    assert 'id="final-report-from"' in html and start.strftime("%d.%m.%Y") in html
    assert reverse("workflow:final_report_file", args=[case.reference]) not in html
    response = client.post(
        reverse("workflow:final_report_file", args=[case.reference]),
        {"final-text": "Ferdig.", "final-amount": "400000", "final-costs_to_date": "900000"},
        follow=True,
    )
    assert literal("The project starts on %(date)s. The final report can be filed once the project has started.") in (
        unescape(response.content.decode())
    )
    assert trace(case) == before


def test_a_final_report_is_accepted_from_the_start_date(world: World) -> None:
    today = clock.today()
    case = case_in(world, State.ACCEPTED, start_date=today, end_date=today + dt.timedelta(days=200))

    final_report(world, case)

    assert Case.objects.get(pk=case.pk).state == State.REPORTING


def test_a_part_payment_shows_the_project_has_started_early(world: World) -> None:
    start = clock.today() + dt.timedelta(days=30)
    case = case_in(world, State.ACCEPTED, start_date=start, end_date=start + dt.timedelta(days=200))
    services.payment_register(case=Case.objects.get(pk=case.pk), actor=world.admin, amount=Decimal("50000"))

    final_report(world, case, amount=GRANT - 50000)

    assert Case.objects.get(pk=case.pk).state == State.REPORTING
    assert Payment.objects.filter(case=case).count() == 1


def test_the_norwegian_message_names_the_start_date(world: World) -> None:
    start = clock.today() + DAY
    case = case_in(world, State.ACCEPTED, start_date=start, end_date=start + dt.timedelta(days=200))

    with pytest.raises(RuleViolation) as refused:
        final_report(world, case)

    assert refused.value.message == nb(
        "The project starts on %(date)s. The final report can be filed once the project has started.",
        date=start.strftime("%d.%m.%Y"),
    )
