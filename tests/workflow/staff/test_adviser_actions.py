"""The adviser's actions on the staff case page (issue 4): take a case, save the screening
checklist, return it for completion, dismiss it, record the assessment and recommendation,
reopen it, declare a conflict of interest and add a note.  Each action changes the case exactly
as its service does; each refusal is shown on the page and changes nothing; no input, however
odd, gives a server error."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from tests.journey import GRANT, World, case_in
from workflow import services
from workflow.models import Case, ConflictDeclaration, Decision, Recommendation, Screening, State, TimelineEvent

CHECKS = {
    "participating_municipality": "on",
    "focus_area_fits": "on",
    "beside_core_business": "on",
    "support_share_ok": "on",
    "de_minimis_ok": "on",
    "innovation_norway_consulted": "on",
}


@pytest.fixture(autouse=True)
def english(client: Client, settings) -> None:
    """Pages in English, so that the tests read the messages' source text."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def url(name: str, case: Case) -> str:
    return reverse(f"staff:{name}", args=[case.reference])


def form(prefix: str, **fields: object) -> dict[str, object]:
    return {f"{prefix}-{name}": value for name, value in fields.items()}


def trace(case: Case) -> tuple[object, ...]:
    """What a refused action must leave as it was."""
    screening = Screening.objects.filter(case=case).values(*CHECKS, "innovation_norway_outcome", "notes").first()
    return (
        Case.objects.get(pk=case.pk).state,
        TimelineEvent.objects.filter(case=case).count(),
        screening,
        Recommendation.objects.filter(case=case).count(),
        Decision.objects.filter(case=case).count(),
        ConflictDeclaration.objects.filter(case=case).count(),
    )


def text(response) -> str:
    return response.content.decode()


def as_adviser(client: Client, world: World) -> Client:
    client.force_login(world.adviser_a)
    return client


# --- each action does what its service does ---------------------------------------------------


def test_taking_a_submitted_case_starts_the_screening(world, client):
    case = world.submitted_case()
    events = TimelineEvent.objects.filter(case=case).count()

    response = as_adviser(client, world).post(url("case_take", case), follow=True)

    case.refresh_from_db()
    assert case.state == State.SCREENING
    assert response.redirect_chain == [(url("case_detail", case), 302)]
    assert f"You have taken {case.reference} for screening." in text(response)
    event = TimelineEvent.objects.filter(case=case).latest("pk")
    assert TimelineEvent.objects.filter(case=case).count() == events + 1
    assert (event.from_state, event.to_state, event.actor) == (State.SUBMITTED, State.SCREENING, world.adviser_a)
    assert Screening.objects.get(case=case).adviser == world.adviser_a


def test_the_screening_checklist_is_saved_with_the_outcome_of_innovation_norway(world, client):
    case = case_in(world, State.SCREENING)
    data = form(
        "screening",
        **CHECKS,
        innovation_norway_outcome="IN finansierer ikke forprosjekter.",
        notes="Ringte daglig leder.",
    )
    del data["screening-de_minimis_ok"]  # an unticked box is not sent

    response = as_adviser(client, world).post(url("screening_save", case), data, follow=True)

    screening = Screening.objects.get(case=case)
    assert screening.participating_municipality and screening.innovation_norway_consulted
    assert screening.de_minimis_ok is False
    assert screening.innovation_norway_outcome == "IN finansierer ikke forprosjekter."
    assert screening.notes == "Ringte daglig leder."
    assert "The screening checklist is saved." in text(response)
    event = TimelineEvent.objects.filter(case=case).latest("pk")
    assert (event.action, event.staff_only, event.comment) == ("screening.updated", True, "")
    assert Case.objects.get(pk=case.pk).state == State.SCREENING


