"""Asking for the evaluation, making it in the task, storing it (SPEC §9, issue 5): the stored
JSON is the figures of ``evaluation_figures`` and those the test computes from the rows; the
stored PDF shows them; the two-year evaluation comes once by itself; the claim lets only one
making through, and a making left half done by a killed worker is made again.

As in the letter tests, the task is run by calling it, as a worker would, after checking that
asking enqueues it on commit."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from zoneinfo import ZoneInfo

import pytest
from celery.exceptions import Retry
from django.db import IntegrityError, connection, transaction
from django.utils import translation

from programme import clock
from programme.errors import RuleViolation
from tests.journey import World, case_in
from tests.workflow.evaluation.test_evaluation_figures import FROM, TO, expected_figures, expected_money, pick, story
from tests.workflow.evaluation.test_evaluation_pdf import nok, pdf_text
from workflow import services, tasks
from workflow.models import Evaluation, State
from workflow.selectors.evaluation import evaluation_figures, evaluation_json, evaluation_jsonable
from workflow.services import evaluation as evaluation_service
from workflow.services.evaluation_lock import making_lock

pytestmark = pytest.mark.usefixtures("private_storage")
story = story  # the two-year story of the figures' tests, reused (a fixture)

OSLO = ZoneInfo("Europe/Oslo")
MADE_AT = dt.datetime(2025, 3, 1, 9, 0, tzinfo=OSLO)


@pytest.fixture
def sent(monkeypatch) -> list[tuple]:
    """What was handed to the broker for ``make_evaluation`` (nothing leaves the test)."""
    messages: list[tuple] = []
    monkeypatch.setattr(tasks.make_evaluation, "delay", lambda *args: messages.append(args))
    return messages


def pdf_of(evaluation: Evaluation) -> str:
    with evaluation.pdf.open("rb") as handle:
        return pdf_text(handle.read())[1]


def test_asking_enqueues_the_task_on_commit_and_the_task_stores_the_pdf_and_the_json(
    story: World, sent, django_capture_on_commit_callbacks
):
    with clock.travel_to(MADE_AT), django_capture_on_commit_callbacks(execute=True) as callbacks:
        evaluation = services.evaluation_request(
            programme=story.programme, period_from=FROM, period_to=TO, actor=story.admin
        )
    assert len(callbacks) == 1 and sent == [(evaluation.pk,)]
    assert (evaluation.status, evaluation.progress, evaluation.requested_by) == ("pending", 0, story.admin)

    with clock.travel_to(MADE_AT):
        assert tasks.make_evaluation(evaluation.pk) == evaluation.pk
        figures = evaluation_figures(programme=story.programme, period_from=FROM, period_to=TO)

    evaluation.refresh_from_db()
    assert (evaluation.status, evaluation.progress, evaluation.error) == ("ready", 100, "")
    assert evaluation.finished_at == MADE_AT
    # The stored JSON is the selector's figures, and the figures the test counts from the rows.
    assert evaluation.figures == evaluation_jsonable(figures) == json.loads(evaluation_json(figures))
    for row in evaluation.figures["years"]:
        flow = {
            key: float(value) if value is not None else None
            for key, value in expected_figures(story, row["year"]).items()
        }
        money = {key: float(value) for key, value in expected_money(story, row["year"]).items()}
        assert pick(row, flow) == flow and pick(row, money) == money, row["year"]
    assert evaluation.figures["years"][0]["approved"] == 6 and evaluation.figures["years"][1]["approved"] == 5

    # The PDF is stored under a random name and shows the JSON's figures in Norwegian.
    assert evaluation.pdf.name.startswith(f"evaluations/{story.programme.pk}/")
    assert "evaluering" not in evaluation.pdf.name
    text = pdf_of(evaluation)
    for year in evaluation.figures["years"]:
        assert (
            f"{year['year']} {year['approved']} {year['target_projects_min']}–{year['target_projects_max']}"
        ) in text
        assert f"{nok(year['budget_frame'])} {nok(year['committed'])} {nok(year['disbursed'])}" in text


def test_running_the_task_again_keeps_the_one_pdf_it_made(world: World, sent, private_storage):
    evaluation = services.evaluation_request(
        programme=world.programme, period_from=dt.date(2017, 1, 1), period_to=dt.date(2018, 12, 31), actor=world.admin
    )
    first = services.evaluation_make(evaluation_id=evaluation.pk)
    second = services.evaluation_make(evaluation_id=evaluation.pk)
    assert tasks.make_evaluation(evaluation.pk) == evaluation.pk
    assert first.status == second.status == "ready"
    assert Evaluation.objects.get(pk=evaluation.pk).pdf.name == first.pdf.name == second.pdf.name
    assert [path.name for path in private_storage.rglob("*.pdf")] == [first.pdf.name.rsplit("/", 1)[1]]


def test_a_making_left_running_by_a_killed_worker_is_made_again(world: World, sent):
    evaluation = services.evaluation_request(
        programme=world.programme, period_from=dt.date(2017, 1, 1), period_to=dt.date(2018, 12, 31), actor=world.admin
    )
    # A worker claimed it, got to 60 % and was killed: the row says running, nobody holds its lock.
    Evaluation.objects.filter(pk=evaluation.pk).update(status="running", progress=60)

    made = services.evaluation_make(evaluation_id=evaluation.pk)

    assert (made.status, made.progress) == ("ready", 100)
    assert made.pdf and made.figures["programme"]["code"] == world.programme.code


@contextmanager
def held_by_another_worker(evaluation_id: int) -> Iterator[None]:
    """Another worker holds the evaluation's making lock inside the block: a thread of its own,
    with its own database connection (on PostgreSQL the lock belongs to the connection)."""
    holding, done = threading.Event(), threading.Event()

    def hold() -> None:
        try:
            with making_lock(evaluation_id) as mine:
                assert mine
                holding.set()
                done.wait(timeout=60)
        finally:
            connection.close()

    thread = threading.Thread(target=hold)
    thread.start()
    assert holding.wait(timeout=30)
    try:
        yield
    finally:
        done.set()
        thread.join(timeout=30)


def test_a_making_another_worker_is_at_is_left_to_it_and_the_task_looks_again(world: World, sent):
    evaluation = services.evaluation_request(
        programme=world.programme, period_from=dt.date(2017, 1, 1), period_to=dt.date(2018, 12, 31), actor=world.admin
    )
    with held_by_another_worker(evaluation.pk):
        with making_lock(evaluation.pk) as mine:
            assert not mine
        left = services.evaluation_make(evaluation_id=evaluation.pk)
        assert (left.status, left.pdf.name or "") == ("pending", "")
        with pytest.raises(Retry):
            tasks.make_evaluation.apply(args=[evaluation.pk], throw=True)
    # That worker died (or finished): the next look makes it.
    assert services.evaluation_make(evaluation_id=evaluation.pk).status == "ready"


def test_an_error_while_making_marks_it_failed_with_the_error_and_is_not_retried(world: World, sent, monkeypatch):
    evaluation = services.evaluation_request(
        programme=world.programme, period_from=dt.date(2017, 1, 1), period_to=dt.date(2018, 12, 31), actor=world.admin
    )

    def broken(*, figures):
        raise OSError("disk full")

    monkeypatch.setattr(evaluation_service, "evaluation_render", broken)
    assert tasks.make_evaluation(evaluation.pk) == evaluation.pk  # returns: no retry loop
    evaluation.refresh_from_db()
    assert (evaluation.status, evaluation.error) == ("failed", "OSError: disk full")
    assert not evaluation.pdf and evaluation.finished_at is not None
    monkeypatch.undo()
    assert services.evaluation_make(evaluation_id=evaluation.pk).status == "failed"  # a rerun leaves it


def test_a_task_for_an_evaluation_that_is_gone_does_nothing(db):
    assert tasks.make_evaluation(987654) is None


# --- who may ask, and for which period ------------------------------------------------------


@pytest.mark.parametrize("who", ["other_admin", "board_member", "adviser_a", "applicant_a", "system"])
def test_only_the_programmes_administrators_ask_for_its_evaluation(world: World, sent, who):
    with pytest.raises(RuleViolation) as refused:
        services.evaluation_request(
            programme=world.programme,
            period_from=dt.date(2017, 1, 1),
            period_to=dt.date(2018, 12, 31),
            actor=world.people()[who],
        )
    assert refused.value.code == "not_allowed"
    assert not Evaluation.objects.exists() and sent == []


@pytest.mark.parametrize(
    ("start", "end", "code", "message"),
    [
        (
            dt.date(2018, 12, 31),
            dt.date(2017, 1, 1),
            "period",
            "Perioden må slutte samme dag som den begynner eller senere.",
        ),
        (dt.date(2016, 12, 31), dt.date(2018, 12, 31), "period_from", "Perioden kan ikke begynne før 1. januar 2017"),
        (dt.date(2017, 1, 1), dt.date(2037, 1, 1), "period", "Perioden kan dekke høyst 20 kalenderår."),
        (dt.date(2017, 1, 1), dt.date(9999, 12, 31), "period", "Perioden kan dekke høyst 20 kalenderår."),
    ],
)
def test_a_period_that_cannot_be_evaluated_is_refused_in_norwegian(world: World, sent, start, end, code, message):
    with translation.override("nb"), pytest.raises(RuleViolation) as refused:
        services.evaluation_request(programme=world.programme, period_from=start, period_to=end, actor=world.admin)
    assert refused.value.code == code
    assert message in str(refused.value)
    assert not Evaluation.objects.exists() and sent == []


def test_a_second_click_while_it_is_being_made_gives_the_same_evaluation(world: World, sent):
    first = services.evaluation_request(
        programme=world.programme, period_from=dt.date(2017, 1, 1), period_to=dt.date(2018, 12, 31), actor=world.admin
    )
    second = services.evaluation_request(
        programme=world.programme, period_from=dt.date(2017, 1, 1), period_to=dt.date(2018, 12, 31), actor=world.admin
    )
    assert first == second and Evaluation.objects.count() == 1


def test_a_period_of_exactly_twenty_years_and_of_one_day_are_allowed(world: World, sent):
    for start, end in [(dt.date(2017, 1, 1), dt.date(2036, 12, 31)), (dt.date(2017, 1, 1), dt.date(2017, 1, 1))]:
        services.evaluation_request(programme=world.programme, period_from=start, period_to=end, actor=world.admin)
    assert Evaluation.objects.count() == 2


# --- the two-year evaluation, by itself -------------------------------------------------------


def test_the_two_year_evaluation_appears_once_on_the_day_the_programme_turns_two(world: World, sent):
    assert services.evaluation_automatic(today=dt.date(2018, 12, 31)) == []  # the day before
    assert not Evaluation.objects.exists()

    made = services.evaluation_automatic(today=dt.date(2019, 1, 1))  # two years after 1 January 2017

    # Both programmes of the world started on 1 January 2017.
    assert {e.programme for e in made} == {world.programme, world.other_programme}
    mine = Evaluation.objects.get(programme=world.programme)
    assert (mine.period_from, mine.period_to) == (dt.date(2017, 1, 1), dt.date(2018, 12, 31))
    assert (mine.automatic, mine.requested_by, mine.status) == (True, None, "pending")

    assert services.evaluation_automatic(today=dt.date(2019, 1, 1)) == []  # the rerun
    assert services.evaluation_automatic(today=dt.date(2025, 6, 1)) == []  # and any day after
    assert Evaluation.objects.filter(programme=world.programme).count() == 1
    # An administrator asking for the same period while it is being made gets that one; once
    # it is made, asking again makes another, the administrator's own.
    again = services.evaluation_request(
        programme=world.programme, period_from=mine.period_from, period_to=mine.period_to, actor=world.admin
    )
    assert again == mine
    services.evaluation_make(evaluation_id=mine.pk)
    own = services.evaluation_request(
        programme=world.programme, period_from=mine.period_from, period_to=mine.period_to, actor=world.admin
    )
    assert own != mine and (own.automatic, own.requested_by) == (False, world.admin)
    assert Evaluation.objects.filter(programme=world.programme, automatic=True).count() == 1


def test_a_programme_that_turned_two_while_nothing_ran_gets_it_at_the_next_run(world: World, sent):
    world.programme.evaluation_after_months = 18
    world.programme.save()
    made = services.evaluation_automatic(today=dt.date(2030, 5, 5))
    mine = next(e for e in made if e.programme == world.programme)
    assert (mine.period_from, mine.period_to) == (dt.date(2017, 1, 1), dt.date(2018, 6, 30))


def test_a_programme_with_no_evaluation_period_gets_none(world: World, sent):
    world.programme.evaluation_after_months = 0
    world.programme.save()
    made = services.evaluation_automatic(today=dt.date(2030, 1, 1))
    assert [e.programme for e in made] == [world.other_programme]


def test_the_database_allows_one_automatic_evaluation_per_programme(world: World):
    Evaluation.objects.create(
        programme=world.programme, period_from=dt.date(2017, 1, 1), period_to=dt.date(2018, 12, 31), automatic=True
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Evaluation.objects.create(
            programme=world.programme, period_from=dt.date(2017, 1, 1), period_to=dt.date(2018, 12, 31), automatic=True
        )


def test_the_periodic_task_makes_the_two_year_evaluation_and_asks_again_for_a_lost_one(
    world: World, sent, django_capture_on_commit_callbacks
):
    lost = Evaluation.objects.create(
        programme=world.programme,
        period_from=dt.date(2017, 1, 1),
        period_to=dt.date(2017, 12, 31),
        created_at=clock.now() - dt.timedelta(hours=2),
    )
    with django_capture_on_commit_callbacks(execute=True):
        asked = tasks.make_automatic_evaluations()
    automatic = list(Evaluation.objects.filter(automatic=True).order_by("pk").values_list("pk", flat=True))
    assert len(automatic) == 2  # both programmes are long past two
    assert sorted(asked) == sorted([*automatic, lost.pk])
    assert sorted(sent) == sorted([(pk,) for pk in asked])

    sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.make_automatic_evaluations() == [lost.pk]  # still waiting: asked for again
    for pk in [lost.pk, *automatic]:
        tasks.make_evaluation(pk)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.make_automatic_evaluations() == []


def test_an_evaluation_waiting_for_more_than_a_day_is_marked_failed(world: World, sent):
    old = Evaluation.objects.create(
        programme=world.programme,
        period_from=dt.date(2017, 1, 1),
        period_to=dt.date(2017, 12, 31),
        created_at=clock.now() - dt.timedelta(days=2),
    )
    assert services.evaluations_resume() == []
    old.refresh_from_db()
    assert old.status == "failed" and "Be om den på nytt" in old.error


def test_the_evaluation_of_the_cases_in_a_state_shows_in_the_stored_json(world: World, sent):
    case_in(world, State.APPROVED)
    year = clock.today().year
    evaluation = services.evaluation_request(
        programme=world.programme, period_from=dt.date(year, 1, 1), period_to=dt.date(year, 12, 31), actor=world.admin
    )
    made = services.evaluation_make(evaluation_id=evaluation.pk)
    assert made.figures["totals"]["approved"] == 1
    assert made.figures["years"][0]["year"] == year
