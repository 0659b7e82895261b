"""What every page's menu needs to know about the person: the staff roles held, by kind.
(How many notifications are unread is workflow's: workflow/context_processors.py.)"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.http import HttpRequest

from programme.held_roles import held_roles


@dataclass
class StaffMenu:
    """The programmes in which the person is adviser, board member or administrator.

    Read lazily, once per request (shared with the worklist), and only by pages that show the
    menu (one query)."""

    request: HttpRequest

    @cached_property
    def _roles(self) -> dict[str, list[Any]]:
        by_kind: dict[str, list[Any]] = {"adviser": [], "board": [], "admin": []}
        for role in held_roles(getattr(self.request, "user", None)):
            by_kind[role.kind].append(role.programme)
        return by_kind

    @property
    def adviser(self) -> list[Any]:
        return self._roles["adviser"]

    @property
    def board(self) -> list[Any]:
        return self._roles["board"]

    @property
    def admin(self) -> list[Any]:
        return self._roles["admin"]

    @property
    def meetings(self) -> list[Any]:
        """Programmes whose board meetings the person may open: board members and administrators."""
        seen = {programme.pk: programme for programme in self.board + self.admin}
        return sorted(seen.values(), key=lambda programme: programme.code)

    @property
    def any(self) -> bool:
        return any(self._roles.values())

    @property
    def case_work(self) -> bool:
        """Advisers and administrators work from the worklist; board members read it."""
        return bool(self.adviser or self.admin or self.board)


def staff_roles(request: HttpRequest) -> dict[str, Any]:
    return {"staff_menu": StaffMenu(request)}
