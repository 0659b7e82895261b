"""Every GET route a person reaches runs as many queries with many rows as with few (issue 16).

The routes are walked from the URL configuration (as the permission matrix walks them), so a
new page is counted without being listed here.  Each is asked by every reader the matrix says
gets a 200 on side A (administrator, board member, adviser, applicant, anonymous); the API's
routes by the administrator and, for the case list, by an adviser and an applicant too.
Then every list grows about sixfold (cases in each state with their decisions, offers,
payments and job reports, agenda items, timeline events, notifications, companies, budget
years, meetings, evaluations) and each route must run exactly as many queries as before.
The Django admin is counted in its own test."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import pytest
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from applications.models import CompanyMember
from programme import clock
from tests.factories import BudgetYearFactory, CompanyFactory
from tests.journey import case_in
from tests.security import routes
from tests.security.test_permission_matrix import MATRIX, ROLES
from tests.security.world import MatrixWorld, build_matrix_world
from tests.storage import storages_in
from tests.workflow.staff.test_admin_query_counts import clone, unsaved_copy
from workflow import services
from workflow.models import AgendaItem, Case, Evaluation, Notification, State, TimelineEvent

GROWTH = 5  # copies of each row: a list of one becomes a list of six
# The readers: one of each kind (the other side's are alike).
PREFERRED = ("admin", "board_member", "adviser_a", "applicant_a", "anonymous")
# Counted elsewhere (the Django admin) or not a page (Django's language switch takes a POST).
SKIPPED_PREFIXES = ("admin/", "i18n/")
# The API's routes by who reads them; the case list by each kind of reader.
API_ROLES = {"api:case-list": ("admin", "adviser_a", "applicant_a")}


def _walk(patterns: list, prefix: str, namespace: str) -> Iterator[tuple[str, str]]:
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if not route.startswith(SKIPPED_PREFIXES):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                yield from _walk(entry.url_patterns, route, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", route


def _params(route: str) -> list[str]:
    """The parameter names of a path (``<int:pk>``) or of a regular expression (``(?P<pk>``)."""
    return [a or b for a, b in re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route)]


def _api_kwargs(name: str, params: list[str], mw: MatrixWorld) -> dict[str, object] | None:
    w = mw.world
    values: dict[str, object] = {}
    for param in params:
        if param == "reference":
            values[param] = mw.a.cases[State.ACCEPTED].reference
        elif param == "code":
            values[param] = w.programme.code
        elif param == "pk" and name.startswith("api:budget-year"):
            values[param] = w.budget_year.pk
        elif param == "pk" and name.startswith("api:evaluation"):
            values[param] = mw.a.evaluation_pk
        else:
            return None  # e.g. the format suffix routes: the same views as without it
    return values


def requests_to_count(mw: MatrixWorld) -> list[tuple[str, str, str]]:
    """(route name, role, address) for every GET route a person reaches."""
    found = []
    for name, route in sorted(set(_walk(get_resolver().url_patterns, "", ""))):
        params = _params(route)
        if name.startswith("api:"):
            kwargs = _api_kwargs(name, params, mw)
            if kwargs is None or name in ("api:token",):
                continue  # the token is had by a POST
            for role in API_ROLES.get(name, ("admin",)):
                found.append((name, role, reverse(name, kwargs=kwargs)))
            continue
        if name not in MATRIX:
            continue  # the matrix test fails for it already
        cells = dict(zip(ROLES, MATRIX[name][0].split(), strict=True))
        # Nobody may read some with a GET (a form's target, a redirect, a file not there).
        readers = [role for role in PREFERRED if cells[role].split("/")[0] == "200"]
        kwargs = routes.kwargs_for(name, routes.route_params()[name], mw.a)
        found.extend((name, role, reverse(name, kwargs=kwargs)) for role in readers)
    return found


# States the permission matrix's world has no case in, whose lists must have a row too.
MORE_STATES = (State.COMPLETED, State.CLOSED, State.LAPSED, State.RECOMMENDED)


def one_of_each(mw: MatrixWorld) -> list[Case]:
    """Side A's cases: the matrix world's and one in each state it lacks, with a job report
    where the project has ended (the follow-up list reads them)."""
    more = [case_in(mw.world, state, mw.world.company_a) for state in MORE_STATES]
    services.job_report_file(case=more[0], actor=mw.world.applicant_a, new_jobs=2, period_months=12)
    return [*mw.a.cases.values(), *more]


def grow(mw: MatrixWorld, templates: list[Case]) -> None:
    """About six rows wherever side A had one."""
    w = mw.world
    before = set(Case.objects.values_list("pk", flat=True))
    for case in templates:
        clone(case, GROWTH)
    copies = Case.objects.exclude(pk__in=before)
    last = mw.a.meeting.items.order_by("-position").values_list("position", flat=True).first() or 0
    AgendaItem.objects.bulk_create(
        AgendaItem(meeting=mw.a.meeting, case=case, position=last + n)
        for n, case in enumerate(copies.filter(state=State.ON_AGENDA), start=1)
    )
    # Each case's history: six times as long on the template, as long as the template's on a copy.
    copies_in: dict[str, list[int]] = {}
    for pk, state in copies.values_list("pk", "state"):
        copies_in.setdefault(state, []).append(pk)
    events = TimelineEvent.objects.filter(case__in=[case.pk for case in templates]).select_related("case")
    TimelineEvent.objects.bulk_create(
        unsaved_copy(event, case_id=case_pk)
        for event in list(events)
        for case_pk in [event.case_id] * GROWTH + copies_in.get(event.case.state, [])
    )
    notifications = list(Notification.objects.all())
    Notification.objects.bulk_create(
        unsaved_copy(note, key=f"{note.key}:{n}", case=None) for note in notifications for n in range(GROWTH)
    )
    for n in range(GROWTH):
        company = CompanyFactory(programme=w.programme, municipality=w.municipality_a)
        CompanyMember.objects.create(company=company, user=w.applicant_a, is_contact=True)
        BudgetYearFactory(programme=w.programme, year=w.budget_year.year - 1 - n, frame=1_000_000)
        services.meeting_create(
            programme=w.programme, actor=w.admin, date=date(clock.today().year, 1, 1 + n), members=[w.board_member]
        )
        Evaluation.objects.create(
            programme=w.programme, period_from=clock.today(), period_to=clock.today(), requested_by=w.admin
        )


def _count(client: Client, address: str) -> tuple[int, int]:
    """(status, queries) of a GET, the body read (a streamed file reads as it is sent), and
    whatever the request wrote rolled back."""
    with transaction.atomic():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(address)
            if response.streaming:
                b"".join(response.streaming_content)
        transaction.set_rollback(True)
    return response.status_code, len(captured)


@pytest.fixture(scope="module")
def counted(django_db_setup: None, django_db_blocker, tmp_path_factory) -> Iterator[dict[tuple[str, str], tuple]]:
    """Per (route, role): (status, queries) with few rows and with many."""
    storage = storages_in(tmp_path_factory.mktemp("private"))
    with override_settings(STORAGES=storage), django_db_blocker.unblock(), transaction.atomic():
        mw = build_matrix_world()
        templates = one_of_each(mw)
        clients = {}
        for role in PREFERRED:
            clients[role] = Client(raise_request_exception=True)
            if role != "anonymous":
                clients[role].force_login(getattr(mw.world, role))
            clients[role].get("/")  # the session and the language settled before counting
        wanted = requests_to_count(mw)
        few = {(name, role): _count(clients[role], address) for name, role, address in wanted}
        grow(mw, templates)
        many = {(name, role): _count(clients[role], address) for name, role, address in wanted}
        yield {key: (few[key], many[key]) for key in few}
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_the_walk_reaches_the_pages_of_every_kind_of_reader(counted: dict) -> None:
    names = {name for name, _role in counted}
    for expected in (
        "worklist:list",
        "worklist:export",
        "public:granted_support",
        "public:granted_support_csv",
        "staff_admin:job_outcomes",
        "workflow:my_cases",
        "api:case-list",
        "api:case-timeline",
    ):
        assert expected in names, expected
    assert {role for _name, role in counted} >= {"admin", "adviser_a", "applicant_a", "anonymous"}


@pytest.mark.django_db
def test_every_get_route_runs_as_many_queries_with_many_rows_as_with_few(counted: dict) -> None:
    grown = {
        f"{name} as {role}: {few[1]} queries with few rows, {many[1]} with many"
        for (name, role), (few, many) in counted.items()
        if few[1] != many[1]
    }
    failed = {
        f"{name} as {role}: {few[0]} / {many[0]}"
        for (name, role), (few, many) in counted.items()
        if few[0] != 200 or many[0] != 200
    }
    assert failed == set(), "routes that did not answer 200"
    assert grown == set()
