"""The evaluation's PDF (SPEC §9, §7): Norwegian, A4, page numbers and the programme's name,
and the figures of the JSON, read back from the PDF's text."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from decimal import Decimal

import pytest
import time_machine
from django.utils import translation
from pypdf import PdfReader

from programme import clock
from programme.money import format_nok
from tests.journey import case_in
from workflow.models import State
from workflow.selectors.evaluation import evaluation_figures, evaluation_json
from workflow.services.evaluation import evaluation_render


@pytest.fixture(autouse=True)
def _in_the_spring():
    """The cases' deadlines (a lapse 21 days after the offer) stay inside the year of the period,
    whatever day of the year the suite runs on: in December a lapse fell into the next year.
    Mid-April of the test date's year (TEST_TODAY), so the year still moves with it."""
    with time_machine.travel(clock.now().replace(month=4, day=15), tick=True):
        yield


def words(text: str) -> str:
    """Every run of white space (non-breaking ones too, however the PDF spells them) as one space."""
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " ")).strip()


def pdf_text(data: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), words(" ".join(page.extract_text() for page in reader.pages))


def nok(amount: float) -> str:
    return words(format_nok(Decimal(str(amount))))


def test_the_pdf_shows_the_figures_of_the_json_in_norwegian(world):
    cases = {state: case_in(world, state) for state in (State.APPROVED, State.DISMISSED, State.LAPSED)}
    cases[State.CLOSED] = case_in(world, State.CLOSED, world.company_b)
    year = clock.today().year
    figures = evaluation_figures(
        programme=world.programme, period_from=dt.date(year, 1, 1), period_to=dt.date(year, 12, 31)
    )
    data = json.loads(evaluation_json(figures))
    y = data["years"][0]

    with translation.override("en"):  # whoever asks, the PDF is in Norwegian
        pages, text = pdf_text(evaluation_render(figures=figures))

    assert data["programme"]["name"] in text
    assert f"Side 1 av {pages}" in text
    assert "Evaluering av Næringsprogrammet" in text
    # The key figures' row of the year: projects, target range, jobs, target, frame, committed, disbursed.
    assert (
        f"{year} {y['approved']} {y['target_projects_min']}–{y['target_projects_max']} "
        f"{y['jobs_expected']} {y['jobs_reported']} {y['target_jobs']} "
        f"{nok(y['budget_frame'])} {nok(y['committed'])} {nok(y['disbursed'])}"
    ) in text
    assert (y["approved"], y["jobs_expected"], y["jobs_reported"]) == (3, 8, 3)
    assert nok(y["budget_frame"]) == "5 000 000 kr"
    assert nok(y["committed"]) == "800 000 kr"  # approved and closed; the lapsed grant was released
    # The flow of cases: received, dismissed, rejected, approved, withdrawn, lapsed, rate, median.
    assert f"{year} 4 1 0 3 0 1 75,0 % 0" in text
    # Disbursement status: frame, committed, paid, held back, released, available.
    assert (
        f"{nok(y['budget_frame'])} {nok(y['committed'])} {nok(y['disbursed'])} {nok(y['held_back'])} "
        f"{nok(y['released'])} {nok(y['available'])}"
    ) in text
    # Every supported project with its company, money, state and jobs.
    for project in data["projects"]:
        assert project["reference"] in text
        assert words(project["title"]) in text
    closed = next(p for p in data["projects"] if p["reference"] == cases[State.CLOSED].reference)
    assert f"{nok(closed['granted'])} {nok(closed['paid'])} Avsluttet 4 3" in text
    assert world.company_b.name in text
    lapsed = cases[State.LAPSED].reference
    assert re.search(rf"{lapsed} .*? Tilsagnet har falt bort 4\* 0", text)
    assert "Alle prosjekter som fikk tilsagn i perioden" in text


def test_an_evaluation_of_a_period_without_budget_years_still_renders(world):
    figures = evaluation_figures(
        programme=world.other_programme, period_from=dt.date(2017, 1, 1), period_to=dt.date(2018, 12, 31)
    )
    pages, text = pdf_text(evaluation_render(figures=figures))
    assert "Programmet har ikke noe budsjettår i perioden." in text
    assert "Ingen prosjekter fikk tilsagn i perioden." in text
    assert f"Side {pages} av {pages}" in text
