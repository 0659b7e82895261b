"""Puts a Python process that a test starts (a Celery worker, gunicorn) on the test's clock.

Python imports ``sitecustomize`` at start-up from the first folder of sys.path that has one;
tests.frozen_clock.subprocess_env() puts this folder first on PYTHONPATH and says how far the
test's clock is from the real one.  The process then travels with time-machine as the test
process does, ticking, so that dates it writes and compares (deadlines, reminders, session
expiry) are the test's.  Without the variable (no test started it) nothing happens."""

import os

_offset = os.environ.get("TEST_CLOCK_OFFSET")
if _offset:
    import time

    import time_machine

    # The real clock, read before the travel starts: the test's clock is this plus the offset.
    time_machine.travel(time.time() + float(_offset), tick=True).start()
    # A ticking travel starts to tick at the first reading, not at its start: read now, or the
    # process's clock would lag the test's by the seconds it takes to start (Django, Celery).
    time.time()
