"""Every transition of SPEC §4: who may fire it and from which states, and that every refusal
says why in words and leaves the case, its timeline and its money exactly as they were.

The table ``TRANSITIONS`` holds one entry per transition; the tests are generated from it:
one success per (transition, source state, allowed actor), one refusal per wrong source
state, per actor without the role and per staff member with a declared conflict.
"""

from __future__ import annotations

import pytest

from programme import clock
from tests.factories import UserFactory, staff_role
from tests.journey import GRANT, PATHS, case_in
from tests.workflow.transition_table import (
    EVERYONE,
    STAFF,
    TRANSITIONS,
    TRANSITIONS_LIST,
    WHO,
    S,
    arrange,
    assert_fired,
    assert_refused,
    fresh,
    person,
    state_label,
)
from workflow import services
from workflow.models import (
    Case,
)


def test_the_people_of_the_tests_are_the_people_of_the_world(world):
    assert set(world.people()) == set(EVERYONE)


# --- the table is SPEC §4 and the model --------------------------------------------------------


def test_the_table_has_every_transition_of_the_case_model_and_no_other():
    model = {(t.name, t.source, t.target) for t in Case().get_all_state_transitions()}
    table = {(t.method, state, t.target) for t in TRANSITIONS_LIST for state in t.source_states}

    assert table == model


# --- success ---------------------------------------------------------------------------------

SUCCESSES = [
    pytest.param(t.name, source, actor, id=f"{t.name}-from_{source}-by_{WHO[actor]}")
    for t in TRANSITIONS_LIST
    for source in t.sources
    for actor in sorted(t.actors)
]


@pytest.mark.parametrize(("name", "source", "actor"), SUCCESSES)
def test_transition_succeeds_for_the_right_role_and_records_who_from_and_to(world, name, source, actor):
    transition = TRANSITIONS[name]
    case = arrange(world, transition, source)

    assert_fired(world, transition, case, actor)


# --- refusal: the wrong state ----------------------------------------------------------------

WRONG_STATES = [
    pytest.param(t.name, str(state), id=f"{t.name}-from_{state}")
    for t in TRANSITIONS_LIST
    for state in PATHS
    if state not in t.source_states
]


@pytest.mark.parametrize(("name", "state"), WRONG_STATES)
def test_transition_is_refused_in_a_state_it_does_not_leave(world, name, state):
    transition = TRANSITIONS[name]
    case = arrange(world, transition, state)
    actor = person(world, sorted(transition.actors)[0])

    assert_refused(
        lambda: transition.act(world, fresh(case), actor), case, code="wrong_state", words=(state_label(state),)
    )


# --- refusal: the wrong person ---------------------------------------------------------------

WRONG_PEOPLE = [
    pytest.param(t.name, source, actor, id=f"{t.name}-for_{WHO[actor]}-in_{source}")
    for t in TRANSITIONS_LIST
    for source in t.sources
    if source in PATHS
    for actor in EVERYONE
    if actor not in t.actors
]


@pytest.mark.parametrize(("name", "source", "actor"), WRONG_PEOPLE)
def test_transition_is_refused_for_anyone_without_the_role(world, name, source, actor):
    transition = TRANSITIONS[name]
    case = arrange(world, transition, source)
    who = person(world, actor)

    assert_refused(
        lambda: transition.act(world, fresh(case), who), case, code="not_allowed", words=(transition.rule_words,)
    )


# --- refusal: a declared conflict of interest ------------------------------------------------

CONFLICTS = [
    pytest.param(t.name, source, actor, id=f"{t.name}-for_{WHO[actor]}-in_{source}")
    for t in TRANSITIONS_LIST
    for source in t.sources
    if source in PATHS
    for actor in sorted(t.actors & STAFF)
]


@pytest.mark.parametrize(("name", "source", "actor"), CONFLICTS)
def test_transition_is_refused_for_staff_who_declared_a_conflict_of_interest(world, name, source, actor):
    transition = TRANSITIONS[name]
    case = arrange(world, transition, source)
    who = person(world, actor)
    services.conflict_declare(case=case, actor=who, reason="Min svoger eier bedriften.")

    assert_refused(
        lambda: transition.act(world, fresh(case), who),
        case,
        code="conflict",
        words=("conflict of interest", case.reference),
    )


def test_another_member_of_the_meeting_decides_when_one_declared_a_conflict(world):
    case = case_in(world, S.ON_AGENDA)
    services.conflict_declare(case=case, actor=world.board_member, reason="Jeg sitter i bedriftens styre.")

    assert_fired(world, TRANSITIONS["approve"], case, "board_member_2")


# --- board decisions belong to the meeting that has the case --------------------------------


@pytest.mark.parametrize("name", ["approve", "reject", "defer"])
def test_board_decision_is_refused_for_a_board_member_of_the_programme_not_at_the_meeting(world, name):
    case = case_in(world, S.ON_AGENDA)
    absent = UserFactory()
    staff_role(absent, world.programme, "board")

    assert_refused(
        lambda: TRANSITIONS[name].act(world, fresh(case), absent),
        case,
        code="not_allowed",
        words=(TRANSITIONS[name].rule_words,),
    )


def test_after_a_deferral_only_the_members_of_the_new_meeting_decide(world):
    case = case_in(world, S.ON_AGENDA)
    services.decision_defer(case=case, actor=world.board_member, comment="Til neste møte.")
    later = services.meeting_create(
        programme=world.programme,
        actor=world.admin,
        date=clock.today(),
        members=[world.board_member_2],
    )
    services.agenda_add(meeting=later, case=fresh(case), actor=world.admin)

    assert_refused(
        lambda: services.decision_approve(
            case=fresh(case), actor=world.board_member, amount=GRANT, legal_basis="de_minimis"
        ),
        case,
        code="not_allowed",
        words=("approve the case",),
    )
    assert_fired(world, TRANSITIONS["approve"], case, "board_member_2")
