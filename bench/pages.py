"""The pages the benchmark times, each in a large and a small variant (for the query counts),
with the user who sees it, and the timing of a page, its admin twin and its floor.

Everything goes through Django's test ``Client`` in this process: the whole middleware stack,
the session and the template, but no HTTP server (that is the load test's part).
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Count
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from bench import floor_urls


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
    for _ in range(warmup):
        _get(client, url)
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        _get(client, url)
        samples.append(time.perf_counter() - started)
    with CaptureQueriesContext(connection) as captured:
        _get(client, url)
    statements = [query["sql"] for query in captured.captured_queries]
    return Timing(statistics.median(samples) * 1000, len(statements), statements)


def query_count(client: Client, url: str) -> int:
    _get(client, url)
    with CaptureQueriesContext(connection) as captured:
        _get(client, url)
    return len(captured.captured_queries)


def time_floor(client: Client, name: str, statements: list[str], *, n: int) -> float:
    floor_urls.register(name, statements)
    with override_settings(ROOT_URLCONF="bench.floor_urls"):
        return time_url(client, f"/floor/{name}/", n=n).median_ms


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
    many = events.order_by("-n", "pk").first()
    few = events.filter(state=many.state).order_by("n", "pk").first()
    case_page = Page(
        "Case page",
        admin,
        f"/saksbehandling/sak/{many.reference}/",
        f"/saksbehandling/sak/{few.reference}/",
        f"{many.n} events (small: {few.n})",
    )
    return [worklist, agenda, budget, case_page], superuser
