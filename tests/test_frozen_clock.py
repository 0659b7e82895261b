"""No test reads the real clock (tests/frozen_clock.py): every test runs at noon in Oslo on
TEST_TODAY, the processes a test starts run on the same clock, and no test module asks the
machine for the time.

The last is read from the source: a test that calls ``date.today()`` would get the frozen date
at run time too, but in the machine's time zone rather than Oslo's, and only as long as the
fixture holds; the house rule is to build dates from ``programme.clock``, so it is checked
where it is written."""

from __future__ import annotations

import ast
import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine

from programme import clock
from tests import frozen_clock

TESTS = Path(__file__).resolve().parent

# Calls that read the real clock, by their full name; the second value: only without arguments
# (``timezone.localdate(moment)`` converts a moment, ``timezone.localdate()`` reads the clock).
REAL_CLOCK: dict[str, bool] = {
    "datetime.date.today": False,
    "datetime.datetime.now": False,
    "datetime.datetime.today": False,
    "datetime.datetime.utcnow": False,
    "django.utils.timezone.now": False,
    "django.utils.timezone.localdate": True,
    "django.utils.timezone.localtime": True,
    "time.time": False,
    "time.time_ns": False,
    "time.localtime": True,
    "time.gmtime": True,
    "time.ctime": True,
    "time.strftime": True,  # with one argument: the format, of now
}
# time-machine's way to the real clock while travelling.
ESCAPE_HATCHES = ("time_machine.escape_hatch.time.", "time_machine.escape_hatch.datetime.")
# The only reads of the real clock in the suite, with why.
ALLOWED: dict[tuple[str, str], str] = {
    ("frozen_clock.py", "datetime.datetime.now"): "the session's date when TEST_TODAY is unset",
    ("frozen_clock.py", "time_machine.escape_hatch.time.time"): "how far the tests' clock is from the real one",
    ("frozen_clock.py", "time.time"): "the tests' clock, to compare with the real one",
    ("subprocess_clock/sitecustomize.py", "time.time"): "a started process: the real clock before it travels",
}
# time-machine cannot start while freezegun is active, and the suite's clock is time-machine's.
FORBIDDEN_IMPORTS = {"freezegun": "use time_machine.travel(moment, tick=False) (time-machine, tests/frozen_clock.py)"}


def _full_names(tree: ast.Module) -> dict[str, str]:
    """Local name -> full dotted name, from the module's imports."""
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                names[alias.asname or alias.name.split(".")[0]] = (
                    alias.name if alias.asname else alias.name.split(".")[0]
                )
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return names


def _dotted(node: ast.expr) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def clock_reads(path: Path) -> list[tuple[int, str]]:
    """(line, full name) of every call in ``path`` that reads the real clock, and every import
    of a forbidden clock library."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = _full_names(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            modules = [alias.name for alias in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            found += [(node.lineno, f"import {m}") for m in modules if m.split(".")[0] in FORBIDDEN_IMPORTS]
        if not isinstance(node, ast.Call):
            continue
        dotted = _dotted(node.func)
        if dotted is None:
            continue
        head, _, rest = dotted.partition(".")
        full = names.get(head, head) + (f".{rest}" if rest else "")
        if full.startswith(ESCAPE_HATCHES):
            found.append((node.lineno, full))
        elif full in REAL_CLOCK:
            arguments = len(node.args) + len(node.keywords)
            only_without_arguments = REAL_CLOCK[full]
            if not only_without_arguments or arguments == 0 or (full == "time.strftime" and arguments == 1):
                found.append((node.lineno, full))
    return found


def test_no_test_module_reads_the_real_clock():
    offences = []
    used = set()
    for path in sorted(TESTS.rglob("*.py")):
        relative = path.relative_to(TESTS).as_posix()
        for line, name in clock_reads(path):
            if (relative, name) in ALLOWED:
                used.add((relative, name))
            else:
                advice = FORBIDDEN_IMPORTS.get(
                    name.removeprefix("import ").split(".")[0], "build it from programme.clock"
                )
                offences.append(f"tests/{relative}:{line}: {name}() — {advice}")
    assert not offences, "tests read the real clock:\n" + "\n".join(offences)
    assert used == set(ALLOWED), f"allowed but no longer there (remove them): {set(ALLOWED) - used}"


@pytest.mark.parametrize(
    "source",
    [
        "import datetime as dt\ndt.date.today()",
        "from datetime import datetime\ndatetime.now(tz=None)",
        "import datetime\ndatetime.datetime.utcnow()",
        "from django.utils import timezone\ntimezone.now()",
        "from django.utils import timezone\ntimezone.localdate()",
        "from django.utils.timezone import now as right_now\nright_now()",
        "import time\ntime.time()",
        "from time import time\ntime()",
        "import time\ntime.strftime('%Y')",
        "import time_machine\ntime_machine.escape_hatch.datetime.date.today()",
        "from freezegun import freeze_time",
    ],
)
def test_the_check_finds_a_read_of_the_real_clock(tmp_path: Path, source: str):
    module = tmp_path / "test_example.py"
    module.write_text(source + "\n")
    assert [line for line, _name in clock_reads(module)] == [source.count("\n") + 1]


@pytest.mark.parametrize(
    "source",
    [
        "from programme import clock\nclock.now()\nclock.today()",
        "from django.utils import timezone\nimport datetime as dt\ntimezone.localdate(dt.datetime(2026, 1, 1, 1))",
        "import time\ntime.monotonic()\ntime.sleep(0.1)\ntime.strftime('%Y', (2026, 1, 1, 0, 0, 0, 0, 1, 0))",
        "import datetime as dt\ndt.date(2026, 12, 31)",
    ],
)
def test_the_check_leaves_the_tests_clock_and_fixed_dates_alone(tmp_path: Path, source: str):
    module = tmp_path / "test_example.py"
    module.write_text(source + "\n")
    assert clock_reads(module) == []


def test_every_test_starts_at_noon_in_oslo_on_the_test_date():
    assert time_machine.escape_hatch.is_travelling()
    start = frozen_clock.start_of_test()
    assert start.date() == frozen_clock.session_today() and start.time() == dt.time(12, 0)
    assert clock.today() == frozen_clock.session_today()
    assert dt.timedelta(0) <= clock.now() - start < dt.timedelta(minutes=1)  # ticking from noon


def test_a_process_a_test_starts_runs_on_the_tests_clock():
    """A Celery worker or gunicorn does not share this process's patched clock; started with
    subprocess_env() it runs on the same clock (tests/subprocess_clock/sitecustomize.py)."""
    # It reads the clock only after a pause: its clock runs from the moment it starts.
    script = (
        "import time; time.sleep(2); from django.utils import timezone; "
        "print(time.time(), timezone.localdate(timezone.now()))"
    )
    env = {"DJANGO_SETTINGS_MODULE": "programme.settings", **frozen_clock.subprocess_env()}
    started = clock.now().timestamp()
    shown = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {script}"],
        cwd=TESTS.parent,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.split()
    seconds, day = float(shown[0]), dt.date.fromisoformat(shown[1])
    assert day == frozen_clock.session_today()
    assert started + 2 <= seconds <= clock.now().timestamp() + 0.1  # it read this test's clock
