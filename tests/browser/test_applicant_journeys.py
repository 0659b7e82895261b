"""What an applicant does, whole journeys through the real pages in a Norwegian browser:
signing up and submitting a first application, completing a returned application, accepting
an offer, requesting a part payment, and appealing a refusal (SPEC §1, §3, §4).

Each test builds its programme inside the test (``build_world()``): with the live server the
test is transactional, and the data must be committed for the server's thread to see it.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from django.core import mail
from django.utils.text import capfirst
from playwright.sync_api import Locator, Page, Response, expect

from applications.models import Application, CostLine, FinancingLine
from programme import clock
from programme.models import User
from programme.money import format_nok
from tests.browser.pages import case_path, go, nb, pdf_file
from tests.factories import valid_org_number
from tests.journey import GRANT, build_world, case_in
from workflow.models import Case, PaymentRequest, State, TimelineEvent

PASSWORD = "pw-Test-1234"
VERIFY_LINK = re.compile(r"https?://[^\s\"'<>]+/bekreft-epost/[^\s\"'<>/]+/")


def label(msgid: str) -> str:
    """A form field's label as the page shows it: Norwegian, first letter capital."""
    return capfirst(nb(msgid))


def field(scope: Page | Locator, msgid: str) -> Locator:
    """The input labelled ``msgid``; a required field's label ends in a "*" hidden from screen readers."""
    return scope.get_by_label(re.compile(rf"^\s*{re.escape(label(msgid))}(\s*\*)?\s*$"))


def cell(scope: Page | Locator, msgid: str, line: int) -> Locator:
    """An input in a row of an editable table, labelled "Amount (NOK), line 2" for screen readers."""
    return scope.get_by_label(f"{nb(msgid)}, {nb('line %(line)s', line=line)}", exact=True)


def button(scope: Page | Locator, msgid: str, *, exact: bool = True) -> Locator:
    return scope.get_by_role("button", name=nb(msgid), exact=exact)


def main_menu(page: Page) -> Locator:
    return page.get_by_role("navigation", name=nb("Main menu"))


def status_of(page: Page) -> Locator:
    """The case's status as the case page states it (the first line of its key facts)."""
    facts = page.locator("dl.np-terms").first
    return facts.locator("dt", has_text=nb("Status")).locator("xpath=following-sibling::dd[1]")


def timeline(page: Page) -> Locator:
    return page.locator("section[aria-labelledby='timeline-heading']")


