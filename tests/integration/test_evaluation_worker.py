"""Issue 5: a real Celery worker, on the machine's Redis and PostgreSQL, makes the evaluation an
administrator asked for; the PDF it stored is read back and shows the figures of the JSON it
stored beside it, in Norwegian.

Needs both servers: without them it skips with the reason, and in CI (REQUIRE_SERVICES=1) it
fails instead."""

from __future__ import annotations

import datetime as dt
import io
import re
import time
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from programme.money import format_nok
from tests.conftest import services_required
from tests.integration.faults import postgres_missing, redis_missing, storage_for_workers
from tests.integration.test_celery_worker import worker
from tests.journey import build_world, case_in
from workflow import services
from workflow.models import Evaluation, State
from workflow.services.evaluation import count_text

worker = worker  # the real worker (with beat) of the Celery test, reused
WAIT_SECONDS = 120

MISSING = postgres_missing() or redis_missing()
pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(MISSING is not None and not services_required(), reason=MISSING or ""),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def evaluation_worker(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, settings, tmp_path: Path):
    """The worker and this test store files in the same temporary folder."""
    if MISSING is not None:
        pytest.fail(f"REQUIRE_SERVICES=1 but {MISSING}", pytrace=False)
    storage_for_workers(monkeypatch, settings, tmp_path)
    return request.getfixturevalue("worker")


def words(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " ")).strip()


def nok(amount: float) -> str:
    return words(format_nok(Decimal(str(amount))))


def test_a_real_worker_makes_the_evaluation_and_its_pdf_shows_the_figures_of_its_json(evaluation_worker):
    process, log = evaluation_worker
    world = build_world()
    for state in (State.APPROVED, State.CLOSED, State.DISMISSED):
        case_in(world, state)
    case_in(world, State.ACCEPTED, world.company_b)
    year = world.budget_year.year

    evaluation = services.evaluation_request(
        programme=world.programme, period_from=dt.date(year, 1, 1), period_to=dt.date(year, 12, 31), actor=world.admin
    )  # committed at once (no transaction around it): the message goes to Redis now

    seen_progress = set()
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        evaluation.refresh_from_db()
        seen_progress.add(evaluation.progress)
        if evaluation.status in ("ready", "failed"):
            break
        assert process.poll() is None, log.read_text()
        time.sleep(0.2)
    assert evaluation.status == "ready", f"{evaluation.status} {evaluation.error}\n" + log.read_text()
    assert "workflow.tasks.make_evaluation" in log.read_text()

    figures = evaluation.figures
    y = figures["years"][0]
    assert y["year"] == year and y["approved"] == 3
    with evaluation.pdf.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    text = words(" ".join(page.extract_text() for page in reader.pages))

    assert "Evaluering av Næringsprogrammet" in text
    # The key figures' row: year, projects, target range, jobs expected and reported, target,
    # frame, committed, disbursed, in Norwegian format ("5 000 000 kr", "8", "2,5").
    assert (
        f"{year} {y['approved']} {y['target_projects_min']}–{y['target_projects_max']} "
        f"{count_text(Decimal(str(y['jobs_expected'])))} {count_text(Decimal(str(y['jobs_reported'])))} "
        f"{y['target_jobs']} {nok(y['budget_frame'])} {nok(y['committed'])} {nok(y['disbursed'])}"
    ) in text
    assert nok(y["budget_frame"]) == "5 000 000 kr" and nok(y["committed"]) == nok(3 * 400000)
    assert float(y["disbursed"]) > 0  # the closed case was paid
    totals = figures["totals"]
    assert f"{nok(totals['committed'])}" in text and f"{nok(totals['disbursed'])}" in text
    for project in figures["projects"]:
        assert project["reference"] in text
    assert Evaluation.objects.filter(programme=world.programme).count() == 1
