"""A person's staff roles are read once per user object (programme/held_roles.py), as Django
keeps a user's permissions: once per request for the menu, the worklist's scope, the board
pages and every permission predicate; the next request, another person or another object of
the same person reads them again."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from programme.held_roles import held_roles, read_held_roles
from programme.models import StaffRole, User
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


def test_the_predicates_read_the_roles_once_per_user_object(world: World) -> None:
    programme_id = world.programme.pk
    admin = User.objects.get(pk=world.admin.pk)  # a fresh object, as each request gets
    with CaptureQueriesContext(connection) as queries:
        assert is_admin_of(admin, programme_id)
        assert roles_in(admin, programme_id) == {StaffRole.Kind.ADMIN}
        assert is_admin_of(admin, programme_id)
    assert _role_reads(queries) == 1  # read once for the three checks
    with CaptureQueriesContext(connection) as queries:
        assert adviser_municipality_ids(world.adviser_a, programme_id) == {world.municipality_a.pk}
    assert _role_reads(queries) == 1  # another person: read for that person
    # A role withdrawn: another object of the same person (the next request's) reads afresh.
    StaffRole.objects.filter(user=world.admin, programme=world.programme).delete()
    assert is_admin_of(admin, programme_id)  # the object read before keeps what it read
    assert not is_admin_of(User.objects.get(pk=world.admin.pk), programme_id)


def test_nobody_logged_in_holds_no_role_and_reads_nothing(world: World) -> None:
    with CaptureQueriesContext(connection) as queries:
        assert held_roles(AnonymousUser()) == []
        assert held_roles(None) == []
    assert _role_reads(queries) == 0
    assert [(role.kind, role.programme.code) for role in held_roles(world.admin)] == [("admin", world.programme.code)]
    assert held_roles(world.admin) == read_held_roles(world.admin)
