"""What every page's header shows of the person's notifications: how many are unread."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.http import HttpRequest

from workflow.selectors.notifications import unread_count


@dataclass
class UnreadNotifications:
    """How many of the person's notifications are unread, for the "Notifications" menu item.

    Counted lazily (one query, only when a page shows it)."""

    user: Any

    @cached_property
    def count(self) -> int:
        if self.user is None or not self.user.is_authenticated:
            return 0
        return unread_count(user=self.user)


def notifications(request: HttpRequest) -> dict[str, Any]:
    return {"unread_notifications": UnreadNotifications(getattr(request, "user", None))}
