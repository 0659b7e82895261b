"""Who holds which staff role: the predicates the other apps' rules build on.

Every rule in the system is a ``rules`` predicate, so views, the API and the FSM
transitions read one source of truth.  ``user`` may be ``None`` for the system itself
(periodic tasks); staff predicates are then false.
"""

from __future__ import annotations

from typing import Any

import rules

from programme.held_roles import request_roles


def _is_person(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def _has_role(user: Any, programme_id: int, kind: str) -> bool:
    # Read fresh for each request (or each call outside one): a role withdrawn a second ago
    # must not still act.
    if not _is_person(user):
        return False
    held = request_roles(user)
    if held is not None:
        return any(role.programme.pk == programme_id and role.kind == kind for role in held)
    return user.staff_roles.filter(programme_id=programme_id, kind=kind).exists()


def roles_in(user: Any, programme_id: int) -> set[str]:
    """The kinds of staff role the person holds in the programme, read fresh, in one query."""
    if not _is_person(user):
        return set()
    held = request_roles(user)
    if held is not None:
        return {role.kind for role in held if role.programme.pk == programme_id}
    return set(user.staff_roles.filter(programme_id=programme_id).values_list("kind", flat=True))


def adviser_municipality_ids(user: Any, programme_id: int) -> set[int]:
    """The municipalities whose cases this adviser may see and act on."""
    if not _is_person(user):
        return set()
    held = request_roles(user)
    if held is not None:
        return {
            pk
            for role in held
            if role.programme.pk == programme_id and role.kind == "adviser"
            for pk in role.municipality_ids
        }
    return set(
        user.staff_roles.filter(programme_id=programme_id, kind="adviser").values_list("municipalities__pk", flat=True)
    ) - {None}


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
