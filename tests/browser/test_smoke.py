"""The pages everyone sees first work in a real browser: they load in Norwegian with a
heading, can be used from the keyboard, switch to English without JavaScript and pass axe."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from playwright.sync_api import Page, Response, expect

from programme.models import User

PUBLIC_PAGES = [
    pytest.param("/", id="front-page"),
    pytest.param("/logg-inn/", id="login-page"),
]


def open_page(page: Page, path: str) -> None:
    """Go to ``path`` and check that it and everything it loads (CSS, JS) answered."""
    failed: list[str] = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.on("requestfailed", lambda r: failed.append(f"{r.failure} {r.url}"))
    response: Response | None = page.goto(path)
    assert response is not None and response.status == 200, f"{path} answered {response and response.status}"
    page.wait_for_load_state("load")
    assert failed == [], f"{path} loaded with failed requests: {failed}"


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_page_loads_in_norwegian_with_a_heading(page: Page, path: str) -> None:
    open_page(page, path)

    expect(page.locator("html")).to_have_attribute("lang", "nb")
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator("h1")).not_to_have_text("")
    assert page.title().strip(), f"{path} has no <title>"


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(page: Page, path: str) -> None:
    open_page(page, path)

    page.keyboard.press("Tab")
    skip_link = page.locator("a[href='#main']").first
    expect(skip_link).to_be_focused()
    # Hidden until focused, then seen: a sighted keyboard user must see where focus is.
    box = skip_link.bounding_box()
    assert box is not None and box["width"] > 10 and box["height"] > 10, f"focused skip link is not visible: {box}"

    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()
    # The next Tab continues inside the main content, not back at the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null"), "Tab after the skip link left <main>"


@pytest.mark.parametrize("path", PUBLIC_PAGES)
@pytest.mark.browser_context_args(java_script_enabled=False)
def test_language_switch_to_english_works_without_javascript(page: Page, path: str) -> None:
    open_page(page, path)

    page.get_by_role("button", name="English").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert urlsplit(page.url).path == path, f"the switch should come back to {path}, not {page.url}"
    # The switch now offers the way back, itself marked as Norwegian for screen readers.
    expect(page.get_by_role("button", name="Norsk bokmål")).to_have_attribute("lang", "nb")


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_page_has_no_serious_accessibility_violations(
    page: Page, axe_check: Callable[..., dict[str, Any]], path: str
) -> None:
    open_page(page, path)

    response = axe_check()

    assert response["testEngine"]["name"] == "axe-core"


def test_login_helper_logs_a_verified_user_in(
    page: Page, login: Callable[..., Page], make_verified_user: Callable[..., User]
) -> None:
    user = make_verified_user(email="kari@example.no")

    login(user)

    (cookie,) = [c for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME]
    session = import_module(settings.SESSION_ENGINE).SessionStore(session_key=cookie["value"])
    assert session.get("_auth_user_id") == str(user.pk)
