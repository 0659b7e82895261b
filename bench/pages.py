"""The pages the benchmark times, each in a large and a small variant (for the query counts),
with the user who sees it, and the timing of a page, its admin twin and its floor.

Everything goes through Django's test ``Client`` in this process: the whole middleware stack,
the session and the template, but no HTTP server (that is the load test's part).
"""

from __future__ import annotations

import random
import statistics
import time
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext


@dataclass
class Page:
    name: str
    user: Any
    url: str
    small_url: str  # the same page with few rows: its query count must be the same
    rows: str  # what "large" means here, for the table
    admin_url: str | None = None


@dataclass
class Timing:
    median_ms: float
    queries: int
    statements: list[str]


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def time_url(client: Client, url: str, *, n: int, warmup: int = 3) -> Timing:
    """Median of ``n`` requests after ``warmup``; the query count from one more request."""
    return time_together([(client, url)], n=n, warmup=warmup)[0]


def time_together(requests: list[tuple[Client, str]], *, n: int, warmup: int = 3) -> list[Timing]:
    """The median of each of ``requests`` over ``n`` rounds, each asked once per round.

    A page and what it is compared with (its floor, the admin changelist) are timed side by
    side, so that whatever else the machine does in those seconds slows all of them alike:
    on a shared virtual machine the ratios are then steady where separate runs spread ±20 %.

    The order within a round is shuffled (with a fixed seed, so that a run can be repeated):
    in a fixed order the floor always came right after its page, whose work had just warmed
    the same middleware and the same tables, and the page always after the admin changelist;
    that made the floor quicker and the page slower than either is in a random order
    (bench/RESULTS.md, run 7)."""
    order = random.Random(7)  # noqa: S311 (an order of requests, not a secret)
    for _ in range(warmup):
        for client, url in requests:
            _get(client, url)
    samples: list[list[float]] = [[] for _ in requests]
    indices = list(range(len(requests)))
    for _ in range(n):
        order.shuffle(indices)
        for index in indices:
            client, url = requests[index]
            started = time.perf_counter()
            _get(client, url)
            samples[index].append(time.perf_counter() - started)
    timings = []
    for (client, url), times in zip(requests, samples, strict=True):
        with CaptureQueriesContext(connection) as captured:
            _get(client, url)
        statements = [query["sql"] for query in captured.captured_queries]
        timings.append(Timing(statistics.median(times) * 1000, len(statements), statements))
    return timings


def query_count(client: Client, url: str) -> int:
    return len(statements_of(client, url))


def statements_of(client: Client, url: str) -> list[str]:
    """Every SQL statement one request of the page issues, as PostgreSQL received it."""
    _get(client, url)
    with CaptureQueriesContext(connection) as captured:
        _get(client, url)
    return [query["sql"] for query in captured.captured_queries]


def _get(client: Client, url: str) -> None:
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    _ = response.content


# --- the pages on the generated data -----------------------------------------------------------


def find_pages(code: str = "B001") -> tuple[list[Page], Any]:
    """The four pages of the issue in programme ``code``; returns them and the superuser."""
    from django.utils import timezone

    from programme.models import Programme, StaffRole, User
    from workflow.models import BoardMeeting, Case

    programme = Programme.objects.get(code=code)
    superuser = User.objects.filter(is_superuser=True).order_by("pk").first()
    admin = User.objects.filter(staff_roles__programme=programme, staff_roles__kind=StaffRole.Kind.ADMIN).first()
    board = User.objects.filter(staff_roles__programme=programme, staff_roles__kind=StaffRole.Kind.BOARD).first()

    # The adviser of one municipality, on the state with most of its cases (50 rows if it can).
    role = (
        StaffRole.objects.filter(programme=programme, kind=StaffRole.Kind.ADVISER)
        .annotate(n=Count("municipalities"))
        .filter(n=1)
        .order_by("pk")
        .first()
    )
    municipality = role.municipalities.get()
    by_state = list(
        Case.objects.filter(municipality=municipality).values("state").annotate(n=Count("pk")).order_by("-n", "state")
    )
    big_state, big_n = by_state[0]["state"], by_state[0]["n"]
    small_state, small_n = by_state[-1]["state"], by_state[-1]["n"]
    admin_url = (
        f"/admin/workflow/case/?municipality__id__exact={municipality.pk}&state__exact={big_state}"
        if superuser
        else None
    )
    worklist = Page(
        "Adviser worklist",
        role.user,
        f"/saksbehandling/?state={big_state}",
        f"/saksbehandling/?state={small_state}",
        f"{min(big_n, 50)} of {big_n} rows (small: {small_n})",
        admin_url,
    )

    meetings = list(
        BoardMeeting.objects.filter(programme=programme).annotate(n=Count("items")).filter(n__gte=1).order_by("-n")
    )
    big, small = meetings[0], meetings[-1]
    agenda = Page(
        "Board agenda",
        board,
        f"/styre/{code}/mote/{big.pk}/",
        f"/styre/{code}/mote/{small.pk}/",
        f"{big.n} cases (small: {small.n})",
    )

    year = timezone.localdate().year
    first_year = programme.budget_years.order_by("year").first().year
    budget_cases = Case.objects.filter(programme=programme, offer__budget_year__year=year).count()
    budget = Page(
        "Budget page",
        admin,
        f"/administrasjon/{code}/budsjett/{year}/",
        f"/administrasjon/{code}/budsjett/{first_year}/",
        f"{year}: {budget_cases} offers",
    )

    events = Case.objects.filter(programme=programme).annotate(n=Count("events"))
    many = events.get(reference=f"{code}-EVENTS")  # the case of the 50 events (bench/generate.py)
    few = events.filter(state=many.state).order_by("n", "pk").first()
    case_page = Page(
        "Case page",
        admin,
        f"/saksbehandling/sak/{many.reference}/",
        f"/saksbehandling/sak/{few.reference}/",
        f"{many.n} events (small: {few.n})",
    )
    return [worklist, agenda, budget, case_page], superuser
