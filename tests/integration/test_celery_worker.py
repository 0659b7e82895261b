"""A real Celery worker with beat runs tasks: on Redis when REDIS_URL is set (CI), otherwise
on Kombu's filesystem transport, with no server at all."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from programme.tasks import heartbeat
from tests.frozen_clock import subprocess_env

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(tmp_path: Path):
    """Start ``celery worker --beat`` as its own process group and stop it afterwards."""
    # On the test's clock (tests/frozen_clock.py): the worker's dates are the test's.
    env = {**os.environ, **subprocess_env(), "DJANGO_SETTINGS_MODULE": "programme.settings"}
    # The worker must use the database the test uses, not the development one.
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("postgresql"):
        user = database["USER"] + (f":{database['PASSWORD']}" if database.get("PASSWORD") else "")
        host = f"{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}"
        env["DATABASE_URL"] = f"postgres://{user}@{host}/{database['NAME']}"
    else:
        env["DATABASE_URL"] = f"sqlite:///{database['NAME']}"
    log = tmp_path / "worker.log"
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
            f"--schedule={tmp_path / 'beat-schedule'}",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    yield process, log
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


def test_a_real_worker_runs_a_task_against_the_configured_broker_and_database(worker):
    process, log = worker
    result = heartbeat.delay()
    deadline = time.monotonic() + 60
    while not result.ready() and time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        time.sleep(0.5)
    assert result.ready(), "the worker did not answer in 60 s:\n" + log.read_text()
    assert result.get(timeout=5) == {"status": "ok", "database": connection.vendor}
    assert "beat: Starting" in log.read_text()
