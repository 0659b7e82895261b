"""The Content-Security-Policy holds in a real browser: the front page, the login page, the
staff worklist, the costs step (htmx posting as the person types) and the API docs (Swagger
UI and ReDoc) load and work with no policy violation and no error in the console."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse
from playwright.sync_api import ConsoleMessage, Page, expect

from tests.browser.pages import go, nb
from tests.journey import World, build_world

# Every violation of the page's policy, as the browser reports it to the page.
LISTEN_FOR_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`);
});
"""


@pytest.fixture
def world(transactional_db: None) -> World:
    return build_world()


@pytest.fixture
def problems(page: Page) -> Callable[[], list[str]]:
    """``problems()``: the console errors, uncaught exceptions and policy violations so far."""
    seen: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" or "Content Security Policy" in message.text:
            seen.append(f"console {message.type}: {message.text}")

    page.add_init_script(LISTEN_FOR_VIOLATIONS)
    page.on("console", on_console)
    page.on("pageerror", lambda error: seen.append(f"uncaught: {error}"))

    def collected() -> list[str]:
        violations = page.evaluate("window.__cspViolations || []")
        return seen + [f"violation: {v}" for v in violations]

    return collected


def test_public_pages_load_without_a_policy_violation(page: Page, problems: Callable[[], list[str]]) -> None:
    for path in ("/", reverse("login"), reverse("public:granted_support")):
        response = go(page, path)
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("load")
        assert problems() == [], path

    # The watch is live: a style attribute set by a script is blocked, and reported.
    page.evaluate("document.body.setAttribute('style', 'color: red')")
    page.wait_for_function("window.__cspViolations.length > 0")
    assert "violation: style-src-attr blocked inline" in problems()


def test_the_worklist_and_the_htmx_costs_step_work_without_a_policy_violation(
    page: Page, login: Callable[..., Page], world: World, problems: Callable[[], list[str]]
) -> None:
    login(world.adviser_a)
    go(page, reverse("worklist:list"))
    expect(page.get_by_role("heading", level=1)).to_have_text(nb("Worklist"))
    assert problems() == []

    # htmx posts the form (its CSRF token included) as the applicant types; the answer is swapped in.
    page.context.clear_cookies()
    application = world.application()
    login(world.applicant_a)
    go(page, f"/bedrift/soknad/{application.pk}/kostnader/")
    page.locator("#id_costs-1-category").select_option("equipment")
    page.locator("#id_costs-1-description").fill("Fres")
    with page.expect_response(lambda r: r.request.method == "POST" and "kostnader" in r.url) as preview:
        page.locator("#id_costs-1-amount").fill("250 000")
        page.locator("#id_costs-1-amount").press("Tab")
    assert preview.value.status == 200
    expect(page.locator("#budget")).to_contain_text(nb("Totals (as typed, not saved yet)"))
    assert problems() == []


def test_swagger_ui_renders_the_api_under_the_policy(page: Page, problems: Callable[[], list[str]]) -> None:
    response = go(page, "/api/docs/")

    policy = response.headers["content-security-policy"]
    assert "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";", 1)[0]
    # The operations come from the schema, so the start-up script ran and fetched it.
    expect(page.locator(".opblock-tag").first).to_be_visible()
    expect(page.get_by_text("/api/cases/", exact=True).first).to_be_visible()
    assert problems() == []


def test_redoc_renders_the_api_under_the_policy(page: Page, problems: Callable[[], list[str]]) -> None:
    go(page, "/api/redoc/")

    expect(page.get_by_role("heading", name="Næringsprogram API").first).to_be_visible()
    expect(page.get_by_text("/api/cases/").first).to_be_visible()
    # Its search runs in a worker: typing finds an operation.
    page.get_by_placeholder("Search...").fill("timeline")
    expect(page.get_by_role("search").get_by_role("menuitem").first).to_contain_text("timeline")
    # The one thing blocked, on purpose: the "API docs by Redocly" logo from Redocly's CDN
    # (workflow/api/docs.py); ReDoc hides the image when it does not load.
    logo = "https://cdn.redoc.ly/redoc/logo-mini.svg"
    assert [p for p in problems() if logo not in p] == []
