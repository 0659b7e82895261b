"""Two workers make the same evaluation at the same moment (a duplicate message, a retry while
the first is still at it): one makes it, the other leaves it, and one PDF is stored.

Runs only on PostgreSQL, where the making lock is a session advisory lock held by each
worker's own connection; each thread here has its own connection, as each worker would."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.db import connection

from tests.integration.postgresql import postgresql_only
from tests.journey import build_world, case_in
from workflow import services, tasks
from workflow.models import Evaluation, State

pytestmark = [
    *postgresql_only("the claim race needs PostgreSQL's advisory locks and separate connections"),
    pytest.mark.usefixtures("private_storage"),
]
ROUNDS = 3


def make_together(evaluation_id: int, workers: int = 2) -> list[Any]:
    barrier = threading.Barrier(workers)
    results: list[Any] = [None] * workers

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = services.evaluation_make(evaluation_id=evaluation_id)
        except BaseException as error:  # noqa: BLE001 - reported by the test
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_two_workers_at_once_store_one_pdf(private_storage, monkeypatch):
    # The workers here are the threads: nothing goes to a broker (nor the approval's letter).
    monkeypatch.setattr(tasks.make_evaluation, "delay", lambda *args: None)
    monkeypatch.setattr(tasks.issue_letter, "delay", lambda *args: None)
    world = build_world()
    case_in(world, State.APPROVED)
    year = world.budget_year.year
    for _round in range(ROUNDS):
        evaluation = services.evaluation_request(
            programme=world.programme,
            period_from=dt.date(year, 1, 1),
            period_to=dt.date(year, 12, 31),
            actor=world.admin,
        )
        results = make_together(evaluation.pk)

        assert all(isinstance(result, Evaluation) for result in results), results
        stored = Evaluation.objects.get(pk=evaluation.pk)
        assert (stored.status, stored.progress) == ("ready", 100)
        # The one that made it returns it ready; the other left it to the first (still being made)
        # or, if it came after, found it ready: never a second PDF.
        assert sorted(result.status for result in results)[0] in ("pending", "ready", "running")
        assert {result.pdf.name for result in results if result.status == "ready"} == {stored.pdf.name}
    pdfs = sorted(path.name for path in private_storage.rglob("*.pdf"))
    assert len(pdfs) == ROUNDS
    assert sorted(e.pdf.name.rsplit("/", 1)[1] for e in Evaluation.objects.all()) == pdfs
