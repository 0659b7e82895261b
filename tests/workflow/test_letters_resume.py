"""A decision's letter is asked for when the decision commits; when that request is lost (a
commit whose answer never reached the web process, a Redis that lost its queue), the hourly
``resume_letters`` task asks again, once, and the letter is made once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from programme import clock
from tests.journey import case_in
from workflow import services, tasks
from workflow.models import Case, CaseFile, State
from workflow.services.letters import letters_resume

# Letters go to a temporary folder, not the machine's private storage.
pytestmark = pytest.mark.usefixtures("private_storage")


@pytest.fixture
def sent(monkeypatch):
    """The letter requests put on the queue (the test runs each one itself)."""
    requests: list[tuple[int, str]] = []
    monkeypatch.setattr(tasks.issue_letter, "delay", lambda *args: requests.append(args))
    return requests


def decided_at(case: Case):
    return case.decisions.order_by("-decided_at", "-pk").first().decided_at


def letters(case: Case) -> list[str]:
    return list(case.files.filter(kind=CaseFile.Kind.LETTER).values_list("original_name", flat=True))


@pytest.mark.parametrize(
    ("state", "kind", "prefix"),
    [
        (State.APPROVED, "offer", "tilsagnsbrev"),
        (State.REJECTED, "refusal", "avslag"),
        (State.DISMISSED, "dismissal", "avvisning"),
    ],
)
def test_a_letter_whose_request_was_lost_is_asked_for_again_and_made_once(world, sent, state, kind, prefix):
    # The test's transaction never commits, so the request made at the decision never left.
    case = case_in(world, state)
    assert letters(case) == []
    moment = decided_at(case)

    assert letters_resume(now=moment + timedelta(minutes=5)) == []  # the worker may still be at it
    assert sent == []

    later = moment + timedelta(minutes=16)
    assert letters_resume(now=later) == [(case.pk, kind)]
    assert sent == [(case.pk, kind)]
    tasks.issue_letter(*sent[0])
    assert letters(case) == [f"{prefix}-{case.reference}.pdf"]

    sent.clear()
    assert letters_resume(now=later) == []
    assert sent == []


def test_a_decision_with_its_letter_is_left_alone(world, sent):
    case = case_in(world, State.APPROVED)
    tasks.issue_letter(case.pk, "offer")

    assert letters_resume(now=decided_at(case) + timedelta(hours=1)) == []
    assert sent == []
    assert len(letters(case)) == 1


def test_a_decision_older_than_thirty_days_gets_no_letter_afterwards(world, sent):
    case = case_in(world, State.REJECTED)

    assert letters_resume(now=decided_at(case) + timedelta(days=31)) == []
    assert sent == []


def test_an_imported_case_gets_no_letter_afterwards(world, sent):
    case = case_in(world, State.APPROVED)
    Case.objects.filter(pk=case.pk).update(imported=True)

    assert letters_resume(now=decided_at(case) + timedelta(hours=1)) == []
    assert sent == []


def test_a_second_refusal_after_an_appeal_is_asked_for_under_its_own_name(world, sent):
    case = case_in(world, State.APPEALED)
    tasks.issue_letter(case.pk, "refusal")
    first = letters(case)
    # The appeal goes back to the board, which refuses again; that letter's request is lost.
    later_meeting = services.meeting_create(
        programme=world.programme,
        actor=world.admin,
        date=world.meeting.date + timedelta(days=7),
        members=list(world.meeting.members.all()),
    )
    services.agenda_add(meeting=later_meeting, case=case, actor=world.admin)
    with clock.travel_to(clock.now() + timedelta(days=7)):  # decided at that meeting, a week on
        services.decision_reject(case=case, actor=world.board_member, reasons="Klagen gir ikke grunn til endring.")
    later = decided_at(case) + timedelta(minutes=20)

    assert letters_resume(now=later) == [(case.pk, "refusal")]
    tasks.issue_letter(case.pk, "refusal")
    assert sorted(letters(case)) == sorted([*first, f"avslag-{case.reference}-2.pdf"])