def test_the_saved_checklist_is_shown_ticked_when_the_page_opens_again(world, client):
    case = case_in(world, State.SCREENING)
    services.screening_save(case=case, actor=world.adviser_a, focus_area_fits=True, notes="Sjekket.")

    page = text(as_adviser(client, world).get(url("case_detail", case)))

    assert 'name="screening-focus_area_fits" class="ds-input" aria-describedby' in page
    focus_box = page.split('name="screening-focus_area_fits"')[1].split(">")[0]
    municipality_box = page.split('name="screening-participating_municipality"')[1].split(">")[0]
    assert "checked" in focus_box
    assert "checked" not in municipality_box
    assert "Sjekket." in page


def test_returning_a_case_sends_the_message_to_the_applicant(world, client):
    case = case_in(world, State.SCREENING)

    response = as_adviser(client, world).post(
        url("case_return", case), form("return", message="Legg ved regnskap for 2025."), follow=True
    )

    assert Case.objects.get(pk=case.pk).state == State.RETURNED
    assert "The application has been returned to the applicant for completion." in text(response)
    event = TimelineEvent.objects.filter(case=case).latest("pk")
    assert (event.to_state, event.comment, event.staff_only) == (State.RETURNED, "Legg ved regnskap for 2025.", False)
    client.force_login(world.applicant_a)
    assert "Legg ved regnskap for 2025." in text(client.get(reverse("workflow:case_detail", args=[case.reference])))


def test_dismissing_a_case_records_the_reasons_as_a_decision(world, client, django_capture_on_commit_callbacks):
    case = case_in(world, State.SCREENING)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = as_adviser(client, world).post(
            url("case_dismiss", case), form("dismiss", reasons="Bedriften ligger utenfor regionen."), follow=True
        )

    assert Case.objects.get(pk=case.pk).state == State.DISMISSED
    decision = Decision.objects.get(case=case)
    assert (decision.outcome, decision.reasons, decision.decided_by) == (
        Decision.Outcome.DISMISS,
        "Bedriften ligger utenfor regionen.",
        world.adviser_a,
    )
    assert len(callbacks) == 1  # the dismissal letter, made in the background
    assert "The application has been dismissed." in text(response)


def test_recommending_approval_records_the_amount_and_sends_the_case_to_the_board(world, client):
    case = case_in(world, State.SCREENING)
    data = form(
        "recommendation",
        outcome="approve",
        amount="450 000",
        assessment="Godt forankret prosjekt.",
        conditions="Rapport etter seks måneder.",
    )

    response = as_adviser(client, world).post(url("recommendation_record", case), data, follow=True)

    assert Case.objects.get(pk=case.pk).state == State.RECOMMENDED
    recommendation = Recommendation.objects.get(case=case)
    assert (recommendation.outcome, recommendation.amount, recommendation.adviser) == (
        "approve",
        Decimal("450000"),
        world.adviser_a,
    )
    assert recommendation.conditions == "Rapport etter seks måneder."
    assert "You recommend a grant of 450\u00a0000\u00a0kr. The case is ready for the board." in text(response)
    assert "Godt forankret prosjekt." in text(response)


def test_recommending_rejection_needs_reasons(world, client):
    case = case_in(world, State.SCREENING)
    as_adviser(client, world)
    before = trace(case)

    refused = client.post(
        url("recommendation_record", case), form("recommendation", outcome="reject", assessment="Svak plan.")
    )

    assert refused.status_code == 409
    assert "Give the reasons for recommending rejection." in text(refused)
    assert 'id="id_recommendation-reasons_error"' in text(refused)
    assert trace(case) == before

    client.post(
        url("recommendation_record", case),
        form("recommendation", outcome="reject", assessment="Svak plan.", reasons="Mangler markedsavklaring."),
    )
    assert Case.objects.get(pk=case.pk).state == State.RECOMMENDED
    assert Recommendation.objects.get(case=case).reasons == "Mangler markedsavklaring."


