"""Every page an applicant meets passes axe (no serious or critical violation), has exactly
one ``<h1>``, says its language (``<html lang="nb">`` in a Norwegian browser), uses each
id once, and fits the screen of a phone (390 px) and of a laptop (1280 px): nothing scrolls
sideways and nothing is cut off (WCAG 1.4.10 Reflow; tests/browser/widths.py) — with the
form empty and, where a page has a form, with its errors shown (WCAG 2.1 AA, SPEC §11).
The world has names, titles and amounts as long as real ones get (``build_wide_world``).

One test per page, so that each failure names its page.  Each page is reached the way a
person reaches it: errors are produced by filling in and sending the form in the browser.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from playwright.sync_api import Locator, Page

from applications import services as application_services
from applications.models import Application
from tests.browser.pages import case_path, go, nb
from tests.browser.widths import DESKTOP, PHONE, build_wide_world, page_overflow
from tests.journey import World, case_in
from workflow.models import Case, State


@dataclass
class Visit:
    """A person on the way to one page: the world is built only when a page needs it."""

    page: Page
    login: Callable[..., Page]

    @cached_property
    def world(self) -> World:
        return build_wide_world()

    def as_applicant(self) -> World:
        self.login(self.world.applicant_a)
        return self.world

    def open(self, path: str, status: int = 200) -> None:
        go(self.page, path, status)

    def send(self, form: Locator, button_text: str, status: int) -> None:
        """Press the form's button, wait for the page it leads to, and check its status."""
        self.press(form.get_by_role("button", name=button_text, exact=True), status)

    def press(self, button: Locator, status: int) -> None:
        with self.page.expect_navigation() as navigation:
            button.click()
        answer = navigation.value
        got = answer.status if answer is not None else None
        assert got == status, f"sending the form answered {got}, expected {status} (at {self.page.url})"

    def shows_errors(self) -> None:
        """The page shows what went wrong: the error summary or a message at a field."""
        messages = self.page.locator("#error-summary, .ds-validation-message")
        assert messages.count() > 0, f"{self.page.url} shows no error after sending the form"

    def form_with(self, name: str) -> Locator:
        """The form that holds the input called ``name``."""
        return self.page.locator("form", has=self.page.locator(f"[name='{name}']"))

    def draft(self) -> Application:
        """A complete draft of company A (applicant A is its contact)."""
        return self.as_applicant().application()

    def empty_draft(self) -> Application:
        world = self.as_applicant()
        return application_services.application_create(company=world.company_a, actor=world.applicant_a)

    def case(self, state: str) -> Case:
        world = self.as_applicant()
        return case_in(world, state)


def step(application: Application, slug: str) -> str:
    names = {
        "company": "application_company",
        "project": "application_project",
        "costs": "application_costs",
        "effects": "application_effects",
        "attachments": "application_attachments",
        "declarations": "application_declarations",
        "review": "application_review",
    }
    return reverse(f"applications:{names[slug]}", args=[application.pk])


# --- How to reach each page ----------------------------------------------------------------------


def front_page(v: Visit) -> None:
    v.open("/")


def signup(v: Visit) -> None:
    v.open(reverse("signup"))


def signup_with_errors(v: Visit) -> None:
    v.open(reverse("signup"))
    v.page.locator("[name='email']").fill("ikke-en-adresse")
    v.send(v.form_with("password1"), nb("Create the account"), 200)
    v.shows_errors()


def email_confirmation_failed(v: Visit) -> None:
    v.open(reverse("verify_email", args=["ugyldig-lenke"]), status=400)


def login_page(v: Visit) -> None:
    v.open(reverse("login"))


def login_with_errors(v: Visit) -> None:
    world = v.world
    v.open(reverse("login"))
    v.page.locator("[name='username']").fill(world.applicant_a.email)
    v.page.locator("[name='password']").fill("feil-passord")
    v.send(v.form_with("password"), nb("Log in"), 200)
    v.shows_errors()


def password_reset(v: Visit) -> None:
    v.open(reverse("password_reset"))


def password_reset_with_errors(v: Visit) -> None:
    v.open(reverse("password_reset"))
    v.page.locator("[name='email']").fill("ikke-en-adresse")
    _send_first_button(v, "email", 200)
    v.shows_errors()


def password_reset_sent(v: Visit) -> None:
    v.open(reverse("password_reset"))
    v.page.locator("[name='email']").fill(v.world.applicant_a.email)
    _send_first_button(v, "email", 200)
    assert urlsplit(v.page.url).path == reverse("password_reset_done"), f"sending the address led to {v.page.url}"


def password_reset_new_password(v: Visit) -> None:
    user = v.world.applicant_a
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    v.open(reverse("password_reset_confirm", args=[uid, token]))  # redirects to the set-password form
    assert v.page.locator("[name='new_password1']").count() == 1, "the link did not lead to the new-password form"


