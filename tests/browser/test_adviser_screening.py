"""An adviser screens a case and recommends it, in a Norwegian browser (issue 4): open a
submitted case, take it, fill in the screening checklist, record a recommendation to approve
with an amount and see the case "Recommended".  A refused recommendation and a return without a
message leave the case as it was, with the reason shown at the field.  The staff case page
passes axe in each state, with a form error, and for a board member and an administrator.

Each test builds its programme inside the test (``build_world()``): with the live server the
test is transactional, and the data must be committed for the server's thread to see it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils.text import capfirst
from playwright.sync_api import Locator, Page, expect

from programme.money import format_nok
from tests.browser.pages import go, nb
from tests.journey import World, build_world, case_in
from workflow.models import Case, Recommendation, Screening, State, TimelineEvent

CHECKS = (
    "The company is in a participating municipality",
    "The project lies within one of the focus areas",
    "The project lies beside the company's core business",
    "The support share applied for is within the programme's rule",
    "The de minimis headroom is checked and is enough",
    "Innovation Norway has been consulted",
)


def staff_path(case: Case) -> str:
    return reverse("staff:case_detail", args=[case.reference])


def field(scope: Page | Locator, msgid: str) -> Locator:
    """The input labelled ``msgid``; a required field's label ends in a "*" hidden from screen readers."""
    return scope.get_by_label(re.compile(rf"^\s*{re.escape(capfirst(nb(msgid)))}(\s*\*)?\s*$"))


def button(scope: Page | Locator, msgid: str) -> Locator:
    return scope.get_by_role("button", name=nb(msgid), exact=True)


def status_of(page: Page) -> Locator:
    """The case's status as the page states it (the first of its key facts)."""
    return page.locator("#case-facts dt", has_text=nb("Status")).locator("xpath=following-sibling::dd[1]")


def error_summary(page: Page) -> Locator:
    return page.locator("#error-summary")


def state_of(case: Case) -> str:
    return Case.objects.get(pk=case.pk).state


def test_an_adviser_takes_screens_and_recommends_a_case(
    page: Page, login: Callable[..., Page], axe_check: Callable[..., Any]
) -> None:
    world = build_world()
    case = world.submitted_case()
    login(world.adviser_a)

    go(page, staff_path(case))
    expect(status_of(page)).to_have_text(nb("Submitted"))
    axe_check()

    button(page, "Take the case for screening").click()
    expect(page.get_by_role("status")).to_contain_text(
        nb("You have taken %(reference)s for screening.", reference=case.reference)
    )
    expect(status_of(page)).to_have_text(nb("In screening"))
    expect(page.get_by_text(nb("%(name)s participates in the programme.", name="Gjøvik"))).to_be_visible()
    axe_check()

    for check in CHECKS:
        page.get_by_label(nb(check), exact=True).check()
    field(page, "Outcome of the contact with Innovation Norway").fill(
        "Innovasjon Norge finansierer ikke forprosjektet."
    )
    button(page, "Save the checklist").click()
    expect(page.get_by_role("status")).to_contain_text(nb("The screening checklist is saved."))
    for check in CHECKS:
        expect(page.get_by_label(nb(check), exact=True)).to_be_checked()
    screening = Screening.objects.get(case=case)
    assert screening.de_minimis_ok and screening.innovation_norway_consulted
    assert screening.innovation_norway_outcome == "Innovasjon Norge finansierer ikke forprosjektet."

    form = page.locator("form", has=button(page, "Record the recommendation"))
    form.get_by_role("radio", name=nb("Approve"), exact=True).check()
    field(form, "Amount recommended (NOK)").fill("450 000")
    field(form, "Assessment").fill("Godt forankret prosjekt med tydelig marked.")
    field(form, "Conditions").fill("Framdriftsrapport etter seks måneder.")
    button(form, "Record the recommendation").click()

    expect(status_of(page)).to_have_text(nb("Recommended"))
    expect(page.get_by_role("status")).to_contain_text(
        nb(
            "You recommend a grant of %(amount)s. The case is ready for the board.",
            amount=format_nok(Decimal("450000")),
        )
    )
    assert state_of(case) == State.RECOMMENDED
    recommendation = Recommendation.objects.get(case=case)
    assert (recommendation.outcome, recommendation.amount) == ("approve", Decimal("450000"))
    expect(button(page, "Reopen the screening")).to_be_visible()
    axe_check()


def test_a_refused_recommendation_and_an_empty_return_leave_the_case_in_screening(
    page: Page, login: Callable[..., Page], axe_check: Callable[..., Any]
) -> None:
    world = build_world()
    case = case_in(world, State.SCREENING)  # costs 1 000 000 kr: at most 75 % may be recommended
    events = TimelineEvent.objects.filter(case=case).count()
    login(world.adviser_a)
    go(page, staff_path(case))

    form = page.locator("form", has=button(page, "Record the recommendation"))
    form.get_by_role("radio", name=nb("Approve"), exact=True).check()
    field(form, "Amount recommended (NOK)").fill("800 000")
    field(form, "Assessment").fill("Godt prosjekt.")
    with page.expect_navigation() as answer:
        button(form, "Record the recommendation").click()
    assert answer.value is not None and answer.value.status == 409

    refusal = nb(
        "%(amount)s is more than %(ceiling)s %% of the costs, the ceiling of the support share.",
        amount=format_nok(Decimal("800000")),
        ceiling="75",
    )
    expect(error_summary(page)).to_contain_text(refusal)
    expect(page.locator("#id_recommendation-amount_error")).to_have_text(refusal)
    expect(field(page, "Amount recommended (NOK)")).to_have_value("800 000")
    expect(status_of(page)).to_have_text(nb("In screening"))
    assert state_of(case) == State.SCREENING
    assert not Recommendation.objects.filter(case=case).exists()
    axe_check()

    error_summary(page).get_by_role("link").first.click()
    expect(field(page, "Amount recommended (NOK)")).to_be_focused()

    go(page, staff_path(case))
    with page.expect_navigation() as answer:
        button(page, "Return to the applicant").click()
    assert answer.value is not None and answer.value.status == 400
    expect(page.locator("#id_return-message_error")).to_be_visible()
    expect(status_of(page)).to_have_text(nb("In screening"))
    assert state_of(case) == State.SCREENING
    assert TimelineEvent.objects.filter(case=case).count() == events
    axe_check()


@pytest.mark.parametrize("who", ["board_member", "admin"])
def test_the_case_page_passes_axe_for_a_board_member_and_an_administrator(
    page: Page, login: Callable[..., Page], axe_check: Callable[..., Any], who: str
) -> None:
    world: World = build_world()
    case = case_in(world, State.ACCEPTED)
    login(getattr(world, who))

    go(page, staff_path(case))

    expect(status_of(page)).to_have_text(nb("Offer accepted"))
    expect(page.locator("h1")).to_have_count(1)
    expect(button(page, "Take the case for screening")).to_have_count(0)
    expect(button(page, "Declare a conflict of interest")).to_be_visible()
    axe_check()
