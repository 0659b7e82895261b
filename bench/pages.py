"""Timing a route side by side with the Django admin changelist, and the four pages the load
test asks for (each in a large and a small variant, with the user who sees it).

Everything goes through Django's test ``Client`` in this process: the whole middleware stack,
the session and the template, but no HTTP server (that is the load test's part).
"""

from __future__ import annotations

import math
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
    p95_ms: float
    samples: int
    queries: int


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def time_together(
    requests: list[tuple[Client, str]], *, n: int, warmup: int = 2, budget_s: float | None = None
) -> list[Timing]:
    """The median and 95th percentile of each of ``requests`` over ``n`` rounds, each asked
    once per round, and the queries of one more request of each.

    A route and the admin changelist it is compared with are timed side by side, so that
    whatever else the machine does in those seconds slows both alike: on a shared virtual
    machine separate runs of one page spread by ±20 %, their ratio far less.  The order within
    a round is shuffled (a fixed seed, so that a run can be repeated): in a fixed order the
    second request always finds the code and tables the first just warmed (RESULTS.md, run 7).

    With ``budget_s``, a slow route gets fewer rounds (at least 3): a page that takes seconds
    is known to be slow after three, and the run stays within minutes."""
    order = random.Random(7)  # noqa: S311 (an order of requests, not a secret)
    started = time.perf_counter()
    for _ in range(warmup):
        for client, url in requests:
            get(client, url)
    if budget_s is not None:
        per_round = max((time.perf_counter() - started) / max(warmup, 1), 1e-6)
        n = max(3, min(n, int(budget_s / per_round)))
    samples: list[list[float]] = [[] for _ in requests]
    indices = list(range(len(requests)))
    for _ in range(n):
        order.shuffle(indices)
        for index in indices:
            client, url = requests[index]
            began = time.perf_counter()
            get(client, url)
            samples[index].append(time.perf_counter() - began)
    timings = []
    for (client, url), times in zip(requests, samples, strict=True):
        with CaptureQueriesContext(connection) as captured:
            get(client, url)
        times.sort()
        p95 = times[min(len(times) - 1, math.ceil(0.95 * len(times)) - 1)]
        timings.append(Timing(statistics.median(times) * 1000, p95 * 1000, len(times), len(captured)))
    return timings


def get(client: Client, url: str) -> int:
    """Ask for ``url`` and read the whole answer (a streamed export to its end); the status."""
    response = client.get(url)
    if response.streaming:
        for _chunk in response.streaming_content:
            pass
    else:
        _ = response.content
    response.close()
    return response.status_code


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