def test_reopening_a_recommended_case_takes_it_back_into_screening(world, client):
    case = case_in(world, State.RECOMMENDED)

    response = as_adviser(client, world).post(
        url("case_reopen", case), form("reopen", comment="Nye opplysninger."), follow=True
    )

    assert Case.objects.get(pk=case.pk).state == State.SCREENING
    event = TimelineEvent.objects.filter(case=case).latest("pk")
    assert (event.from_state, event.to_state, event.comment) == (
        State.RECOMMENDED,
        State.SCREENING,
        "Nye opplysninger.",
    )
    assert "The case is back in screening." in text(response)


def test_declaring_a_conflict_is_recorded_on_the_timeline(world, client):
    case = case_in(world, State.SCREENING)

    response = as_adviser(client, world).post(
        url("conflict_declare", case), form("conflict", reason="Min bror eier bedriften."), follow=True
    )

    declaration = ConflictDeclaration.objects.get(case=case)
    assert (declaration.user, declaration.reason) == (world.adviser_a, "Min bror eier bedriften.")
    assert TimelineEvent.objects.filter(case=case, kind=TimelineEvent.Kind.CONFLICT, actor=world.adviser_a).exists()
    page = text(response)
    assert "Your conflict of interest is recorded." in page
    assert "You declared a conflict of interest in this case" in page
    assert 'action="' + url("screening_save", case) not in page


def test_a_note_is_internal_unless_the_adviser_shows_it_to_the_applicant(world, client):
    case = case_in(world, State.SCREENING)
    as_adviser(client, world)

    client.post(url("case_note_add", case), form("note", text="Eierne har gjeld i annet selskap."))
    client.post(url("case_note_add", case), form("note", text="Vi ringer dere i morgen.", show_to_applicant="on"))

    internal, shared = TimelineEvent.objects.filter(case=case, kind=TimelineEvent.Kind.NOTE).order_by("pk")
    assert (internal.comment, internal.staff_only) == ("Eierne har gjeld i annet selskap.", True)
    assert (shared.comment, shared.staff_only) == ("Vi ringer dere i morgen.", False)
    assert Case.objects.get(pk=case.pk).state == State.SCREENING


# --- refusals change nothing --------------------------------------------------------------------


def test_recommending_more_than_the_support_share_ceiling_is_refused_at_the_amount(world, client):
    case = case_in(world, State.SCREENING)  # costs 1 000 000 kr; the ceiling is 75 %
    as_adviser(client, world)
    before = trace(case)

    response = client.post(
        url("recommendation_record", case),
        form("recommendation", outcome="approve", amount="800000", assessment="Godt prosjekt."),
    )

    assert response.status_code == 409
    page = text(response)
    assert "is more than 75 % of the costs, the ceiling of the support share." in page
    assert 'id="id_recommendation-amount_error"' in page
    assert 'value="800000"' in page  # what the adviser typed is kept
    assert trace(case) == before


def test_recommending_approval_without_an_amount_is_refused(world, client):
    case = case_in(world, State.SCREENING)
    as_adviser(client, world)
    before = trace(case)

    response = client.post(
        url("recommendation_record", case), form("recommendation", outcome="approve", assessment="Godt prosjekt.")
    )

    assert response.status_code == 409
    assert "Give the amount you recommend." in text(response)
    assert trace(case) == before


def test_returning_with_an_empty_message_is_refused_at_the_field(world, client):
    case = case_in(world, State.SCREENING)
    as_adviser(client, world)
    before = trace(case)

    response = client.post(url("case_return", case), form("return", message="   "))

    assert response.status_code == 400
    page = text(response)
    assert 'href="#id_return-message"' in page  # the error summary links to the field
    assert 'id="id_return-message_error"' in page
    assert trace(case) == before


def test_dismissing_without_reasons_is_refused(world, client):
    case = case_in(world, State.SCREENING)
    as_adviser(client, world)
    before = trace(case)

    response = client.post(url("case_dismiss", case), form("dismiss", reasons=""))

    assert response.status_code == 400
    assert 'id="id_dismiss-reasons_error"' in text(response)
    assert trace(case) == before


