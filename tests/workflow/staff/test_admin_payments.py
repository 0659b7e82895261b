"""The administrator's payments page (issue 4): pending requests with their case's money,
registering part and final payments (the final one releases the unpaid remainder, as the
budget page then shows), refusing a request, returning a final report, and every refusal
shown at the row's form with nothing changed."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from programme import clock
from programme.errors import RuleViolation
from programme.money import format_nok
from tests.journey import GRANT, World, case_in
from tests.workflow.staff.admin_support import figure, from_the_ledger, literal, nb, page, trace, url
from workflow import services
from workflow.models import Case, LedgerEntry, Offer, Payment, PaymentRequest, State

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
HOLDBACK = GRANT * Decimal("0.25")


# Proofs of costs go to a temporary folder, not the machine's private storage.
pytestmark = pytest.mark.usefixtures("private_storage")


def part_request(world: World, case: Case, amount: int | Decimal = 100000, **kwargs) -> PaymentRequest:
    return services.payment_request_send(
        case=case,
        actor=world.applicant_a,
        amount=amount,
        costs_to_date=kwargs.pop("costs_to_date", 250000),
        report=kwargs.pop("report", "Første fase er ferdig."),
        **kwargs,
    )


def final_request(world: World, case: Case, amount: int | Decimal) -> PaymentRequest:
    services.final_report_file(
        case=case, actor=world.applicant_a, text="Prosjektet er gjennomført.", amount=amount, costs_to_date=900000
    )
    return PaymentRequest.objects.get(case=case, is_final=True, status=PaymentRequest.Status.PENDING)


def register(client: Client, world: World, request: PaymentRequest, amount: str, paid_on: str | None = None):
    prefix = f"pay-{request.pk}"
    return client.post(
        url("payment_register", world, request.pk),
        {f"{prefix}-amount": amount, f"{prefix}-paid_on": paid_on or clock.today().isoformat()},
    )


def test_the_page_lists_pending_requests_with_the_cases_money(world: World, client: Client) -> None:
    case = case_in(world, State.ACCEPTED)
    services.payment_register(case=case, actor=world.admin, amount=Decimal("50000"))
    request = part_request(
        world,
        case,
        amount=80000,
        costs_to_date=300000,
        report="Vi har <b>bygget</b> prototypen.",
        uploads=[SimpleUploadedFile("bilag.pdf", PDF, content_type="application/pdf")],
    )
    other = case_in(world, State.ACCEPTED, world.company_b)
    PaymentRequest.objects.create(
        case=other, amount=1000, costs_to_date=1000, report="x", created_by=world.applicant_b, status="refused"
    )

    html = page(client, world.admin, url("payments", world))

    assert figure(html, "requested") == [format_nok(Decimal("80000"))]  # the refused one is not listed
    assert figure(html, "costs_to_date") == [format_nok(Decimal("300000"))]
    assert figure(html, "granted") == [format_nok(GRANT)]
    assert figure(html, "paid") == [format_nok(Decimal("50000"))]
    assert figure(html, "held_back") == [format_nok(HOLDBACK)]
    assert figure(html, "payable_before_final_report") == [format_nok(GRANT - HOLDBACK - Decimal("50000"))]
    assert "Vi har &lt;b&gt;bygget&lt;/b&gt; prototypen." in html
    document = request.files.get()
    assert f'href="/saker/dokument/{document.pk}/"' in html and "bilag.pdf" in html
    assert f'href="/saksbehandling/sak/{case.reference}/"' in html
    assert 'value="80\u00a0000"' in html  # the amount defaults to the request, as Norwegians write it
    assert f'value="{clock.today().isoformat()}"' in html  # paid today unless changed
    assert format_nok(Decimal("50000")) in html.split('id="recent-payments"')[1]


def test_an_empty_page_says_so(world: World, client: Client) -> None:
    html = page(client, world.admin, url("payments", world))

    assert nb("No payment requests are waiting.") in html
    assert nb("No payments have been registered yet.") in html


def test_a_part_payment_then_the_final_payment_release_the_remainder(world: World, client: Client) -> None:
    case = case_in(world, State.ACCEPTED)
    client.force_login(world.admin)
    start = from_the_ledger(world.budget_year)

    response = register(client, world, part_request(world, case, 100000), "100 000")

    assert response.status_code == 302
    assert Payment.objects.get(case=case).amount == Decimal("100000")
    after_part = from_the_ledger(world.budget_year)
    assert after_part.committed == start.committed  # a part payment does not release anything
    assert after_part.disbursed == start.disbursed + Decimal("100000")
    assert Case.objects.get(pk=case.pk).state == State.ACCEPTED

    final = final_request(world, case, 150000)
    response = register(client, world, final, "150000")

    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).state == State.COMPLETED
    assert PaymentRequest.objects.get(pk=final.pk).status == PaymentRequest.Status.PAID
    end = from_the_ledger(world.budget_year)
    remainder = GRANT - Decimal("250000")
    assert end.committed == start.committed - remainder
    assert end.available == start.available + remainder
    assert end.disbursed == start.disbursed + Decimal("250000")
    followed = client.get(response["Location"]).content.decode()
    assert format_nok(remainder) in followed  # the message names the released amount

    budget = page(client, world.admin, url("budget", world, world.budget_year.year))
    assert figure(budget, "committed", "budget-figures")[0] == format_nok(end.committed)
    assert figure(budget, "available", "budget-figures")[0] == format_nok(end.available)
    assert figure(budget, "disbursed", "budget-figures")[0] == format_nok(end.disbursed)
    assert figure(budget, "released", "budget-figures")[0] == format_nok(remainder)


def test_a_payment_can_be_registered_with_another_amount_and_date(world: World, client: Client) -> None:
    case = case_in(world, State.ACCEPTED)
    # The offer was accepted ten days ago, so the payment may be dated since then.
    Offer.objects.filter(case=case).update(accepted_at=clock.now() - timedelta(days=10))
    request = part_request(world, case, 100000)
    client.force_login(world.admin)
    paid_on = clock.today() - timedelta(days=5)

    assert register(client, world, request, "90000,50", paid_on.isoformat()).status_code == 302

    payment = Payment.objects.get(case=case)
    assert (payment.amount, payment.paid_on) == (Decimal("90000.50"), paid_on)
    assert LedgerEntry.objects.get(payment=payment).amount == Decimal("90000.50")


@pytest.mark.parametrize(
    ("situation", "amount", "msgid"),
    [
        (
            "over_holdback",
            "350000",
            "Before the final report at most %(limit)s may be paid (the grant less the %(holdback)s held back); "
            "%(paid)s is paid already.",
        ),
        (
            "over_grant",
            "450000",
            "%(amount)s would bring the payments above the grant of %(grant)s (%(paid)s paid already).",
        ),
        ("wrong_state", "100000", "Part payments are made only while the offer is accepted; the case is “%(state)s”."),
        (
            "conflict",
            "100000",
            "You have declared a conflict of interest in %(reference)s and can no longer act on it.",
        ),
    ],
)
def test_a_refused_payment_is_shown_at_the_row_and_changes_nothing(
    world: World, client: Client, situation: str, amount: str, msgid: str
) -> None:
    case = case_in(world, State.ACCEPTED)
    if situation == "over_holdback":
        request = part_request(world, case, 250000)
    elif situation == "over_grant":
        request = final_request(world, case, 400000)
    elif situation == "wrong_state":
        request = part_request(world, case, 100000)
        final_request(world, case, 300000)  # the final report is in: part payments are over
    else:
        request = part_request(world, case, 100000)
        services.conflict_declare(case=case, actor=world.admin, reason="Min bror eier bedriften.")
    before = trace(case)
    ledger_rows = LedgerEntry.objects.count()
    client.force_login(world.admin)

    response = register(client, world, request, amount)

    assert response.status_code == 409
    html = unescape(response.content.decode())
    assert 'id="error-summary"' in html
    assert literal(msgid) in html
    assert trace(case) == before
    assert LedgerEntry.objects.count() == ledger_rows
    # The error is in the row of the refused request.
    row = html.split(f'id="request-{request.pk}"')[1].split('class="np-request"')[0]
    assert "ds-validation-message" in row


def test_the_conflicted_administrator_is_not_offered_the_forms(world: World, client: Client) -> None:
    case = case_in(world, State.ACCEPTED)
    request = part_request(world, case, 100000)
    services.conflict_declare(case=case, actor=world.admin, reason="Inhabil.")

    html = page(client, world.admin, url("payments", world))

    assert f'action="{url("payment_register", world, request.pk)}"' not in html
    assert nb("Payment requests to decide") in html
    assert 'data-color="warning"' in html


def test_refusing_a_request_needs_reasons_and_then_refuses_it(world: World, client: Client) -> None:
    case = case_in(world, State.ACCEPTED)
    request = part_request(world, case, 100000)
    client.force_login(world.admin)
    before = trace(case)

    empty = client.post(url("payment_request_refuse", world, request.pk), {f"refuse-{request.pk}-reason": "  "})

    assert empty.status_code == 400 and trace(case) == before
    assert f'id="id_refuse-{request.pk}-reason_error"' in empty.content.decode()

    response = client.post(
        url("payment_request_refuse", world, request.pk), {f"refuse-{request.pk}-reason": "Bilagene mangler."}
    )

    assert response.status_code == 302
    assert PaymentRequest.objects.get(pk=request.pk).status == PaymentRequest.Status.REFUSED
    assert case.events.filter(comment="Bilagene mangler.").exists()
    assert not Payment.objects.filter(case=case).exists()

    again = client.post(url("payment_request_refuse", world, request.pk), {f"refuse-{request.pk}-reason": "Igjen."})
    assert again.status_code == 302  # already decided: said at the top, nothing changes
    assert nb("The payment request is not pending.") in client.get(again["Location"]).content.decode()


def test_returning_the_final_report_sends_the_case_back(world: World, client: Client) -> None:
    case = case_in(world, State.ACCEPTED)
    final = final_request(world, case, 400000)
    client.force_login(world.admin)

    response = client.post(url("final_report_return", world, final.pk), {f"return-{final.pk}-message": "Mangler."})

    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).state == State.ACCEPTED
    assert PaymentRequest.objects.get(pk=final.pk).status == PaymentRequest.Status.REFUSED
    assert not LedgerEntry.objects.filter(case=case, kind="release").exists()


def test_a_part_request_has_no_final_report_to_return(world: World, client: Client) -> None:
    case = case_in(world, State.ACCEPTED)
    request = part_request(world, case, 100000)
    client.force_login(world.admin)

    response = client.post(url("final_report_return", world, request.pk), {f"return-{request.pk}-message": "x"})

    assert response.status_code == 404
    assert Case.objects.get(pk=case.pk).state == State.ACCEPTED


def test_paying_a_request_twice_pays_once(world: World, client: Client) -> None:
    case = case_in(world, State.ACCEPTED)
    request = part_request(world, case, 100000)
    client.force_login(world.admin)

    assert register(client, world, request, "100000").status_code == 302
    second = register(client, world, request, "100000")

    assert second.status_code == 302
    assert Payment.objects.filter(case=case).count() == 1
    assert nb("The payment request is not pending on this case.") in client.get(second["Location"]).content.decode()


ACTIONS = ["payment_register", "payment_request_refuse", "final_report_return"]


@pytest.mark.parametrize("person", ["other_admin", "board_member", "adviser_a", "applicant_a", "other_board_member"])
def test_only_the_programmes_administrators_see_the_page_and_act(world: World, client: Client, person: str) -> None:
    case = case_in(world, State.ACCEPTED)
    final = final_request(world, case, 400000)
    before = trace(case)
    client.force_login(getattr(world, person))

    assert client.get(url("payments", world)).status_code == 404
    for action in ACTIONS:
        data = {
            f"pay-{final.pk}-amount": "400000",
            f"pay-{final.pk}-paid_on": clock.today().isoformat(),
            f"refuse-{final.pk}-reason": "Nei.",
            f"return-{final.pk}-message": "Nei.",
        }
        assert client.post(url(action, world, final.pk), data).status_code == 404, action
    assert trace(case) == before


def test_another_programmes_request_is_not_found_through_this_programme(world: World, client: Client) -> None:
    case = case_in(world, State.ACCEPTED)
    request = part_request(world, case, 100000)
    client.force_login(world.other_admin)
    other_url = url("payment_register", world, request.pk).replace(f"/{world.programme.code}/", "/OTH/")

    response = client.post(other_url, {f"pay-{request.pk}-amount": "100000", f"pay-{request.pk}-paid_on": "2026-01-01"})

    assert response.status_code == 404
    assert not Payment.objects.exists()


def test_anonymous_is_sent_to_log_in(world: World, client: Client) -> None:
    response = client.get(url("payments", world))

    assert response.status_code == 302 and "/logg-inn/" in response["Location"]
    assert client.post(url("payment_register", world, 1), {}).status_code == 302


@pytest.mark.parametrize(
    "data",
    [
        {"amount": "NaN", "paid_on": "2026-01-01"},
        {"amount": "sNaN", "paid_on": "2026-01-01"},
        {"amount": "Infinity", "paid_on": "2026-01-01"},
        {"amount": "1e400", "paid_on": "2026-01-01"},
        {"amount": "-5", "paid_on": "2026-01-01"},
        {"amount": "0", "paid_on": "2026-01-01"},
        {"amount": "abc", "paid_on": "2026-01-01"},
        {"amount": "9" * 40, "paid_on": "2026-01-01"},
        {"amount": "100000", "paid_on": "2026-13-45"},
        {"amount": "100000", "paid_on": "99999-01-01"},
        {"amount": "100000", "paid_on": "\x00"},
        {},
    ],
)
def test_odd_input_is_refused_at_the_field_never_a_server_error(world: World, client: Client, data: dict) -> None:
    case = case_in(world, State.ACCEPTED)
    request = part_request(world, case, 100000)
    before = trace(case)
    client.force_login(world.admin)

    response = client.post(
        url("payment_register", world, request.pk), {f"pay-{request.pk}-{k}": v for k, v in data.items()}
    )

    assert response.status_code == 400
    assert 'id="error-summary"' in response.content.decode()
    assert trace(case) == before


def test_unknown_requests_and_get_on_actions(world: World, client: Client) -> None:
    client.force_login(world.admin)

    assert client.post(url("payment_register", world, 999999), {}).status_code == 404
    assert client.get(url("payment_register", world, 999999)).status_code == 405
    assert client.get(url("payments", world).replace("NUP", "NOPE")).status_code == 404
    assert client.post(url("payments", world)).status_code == 405


def test_the_amount_as_shown_is_read_back(world: World, client: Client) -> None:
    case = case_in(world, State.ACCEPTED)
    request = part_request(world, case, Decimal("100000.50"))
    client.force_login(world.admin)
    shown = client.get(url("payments", world)).content.decode()
    assert 'value="100\u00a0000,50"' in shown

    assert register(client, world, request, "100\u00a0000,50").status_code == 302

    assert Payment.objects.get(case=case).amount == Decimal("100000.50")


def test_a_final_payment_answers_the_final_request_even_when_not_named(world: World, client: Client) -> None:
    case = case_in(world, State.ACCEPTED)
    final = final_request(world, case, 400000)

    payment = services.payment_register(case=case, actor=world.admin, amount=GRANT, is_final=True)

    assert payment.request == final
    assert PaymentRequest.objects.get(pk=final.pk).status == PaymentRequest.Status.PAID
    assert nb("No payment requests are waiting.") in page(client, world.admin, url("payments", world))


def test_a_final_request_is_not_refused_but_its_report_returned(world: World, client: Client) -> None:
    case = case_in(world, State.ACCEPTED)
    final = final_request(world, case, 400000)
    before = trace(case)
    client.force_login(world.admin)

    response = client.post(url("payment_request_refuse", world, final.pk), {f"refuse-{final.pk}-reason": "Nei."})

    assert response.status_code == 404
    assert trace(case) == before


def test_the_service_refuses_to_refuse_a_final_request(world: World) -> None:
    """Refused, the final request would leave the case in reporting with nothing to act on."""
    case = case_in(world, State.ACCEPTED)
    final = final_request(world, case, 400000)
    before = trace(case)

    with pytest.raises(RuleViolation) as refusal:
        services.payment_request_refuse(request=final, actor=world.admin, reason="Nei.")

    assert refusal.value.code == "final_request"
    assert trace(case) == before
    assert PaymentRequest.objects.get(pk=final.pk).status == PaymentRequest.Status.PENDING


@pytest.mark.parametrize("text", ["x" * 5000, "Nei\x00", "", "   "])
def test_odd_reasons_and_messages_are_refused_at_the_field(world: World, client: Client, text: str) -> None:
    case = case_in(world, State.ACCEPTED)
    part = part_request(world, case, 100000)
    final = final_request(world, case, 300000)
    before = trace(case)
    client.force_login(world.admin)

    refused = client.post(url("payment_request_refuse", world, part.pk), {f"refuse-{part.pk}-reason": text})
    returned = client.post(url("final_report_return", world, final.pk), {f"return-{final.pk}-message": text})

    assert (refused.status_code, returned.status_code) == (400, 400)
    assert f'id="id_refuse-{part.pk}-reason_error"' in refused.content.decode()
    assert f'id="id_return-{final.pk}-message_error"' in returned.content.decode()
    assert trace(case) == before


def test_the_requests_are_shown_fifty_a_page_and_a_decision_returns_to_its_page(world: World, client: Client) -> None:
    case = case_in(world, State.ACCEPTED)
    first = part_request(world, case, 1000)
    PaymentRequest.objects.bulk_create(
        [
            PaymentRequest(
                case=case, amount=1000 + n, costs_to_date=250000, report="Fase", created_by=world.applicant_a
            )
            for n in range(1, 51)
        ]
    )
    last = PaymentRequest.objects.order_by("created_at", "pk").last()

    one = page(client, world.admin, url("payments", world))
    two = page(client, world.admin, url("payments", world) + "?page=2")

    assert one.count('class="np-request"') == 50 and two.count('class="np-request"') == 1
    assert f'id="request-{first.pk}"' in one and f'id="request-{last.pk}"' in two
    assert "51 utbetalingsanmodninger venter" in one  # every pending request counted, not the page's
    action = url("payment_register", world, last.pk) + "?page=2"
    assert f'action="{action}"' in two
    response = client.post(action, {f"pay-{last.pk}-amount": "abc", f"pay-{last.pk}-paid_on": "2026-01-05"})
    assert response.status_code == 400
    assert f'id="request-{last.pk}"' in response.content.decode()  # the error is shown on its own page
