"""The evaluation of the demo programme shows the seed's first year (SPEC §9, "Aktivitet 4.1"):
frame 5 050 000 kr, 11 projects granted 3 125 000 kr, 42 new jobs reported, about 260 expected."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from programme.models import Programme
from tests.demo import loaded_for_the_module
from tests.workflow.evaluation.test_evaluation_pdf import nok, pdf_text
from workflow import services, tasks
from workflow.models import Evaluation
from workflow.selectors.evaluation import evaluation_figures, evaluation_json

# One xdist worker runs the whole module, so the demo is loaded once (tests/demo.py).
pytestmark = pytest.mark.xdist_group(__name__)


@pytest.fixture(scope="module")
def demo_loaded(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    yield from loaded_for_the_module(django_db_blocker)


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    """What was handed to the broker for ``make_evaluation`` (nothing leaves the test)."""
    messages: list[tuple] = []
    monkeypatch.setattr(tasks.make_evaluation, "delay", lambda *args: messages.append(args))
    return messages


def pdf_of(evaluation: Evaluation) -> str:
    with evaluation.pdf.open("rb") as handle:
        return pdf_text(handle.read())[1]


@pytest.fixture
def demo(demo_loaded: str, db: None) -> Programme:
    """The demo, loaded once for the module (tests/demo.py)."""
    return Programme.objects.get(code="NUP")


def test_the_two_year_evaluation_of_the_demo_shows_the_seeds_2017_figures(demo):
    # The programme's first two years, as the periodic task will ask for them.
    figures = evaluation_figures(programme=demo, period_from=dt.date(2017, 1, 1), period_to=dt.date(2018, 12, 31))
    assert [y["year"] for y in figures["years"]] == [2017, 2018]
    first = figures["years"][0]
    assert first["budget_frame"] == Decimal("5050000")
    assert first["approved"] == 11
    assert first["committed"] == Decimal("3125000")
    assert first["granted"] == Decimal("3125000")
    assert first["jobs_reported"] == Decimal("42")
    assert first["jobs_expected"] == Decimal("260")
    assert (first["target_projects_min"], first["target_projects_max"], first["target_jobs"]) == (15, 20, 45)
    # The rest of the demo's 2017: one dismissal, one withdrawal, 13 applications in all.
    assert (first["applications_received"], first["dismissed"], first["withdrawn"]) == (13, 1, 1)
    assert (first["rejected"], first["lapsed"]) == (0, 0)

    data = json.loads(evaluation_json(figures))["years"][0]
    assert (data["budget_frame"], data["committed"], data["approved"]) == (5050000, 3125000, 11)
    assert (data["jobs_reported"], data["jobs_expected"]) == (42, 260)


def test_the_whole_demo_programme_holds_every_year_and_its_grants(demo):
    figures = evaluation_figures(programme=demo, period_from=dt.date(2017, 1, 1), period_to=dt.date(2019, 12, 31))
    assert [y["year"] for y in figures["years"]] == [2017, 2018, 2019]
    assert figures["years"][0]["approved"] == 11  # the same first year, whatever the period's length
    # 2018: five grants, of which one declined, one lapsed and one cancelled.
    assert figures["years"][1]["approved"] == 5
    assert (figures["years"][1]["withdrawn"], figures["years"][1]["lapsed"]) == (1, 2)
    assert len(figures["projects"]) == figures["totals"]["approved"]


def test_the_demos_two_year_evaluation_is_made_by_itself_with_the_seeds_2017_figures(demo, sent, private_storage):
    """SPEC §9: the demo programme (from 1 January 2017) turned two long ago; the first periodic
    run makes its evaluation of 2017–2018, which shows the seed's first year."""
    (made,) = [e for e in services.evaluation_automatic() if e.programme == demo]
    assert (made.period_from, made.period_to) == (dt.date(2017, 1, 1), dt.date(2018, 12, 31))
    made = services.evaluation_make(evaluation_id=made.pk)
    first = made.figures["years"][0]
    assert (first["year"], first["budget_frame"], first["approved"], first["committed"]) == (2017, 5050000, 11, 3125000)
    assert (first["jobs_reported"], first["jobs_expected"]) == (42, 260)
    text = pdf_of(made)
    assert f"2017 11 15–20 260 42 45 {nok(5050000)} {nok(3125000)}" in text
