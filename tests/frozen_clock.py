"""The tests' clock: every test runs on a fixed date, TEST_TODAY, at a fixed time of day in Oslo.

Why: the system's rules count days (answer deadlines, lapses, reminders, budget years), and a
test that reads the real clock passes on the day it was written and fails on another (a lapse
21 days on falls into the next year in December; a leap day has no twin a year later).  So the
suite never reads the real clock except once, in ``session_today`` below, and CI runs the
date-sensitive tests on fixed dates around the year's end and a leap day as well
(README, "Tests on a fixed date").

- ``TEST_TODAY=YYYY-MM-DD`` sets the date; without it the tests run on the real date of the
  session's start.
- tests/conftest.py travels there with time-machine for the whole session and again at the
  start of every test, ticking (see ``travel``).
- A Python process a test starts (a Celery worker, gunicorn) does not share the test's patched
  clock: ``subprocess_env()`` puts it on the same clock (tests/subprocess_clock/sitecustomize.py).
"""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import time_machine

OSLO = ZoneInfo("Europe/Oslo")
TEST_TODAY = "TEST_TODAY"
# Every test starts at noon in Oslo: far from midnight, so that the seconds a test takes never
# move the date, and the date is the same in Oslo and in UTC (a machine's local time zone).
TIME_OF_DAY = dt.time(12, 0)
# The seconds the tests' clock is ahead of the real one (behind: negative), for processes that
# a test starts; read by tests/subprocess_clock/sitecustomize.py.
OFFSET_VARIABLE = "TEST_CLOCK_OFFSET"
SUBPROCESS_SITE = Path(__file__).resolve().parent / "subprocess_clock"


def session_today() -> dt.date:
    """The date the tests run on: TEST_TODAY, or else today's date in Oslo, read once.

    The first call reads the real clock (the only place the suite does) and keeps the date in
    TEST_TODAY, so that every later call, the xdist workers (started with this environment)
    and any process a test starts agree, even when the run goes past midnight."""
    value = os.environ.get(TEST_TODAY, "").strip()
    if not value:
        # Called first in tests/conftest.py's pytest_configure, before any travel.
        value = dt.datetime.now(OSLO).date().isoformat()
        os.environ[TEST_TODAY] = value
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{TEST_TODAY}={value!r} is not a date: write it as YYYY-MM-DD, e.g. 2028-02-29") from None


def start_of_test() -> dt.datetime:
    return dt.datetime.combine(session_today(), TIME_OF_DAY, tzinfo=OSLO)


def travel() -> time_machine.travel:
    """To the start of a test, ticking.

    tick=True: the clock runs on from noon as the real one does.  With a standing clock a loop
    that waits on time.time() for a Celery worker, a live server or Playwright would never end
    (time-machine leaves time.monotonic alone, but not every library waits with it), and a
    worker's clock (``subprocess_env``) could not agree with one that stands still.  A test
    that needs the clock to stand still, or to be at another moment, travels inside this one
    (``time_machine.travel(moment, tick=False)``, or ``clock.travel_to`` for the services)."""
    return time_machine.travel(start_of_test(), tick=True)


def subprocess_env() -> dict[str, str]:
    """Environment variables that put a Python process started now on this test's clock: its
    sitecustomize travels as far from the real clock as this process's clock is."""
    offset = time.time() - time_machine.escape_hatch.time.time()
    paths = [str(SUBPROCESS_SITE), *filter(None, [os.environ.get("PYTHONPATH")])]
    return {
        OFFSET_VARIABLE: repr(offset),
        "PYTHONPATH": os.pathsep.join(paths),
        TEST_TODAY: session_today().isoformat(),
    }
