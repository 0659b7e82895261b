"""The adviser's worklist in a browser: log in, open the worklist, filter, sort by a column
with the keyboard, and check accessibility with results, with none and with a filter error."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Page, expect

from tests.browser.pages import go, nb
from tests.journey import World, build_world, case_in
from workflow.models import State

ROWS = "table.np-worklist-table tbody tr"


@pytest.fixture
def world(transactional_db: None) -> World:
    return build_world()


def shown_references(page: Page) -> list[str]:
    return page.locator(f"{ROWS} th[scope='row']").all_inner_texts()


def tab_to(page: Page, name: str, limit: int = 150) -> None:
    """Move the focus with Tab, as a keyboard user does, until it is on the link ``name``."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate("() => [document.activeElement.tagName, document.activeElement.innerText]")
        if focused[0] == "A" and focused[1].strip().removesuffix("▲").removesuffix("▼").strip() == name:
            return
    pytest.fail(f"Tab never reached the link {name!r}")


def test_an_adviser_filters_and_sorts_the_worklist_with_the_keyboard(
    page: Page, login: Callable[..., Page], axe_check: Callable[..., dict[str, Any]], world: World
) -> None:
    submitted = case_in(world, State.SUBMITTED)
    screening = [case_in(world, State.SCREENING) for _ in range(2)]
    recommended = case_in(world, State.RECOMMENDED)
    elsewhere = case_in(world, State.SCREENING, company=world.company_b)

    login(world.adviser_a)
    go(page, reverse("worklist:list"))
    expect(page.get_by_role("heading", level=1)).to_have_text(nb("Worklist"))
    mine = {submitted.reference, recommended.reference, *(case.reference for case in screening)}
    assert set(shown_references(page)) == mine
    assert elsewhere.reference not in page.content()
    axe_check()

    # Filter: the states are behind a disclosure; tick one and show the cases.
    page.get_by_text(nb("Choose states")).click()
    page.get_by_label(str(_nb_state(State.SCREENING)), exact=True).check()
    page.get_by_role("button", name=nb("Show cases")).click()
    page.wait_for_load_state()
    assert sorted(shown_references(page)) == sorted(case.reference for case in screening)
    assert "state=screening" in page.url

    # Sort by reference with the keyboard only: Tab to the column's header link, press Enter.
    tab_to(page, nb("Reference"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    header = page.locator("th[aria-sort]")
    expect(header).to_have_attribute("aria-sort", "ascending")
    expect(header).to_contain_text(nb("Reference"))
    assert shown_references(page) == sorted(case.reference for case in screening)
    assert "state=screening" in page.url  # the filter survived the sort
    tab_to(page, nb("Reference"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("th[aria-sort]")).to_have_attribute("aria-sort", "descending")
    assert shown_references(page) == sorted((case.reference for case in screening), reverse=True)
    axe_check()


def test_the_worklist_without_results_and_with_a_filter_error_is_accessible(
    page: Page, login: Callable[..., Page], axe_check: Callable[..., dict[str, Any]], world: World
) -> None:
    case_in(world, State.SUBMITTED)
    login(world.adviser_a)
    go(page, reverse("worklist:list"))

    page.get_by_label(nb("Search"), exact=True).fill("finnes ikke")
    page.get_by_role("button", name=nb("Show cases")).click()
    page.wait_for_load_state()
    expect(page.get_by_text(nb("No cases match the filter."))).to_be_visible()
    axe_check()

    # A municipality that is not the adviser's (a forged address): a message at the field.
    go(page, f"{reverse('worklist:list')}?municipality={world.municipality_b.pk}&state=nonsense")
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(page.locator("#id_municipality")).to_have_attribute("aria-invalid", "true")
    # Each line of the summary leads to its field, the state boxes too (their disclosure is open).
    summary.get_by_role("link", name=nb("Municipality")).click()
    assert page.evaluate("() => document.activeElement.id") == "id_municipality"
    summary.get_by_role("link", name=nb("State")).click()
    assert page.evaluate("() => document.activeElement.id") == "id_state_0"
    assert page.locator(ROWS).count() == 0
    axe_check()


def _nb_state(state: State) -> str:
    with translation.override("nb"):
        return str(state.label)