def password_reset_new_password_with_errors(v: Visit) -> None:
    password_reset_new_password(v)
    v.page.locator("[name='new_password1']").fill("kort")
    v.page.locator("[name='new_password2']").fill("annet")
    _send_first_button(v, "new_password1", 200)
    v.shows_errors()


def _send_first_button(v: Visit, input_name: str, status: int) -> None:
    """Send a form whose button text the test need not know (Django's own password pages)."""
    form = v.form_with(input_name)
    v.press(form.locator("button[type='submit'], input[type='submit']").first, status)


def account(v: Visit) -> None:
    v.as_applicant()
    v.open(reverse("account"))


def account_with_errors(v: Visit) -> None:
    account(v)
    v.page.locator("[name='first_name']").fill("")
    _send_first_button(v, "first_name", 200)
    v.shows_errors()


def password_change(v: Visit) -> None:
    v.as_applicant()
    v.open(reverse("password_change"))


def password_change_with_errors(v: Visit) -> None:
    password_change(v)
    v.page.locator("[name='old_password']").fill("feil-passord")
    _send_first_button(v, "old_password", 200)
    v.shows_errors()


def companies(v: Visit) -> None:
    v.draft()
    v.open(reverse("applications:companies"))


def company_create_choose_programme(v: Visit) -> None:
    v.as_applicant()
    v.open(reverse("applications:company_create"))


def company_create(v: Visit) -> None:
    world = v.as_applicant()
    v.open(f"{reverse('applications:company_create')}?programme={world.programme.pk}")


def company_create_with_errors(v: Visit) -> None:
    company_create(v)
    v.page.locator("[name='org_number']").fill("123")
    v.send(v.form_with("org_number"), nb("Register the company"), 200)
    v.shows_errors()


def company_create_already_registered(v: Visit) -> None:
    company_create(v)
    v.page.locator("[name='org_number']").fill(v.world.company_b.org_number)
    v.page.locator("[name='name']").fill(v.world.company_b.name)
    v.page.locator("[name='municipality']").select_option(label="Østre Toten")
    v.send(v.form_with("org_number"), nb("Register the company"), 200)
    v.shows_errors()


def company_detail(v: Visit) -> None:
    world = v.as_applicant()
    v.open(reverse("applications:company", args=[world.company_a.pk]))


def step_page(slug: str) -> Callable[[Visit], None]:
    def visit(v: Visit) -> None:
        v.open(step(v.draft(), slug))

    return visit


def step_company_with_errors(v: Visit) -> None:
    v.open(step(v.draft(), "company"))
    v.page.locator("[name='name']").fill("")
    v.page.locator("[name='postal_code']").fill("28")
    v.send(v.form_with("name"), nb("Save"), 200)
    v.shows_errors()


def step_project_with_errors(v: Visit) -> None:
    v.open(step(v.draft(), "project"))
    v.page.locator("[name='start_date']").fill("2026-06-01")
    v.page.locator("[name='end_date']").fill("2026-01-01")
    v.send(v.form_with("title"), nb("Save"), 200)
    v.shows_errors()


def step_costs_with_errors(v: Visit) -> None:
    v.open(step(v.draft(), "costs"))
    # The empty row after the draft's lines: a category without a description.
    empty = int(v.page.locator("[name='costs-TOTAL_FORMS']").input_value()) - 1
    v.page.locator(f"[name='costs-{empty}-category']").select_option(index=1)
    v.page.locator(f"[name='costs-{empty}-amount']").fill("1000")
    v.send(v.form_with(f"costs-{empty}-category"), nb("Save"), 200)
    v.shows_errors()


def step_effects_with_errors(v: Visit) -> None:
    v.open(step(v.draft(), "effects"))
    v.page.locator("[name='new_jobs_expected']").fill("-1")
    v.send(v.form_with("new_jobs_expected"), nb("Save"), 200)
    v.shows_errors()


def step_attachments_with_errors(v: Visit) -> None:
    v.open(step(v.draft(), "attachments"))
    v.send(v.form_with("file"), nb("Upload"), 200)
    v.shows_errors()


def step_declarations_with_errors(v: Visit) -> None:
    v.open(step(v.draft(), "declarations"))
    v.page.locator("[name='support-0-kind']").select_option(index=1)
    v.page.locator("[name='support-0-amount']").fill("50000")
    v.send(v.form_with("support-0-kind"), nb("Save"), 200)
    v.shows_errors()


def step_review_with_problems(v: Visit) -> None:
    v.open(step(v.empty_draft(), "review"))
    assert v.page.locator("#error-summary li").count() > 1, "the review of an empty draft lists no problems"


def submitted_step_page(slug: str) -> Callable[[Visit], None]:
    """A step of an application already submitted: shown read-only."""

    def visit(v: Visit) -> None:
        v.open(step(v.case(State.SUBMITTED).application, slug))

    return visit


