"""The demo data (``manage.py load_demo``) for tests that read it.

Loading takes half a minute, so a test module loads it once, in a module-scoped fixture,
inside a transaction of its own that is rolled back after the module's last test; each test
runs in a savepoint inside it (pytest-django's ``db``) and leaves the demo as it found it::

    @pytest.fixture(scope="module")
    def demo_loaded(django_db_setup, django_db_blocker):
        yield from loaded_for_the_module(django_db_blocker)
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from django.core.management import call_command
from django.db import transaction

from programme import clock

OSLO = ZoneInfo("Europe/Oslo")


@contextmanager
def on_day(day: dt.date) -> Iterator[None]:
    """The clock stands at noon in Oslo on ``day`` inside the block."""
    with time_machine.travel(dt.datetime.combine(day, dt.time(12), tzinfo=OSLO), tick=False):
        yield


def load() -> str:
    """``load_demo`` as of the clock's day; what it printed."""
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


@contextmanager
def kept_for_the_module(django_db_blocker: Any) -> Iterator[None]:
    """A transaction around a whole test module (pytest-django's ``django_db_blocker``), rolled
    back after its last test."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


def loaded_for_the_module(django_db_blocker: Any) -> Iterator[str]:
    """The body of a module-scoped fixture: the demo loaded on the tests' day
    (``clock.today()``) for the whole module; yields what ``load_demo`` printed."""
    with kept_for_the_module(django_db_blocker):
        with on_day(clock.today()):
            output = load()
        yield output
