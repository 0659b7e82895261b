"""The administrator in a Norwegian browser (issue 4): registers a part payment and then the
final payment through the payments page, a refused amount is shown at its field, and the
budget page then shows the released remainder.  Every administrator page passes axe (no
serious or critical violation): the payments page with requests, empty and with an error,
the Register for offentlig støtte, the job outcomes and the budget page."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.urls import reverse
from playwright.sync_api import Locator, Page, expect

from programme.money import format_nok
from tests.browser.pages import go, nb
from tests.journey import GRANT, World, build_world, case_in
from tests.workflow.staff.admin_support import from_the_ledger
from workflow import services
from workflow.models import Case, Payment, PaymentRequest, State


def admin_url(name: str, world: World, *args: Any) -> str:
    return reverse(f"staff_admin:{name}", args=[world.programme.code, *args])


def request_section(page: Page, request: PaymentRequest) -> Locator:
    return page.locator(f"#request-{request.pk}")


def press(page: Page, button: Locator, status: int) -> None:
    with page.expect_navigation() as navigation:
        button.click()
    answer = navigation.value
    assert answer is not None and answer.status == status, f"answered {answer and answer.status}, expected {status}"


def shown_figure(page: Page, name: str) -> str:
    return page.locator(f"#budget-figures [data-figure='{name}']").inner_text().replace("\u00a0", " ")


def nok_text(amount: Decimal) -> str:
    return format_nok(amount).replace("\u00a0", " ")


def test_an_administrator_pays_in_two_steps_and_the_budget_shows_the_release(
    page: Page, login: Callable[..., Page], axe_check: Callable[..., Any]
) -> None:
    world = build_world()
    case = case_in(world, State.ACCEPTED)
    part = services.payment_request_create(
        case=case, actor=world.applicant_a, amount=Decimal("100000"), costs_to_date=Decimal("250000"), report="Fase 1."
    )
    start = from_the_ledger(world.budget_year)
    login(world.admin)

    # The part payment: the amount defaults to the request.
    go(page, admin_url("payments", world))
    axe_check()
    section = request_section(page, part)
    expect(section.get_by_label(nb("Amount to pay (NOK)"), exact=False)).to_have_value("100\u00a0000")
    press(page, section.get_by_role("button", name=nb("Register the part payment"), exact=True), 200)
    assert Payment.objects.get(case=case).amount == Decimal("100000")
    expect(page.get_by_role("status")).to_contain_text(case.reference)
    expect(page.get_by_text(nb("No payment requests are waiting."))).to_be_visible()
    axe_check()  # the empty page

    # The final report comes in; too much is refused at the field, and nothing changes.
    services.final_report_file(
        case=Case.objects.get(pk=case.pk),
        actor=world.applicant_a,
        text="Prosjektet er gjennomført.",
        amount=Decimal("150000"),
        costs_to_date=Decimal("900000"),
    )
    final = PaymentRequest.objects.get(case=case, is_final=True)
    go(page, admin_url("payments", world))
    section = request_section(page, final)
    amount = section.get_by_label(nb("Amount to pay (NOK)"), exact=False)
    amount.fill("500 000")
    press(page, section.get_by_role("button", name=nb("Register the final payment"), exact=True), 409)
    expect(page.locator("#error-summary")).to_be_visible()
    expect(request_section(page, final).locator(".ds-validation-message")).to_be_visible()
    assert Payment.objects.filter(case=case).count() == 1
    axe_check()  # the page with an error

    # The final payment completes the case and releases what was not paid.
    section = request_section(page, final)
    section.get_by_label(nb("Amount to pay (NOK)"), exact=False).fill("150 000")
    press(page, section.get_by_role("button", name=nb("Register the final payment"), exact=True), 200)
    assert Case.objects.get(pk=case.pk).state == State.COMPLETED
    remainder = GRANT - Decimal("250000")
    expect(page.get_by_role("status")).to_contain_text(nok_text(remainder))

    end = from_the_ledger(world.budget_year)
    assert end.committed == start.committed - remainder
    assert end.available == start.available + remainder
    go(page, admin_url("budget", world, world.budget_year.year))
    assert shown_figure(page, "committed") == nok_text(end.committed)
    assert shown_figure(page, "available") == nok_text(end.available)
    assert shown_figure(page, "disbursed") == nok_text(end.disbursed)
    assert shown_figure(page, "released") == nok_text(remainder)
    axe_check()


def test_the_register_and_the_job_outcomes_pass_axe(
    page: Page, login: Callable[..., Page], axe_check: Callable[..., Any]
) -> None:
    world = build_world()
    large = case_in(world, State.ON_AGENDA, money=(Decimal("3000000"), Decimal("1500000")))
    services.decision_approve(
        case=large, actor=world.board_member, amount=Decimal("1200000"), legal_basis="block_exemption"
    )
    services.offer_accept(case=Case.objects.get(pk=large.pk), actor=world.applicant_a)
    completed = case_in(world, State.COMPLETED, world.company_b)
    case_in(world, State.CLOSED)
    login(world.admin)

    go(page, admin_url("public_register", world))
    axe_check()
    go(page, admin_url("public_register", world) + "?vis=alle")
    axe_check()
    press(
        page,
        page.locator("tr", has_text=large.reference).get_by_role("button", name=nb("Mark as registered"), exact=False),
        200,
    )
    axe_check()

    go(page, admin_url("job_outcomes", world))
    axe_check()
    form = page.locator(f"#case-{completed.pk}")
    form.get_by_label(nb("New jobs created (full-time equivalents)"), exact=False).fill("mange")
    press(page, form.get_by_role("button", name=nb("Register the job report")), 400)
    expect(page.locator("#error-summary")).to_be_visible()
    axe_check()  # with an error