def wait_for_mail(to: str, timeout: float = 5.0) -> mail.EmailMessage:
    """The newest message to ``to`` in the locmem outbox (the live server shares this process)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [m for m in mail.outbox if to in m.to]
        if found:
            return found[-1]
        time.sleep(0.05)
    raise AssertionError(f"no e-mail to {to} arrived; the outbox has {[m.to for m in mail.outbox]}")


def state_of(case: Case) -> str:
    return Case.objects.get(pk=case.pk).state


# --- 1. A new applicant: sign up, confirm, register the company, draft, leave, return, submit ---


def test_new_applicant_signs_up_drafts_comes_back_later_and_submits_the_application(
    page: Page, login: Callable[..., Page]
) -> None:
    world = build_world()
    email = "ingrid.berg@example.no"
    org_number = valid_org_number(5000)
    today = clock.today()

    # Sign up from the front page.
    go(page, "/")
    main_menu(page).get_by_role("link", name=nb("Create an account")).click()
    expect(page.locator("h1")).to_have_text(nb("Create an account"))
    field(page, "E-mail address").fill(email)
    field(page, "First name").fill("Ingrid")
    field(page, "Last name").fill("Berg")
    field(page, "Password").fill(PASSWORD)
    field(page, "Repeat the password").fill(PASSWORD)
    button(page, "Create the account").click()
    expect(page.locator("h1")).to_have_text(nb("My companies"))
    person = User.objects.get(email=email)
    assert not person.email_verified

    # Confirm the address through the link in the e-mail.
    message = wait_for_mail(email)
    link = VERIFY_LINK.search(message.body)
    assert link, f"no confirmation link in the e-mail:\n{message.body}"
    page.goto(link.group(0))
    expect(page.get_by_role("status")).to_contain_text(
        nb("Thank you. Your e-mail address %(email)s is confirmed, and you can submit applications.", email=email)
    )
    assert User.objects.get(pk=person.pk).email_verified

    # Register the company (two programmes exist, so the page asks which one first).
    page.get_by_role("link", name=nb("Register a company")).click()
    page.get_by_role("radio", name=world.programme.name).check()
    button(page, "Continue").click()
    expect(page.locator("h1")).to_have_text(nb("Register a company"))
    field(page, "Organisation number").fill(f"{org_number[:3]} {org_number[3:6]} {org_number[6:]}")
    field(page, "name").fill("Berg Mekaniske AS")
    field(page, "address").fill("Storgata 1")
    field(page, "postal code").fill("2815")
    field(page, "city").fill("Gjøvik")
    field(page, "municipality").select_option(label="Gjøvik")
    field(page, "industry code (SN2007)").fill("25.110")
    field(page, "employees today (FTE)").fill("12")
    button(page, "Register the company").click()
    expect(page.get_by_role("status")).to_contain_text("Berg Mekaniske AS")
    expect(page.get_by_role("heading", name="Berg Mekaniske AS")).to_be_visible()

    # Start an application and fill in its first two steps.
    button(page, "Start a new application", exact=False).click()
    expect(page.locator("h1")).to_have_text(nb("Company"))
    cell(page, "Phone", 1).fill("61 23 45 67")
    cell(page, "Title", 1).fill("Daglig leder")
    button(page, "Save and continue").click()

    expect(page.locator("h1")).to_have_text(nb("Project"))
    field(page, "project title").fill("Robotisert sveiselinje")
    field(page, "summary").fill("Robotisert sveising av små serier for regionens leverandører.")
    field(page, "description").fill("Vi bygger og prøver en pilotlinje med to sveiseroboter.")
    field(page, "focus area").select_option(label="Industri")
    field(page, "kind of project").select_option(label=nb("Development project"))
    field(page, "how the project lies beside the core business").fill("Et nytt marked: små serier.")
    field(page, "start date").fill(today.replace(day=1).isoformat())
    field(page, "end date").fill(today.replace(year=today.year + 1, day=1).isoformat())
    button(page, "Save and continue").click()
    expect(page.locator("h1")).to_have_text(nb("Costs and financing"))
    draft = Application.objects.get(company__org_number=org_number)
    assert draft.status == Application.Status.DRAFT and draft.title == "Robotisert sveiselinje"

    # Leave: log out.
    button(main_menu(page), "Log out").click()
    expect(main_menu(page).get_by_role("link", name=nb("Log in"))).to_be_visible()

    # Come back: log in and find the draft with what was typed.
    login(User.objects.get(pk=person.pk), password=PASSWORD)
    main_menu(page).get_by_role("link", name=nb("My companies")).click()
    page.get_by_role("link", name=nb("Continue: %(title)s", title="Robotisert sveiselinje")).click()
    expect(page.locator("h1")).to_have_text(nb("Company"))
    expect(cell(page, "Phone", 1)).to_have_value("61 23 45 67")
    steps = page.get_by_role("navigation", name=nb("Steps of the application"))
    steps.get_by_role("link", name=f"2. {nb('Project')}").click()
    expect(field(page, "project title")).to_have_value("Robotisert sveiselinje")
    expect(field(page, "focus area").locator("option:checked")).to_have_text("Industri")

    # Finish the remaining steps.
    steps.get_by_role("link", name=f"3. {nb('Costs and financing')}").click()
    costs = page.locator("#field-cost_lines")
    cell(costs, "Category", 1).select_option(label=nb("External services"))
    cell(costs, "Description", 1).fill("Robotintegrator")
    cell(costs, "Amount (NOK)", 1).fill("1000000")
    financing = page.locator("#field-financing_lines")
    cell(financing, "Source", 1).select_option(label=nb("Own funds"))
    cell(financing, "Amount (NOK)", 1).fill("600000")
    cell(financing, "Source", 2).select_option(label=nb("This programme"))
    cell(financing, "Amount (NOK)", 2).fill("400000")
    button(page, "Save").click()
    expect(page.get_by_text(nb("The financing equals the costs."))).to_be_visible()
    button(page, "Save and continue").click()

    expect(page.locator("h1")).to_have_text(nb("Effects"))
    field(page, "new jobs expected within four years (FTE)").fill("3")
    field(page, "jobs secured (FTE)").fill("2")
    # Enter in a field does what the first button says: "Save and continue".
    field(page, "expected turnover (NOK)").fill("5000000")
    field(page, "expected turnover (NOK)").press("Enter")

    expect(page.locator("h1")).to_have_text(nb("Attachments"))
    button(page, "Save and continue").click()

    expect(page.locator("h1")).to_have_text(nb("Declarations"))
    cell(page, "Kind", 1).select_option(label=nb("De minimis support"))
    cell(page, "Grantor", 1).fill("Innlandet fylkeskommune")
    cell(page, "Date granted", 1).fill(today.replace(month=1, day=15).isoformat())
    cell(page, "Amount (NOK)", 1).fill("150000")
    page.get_by_label(nb("I confirm that the information in the application is true and complete.")).check()
    button(page, "Save and continue").click()

    # Review: no problems; submit.
    expect(page.locator("h1")).to_have_text(nb("Review and submit"))
    expect(page.locator("#error-summary")).to_have_count(0)
    expect(
        page.get_by_text(nb("The application is complete. Read it through, then submit it at the bottom of the page."))
    ).to_be_visible()
    expect(page.locator("section[aria-labelledby='review-costs']")).to_contain_text(format_nok(Decimal("400000")))
    button(page, "Submit the application").click()

    # The case page: submitted, with the programme's next reference.
    reference = f"NUP-{today.year}-001"
    expect(page).to_have_url(re.compile(re.escape(case_path(reference)) + "$"))
    expect(page.locator("h1")).to_have_text(f"{reference}: Robotisert sveiselinje")
    expect(status_of(page)).to_have_text("Sendt inn")
    case = Case.objects.get(reference=reference)
    assert case.state == State.SUBMITTED
    assert case.application_id == draft.pk
    application = Application.objects.get(pk=draft.pk)
    assert application.status == Application.Status.SUBMITTED
    assert list(application.cost_lines.values_list("category", "amount")) == [
        (CostLine.Category.EXTERNAL, Decimal("1000000"))
    ]
    assert sorted(application.financing_lines.values_list("source", "amount")) == sorted(
        [(FinancingLine.Source.OWN_FUNDS, Decimal("600000")), (FinancingLine.Source.THIS_PROGRAMME, Decimal("400000"))]
    )
    assert application.support_declarations.count() == 1
    assert application.information_is_true
    # ...and it is listed under My cases.
    main_menu(page).get_by_role("link", name=nb("My cases")).click()
    expect(page.get_by_role("row", name=re.compile(reference))).to_contain_text("Sendt inn")


# --- 2. A returned application: read the adviser's message, complete it, submit again ----------


def test_applicant_completes_a_returned_application_and_submits_it_again(
    page: Page, login: Callable[..., Page]
) -> None:
    world = build_world()
    case = case_in(world, State.RETURNED)

    login(world.applicant_a)
    page.get_by_role("link", name=case.reference).click()
    expect(status_of(page)).to_have_text("Returnert for utfylling")
    # The adviser's message, in the timeline and where the page says what to do.
    expect(timeline(page)).to_contain_text("Legg ved budsjett.")
    expect(page.locator("section[aria-labelledby='actions-heading']")).to_contain_text("Legg ved budsjett.")

    # Complete the application: the budget gets a second cost line, financed by own funds.
    page.get_by_role("link", name=nb("Complete the application")).click()
    steps = page.get_by_role("navigation", name=nb("Steps of the application"))
    steps.get_by_role("link", name=f"3. {nb('Costs and financing')}").click()
    costs = page.locator("#field-cost_lines")
    cell(costs, "Category", 2).select_option(label=nb("Equipment and investment"))
    cell(costs, "Description", 2).fill("Sveisecelle")
    cell(costs, "Amount (NOK)", 2).fill("200000")
    financing = page.locator("#field-financing_lines")
    cell(financing, "Source", 3).select_option(label=nb("Own funds"))
    cell(financing, "Description", 3).fill("Egenkapital til utstyr")
    cell(financing, "Amount (NOK)", 3).fill("200000")
    button(page, "Save").click()
    expect(page.get_by_role("status")).to_contain_text(nb("The draft is saved."))
    expect(page.locator("section[aria-labelledby='budget-heading']")).to_contain_text(format_nok(Decimal("1200000")))
    expect(page.get_by_text(nb("The financing equals the costs."))).to_be_visible()
    assert case.application.cost_lines.count() == 2

    # Back to the case, and submit it again there.
    main_menu(page).get_by_role("link", name=nb("My cases")).click()
    page.get_by_role("link", name=case.reference).click()
    button(page, "Submit the application again").click()
    expect(page.get_by_role("status")).to_contain_text(nb("The application has been submitted again."))
    expect(status_of(page)).to_have_text("Sendt inn")
    assert state_of(case) == State.SUBMITTED
    assert Application.objects.get(pk=case.application_id).total_cost() == Decimal("1200000")
    assert TimelineEvent.objects.filter(case=case, from_state=State.RETURNED, to_state=State.SUBMITTED).exists()


def test_a_returned_application_can_be_submitted_again_from_its_review_page(
    page: Page, login: Callable[..., Page]
) -> None:
    """The case page's "Complete the application" leads to the application's review page, so
    that is where a person who has completed it looks for the way to send it back.  What the
    review page offers there (a button, or a way back to the case's "Submit the application
    again") must get the case submitted again, and never end in a server error."""
    world = build_world()
    case = case_in(world, State.RETURNED)
    server_errors: list[str] = []

    def note_server_error(response: Response) -> None:
        if response.status >= 500:
            server_errors.append(f"{response.request.method} {response.url} answered {response.status}")

    page.on("response", note_server_error)

    login(world.applicant_a)
    go(page, case_path(case))
    page.get_by_role("link", name=nb("Complete the application")).click()
    expect(page.locator("h1")).to_have_text(nb("Review and submit"))
    way_on = page.locator("section[aria-labelledby='review-submit']").locator("button, a[href]")
    expect(way_on).to_have_count(1)
    way_on.click()
    page.wait_for_load_state()
    again = button(page, "Submit the application again")
    if not server_errors and again.count() == 1:  # it led back to the case: submit there
        again.click()
        page.wait_for_load_state()

    assert server_errors == [], f"submitting the returned application from its review page failed: {server_errors}"
    expect(status_of(page)).to_have_text("Sendt inn")
    assert state_of(case) == State.SUBMITTED
    assert Case.objects.filter(application_id=case.application_id).count() == 1


# --- 3. An offer: read its terms, accept it ------------------------------------------------------


def test_applicant_reads_the_offer_terms_and_accepts_the_offer(page: Page, login: Callable[..., Page]) -> None:
    world = build_world()
    case = case_in(world, State.APPROVED)
    offer = case.offer

    login(world.applicant_a)
    main_menu(page).get_by_role("link", name=nb("My cases")).click()
    page.get_by_role("link", name=case.reference).click()
    expect(status_of(page)).to_have_text("Innvilget (tilsagn sendt)")

    terms = page.locator("section[aria-labelledby='offer-heading']")
    expect(terms.get_by_role("heading")).to_have_text(nb("The offer of a grant"))
    expect(terms).to_contain_text(format_nok(GRANT))
    assert format_nok(GRANT).replace("\xa0", " ") == "400 000 kr"
    expect(terms).to_contain_text(format_nok(offer.holdback_amount))
    expect(terms).to_contain_text(offer.accept_by.strftime("%d.%m.%Y"))
    expect(terms).to_contain_text(offer.final_report_due.strftime("%d.%m.%Y"))
    expect(terms).to_contain_text(offer.expires_on.strftime("%d.%m.%Y"))

    # Accepting asks first, on a page of its own (as declining does): going back changes nothing.
    page.get_by_role("link", name=nb("Accept the offer"), exact=True).click()
    expect(page.locator("h1")).to_have_text(nb("Accept the offer for %(reference)s?", reference=case.reference))
    expect(page.locator("#offer-terms")).to_contain_text(format_nok(GRANT))
    page.get_by_role("link", name=nb("No, go back to the case")).click()
    expect(status_of(page)).to_have_text("Innvilget (tilsagn sendt)")
    assert state_of(case) == State.APPROVED
    page.get_by_role("link", name=nb("Accept the offer"), exact=True).click()
    button(page, "Yes, accept the offer").click()
    expect(status_of(page)).to_have_text("Tilsagn akseptert")
    assert state_of(case) == State.ACCEPTED
    offer.refresh_from_db()
    assert offer.accepted_at is not None
    start_by = offer.start_by.strftime("%d.%m.%Y")
    expect(page.get_by_role("status")).to_contain_text(
        nb("You have accepted the offer. Start the project by %(date)s.", date=start_by)
    )
    expect(terms).to_contain_text(start_by)
    # Nothing is left to answer.
    expect(page.get_by_role("link", name=nb("Accept the offer"), exact=True)).to_have_count(0)


# --- 4. A part payment: a refusal at the field, then a request within the limit ------------------


def test_applicant_requests_a_part_payment_and_is_told_at_the_field_when_it_is_too_much(
    page: Page, login: Callable[..., Page], private_storage: Path
) -> None:
    world = build_world()
    case = case_in(world, State.ACCEPTED)
    limit = case.offer.payable_before_final_report()
    assert limit == Decimal("300000")

    login(world.applicant_a)
    go(page, case_path(case))
    form = page.locator("form", has=page.locator("[name='payment-amount']"))

    # Too much: 350 000 kr is above the grant less the hold-back.
    field(form, "Amount requested (NOK)").fill("350 000")
    field(form, "Documented costs to date (NOK)").fill("700 000")
    field(form, "Short report on the work so far").fill("Roboten er levert og installert.")
    field(form, "Attachments").set_input_files(pdf_file("faktura-1.pdf"))
    button(form, "Send the payment request").click()

    amount = field(form, "Amount requested (NOK)")
    expect(amount).to_have_attribute("aria-invalid", "true")
    refusal = nb(
        "Before the final report at most %(limit)s may be paid (the grant less the %(holdback)s held back); "
        "%(paid)s is paid already.",
        limit=format_nok(limit),
        holdback=format_nok(case.offer.holdback_amount),
        paid=format_nok(Decimal("0")),
    )
    # The refusal is at the field, and tied to it for a screen reader.
    described_by = (amount.get_attribute("aria-describedby") or "").split()
    said_at_the_field = " ".join(page.locator(f"[id='{id_}']").inner_text() for id_ in described_by)
    assert refusal in said_at_the_field, f"the amount field is described by {said_at_the_field!r}"
    expect(page.locator("#error-summary")).to_be_visible()
    assert PaymentRequest.objects.filter(case=case).count() == 0
    # What was typed stays; the file must be chosen again.
    expect(field(form, "Short report on the work so far")).to_have_value("Roboten er levert og installert.")

    # Within the limit.
    amount.fill("100 000")
    field(form, "Attachments").set_input_files(pdf_file("faktura-1.pdf"))
    button(form, "Send the payment request").click()
    expect(page.get_by_role("status")).to_contain_text(format_nok(Decimal("100000")))

    (payment_request,) = PaymentRequest.objects.filter(case=case)
    assert payment_request.amount == Decimal("100000")
    assert payment_request.costs_to_date == Decimal("700000")
    assert not payment_request.is_final
    assert [f.original_name for f in payment_request.files.all()] == ["faktura-1.pdf"]

    requests_table = page.get_by_role("table", name=nb("Payment requests"))
    row = requests_table.get_by_role("row").nth(1)
    expect(row).to_contain_text(nb("Part payment"))
    expect(row).to_contain_text(format_nok(Decimal("100000")))
    expect(row).to_contain_text(format_nok(Decimal("700000")))
    expect(row.get_by_role("link", name="faktura-1.pdf")).to_be_visible()
    expect(timeline(page)).to_contain_text(
        nb("Part payment of %(amount)s requested.", amount=format_nok(Decimal("100000")))
    )
    assert state_of(case) == State.ACCEPTED


# --- 5. An appeal of a refusal -------------------------------------------------------------------


def test_applicant_appeals_a_refusal_with_grounds(page: Page, login: Callable[..., Page]) -> None:
    world = build_world()
    case = case_in(world, State.REJECTED)

    login(world.applicant_a)
    go(page, case_path(case))
    expect(status_of(page)).to_have_text("Avslått")
    expect(timeline(page)).to_contain_text("Svak forankring.")

    form = page.locator("form", has=page.locator("[name='appeal-text']"))
    grounds = "Prosjektet er forankret i styret; se vedtatt strategi. Vi ber om ny behandling."
    field(form, "Grounds for the appeal").fill(grounds)
    button(form, "Send the appeal").click()

    expect(page.get_by_role("status")).to_contain_text(
        nb("Your appeal has been filed. The board will consider the case again.")
    )
    expect(status_of(page)).to_have_text("Påklaget")
    expect(timeline(page)).to_contain_text(grounds)
    assert state_of(case) == State.APPEALED
    assert case.appeals.get().text == grounds
