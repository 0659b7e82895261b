"""A person's staff roles are read once per request (programme/held_roles.py) for the menu,
the worklist's scope, the board pages and every permission predicate; the next request reads
them again, and outside a request, or for another person, the predicates read the database."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from programme.held_roles import RequestRolesMiddleware, held_roles, read_held_roles
from programme.models import StaffRole
from programme.permissions import adviser_municipality_ids, is_admin_of, roles_in
from tests.journey import World, case_in
from workflow.models import State

pytestmark = pytest.mark.django_db


def _role_reads(queries: CaptureQueriesContext) -> int:
    return sum('FROM "programme_staffrole"' in query["sql"] for query in queries)


def test_the_case_page_reads_the_roles_once_for_every_check_on_it(client: Client, world: World) -> None:
    case = case_in(world, State.RECOMMENDED)
    for person in (world.admin, world.adviser_a, world.board_member):
        client.force_login(person)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/saksbehandling/sak/{case.reference}/")
        assert response.status_code == 200
        assert _role_reads(queries) == 1, person


def test_a_role_withdrawn_is_gone_from_the_next_request(client: Client, world: World) -> None:
    case = case_in(world, State.SUBMITTED)
    url = f"/saksbehandling/sak/{case.reference}/"
    client.force_login(world.admin)
    assert client.get(url).status_code == 200
    StaffRole.objects.filter(user=world.admin, programme=world.programme).delete()
    assert client.get(url).status_code == 404


def test_outside_a_request_and_for_another_person_the_predicates_read_the_database(world: World) -> None:
    programme_id = world.programme.pk
    seen: dict[str, object] = {}

    def view(request):  # type: ignore[no-untyped-def]
        with CaptureQueriesContext(connection) as queries:
            seen["own"] = (is_admin_of(request.user, programme_id), roles_in(request.user, programme_id))
            seen["own_again"] = is_admin_of(request.user, programme_id)
        seen["own_reads"] = _role_reads(queries)
        with CaptureQueriesContext(connection) as queries:
            seen["other"] = adviser_municipality_ids(world.adviser_a, programme_id)
        seen["other_reads"] = _role_reads(queries)
        return HttpResponse("ok")

    request = RequestFactory().get("/")
    request.user = world.admin
    RequestRolesMiddleware(view)(request)
    assert seen["own"] == (True, {StaffRole.Kind.ADMIN}) and seen["own_again"] is True
    assert seen["own_reads"] == 1  # read once for the three checks
    assert seen["other"] == {world.municipality_a.pk} and seen["other_reads"] == 1
    # After the request, nothing is kept: the same check reads the database.
    with CaptureQueriesContext(connection) as queries:
        assert is_admin_of(world.admin, programme_id)
    assert _role_reads(queries) == 1


def test_the_roles_follow_the_person_when_it_changes_during_the_request(world: World) -> None:
    # As at login: the request's person changes from nobody to someone.
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    assert held_roles(request) == []
    request.user = world.admin
    assert [(role.kind, role.programme.code) for role in held_roles(request)] == [("admin", world.programme.code)]
    assert held_roles(request) == read_held_roles(world.admin)