def test_taking_a_case_already_in_screening_is_refused_in_words(world, client):
    case = case_in(world, State.SCREENING)
    as_adviser(client, world)
    before = trace(case)

    response = client.post(url("case_take", case))

    assert response.status_code == 409
    assert "A case that is “In screening” cannot take the case for screening." in text(response)
    assert trace(case) == before


def test_screening_a_case_not_in_screening_is_refused(world, client):
    case = case_in(world, State.RECOMMENDED)
    as_adviser(client, world)
    before = trace(case)

    response = client.post(url("screening_save", case), form("screening", **CHECKS))

    assert response.status_code == 409
    assert "Only a case in screening can have its checklist changed." in text(response)
    assert trace(case) == before


def test_recommending_a_case_twice_is_refused(world, client):
    case = case_in(world, State.RECOMMENDED)
    as_adviser(client, world)
    before = trace(case)

    response = client.post(
        url("recommendation_record", case),
        form("recommendation", outcome="approve", amount=str(GRANT), assessment="Igjen."),
    )

    assert response.status_code == 409
    assert "A case that is “Recommended” cannot recommend the case." in text(response)
    assert trace(case) == before


# --- odd input never gives a server error ------------------------------------------------------

ODD_VALUES = [
    "\x00",
    "Tekst med \x00 NUL",
    "NaN",
    "sNaN",
    "-Infinity",
    "1e400",
    "9" * 40,
    "-5",
    "0",
    "12,5,3",
    "",
]

ACTIONS = {
    "case_take": ("take", []),
    "screening_save": ("screening", [*CHECKS, "innovation_norway_outcome", "notes"]),
    "case_return": ("return", ["message"]),
    "case_dismiss": ("dismiss", ["reasons"]),
    "recommendation_record": ("recommendation", ["outcome", "amount", "assessment", "conditions", "reasons"]),
    "case_reopen": ("reopen", ["comment"]),
    "conflict_declare": ("conflict", ["reason"]),
    "case_note_add": ("note", ["text", "show_to_applicant"]),
}


@pytest.mark.parametrize("action", sorted(ACTIONS))
@pytest.mark.parametrize("value", ODD_VALUES, ids=repr)
def test_odd_input_is_refused_without_a_server_error(world, client, action, value):
    case = case_in(world, State.RECOMMENDED if action == "case_reopen" else State.SCREENING)
    prefix, fields = ACTIONS[action]
    as_adviser(client, world)
    before = trace(case)

    response = client.post(url(action, case), {f"{prefix}-{name}": value for name in fields})

    assert response.status_code in (302, 400, 409)
    if response.status_code != 302:
        assert trace(case) == before


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_a_post_without_any_field_is_refused_without_a_server_error(world, client, action):
    case = case_in(world, State.SCREENING)
    as_adviser(client, world)

    response = client.post(url(action, case), {})

    assert response.status_code in (302, 400, 409)


def test_a_huge_amount_is_refused_at_the_amount(world, client):
    case = case_in(world, State.SCREENING)
    as_adviser(client, world)
    before = trace(case)

    for amount in ("99999999999999999999", "NaN", "1e12", "999 999 999 999,99"):
        response = client.post(
            url("recommendation_record", case),
            form("recommendation", outcome="approve", amount=amount, assessment="Godt prosjekt."),
        )
        assert response.status_code in (400, 409), amount
        assert 'id="id_recommendation-amount_error"' in text(response), amount
    assert trace(case) == before


def test_an_unknown_outcome_is_refused_at_the_field(world, client):
    case = case_in(world, State.SCREENING)
    as_adviser(client, world)
    before = trace(case)

    response = client.post(
        url("recommendation_record", case),
        form("recommendation", outcome="approve_everything", amount="100", assessment="x"),
    )

    assert response.status_code == 400
    assert 'id="id_recommendation-outcome_error"' in text(response)
    assert trace(case) == before


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_actions_answer_only_to_post(world, client, action):
    case = case_in(world, State.SCREENING)
    as_adviser(client, world)

    assert client.get(url(action, case)).status_code == 405
