"""The administrator imports a portfolio in a Norwegian browser: the page, the report of a
file with errors and the preview of a valid one each pass axe (no serious or critical
violation); confirming imports the cases."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.urls import reverse
from playwright.sync_api import Locator, Page

from tests.browser.pages import go, nb
from tests.journey import build_world
from tests.workflow.portfolio_import.portfolio import csv_bytes, portfolio_rows, prepare
from workflow.models import Case


def press(page: Page, button: Locator, status: int) -> None:
    with page.expect_navigation() as navigation:
        button.click()
    answer = navigation.value
    assert answer is not None and answer.status == status, f"answered {answer and answer.status}, expected {status}"


def test_an_administrator_checks_files_and_imports_the_valid_one(
    page: Page, login: Callable[..., Page], axe_check: Callable[..., Any], tmp_path: Path
) -> None:
    world = build_world()
    prepare(world.programme)
    login(world.admin)
    go(page, reverse("staff_admin:portfolio_import", args=[world.programme.code]))
    assert page.locator("h1").count() == 1
    axe_check()

    rows = portfolio_rows(17)
    rows[2]["municipality"] = "Atlantis"
    wrong = tmp_path / "feil.csv"
    wrong.write_bytes(csv_bytes(rows))
    page.get_by_label(nb("Portfolio file")).set_input_files(str(wrong))
    press(page, page.get_by_role("button", name=nb("Check the file")), 400)
    assert "Atlantis" in page.locator("#import-errors").inner_text()
    axe_check()

    right = tmp_path / "riktig.csv"
    right.write_bytes(csv_bytes(portfolio_rows(17)))
    page.get_by_label(nb("Portfolio file")).set_input_files(str(right))
    press(page, page.get_by_role("button", name=nb("Check the file")), 200)
    assert page.locator("#import-states").is_visible()
    axe_check()

    press(page, page.locator("form").filter(has=page.locator("input[value='import']")).get_by_role("button"), 200)
    assert Case.objects.filter(imported=True).count() == 17
    axe_check()
