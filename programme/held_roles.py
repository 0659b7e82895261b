"""A person's staff roles with their programmes and (for advisers) municipalities, read in one
query and kept on the request: the menu of every page, the worklist's scope, the board pages
and the permission predicates (``programme.permissions``) all need them, and reading them
again for each cost up to seven queries on a case page (bench/RESULTS.md).

Kept for one request only, so a role withdrawn is gone from the next request on.  Outside a
request (Celery tasks, management commands, services called from tests) every predicate
reads the database afresh."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db.models import F

from programme.models import Programme, StaffRole
from programme.prepared import Prepared, columns, loaded

_ON_REQUEST = "_np_held_roles"
# The request being answered in this thread (or task), for the permission predicates, which
# are given the user only.  Set by ``RequestRolesMiddleware``.
_current_request: ContextVar[Any] = ContextVar("np_current_request", default=None)


@dataclass(frozen=True)
class HeldRole:
    kind: str
    programme: Programme
    municipality_ids: frozenset[int]  # advisers' municipalities; empty for the other roles


_ROLE, _PROGRAMME = columns(StaffRole), columns(Programme, "programme")
# Read on every page, so compiled once (programme.prepared).  Sorted in Python, not by the
# database: a person holds a handful of roles, and ordering by the programme's code cost more
# to build into the query than the query took to run.
_ROLES = Prepared(
    lambda user: (
        StaffRole.objects.filter(user_id=user)
        .order_by()
        .values(*_ROLE.values(), *_PROGRAMME.values(), municipality_id=F("municipalities__pk"))
    ),
    user=int,
)


def read_held_roles(user: Any) -> list[HeldRole]:
    """The roles of ``user`` in the order of the programmes' codes; none for anyone not logged in."""
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return []
    # One row per role and municipality (a role without municipalities gives one row, None).
    roles: dict[int, tuple[StaffRole, set[int]]] = {}
    programmes: dict[int, Programme] = {}
    for row in _ROLES.rows(user=user.pk):
        entry = roles.get(row["id"])
        if entry is None:
            role = loaded(StaffRole, row, _ROLE)
            programme = programmes.get(row["programme_id"])
            if programme is None:
                programme = programmes[row["programme_id"]] = loaded(Programme, row, _PROGRAMME)
            role.programme = programme
            entry = roles[row["id"]] = (role, set())
        if row["municipality_id"] is not None:
            entry[1].add(row["municipality_id"])
    ordered = sorted(roles.values(), key=lambda entry: (entry[0].programme.code, entry[0].pk))
    return [HeldRole(role.kind, role.programme, frozenset(ids)) for role, ids in ordered]


def held_roles(request: Any) -> list[HeldRole]:
    """The roles of the request's person, read at most once per request (and again if the
    person changes during it, as at login)."""
    user = getattr(request, "user", None)
    key = getattr(user, "pk", None)
    cached = getattr(request, _ON_REQUEST, None)
    if cached is None or cached[0] != key:
        cached = (key, read_held_roles(user))
        setattr(request, _ON_REQUEST, cached)
    return cached[1]


def request_roles(user: Any) -> list[HeldRole] | None:
    """The roles of ``user`` as this request has read them, if ``user`` is the person the
    request is answered for; ``None`` otherwise (then read them from the database)."""
    request = _current_request.get()
    if request is None:
        return None
    person = getattr(request, "user", None)
    if person is None or user is None or getattr(person, "pk", None) != getattr(user, "pk", None):
        return None
    return held_roles(request)


class RequestRolesMiddleware:
    """Makes the request known to ``request_roles`` while it is answered (after the
    authentication middleware, which gives the request its person)."""

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)
