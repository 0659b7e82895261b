"""Issue 7, faults: a Celery worker killed while it makes the evaluation.  Whatever is killed —
the pool process doing the work, or the whole worker — the evaluation is still made, exactly
once: one row, ready, one PDF in the storage folder, and the figures of the programme.

Real processes: ``celery worker`` with a prefork pool on Redis (REDIS_URL) and the test's
PostgreSQL database, killed with SIGKILL.  The work is made long by the data (a portfolio of
several hundred cases: the PDF takes seconds), not by any pause in the code.  Without the
servers the tests skip with the reason; in CI (REQUIRE_SERVICES=1) they fail instead."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings

from programme import clock
from programme.models import Programme
from tests.conftest import services_required
from tests.integration.faults import (
    children,
    kill_group,
    postgres_missing,
    process_env,
    redis_missing,
    start_worker,
    storage_for_workers,
    wait_for,
)
from tests.journey import World, build_world
from tests.workflow.portfolio_import.portfolio import YEARS, csv_bytes, portfolio_rows, prepare, sums
from workflow import services, tasks
from workflow.models import Evaluation
from workflow.services.evaluation import RESUME_AFTER
from workflow.services.evaluation_lock import making_lock

MISSING = postgres_missing() or redis_missing()
pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(MISSING is not None and not services_required(), reason=MISSING or ""),
    pytest.mark.django_db(transaction=True),
]

# Enough granted projects that the PDF takes seconds to render (about 90 projects).
PORTFOLIO_ROWS = 200
# The visibility timeout of the worker started after a whole worker died: its lost message comes
# back this soon (production keeps 2 h, above the task's time limit).
SHORT_VISIBILITY = {"visibility_timeout": 6, "unacked_restore_interval": 1, "unacked_restore_throttle": 1}


@pytest.fixture
def storage(monkeypatch: pytest.MonkeyPatch, settings, tmp_path: Path) -> Path:
    """The workers and this test store files in the same temporary folder."""
    if MISSING is not None:
        pytest.fail(f"REQUIRE_SERVICES=1 but {MISSING}", pytrace=False)
    return storage_for_workers(monkeypatch, settings, tmp_path)


@pytest.fixture
def workers(storage: Path, tmp_path: Path):
    """Start workers on demand; every one still running is stopped afterwards."""
    started: list[subprocess.Popen] = []
    log = tmp_path / "workers.log"
    # Messages left by a run that was stopped half-way are not this test's: an empty queue.
    redis.Redis.from_url(settings.REDIS_URL).flushdb()

    def start(**options) -> subprocess.Popen:
        process = start_worker(log, name=f"faults-{uuid.uuid4().hex[:8]}", env=process_env(), **options)
        started.append(process)
        return process

    start.log = log  # type: ignore[attr-defined]
    yield start
    for process in started:
        kill_group(process)  # the work is done; nothing a warm stop would finish


def portfolio(world: World) -> list[dict[str, str]]:
    prepare(world.programme)
    rows = portfolio_rows(PORTFOLIO_ROWS)
    result = services.portfolio_import(programme=world.programme, actor=world.admin, data=csv_bytes(rows))
    assert result.written, result.errors[:3]
    # No programme makes a two-year evaluation of its own: only the one asked for is made.
    Programme.objects.update(evaluation_after_months=0)
    return rows


def ask(world: World) -> Evaluation:
    """As the evaluation page does: the service, committed at once; the message goes to Redis."""
    return services.evaluation_request(
        programme=world.programme,
        period_from=dt.date(YEARS[0], 1, 1),
        period_to=dt.date(YEARS[-1], 12, 31),
        actor=world.admin,
    )


def status(evaluation: Evaluation) -> tuple[str, int]:
    evaluation.refresh_from_db()
    return evaluation.status, evaluation.progress


def rendering(evaluation: Evaluation, log: Path) -> None:
    """Wait until a worker is inside the work: figures made, the PDF being rendered, not stored."""
    wait_for(lambda: status(evaluation) == ("running", 60), "the worker to render the PDF", log=log)


def lock_free(evaluation: Evaluation) -> bool:
    """Nobody holds the evaluation's making lock (PostgreSQL has ended the dead worker's session)."""
    with making_lock(evaluation.pk) as mine:
        return mine


def assert_made_once(evaluation: Evaluation, rows: list[dict[str, str]], storage: Path, log: Path) -> None:
    wait_for(lambda: status(evaluation)[0] in ("ready", "failed"), "the evaluation to be made", log=log)
    assert status(evaluation) == ("ready", 100), evaluation.error + "\n" + log.read_text()
    assert Evaluation.objects.count() == 1
    pdfs = sorted(path.relative_to(storage) for path in storage.rglob("*") if path.is_file())
    assert pdfs == [Path(evaluation.pdf.name)], "one PDF, the row's"
    with evaluation.pdf.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
    expected = sums(rows)
    for year in evaluation.figures["years"]:
        want = expected[year["year"]]
        assert (year["approved"], year["applications_received"]) == (want.approved, want.received)
        assert year["committed"] == pytest.approx(float(want.committed))
        assert year["disbursed"] == pytest.approx(float(want.disbursed))
    assert evaluation.figures["totals"]["approved"] == sum(want.approved for want in expected.values())


def test_the_pool_process_killed_while_rendering_the_evaluation_it_is_still_made_once(workers, storage):
    worker = workers()  # starts while the data is made
    world = build_world()
    rows = portfolio(world)
    evaluation = ask(world)
    rendering(evaluation, workers.log)

    pool = children(worker.pid)
    assert len(pool) == 1, pool
    os.kill(pool[0], signal.SIGKILL)

    # The parent sees its pool process lost, gives the message back (reject_on_worker_lost) and
    # a new pool process makes the evaluation; the dead one's lock went with its connection.
    assert_made_once(evaluation, rows, storage, workers.log)
    assert worker.poll() is None
    assert "WorkerLostError" in workers.log.read_text()


def test_the_whole_worker_killed_while_rendering_the_evaluation_is_made_once_by_the_next_worker(workers, storage):
    first = workers()
    world = build_world()
    rows = portfolio(world)
    evaluation = ask(world)
    rendering(evaluation, workers.log)

    kill_group(first)  # parent and pool process at once: nobody gives the message back
    assert status(evaluation) == ("running", 60)
    wait_for(lambda: lock_free(evaluation), "the dead worker's lock to go")

    # Redis hands an unacknowledged message to another worker after the visibility timeout.
    workers(transport_options=SHORT_VISIBILITY)
    assert_made_once(evaluation, rows, storage, workers.log)


def test_the_whole_worker_killed_the_hourly_task_asks_again_and_it_is_made_once(workers, storage):
    first = workers()
    world = build_world()
    rows = portfolio(world)
    evaluation = ask(world)
    rendering(evaluation, workers.log)
    kill_group(first)
    wait_for(lambda: lock_free(evaluation), "the dead worker's lock to go")

    # A new worker with production's 2 h visibility timeout never sees the lost message in this
    # test; the hourly ``make_automatic_evaluations`` does, once the row has waited 15 minutes.
    workers()
    Evaluation.objects.filter(pk=evaluation.pk).update(created_at=clock.now() - RESUME_AFTER - dt.timedelta(minutes=1))
    tasks.make_automatic_evaluations.delay()
    assert_made_once(evaluation, rows, storage, workers.log)
