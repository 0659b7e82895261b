"""Issue 17: the embedded default holds.  On SQLite (no DATABASE_URL) with Celery's filesystem
transport (no REDIS_URL), as `make run` runs it, a real worker makes offer letters while pages
save application drafts, and no save fails with "database is locked" (it answered 500 before
WAL, IMMEDIATE transactions and the busy timeout, programme/settings.py).

Whatever database the test run itself uses (PostgreSQL in CI), this test runs a whole second
installation in a temporary VAR_DIR: its own SQLite file, queue folders and letters.  The pages
run in a process of their own (tests/integration/embedded_sqlite.py), since settings are read
once per process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.integration.embedded_sqlite import LETTERS, SAVERS

pytestmark = pytest.mark.integration

# Variables that would point the second installation at the test run's servers or folders.
NOT_INHERITED = ("DATABASE_URL", "REDIS_URL", "PRIVATE_STORAGE_ROOT", "STATIC_ROOT", "DEBUG", "SITE_URL")


def embedded_environment(var_dir: Path) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name not in NOT_INHERITED}
    env.update(DJANGO_SETTINGS_MODULE="programme.settings", VAR_DIR=str(var_dir), PYTHONUNBUFFERED="1")
    return env


def run_pages(phase: str, env: dict[str, str]) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "tests.integration.embedded_sqlite", phase],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture
def embedded(tmp_path: Path):
    """The environment of a fresh embedded installation, migrated, with its programme and drafts."""
    var_dir = tmp_path / "var"
    env = embedded_environment(var_dir)
    prepared = run_pages("prepare", env)
    return env, var_dir, prepared


def start_worker(env: dict[str, str], var_dir: Path) -> tuple[subprocess.Popen, Path]:
    """The worker as bin/run starts it (`make run`): solo pool, with beat."""
    log = var_dir / "worker.log"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "programme",
            "worker",
            "--beat",
            "--pool=solo",
            "--loglevel=info",
            f"--schedule={var_dir / 'celerybeat-schedule'}",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return process, log


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


def test_the_worker_makes_letters_while_pages_save_drafts_on_sqlite_without_an_error(embedded) -> None:
    env, var_dir, prepared = embedded
    # Really the embedded default: a SQLite file of its own, in WAL mode.
    assert prepared["vendor"] == "sqlite"
    assert prepared["journal_mode"] == "wal"
    assert prepared["database"] == str(var_dir / "db.sqlite3")

    worker, log = start_worker(env, var_dir)
    try:
        seen = run_pages("load", env)
        assert worker.poll() is None, log.read_text()
    finally:
        stop(worker)
    worker_log = log.read_text()

    assert seen["errors"] == [], "\n".join(seen["errors"])
    assert seen["statuses"] == {"302": seen["saves"]}  # every save answered "saved", no 500
    assert seen["approved"] == LETTERS
    assert seen["letters"] == LETTERS, worker_log  # the worker made and stored every letter
    assert seen["drafts_saved"] == SAVERS and seen["last_saves_kept"]
    # The saves overlapped the worker's work: far more of them than letters.
    assert seen["saves"] >= 3 * LETTERS, seen
    assert "database is locked" not in worker_log
    assert "OperationalError" not in worker_log
    assert "Task workflow.tasks.issue_letter[" in worker_log and "succeeded" in worker_log
    print(f"{seen['saves']} saves, the slowest {seen['slowest_save_seconds']} s, while {LETTERS} letters were made")
