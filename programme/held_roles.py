"""A person's staff roles with their programmes and (for advisers) municipalities, read in one
query and kept on the request: the menu of every page and the worklist's scope both need them,
and reading them twice cost a query on every staff page (bench/RESULTS.md)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import F

from programme.models import Programme, StaffRole

_ON_REQUEST = "_np_held_roles"


@dataclass(frozen=True)
class HeldRole:
    kind: str
    programme: Programme
    municipality_ids: frozenset[int]  # advisers' municipalities; empty for the other roles


def read_held_roles(user: Any) -> list[HeldRole]:
    """The roles of ``user`` in the order of the programmes' codes; none for anyone not logged in."""
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return []
    # One row per role and municipality (a role without municipalities gives one row, None).
    rows = (
        StaffRole.objects.filter(user=user)
        .select_related("programme")
        .annotate(municipality_id=F("municipalities__pk"))
        .order_by("programme__code", "pk")
    )
    roles: dict[int, tuple[StaffRole, set[int]]] = {}
    for row in rows:
        _role, ids = roles.setdefault(row.pk, (row, set()))
        if row.municipality_id is not None:
            ids.add(row.municipality_id)
    return [HeldRole(role.kind, role.programme, frozenset(ids)) for role, ids in roles.values()]


def held_roles(request: Any) -> list[HeldRole]:
    """The roles of the request's person, read at most once per request."""
    roles = getattr(request, _ON_REQUEST, None)
    if roles is None:
        roles = read_held_roles(getattr(request, "user", None))
        setattr(request, _ON_REQUEST, roles)
    return roles
