"""A person's staff roles with their programmes and (for advisers) municipalities, read in one
query: the menu of every page, the worklist's scope, the board pages and the permission
predicates (``programme.permissions``) all need them.

``held_roles(user)`` keeps what it read on the user object, as Django's ``ModelBackend`` keeps
a user's permissions (``_perm_cache``): a request's person is one object for the whole request
and a new one on the next, so a role withdrawn is gone from the next request on.  Code that
holds a user object across a change of roles reads the person again, as with permissions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import F

from programme.models import Programme, StaffRole

_CACHE = "_held_roles_cache"


@dataclass(frozen=True)
class HeldRole:
    kind: str
    programme: Programme
    municipality_ids: frozenset[int]  # advisers' municipalities; empty for the other roles


def read_held_roles(user: Any) -> list[HeldRole]:
    """The roles of ``user`` in the order of the programmes' codes, read from the database;
    none for anyone not logged in."""
    if not _is_person(user):
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


def held_roles(user: Any) -> list[HeldRole]:
    """The roles of ``user``, read once per user object (see the module's docstring)."""
    if not _is_person(user):
        return []
    if not hasattr(user, _CACHE):
        setattr(user, _CACHE, read_held_roles(user))
    return getattr(user, _CACHE)


def _is_person(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and getattr(user, "is_active", False)