def my_cases(v: Visit) -> None:
    v.case(State.SUBMITTED)
    v.open(reverse("workflow:my_cases"))


def case_page(state: str) -> Callable[[Visit], None]:
    def visit(v: Visit) -> None:
        v.open(case_path(v.case(state)))

    return visit


def withdraw_confirmation(v: Visit) -> None:
    v.open(reverse("workflow:case_withdraw", args=[v.case(State.SUBMITTED).reference]))


def decline_confirmation(v: Visit) -> None:
    v.open(reverse("workflow:offer_decline", args=[v.case(State.APPROVED).reference]))


def payment_request_with_errors(v: Visit) -> None:
    v.open(case_path(v.case(State.ACCEPTED)))
    form = v.form_with("payment-amount")
    form.locator("[name='payment-amount']").fill("350000")
    form.locator("[name='payment-costs_to_date']").fill("null")
    v.send(form, nb("Send the payment request"), 400)
    v.shows_errors()


def payment_request_refused(v: Visit) -> None:
    v.open(case_path(v.case(State.ACCEPTED)))
    form = v.form_with("payment-amount")
    form.locator("[name='payment-amount']").fill("350000")
    form.locator("[name='payment-costs_to_date']").fill("700000")
    form.locator("[name='payment-report']").fill("Arbeidet er i gang.")
    v.send(form, nb("Send the payment request"), 409)
    v.shows_errors()


def final_report_with_errors(v: Visit) -> None:
    v.open(case_path(v.case(State.ACCEPTED)))
    v.send(v.form_with("final-text"), nb("Send the final report"), 400)
    v.shows_errors()


def job_report_with_errors(v: Visit) -> None:
    v.open(case_path(v.case(State.COMPLETED)))
    v.send(v.form_with("jobs-new_jobs"), nb("Send the job report"), 400)
    v.shows_errors()


def appeal_with_errors(v: Visit) -> None:
    v.open(case_path(v.case(State.REJECTED)))
    v.send(v.form_with("appeal-text"), nb("Send the appeal"), 400)
    v.shows_errors()


PAGES = [
    # Accounts
    pytest.param(front_page, id="front-page"),
    pytest.param(signup, id="signup"),
    pytest.param(signup_with_errors, id="signup-with-errors"),
    pytest.param(email_confirmation_failed, id="email-confirmation-failed"),
    pytest.param(login_page, id="login"),
    pytest.param(login_with_errors, id="login-with-errors"),
    pytest.param(password_reset, id="password-reset"),
    pytest.param(password_reset_with_errors, id="password-reset-with-errors"),
    pytest.param(password_reset_sent, id="password-reset-sent"),
    pytest.param(password_reset_new_password, id="password-reset-new-password"),
    pytest.param(password_reset_new_password_with_errors, id="password-reset-new-password-with-errors"),
    pytest.param(account, id="account"),
    pytest.param(account_with_errors, id="account-with-errors"),
    pytest.param(password_change, id="password-change"),
    pytest.param(password_change_with_errors, id="password-change-with-errors"),
    # Companies
    pytest.param(companies, id="companies"),
    pytest.param(company_create_choose_programme, id="company-create-choose-programme"),
    pytest.param(company_create, id="company-create"),
    pytest.param(company_create_with_errors, id="company-create-with-errors"),
    pytest.param(company_create_already_registered, id="company-create-already-registered"),
    pytest.param(company_detail, id="company-detail"),
    # The application's seven steps
    pytest.param(step_page("company"), id="step-1-company"),
    pytest.param(step_company_with_errors, id="step-1-company-with-errors"),
    pytest.param(step_page("project"), id="step-2-project"),
    pytest.param(step_project_with_errors, id="step-2-project-with-errors"),
    pytest.param(step_page("costs"), id="step-3-costs"),
    pytest.param(step_costs_with_errors, id="step-3-costs-with-errors"),
    pytest.param(step_page("effects"), id="step-4-effects"),
    pytest.param(step_effects_with_errors, id="step-4-effects-with-errors"),
    pytest.param(step_page("attachments"), id="step-5-attachments"),
    pytest.param(step_attachments_with_errors, id="step-5-attachments-with-errors"),
    pytest.param(step_page("declarations"), id="step-6-declarations"),
    pytest.param(step_declarations_with_errors, id="step-6-declarations-with-errors"),
    pytest.param(step_page("review"), id="step-7-review"),
    pytest.param(step_review_with_problems, id="step-7-review-with-problems"),
    pytest.param(submitted_step_page("costs"), id="step-3-costs-submitted-read-only"),
    pytest.param(submitted_step_page("review"), id="step-7-review-submitted-read-only"),
    # Cases
    pytest.param(my_cases, id="my-cases"),
    pytest.param(case_page(State.SUBMITTED), id="case-submitted"),
    pytest.param(case_page(State.RETURNED), id="case-returned"),
    pytest.param(case_page(State.APPROVED), id="case-approved"),
    pytest.param(case_page(State.ACCEPTED), id="case-accepted"),
    pytest.param(case_page(State.REJECTED), id="case-rejected"),
    pytest.param(case_page(State.COMPLETED), id="case-completed"),
    # The actions' forms and confirmations
    pytest.param(withdraw_confirmation, id="withdraw-confirmation"),
    pytest.param(decline_confirmation, id="decline-confirmation"),
    pytest.param(payment_request_with_errors, id="payment-request-with-errors"),
    pytest.param(payment_request_refused, id="payment-request-refused-at-the-field"),
    pytest.param(final_report_with_errors, id="final-report-with-errors"),
    pytest.param(job_report_with_errors, id="job-report-with-errors"),
    pytest.param(appeal_with_errors, id="appeal-with-errors"),
]


