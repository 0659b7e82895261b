"""What every page's menu needs to know about the person: the staff roles held, by kind, and
how many notifications are unread."""

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
        for role in held_roles(self.request):
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


@dataclass
class UnreadNotifications:
    """How many of the person's notifications are unread, for the "Notifications" menu item.

    Counted lazily (one query, only when a page shows it) through the ``notifications``
    reverse relation, so that this module need not import ``workflow``."""

    user: Any

    @cached_property
    def count(self) -> int:
        if self.user is None or not self.user.is_authenticated:
            return 0
        return self.user.notifications.filter(read_at=None).count()


def staff_roles(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {"staff_menu": StaffMenu(request), "unread_notifications": UnreadNotifications(user)}
