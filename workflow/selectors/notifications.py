"""Reads for the notifications page: a person's own notifications, newest first."""

from __future__ import annotations

from django.db.models import QuerySet

from programme.models import User
from workflow.models import Notification


def notifications_of(*, user: User) -> QuerySet[Notification]:
    """Every notification to ``user`` (never another's), newest first, with the case's reference."""
    return Notification.objects.filter(recipient=user).select_related("case").order_by("-created_at", "-pk")


def unread_count(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at=None).count()
