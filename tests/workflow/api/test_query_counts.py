"""The API's lists run the same number of queries with 10 rows as with 200 (a page holds 50)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.journey import World, case_in
from tests.workflow.api.support import token_client
from tests.workflow.staff.test_admin_query_counts import clone
from workflow import services
from workflow.models import Case, State, TimelineEvent


def queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, response.content
    return len(captured)


def test_the_case_list_reads_a_fixed_number_of_queries(world: World) -> None:
    template = case_in(world, State.ACCEPTED)
    clone(template, 9)
    clients = {person: token_client(person) for person in (world.admin, world.adviser_a, world.applicant_a)}
    assert Case.objects.count() == 10
    with_10 = {person: queries(client, "/api/cases/?sort=company") for person, client in clients.items()}
    clone(template, 190)
    assert Case.objects.count() == 200
    with_200 = {person: queries(client, "/api/cases/?sort=company") for person, client in clients.items()}
    assert with_200 == with_10


def test_the_timeline_reads_a_fixed_number_of_queries(world: World) -> None:
    case = case_in(world, State.SCREENING)
    client = token_client(world.applicant_a)
    path = f"/api/cases/{case.reference}/timeline/"

    def notes(count: int) -> None:
        for n in range(count):
            services.case_note_add(case=case, actor=world.adviser_a, text=f"Merknad {n}", staff_only=False)

    notes(10 - TimelineEvent.objects.filter(case=case).count())
    with_10 = queries(client, path)
    notes(190)
    assert TimelineEvent.objects.filter(case=case).count() == 200
    assert queries(client, path) == with_10