# axe-core no longer checks unique ids (WCAG 2.2 dropped 4.1.1), but WCAG 2.1, which the
# Norwegian regulation names, still has it, and a label or link to a shared id is broken.
DUPLICATE_IDS = """() => {
    const count = {};
    for (const element of document.querySelectorAll("[id]")) count[element.id] = (count[element.id] || 0) + 1;
    return Object.entries(count).filter(([, n]) => n > 1).map(([id, n]) => `${id} (${n} times)`);
}"""


@pytest.mark.parametrize("reach", PAGES)
def test_applicant_page_is_accessible(
    page: Page,
    login: Callable[..., Page],
    axe_check: Callable[..., dict[str, Any]],
    reach: Callable[[Visit], None],
    request: pytest.FixtureRequest,
) -> None:
    # On a phone, where most applicants are; the laptop's width is checked at the end.
    page.set_viewport_size(PHONE)
    reach(Visit(page=page, login=login))

    problems: list[str] = []
    name = request.node.callspec.id.removeprefix("chromium-")
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        overflow = page_overflow(page, name)
        if overflow:
            problems.append(overflow)
    page.set_viewport_size(PHONE)
    lang = page.locator("html").get_attribute("lang")
    if lang != "nb":
        problems.append(f'<html lang> is {lang!r}; a Norwegian browser should get lang="nb"')
    headings = page.locator("h1").all_inner_texts()
    if len(headings) != 1:
        problems.append(f"the page has {len(headings)} <h1> elements, not exactly one: {headings}")
    duplicates = page.evaluate(DUPLICATE_IDS)
    if duplicates:
        problems.append(
            f"ids used more than once: {duplicates} (WCAG 2.1 4.1.1; a label, aria-describedby or an error "
            "summary's link then points at whichever element comes first)"
        )
    try:
        axe_check()
    except pytest.fail.Exception as failure:
        problems.append(str(failure.msg))
    if problems:
        pytest.fail(f"{page.url}:\n" + "\n\n".join(problems), pytrace=False)


# --- The language the pages speak ------------------------------------------------------------------

# Pages whose heading is a fixed text, with that text's msgid; the anonymous ones first.
# A Norwegian browser gets ``<html lang="nb">``; a heading left in English is then read
# with Norwegian pronunciation and tells the person the page is not meant for them
# (WCAG 3.1.1; SPEC §11: bokmål first).  One test for all, since one catalogue serves them.
HEADINGS: list[tuple[Callable[[Visit], None], str]] = [
    (front_page, "Support for innovation in your company"),
    (login_page, "Log in"),
    (signup, "Create an account"),
    (password_reset, "Forgotten your password?"),
    (account, "Your account"),
    (companies, "My companies"),
    (company_create, "Register a company"),
    (step_page("company"), "Company"),
    (step_page("project"), "Project"),
    (step_page("costs"), "Costs and financing"),
    (step_page("effects"), "Effects"),
    (step_page("attachments"), "Attachments"),
    (step_page("declarations"), "Declarations"),
    (step_page("review"), "Review and submit"),
    (my_cases, "My cases"),
]


def test_applicant_pages_have_their_headings_in_norwegian(page: Page, login: Callable[..., Page]) -> None:
    visit = Visit(page=page, login=login)
    english: list[str] = []
    for reach, msgid in HEADINGS:
        reach(visit)
        heading = page.locator("h1").inner_text().strip()
        if heading != nb(msgid) or nb(msgid) == msgid:
            english.append(f"{urlsplit(page.url).path}: {heading!r}")

    assert not english, (
        f'{len(english)} of {len(HEADINGS)} pages are marked lang="nb" but have an English heading '
        "(no bokmål translation in locale/nb/LC_MESSAGES/django.po):\n  " + "\n  ".join(english)
    )
