"""The system's clock.  Services read the time here, so that demo data and imported
portfolios can be written as of a past date (``travel_to``) with every deadline and ledger
date consistent, without patching the standard library."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime

from django.utils import timezone

_moment: ContextVar[datetime | None] = ContextVar("moment", default=None)


def now() -> datetime:
    return _moment.get() or timezone.now()


def today() -> date:
    return timezone.localdate(now())


@contextmanager
def travel_to(moment: datetime) -> Iterator[None]:
    """Let services act as of ``moment`` (timezone-aware) inside the block."""
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    token = _moment.set(moment)
    try:
        yield
    finally:
        _moment.reset(token)
