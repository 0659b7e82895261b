"""What every page's menu needs to know about the person: the staff roles held, by kind, and
how many notifications are unread."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
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

    Counted lazily (one query, only when a page shows it)."""

    user: Any

    @cached_property
    def count(self) -> int:
        if self.user is None or not self.user.is_authenticated:
            return 0
        with connection.cursor() as cursor:
            cursor.execute(_unread_count_sql(), [self.user.pk])
            return cursor.fetchone()[0]


@cache
def _unread_count_sql() -> str:
    """The count as one fixed statement rather than through the ORM: every page's menu asks
    for it, and building and compiling the ORM's count took three times as long as the
    database took to answer it (bench/RESULTS.md, run 7).  The table and its columns are
    named from the model, reached through the ``notifications`` reverse relation so that this
    module need not import ``workflow``; a test keeps it equal to the ORM's count."""
    notification = get_user_model()._meta.get_field("notifications").related_model._meta
    quote = connection.ops.quote_name
    recipient = quote(notification.get_field("recipient").column)
    read_at = quote(notification.get_field("read_at").column)
    return f"SELECT COUNT(*) FROM {quote(notification.db_table)} WHERE {recipient} = %s AND {read_at} IS NULL"  # noqa: S608 (names from the model, the value a parameter)


def staff_roles(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {"staff_menu": StaffMenu(request), "unread_notifications": UnreadNotifications(user)}
