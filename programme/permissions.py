"""Who holds which staff role: the predicates the other apps' rules build on.

Every rule in the system is a ``rules`` predicate, so views, the API and the FSM
transitions read one source of truth.  ``user`` may be ``None`` for the system itself
(periodic tasks); staff predicates are then false.
"""

from __future__ import annotations

from typing import Any

import rules

from programme.held_roles import held_roles


def _has_role(user: Any, programme_id: int, kind: str) -> bool:
    # Read once per user object, as Django's permissions (programme.held_roles): a request's
    # person is a new object on every request, so a role withdrawn a second ago no longer acts.
    return any(role.programme.pk == programme_id and role.kind == kind for role in held_roles(user))


def roles_in(user: Any, programme_id: int) -> set[str]:
    """The kinds of staff role the person holds in the programme."""
    return {role.kind for role in held_roles(user) if role.programme.pk == programme_id}


def adviser_municipality_ids(user: Any, programme_id: int) -> set[int]:
    """The municipalities whose cases this adviser may see and act on."""
    return {
        pk
        for role in held_roles(user)
        if role.programme.pk == programme_id and role.kind == "adviser"
        for pk in role.municipality_ids
    }


def is_admin_of(user: Any, programme_id: int) -> bool:
    return _has_role(user, programme_id, "admin")


def is_board_member_of(user: Any, programme_id: int) -> bool:
    return _has_role(user, programme_id, "board")


def is_adviser_of(user: Any, programme_id: int) -> bool:
    return _has_role(user, programme_id, "adviser")


@rules.predicate
def is_programme_admin(user: Any, programme: Any) -> bool:
    return programme is not None and is_admin_of(user, programme.pk)


rules.add_perm("programme.administer", is_programme_admin)
