"""htmx makes the costs step smoother: the totals follow what is typed, before saving."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.browser.pages import go, nb
from tests.journey import build_world


def test_the_totals_follow_the_typed_cost_lines_before_they_are_saved(page: Page, login: Callable[..., Page]) -> None:
    world = build_world()
    application = world.application()
    saved_lines = application.cost_lines.count()
    login(world.applicant_a)

    go(page, f"/bedrift/soknad/{application.pk}/kostnader/")
    page.locator("#id_costs-1-category").select_option("equipment")
    page.locator("#id_costs-1-description").fill("Fres")
    page.locator("#id_costs-1-amount").fill("250 000")
    page.locator("#id_costs-1-amount").press("Tab")

    budget = page.locator("#budget")
    expect(budget).to_contain_text(nb("Totals (as typed, not saved yet)"))
    expect(budget).to_contain_text("1\u00a0250\u00a0000\u00a0kr")  # 1 000 000 saved + 250 000 typed
    assert application.cost_lines.count() == saved_lines
