"""Who sees the staff case page and who may act on it (issue 4, SPEC §1 and §4): the case's
staff see it; an adviser of another municipality, the applicant and the staff of another
programme get a 404 on the page and on every action; a stranger is asked to log in; the page
offers each person exactly the actions the rules allow; and nobody acts on a case where he or
she declared a conflict of interest."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.journey import World, case_in
from tests.workflow.staff.test_adviser_actions import ACTIONS, CHECKS, trace
from workflow import services
from workflow.models import Case, State

# A valid form for each action, so that only the rules can refuse it.
VALID = {
    "case_take": {},
    "screening_save": {f"screening-{name}": "on" for name in CHECKS},
    "case_return": {"return-message": "Legg ved budsjett."},
    "case_dismiss": {"dismiss-reasons": "Utenfor formålet."},
    "recommendation_record": {
        "recommendation-outcome": "approve",
        "recommendation-amount": "300000",
        "recommendation-assessment": "Godt prosjekt.",
    },
    "case_reopen": {"reopen-comment": "Nye opplysninger."},
    "conflict_declare": {"conflict-reason": "Nær venn av daglig leder."},
    "case_note_add": {"note-text": "Intern merknad."},
}
# The state in which each action is open to the case's adviser.
OPEN_IN = {
    "case_take": State.SUBMITTED,
    "case_reopen": State.RECOMMENDED,
}
STRANGERS = ["adviser_b", "applicant_a", "applicant_b", "other_admin", "other_board_member"]


@pytest.fixture(autouse=True)
def english(client: Client, settings) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def url(name: str, case: Case) -> str:
    return reverse(f"staff:{name}", args=[case.reference])


def open_case(world: World, action: str) -> Case:
    return case_in(world, OPEN_IN.get(action, State.SCREENING))


def test_the_case_page_is_shown_to_the_case_staff(world, client):
    case = case_in(world, State.SCREENING)

    for who in (world.adviser_a, world.board_member, world.board_member_2, world.admin):
        client.force_login(who)
        response = client.get(url("case_detail", case))
        assert response.status_code == 200, who
        assert case.reference in response.content.decode()


@pytest.mark.parametrize("who", STRANGERS)
def test_the_case_page_does_not_exist_for_anyone_else(world, client, who):
    case = case_in(world, State.SCREENING)
    client.force_login(getattr(world, who))

    assert client.get(url("case_detail", case)).status_code == 404


def test_an_adviser_never_sees_another_municipalitys_case_even_when_another_adviser_of_it_exists(world, client):
    own = case_in(world, State.SCREENING, world.company_b)
    client.force_login(world.adviser_a)

    assert client.get(url("case_detail", own)).status_code == 404
    client.force_login(world.adviser_b)
    assert client.get(url("case_detail", own)).status_code == 200


def test_an_unknown_reference_is_a_404(world, client):
    client.force_login(world.admin)

    assert client.get(reverse("staff:case_detail", args=["NUP-1999-999"])).status_code == 404
    assert client.get("/saksbehandling/sak/NUP-2026-001%00/").status_code == 404


@pytest.mark.parametrize("action", sorted(ACTIONS))
@pytest.mark.parametrize("who", STRANGERS)
def test_every_action_is_a_404_for_anyone_but_the_case_staff(world, client, action, who):
    case = open_case(world, action)
    client.force_login(getattr(world, who))
    before = trace(case)

    response = client.post(url(action, case), VALID[action])

    assert response.status_code == 404
    assert trace(case) == before


@pytest.mark.parametrize("action", ["case_detail", *sorted(ACTIONS)])
def test_a_stranger_is_asked_to_log_in(world, client, action):
    case = open_case(world, action)
    before = trace(case)

    response = (
        client.post(url(action, case), VALID.get(action, {})) if action in ACTIONS else client.get(url(action, case))
    )

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert trace(case) == before


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_the_valid_forms_are_accepted_from_the_cases_adviser(world, client, action):
    """The forms the refusals below use are good ones: the adviser without a conflict may send them."""
    case = open_case(world, action)
    client.force_login(world.adviser_a)
    before = trace(case)

    response = client.post(url(action, case), VALID[action])

    assert response.status_code == 302, response.content.decode()[:3000]
    assert trace(case) != before


# --- only the actions the rules allow, to the people they allow -------------------------------

FORM_ACTIONS = [
    "case_take",
    "screening_save",
    "case_return",
    "case_dismiss",
    "recommendation_record",
    "case_reopen",
    "conflict_declare",
    "case_note_add",
]


def offered(page: str, case: Case) -> set[str]:
    return {name for name in FORM_ACTIONS if f'action="{url(name, case)}"' in page}


@pytest.mark.parametrize(
    ("state", "who", "expected"),
    [
        (State.SUBMITTED, "adviser_a", {"case_take", "conflict_declare", "case_note_add"}),
        (
            State.SCREENING,
            "adviser_a",
            {
                "screening_save",
                "case_return",
                "case_dismiss",
                "recommendation_record",
                "conflict_declare",
                "case_note_add",
            },
        ),
        (State.RECOMMENDED, "adviser_a", {"case_reopen", "conflict_declare", "case_note_add"}),
        (State.RETURNED, "adviser_a", {"conflict_declare", "case_note_add"}),
        (State.ACCEPTED, "adviser_a", {"conflict_declare", "case_note_add"}),
        (State.SUBMITTED, "board_member", {"conflict_declare", "case_note_add"}),
        (State.SCREENING, "admin", {"conflict_declare", "case_note_add"}),
        (State.RECOMMENDED, "board_member", {"conflict_declare", "case_note_add"}),
    ],
)
def test_the_page_offers_exactly_the_actions_the_rules_allow(world, client, state, who, expected):
    case = case_in(world, state)

    client.force_login(getattr(world, who))
    page = client.get(url("case_detail", case)).content.decode()

    assert offered(page, case) == expected


@pytest.mark.parametrize("who", ["board_member", "admin"])
def test_board_members_and_administrators_do_not_do_the_advisers_work(world, client, who):
    case = world.submitted_case()
    client.force_login(getattr(world, who))
    before = trace(case)

    response = client.post(url("case_take", case))

    assert response.status_code == 409
    assert (
        "Only an adviser for the company&#x27;s municipality may take the case for screening."
        in response.content.decode()
    )
    assert trace(case) == before


# --- nobody acts on a case where he or she declared a conflict -----------------------------------


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_an_adviser_who_declared_a_conflict_is_refused_every_action(world, client, action):
    case = open_case(world, action)
    services.conflict_declare(case=case, actor=world.adviser_a, reason="Min svoger eier bedriften.")
    client.force_login(world.adviser_a)
    before = trace(case)

    response = client.post(url(action, case), VALID[action])

    assert response.status_code == 409
    page = response.content.decode()
    if action == "conflict_declare":
        assert "You have already declared a conflict of interest in this case." in page
    else:
        assert f"You have declared a conflict of interest in {case.reference} and can no longer act on it." in page
    assert trace(case) == before


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_a_conflicted_adviser_is_told_about_the_conflict_even_for_an_incomplete_form(world, client, action):
    case = open_case(world, action)
    services.conflict_declare(case=case, actor=world.adviser_a, reason="Min svoger eier bedriften.")
    client.force_login(world.adviser_a)
    before = trace(case)

    response = client.post(url(action, case), {})

    assert response.status_code == 409
    assert "You have declared a conflict of interest in" in response.content.decode()
    assert trace(case) == before


@pytest.mark.parametrize("who", ["board_member", "admin"])
def test_board_members_and_administrators_who_declared_a_conflict_cannot_write_notes(world, client, who):
    case = case_in(world, State.RECOMMENDED)
    person = getattr(world, who)
    services.conflict_declare(case=case, actor=person, reason="Jeg sitter i bedriftens styre.")
    client.force_login(person)
    before = trace(case)

    response = client.post(url("case_note_add", case), VALID["case_note_add"])

    assert response.status_code == 409
    assert f"You have declared a conflict of interest in {case.reference}" in response.content.decode()
    assert trace(case) == before


def test_a_conflicted_person_still_reads_the_case_but_is_offered_no_action(world, client):
    case = case_in(world, State.SCREENING)
    services.conflict_declare(case=case, actor=world.adviser_a, reason="Min svoger eier bedriften.")
    client.force_login(world.adviser_a)

    response = client.get(url("case_detail", case))

    page = response.content.decode()
    assert response.status_code == 200
    assert "You declared a conflict of interest in this case on" in page
    for action in ACTIONS:
        assert f'action="{url(action, case)}"' not in page, action
    # The timeline says it in the reader's language (English here), whatever was active when it
    # was declared.
    assert f"{world.adviser_a} declared a conflict of interest and will not take part in the case." in page


def test_another_adviser_of_the_municipality_acts_when_one_declared_a_conflict(world, client):
    from tests.factories import UserFactory, staff_role

    case = world.submitted_case()
    services.conflict_declare(case=case, actor=world.adviser_a, reason="Min svoger eier bedriften.")
    colleague = UserFactory()
    staff_role(colleague, world.programme, "adviser", [world.municipality_a])
    client.force_login(colleague)

    response = client.post(url("case_take", case))

    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).state == State.SCREENING
