"""Browser tests: Playwright drives Debian's Chromium against pytest-django's ``live_server``.

Every test here is marked ``browser`` and runs against a live server, which makes it
transactional.  Fixtures for journeys:

- ``page``: pytest-playwright's page, with the live server as base URL (``page.goto("/")``)
  and a Norwegian browser (locale nb-NO, time zone Europe/Oslo);
- ``axe_check``: ``axe_check()`` runs axe-core on the page and fails on every serious or
  critical violation;
- ``make_verified_user``: ``make_verified_user(**fields)`` makes a user whose e-mail address
  is verified, with the password ``PASSWORD``;
- ``login``: ``login(user, password=PASSWORD, next=None)`` logs in through the form at
  ``/logg-inn/``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from playwright.sync_api import BrowserContext, Page

from programme.celery import app as celery_app
from programme.models import User
from tests.conftest import services_required
from tests.factories import UserFactory

# Playwright's sync API runs an event loop in the test's thread, and Django refuses database
# calls from a thread with a running loop.  Django reads the variable at each call, so setting
# it here, when pytest imports this conftest, covers every test (the loop lives until the
# session ends, so the tests that run after these need it too).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# The password UserFactory gives every user.
PASSWORD = "pw-Test-1234"
LOGIN_PATH = "/logg-inn/"
BLOCKING_IMPACTS = ("critical", "serious")
ACTION_TIMEOUT_MS = 10_000

_HERE = Path(__file__).parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Hooks in a conftest see the whole session's items; mark only this folder's.
    for item in items:
        if _HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Debian's Chromium instead of a browser Playwright would download (it cannot here)."""
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: apt-get install -y chromium chromium-driver"
        if services_required():
            pytest.fail(f"{reason} (REQUIRE_SERVICES=1: browser tests may not skip)", pytrace=False)
        pytest.skip(reason)
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any], live_server: Any) -> dict[str, Any]:
    # A Norwegian user's browser: without a locale Chromium sends the machine's
    # Accept-Language, and the pages' language would depend on where the tests run.
    return {
        **browser_context_args,
        "base_url": live_server.url,
        "locale": "nb-NO",
        "timezone_id": "Europe/Oslo",
    }


@pytest.fixture
def new_context(new_context: Callable[..., BrowserContext]) -> Callable[..., BrowserContext]:
    # The live server answers in milliseconds; Playwright's 30 s default only makes a broken
    # page slow to report.  ``context``, ``page`` and a test's second user all come from here.
    def make(**kwargs: Any) -> BrowserContext:
        context = new_context(**kwargs)
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        return context

    return make


def _describe(violation: dict[str, Any]) -> str:
    lines = [f"[{violation['impact']}] {violation['id']}: {violation['help']}", f"    {violation['helpUrl']}"]
    for node in violation["nodes"]:
        # A target is a CSS selector, or a list of them when the node is inside a shadow root.
        target = " >>> ".join(t if isinstance(t, str) else " ".join(t) for t in node["target"])
        lines.append(f"    - {target}")
        lines.append(f"      {node['html'].strip()[:200]}")
        for summary_line in (node.get("failureSummary") or "").splitlines():
            lines.append(f"        {summary_line.strip()}")
    return "\n".join(lines)


@pytest.fixture
def axe_check(page: Page) -> Callable[..., dict[str, Any]]:
    """``axe_check()`` runs axe-core on the page as it is now; every serious or critical
    violation fails the test, listed with its rule, help text and the elements it found.

    Pass another page (``axe_check(other_page)``) when a test drives more than one.
    Returns axe's full response for tests that look at the lesser findings too.
    """
    axe = Axe()

    def check(target: Page | None = None) -> dict[str, Any]:
        checked = target or page
        response = axe.run(checked).response
        blocking = [v for v in response["violations"] if v.get("impact") in BLOCKING_IMPACTS]
        if blocking:
            report = "\n\n".join(_describe(v) for v in blocking)
            heading = f"axe found {len(blocking)} serious or critical accessibility violation(s) on {checked.url}"
            pytest.fail(f"{heading}:\n\n{report}", pytrace=False)
        return response

    return check


@pytest.fixture(autouse=True)
def _site_url(settings: Any, live_server: Any) -> None:
    """Letters and e-mails link to SITE_URL, the site's address: here, the live server the
    browser talks to (the live server runs in this process, so it reads the same settings)."""
    settings.SITE_URL = live_server.url


@pytest.fixture
def make_verified_user(transactional_db: None) -> Callable[..., User]:
    """``make_verified_user(**fields)``: a user whose e-mail address is verified; the
    password is ``PASSWORD`` unless ``password=`` says otherwise."""

    def make(**fields: Any) -> User:
        return UserFactory(email_verified=True, **fields)

    return make


@pytest.fixture
def login(page: Page, live_server: Any) -> Callable[..., Page]:
    """``login(user, password=PASSWORD, next=None)`` logs in through the login form, as a
    person would, and fails the test when the server did not start a session."""

    def log_in(user: User, password: str = PASSWORD, next: str | None = None) -> Page:
        query = f"?{urlencode({'next': next})}" if next else ""
        shown = page.goto(f"{live_server.url}{LOGIN_PATH}{query}")
        if shown is None or shown.status != 200:
            pytest.fail(f"the login page {LOGIN_PATH} answered {shown and shown.status}", pytrace=False)
        form = page.locator("form").filter(has=page.locator("input[name='password']"))
        # AuthenticationForm names the field "username" whatever USERNAME_FIELD is (email).
        form.locator("input[name='username']").fill(user.email)
        form.locator("input[name='password']").fill(password)
        submit = form.locator("button:not([type='button']):not([type='reset']), input[type='submit']")
        # Wait for the answer to the POST, not for wherever its redirect leads.
        with page.expect_response(lambda r: r.request.method == "POST" and LOGIN_PATH in r.url) as answer:
            submit.first.click()
        session = [c for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME]
        if answer.value.status != 302 or not session:
            page.wait_for_load_state()
            summary = page.locator("[role='alert'], .errorlist").all_inner_texts()
            pytest.fail(
                f"could not log in as {user.email}: the login form answered {answer.value.status}"
                f"{' without a session cookie' if not session else ''}; the page says: {summary or '(no error shown)'}",
                pytrace=False,
            )
        page.wait_for_load_state()
        return page

    return log_in


@pytest.fixture
def tasks_at_once(private_storage: Path) -> Iterator[Path]:
    """The Celery tasks a page asks for (letters, meeting documents, evaluations) run at once,
    as a worker would, with no broker and no stray messages; what they store goes to a
    temporary folder, which is given."""
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        yield private_storage
    finally:
        celery_app.conf.task_always_eager = eager
