"""Staff and public pages fit a 1280 px window, and the public ones a 390 px phone too (WCAG
2.1 1.4.10 Reflow; issue 17): no page scrolls sideways and nothing is cut off, with names,
titles and amounts as long as real ones (tests/browser/widths.py) and the worklist full of
cases in every state.  The applicant's pages are swept at both widths by
test_applicant_accessibility.py; the few it does not visit are checked here.

One world serves every page (building it is the slow part); the test visits them all and
names every page that does not fit, with the widths and what sticks out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.urls import reverse
from playwright.sync_api import Page

from programme import clock
from programme.models import User
from tests.browser.pages import go
from tests.browser.widths import DESKTOP, PHONE, WideWorld, build_wide_world, page_overflow
from tests.journey import case_in
from workflow import services
from workflow.models import Case, State

# Every state a case can be in, so that the worklist and the lists show every label; the
# second company's cases are in the other municipality (the board's and the public lists).
WORKLIST_STATES = [
    State.SUBMITTED,
    State.SCREENING,
    State.RETURNED,
    State.RECOMMENDED,
    State.ON_AGENDA,
    State.APPROVED,
    State.REJECTED,
    State.APPEALED,
    State.DECLINED,
    State.ACCEPTED,
    State.REPORTING,
    State.LAPSED,
    State.CANCELLED,
    State.COMPLETED,
    State.CLOSED,
    State.DISMISSED,
    State.WITHDRAWN,
]
OTHER_COMPANY_STATES = [State.SCREENING, State.ON_AGENDA, State.APPROVED, State.LAPSED]
OVERDUE_DAYS = 123


def build_cases(world: WideWorld) -> dict[str, Case]:
    """Cases in every state; returns the first company's case of each state."""
    by_state = {state: case_in(world, state) for state in WORKLIST_STATES}
    for state in OTHER_COMPANY_STATES:
        case_in(world, state, company=world.company_b)
    # Cases waiting for screening since long ago: a three-digit age and the overdue warning.
    with clock.travel_to(clock.now() - dt.timedelta(days=OVERDUE_DAYS)):
        case_in(world, State.SUBMITTED)
        case_in(world, State.SCREENING)
    accepted = by_state[State.ACCEPTED]
    services.payment_request_create(
        case=accepted,
        actor=world.applicant_a,
        amount=Decimal("150000"),
        costs_to_date=Decimal("18750000"),
        report="Robotcellen er levert og installert; visjonssystemet testes nå mot produksjonslinjen.",
    )
    return by_state


def staff_pages(world: WideWorld, cases: dict[str, Case]) -> list[tuple[str, User, str]]:
    code = world.programme.code
    meeting = world.meeting.pk
    evaluation = world.programme.evaluations.get()

    def admin(name: str, *args: Any) -> str:
        return reverse(f"staff_admin:{name}", args=[code, *args])

    return [
        ("worklist", world.adviser_a, reverse("worklist:list")),
        ("worklist-all-phases", world.adviser_a, f"{reverse('worklist:list')}?phase=all"),
        ("worklist-with-a-filter-error", world.adviser_a, f"{reverse('worklist:list')}?state=nonsense"),
        *[
            (f"staff-case-{state}", world.adviser_a, reverse("staff:case_detail", args=[cases[state].reference]))
            for state in (State.SCREENING, State.RECOMMENDED, State.ACCEPTED, State.REPORTING, State.CLOSED)
        ],
        ("board-meetings", world.board_member, reverse("board:meetings", args=[code])),
        ("board-agenda", world.board_member, reverse("board:meeting", args=[code, meeting])),
        ("board-members", world.admin, reverse("board:meeting_members", args=[code, meeting])),
        ("board-documents", world.board_member, reverse("board:documents", args=[code, meeting])),
        ("budget", world.admin, admin("budget_latest")),
        ("budget-year-add", world.admin, admin("budget_year_add")),
        ("payments", world.admin, admin("payments")),
        ("public-register", world.admin, admin("public_register")),
        ("job-outcomes", world.admin, admin("job_outcomes")),
        ("evaluations", world.admin, admin("evaluations")),
        ("evaluation", world.admin, admin("evaluation", evaluation.pk)),
        ("portfolio-import", world.admin, admin("portfolio_import")),
        ("notifications", world.adviser_a, reverse("notifications:list")),
        ("account-of-an-administrator", world.admin, reverse("account")),
        ("two-factor-setup", world.admin, reverse("two_factor_setup")),
    ]


def applicant_pages(world: WideWorld) -> list[tuple[str, User, str]]:
    """The applicant's pages that test_applicant_accessibility.py does not sweep."""
    return [
        ("notifications-of-an-applicant", world.applicant_a, reverse("notifications:list")),
    ]


PUBLIC_PAGES = [
    ("front-page", "/"),
    ("login", "/logg-inn/"),
    ("signup", "/ny-konto/"),
    ("password-reset", "/glemt-passord/"),
]


def test_staff_and_public_pages_fit_the_window(page: Page, login: Callable[..., Page], tasks_at_once: Path) -> None:
    world = build_wide_world()
    cases = build_cases(world)
    today = clock.today()
    services.evaluation_request(
        programme=world.programme, period_from=dt.date(today.year, 1, 1), period_to=today, actor=world.admin
    )
    problems: list[str] = []

    def check(name: str, sizes: list[dict[str, int]]) -> None:
        for size in sizes:
            page.set_viewport_size(size)
            problem = page_overflow(page, name)
            if problem:
                problems.append(problem)

    # Public pages, before anyone logs in: a laptop and a phone.
    for name, path in [*PUBLIC_PAGES, ("granted-support", reverse("public:granted_support"))]:
        go(page, path)
        check(name, [DESKTOP, PHONE])

    # Staff pages on a laptop; the applicant's on a phone and a laptop.
    pages = [(entry, [DESKTOP]) for entry in staff_pages(world, cases)]
    pages += [(entry, [PHONE, DESKTOP]) for entry in applicant_pages(world)]
    logged_in: User | None = None
    for (name, user, path), sizes in pages:
        if user != logged_in:
            page.context.clear_cookies()
            page.set_viewport_size(DESKTOP)
            login(user)
            logged_in = user
        go(page, path)
        check(name, sizes)

    assert not problems, f"{len(problems)} page(s) do not fit the window:\n\n" + "\n\n".join(problems)
