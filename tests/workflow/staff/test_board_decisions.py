"""Recording the board's decisions on the agenda page (issue 4): approve with amount,
conditions and legal basis, reject with reasons, or defer; refusals (budget, support share,
de minimis, conflict, not a member, another programme) at that case's form, nothing changed."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from tests.journey import World
from tests.workflow.staff import board_support
from tests.workflow.staff.board_support import (
    FRAME,
    AgendaOfThree,
    agenda_figures,
    agenda_of_three,
    approve_data,
    decision_path,
    meeting_path,
    nb,
    nok,
    words,
)
from workflow import services
from workflow.models import Case, Decision, LedgerEntry, Offer, State, TimelineEvent

# The shared fixtures (a module of helpers, not a conftest: several helpers share this folder).
tight_world = board_support.tight_world


@pytest.fixture
def agenda(tight_world: World) -> AgendaOfThree:
    return agenda_of_three(tight_world)


def snapshot(case: Case) -> tuple:
    """What a refused decision must leave as it was."""
    case = Case.objects.get(pk=case.pk)
    return (
        case.state,
        LedgerEntry.objects.count(),
        Decision.objects.count(),
        Offer.objects.count(),
        TimelineEvent.objects.filter(case=case).count(),
    )


def article(html: str, case: Case) -> str:
    return words(html.split(f'id="case-{case.reference}"')[1].split("</article>")[0])


def test_the_board_approves_with_amount_conditions_and_legal_basis(agenda: AgendaOfThree, client: Client) -> None:
    first = agenda.cases[0]
    client.force_login(agenda.world.board_member)

    response = client.post(
        decision_path(agenda.meeting, first, "approve"),
        approve_data(first, "380 000", "block_exemption", conditions="Rapport etter seks måneder."),
    )

    assert response.status_code == 302
    assert response["Location"] == f"{meeting_path(agenda.meeting)}#case-{first.reference}"
    case = Case.objects.get(pk=first.pk)
    assert case.state == State.APPROVED
    decision = Decision.objects.get(case=case, outcome="approve")
    assert (decision.amount, decision.legal_basis, decision.conditions, decision.meeting) == (
        Decimal("380000.00"),
        "block_exemption",
        "Rapport etter seks måneder.",
        agenda.meeting,
    )
    assert decision.decided_by == agenda.world.board_member
    assert LedgerEntry.objects.get(case=case).amount == Decimal("380000.00")
    page = client.get(meeting_path(agenda.meeting)).content.decode()
    assert "380 000 kr" in words(page)
    assert "Rapport etter seks måneder." in article(page, first)


def test_the_approval_form_is_prefilled_with_the_recommendation(agenda: AgendaOfThree, client: Client) -> None:
    client.force_login(agenda.world.board_member)
    first = agenda.cases[0]

    html = client.get(meeting_path(agenda.meeting)).content.decode()

    assert f'name="approve-{first.pk}-amount" value="400\u00a0000"' in html
    assert "Prosjektet skal rapportere halvveis.</textarea>" in html


def test_the_forms_are_shown_for_one_case_at_a_time_and_the_others_link_to_theirs(
    agenda: AgendaOfThree, client: Client
) -> None:
    client.force_login(agenda.world.board_member)
    first, second, third = agenda.cases

    html = client.get(meeting_path(agenda.meeting)).content.decode()

    assert f'name="approve-{first.pk}-amount"' in html
    assert f'name="approve-{second.pk}-amount"' not in html
    assert f'href="?sak={second.reference}#case-{second.reference}"' in html
    assert nb("Record the decision on %(ref)s", ref=second.reference) in words(html)

    chosen = client.get(meeting_path(agenda.meeting), {"sak": third.reference}).content.decode()
    assert f'name="approve-{third.pk}-amount"' in chosen
    assert f'name="approve-{first.pk}-amount"' not in chosen
    assert f'href="?sak={first.reference}#case-{first.reference}"' in chosen


def test_after_a_decision_the_next_case_gets_the_forms(agenda: AgendaOfThree, client: Client) -> None:
    client.force_login(agenda.world.board_member)
    first, second, _ = agenda.cases
    client.post(decision_path(agenda.meeting, first, "approve"), approve_data(first, "400 000"))

    html = client.get(meeting_path(agenda.meeting)).content.decode()

    assert Case.objects.get(pk=first.pk).state == State.APPROVED
    assert f'name="approve-{second.pk}-amount"' in html
    assert f"?sak={first.reference}" not in html


@pytest.mark.parametrize("chosen", ["", "NO-SUCH-1", "x" * 300, "<script>", "\x00"])
def test_an_odd_or_unknown_case_choice_shows_the_first_case(agenda: AgendaOfThree, client: Client, chosen: str) -> None:
    client.force_login(agenda.world.board_member)

    response = client.get(meeting_path(agenda.meeting), {"sak": chosen})

    assert response.status_code == 200
    assert f'name="approve-{agenda.cases[0].pk}-amount"' in response.content.decode()


def test_the_board_rejects_with_reasons(agenda: AgendaOfThree, client: Client) -> None:
    second = agenda.cases[1]
    client.force_login(agenda.world.board_member_2)

    response = client.post(
        decision_path(agenda.meeting, second, "reject"), {f"reject-{second.pk}-reasons": "For svak markedsanalyse."}
    )

    assert response.status_code == 302
    assert Case.objects.get(pk=second.pk).state == State.REJECTED
    assert Decision.objects.get(case=second).reasons == "For svak markedsanalyse."
    figures = agenda_figures(client.get(meeting_path(agenda.meeting)).content.decode())
    assert figures[second.reference]["decision"] == nb("Rejected")


def test_a_refusal_needs_reasons(agenda: AgendaOfThree, client: Client) -> None:
    second = agenda.cases[1]
    client.force_login(agenda.world.board_member)
    before = snapshot(second)

    response = client.post(decision_path(agenda.meeting, second, "reject"), {f"reject-{second.pk}-reasons": "   "})

    assert response.status_code == 400
    assert f'id="id_reject-{second.pk}-reasons_error"' in response.content.decode()
    assert snapshot(second) == before


def test_the_board_defers_a_case_to_a_later_meeting(agenda: AgendaOfThree, client: Client) -> None:
    third = agenda.cases[2]
    client.force_login(agenda.world.board_member)

    response = client.post(decision_path(agenda.meeting, third, "defer"), {f"defer-{third.pk}-comment": "Mer info."})

    assert response.status_code == 302
    case = Case.objects.get(pk=third.pk)
    assert case.state == State.RECOMMENDED
    assert Decision.objects.get(case=case).outcome == Decision.Outcome.DEFER
    figures = agenda_figures(client.get(meeting_path(agenda.meeting)).content.decode())
    assert figures[third.reference]["decision"] == nb("Deferred")


def test_the_third_approval_that_no_longer_fits_is_refused_and_nothing_changes(
    agenda: AgendaOfThree, client: Client
) -> None:
    first, second, third = agenda.cases
    client.force_login(agenda.world.board_member)
    for case in (first, second):
        assert client.post(decision_path(agenda.meeting, case, "approve"), approve_data(case, "")).status_code == 400
        response = client.post(
            decision_path(agenda.meeting, case, "approve"), approve_data(case, str(case.recommendations.first().amount))
        )
        assert response.status_code == 302
    available = FRAME - Decimal("750000")
    before = snapshot(third)

    response = client.post(decision_path(agenda.meeting, third, "approve"), approve_data(third, "300000"))

    assert response.status_code == 409
    html = response.content.decode()
    message = nb(
        "%(amount)s does not fit the budget of %(year)s: only %(available)s is available.",
        amount="300\xa0000\xa0kr",
        year=agenda.meeting.date.year,
        available=f"{available:,.0f}".replace(",", "\xa0") + "\xa0kr",
    )
    # At that case's amount field, and in the summary at the top, linking to it.
    assert (
        f'<p class="ds-validation-message" data-color="danger" id="id_approve-{third.pk}-amount_error">{message}</p>'
        in html
    )
    assert f'href="#id_approve-{third.pk}-amount"' in html
    assert message in article(html, third) or words(message) in article(html, third)
    assert snapshot(third) == before
    figures = agenda_figures(html)
    assert figures[third.reference]["before"] == nok(available)
    assert nb("Exceeds the available budget") in figures[third.reference]["after"]


def test_a_share_above_the_usual_needs_reasons_and_the_ceiling_is_never_passed(
    agenda: AgendaOfThree, client: Client
) -> None:
    first = agenda.cases[0]
    client.force_login(agenda.world.board_member)
    before = snapshot(first)

    above_usual = client.post(decision_path(agenda.meeting, first, "approve"), approve_data(first, "600000"))
    above_ceiling = client.post(
        decision_path(agenda.meeting, first, "approve"), approve_data(first, "800000", share_reason="Viktig.")
    )

    assert above_usual.status_code == 409 and above_ceiling.status_code == 409
    assert f'id="id_approve-{first.pk}-amount_error"' in above_usual.content.decode()
    assert "75 %" in words(above_ceiling.content.decode())
    assert snapshot(first) == before
    granted = client.post(
        decision_path(agenda.meeting, first, "approve"), approve_data(first, "600000", share_reason="Høy risiko.")
    )
    assert granted.status_code == 302
    assert Decision.objects.get(case=first).reasons == "Høy risiko."


def test_an_approval_past_the_de_minimis_ceiling_is_refused(agenda: AgendaOfThree, client: Client) -> None:
    from applications.models import SupportDeclaration
    from programme import clock

    first = agenda.cases[0]
    SupportDeclaration.objects.create(
        application=first.application,
        kind="de_minimis",
        grantor="Fylket",
        granted_on=clock.today(),
        amount=Decimal("3300000"),
    )
    client.force_login(agenda.world.board_member)
    before = snapshot(first)

    refused = client.post(decision_path(agenda.meeting, first, "approve"), approve_data(first, "400000"))

    assert refused.status_code == 409
    assert f'id="id_approve-{first.pk}-amount_error"' in refused.content.decode()
    assert snapshot(first) == before
    other_basis = client.post(
        decision_path(agenda.meeting, first, "approve"), approve_data(first, "400000", "block_exemption")
    )
    assert other_basis.status_code == 302


@pytest.mark.parametrize(
    "amount",
    ["NaN", "sNaN", "Infinity", "-5", "0", "1e20", "9" * 40, "12\x0034", "fire hundre", "400 000,005"],
)
def test_odd_amounts_are_refused_at_the_field(agenda: AgendaOfThree, client: Client, amount: str) -> None:
    first = agenda.cases[0]
    client.force_login(agenda.world.board_member)
    before = snapshot(first)

    response = client.post(decision_path(agenda.meeting, first, "approve"), approve_data(first, amount))

    assert response.status_code == 400
    assert f'id="id_approve-{first.pk}-amount_error"' in response.content.decode()
    assert snapshot(first) == before


@pytest.mark.parametrize("basis", ["", "\x00", "state_aid", "de_minimis\x00"])
def test_an_unknown_legal_basis_is_refused(agenda: AgendaOfThree, client: Client, basis: str) -> None:
    first = agenda.cases[0]
    client.force_login(agenda.world.board_member)
    before = snapshot(first)

    response = client.post(decision_path(agenda.meeting, first, "approve"), approve_data(first, "400000", basis))

    assert response.status_code == 400
    assert snapshot(first) == before


def test_nul_in_reasons_is_refused_without_a_change(agenda: AgendaOfThree, client: Client) -> None:
    second = agenda.cases[1]
    client.force_login(agenda.world.board_member)
    before = snapshot(second)

    response = client.post(decision_path(agenda.meeting, second, "reject"), {f"reject-{second.pk}-reasons": "Nei\x00"})

    assert response.status_code == 400
    assert snapshot(second) == before


def test_an_unknown_case_or_one_not_on_this_agenda_is_404(agenda: AgendaOfThree, client: Client) -> None:
    client.force_login(agenda.world.board_member)
    code, pk = agenda.meeting.programme.code, agenda.meeting.pk
    stranger = agenda.world.submitted_case()

    for reference in ("NUP-1999-999", stranger.reference):
        assert client.post(reverse("board:decision_approve", args=[code, pk, reference]), {}).status_code == 404
    assert client.post(f"/styre/{code}/mote/{pk}/sak/NUP%00/vedtak/innvilg/", {}).status_code == 404
    assert client.get(decision_path(agenda.meeting, agenda.cases[0], "approve")).status_code == 405


def test_a_second_decision_on_a_decided_case_is_refused(agenda: AgendaOfThree, client: Client) -> None:
    first = agenda.cases[0]
    client.force_login(agenda.world.board_member)
    client.post(decision_path(agenda.meeting, first, "reject"), {f"reject-{first.pk}-reasons": "Nei."})
    before = snapshot(first)

    response = client.post(decision_path(agenda.meeting, first, "approve"), approve_data(first, "400000"))

    assert response.status_code == 409
    assert 'role="alert"' in article(response.content.decode(), first)
    assert snapshot(first) == before


# --- who may decide --------------------------------------------------------------------------


def test_a_member_with_a_declared_conflict_is_refused_on_that_case(agenda: AgendaOfThree, client: Client) -> None:
    first = agenda.cases[0]
    world = agenda.world
    services.conflict_declare(case=first, actor=world.board_member, reason="Eier aksjer i bedriften.")
    client.force_login(world.board_member)
    before = snapshot(first)

    response = client.post(decision_path(agenda.meeting, first, "approve"), approve_data(first, "400000"))

    assert response.status_code == 409
    message = nb(
        "You have declared a conflict of interest in %(reference)s and can no longer act on it.",
        reference=first.reference,
    )
    assert message in article(response.content.decode(), first)
    assert snapshot(first) == before
    # The other member decides it.
    client.force_login(world.board_member_2)
    assert (
        client.post(decision_path(agenda.meeting, first, "approve"), approve_data(first, "400000")).status_code == 302
    )


def test_a_board_member_who_is_not_a_member_of_the_meeting_is_refused(agenda: AgendaOfThree, client: Client) -> None:
    first = agenda.cases[0]
    services.meeting_members_set(meeting=agenda.meeting, actor=agenda.world.admin, members=[agenda.world.board_member])
    client.force_login(agenda.world.board_member_2)
    before = snapshot(first)

    page = client.get(meeting_path(agenda.meeting)).content.decode()
    response = client.post(decision_path(agenda.meeting, first, "reject"), {f"reject-{first.pk}-reasons": "Nei."})

    assert nb("You are not a member of this meeting, so you cannot decide its cases.") in page
    assert response.status_code == 409
    assert 'role="alert"' in article(response.content.decode(), first)
    assert snapshot(first) == before


def test_an_administrator_cannot_decide(agenda: AgendaOfThree, client: Client) -> None:
    first = agenda.cases[0]
    client.force_login(agenda.world.admin)
    before = snapshot(first)

    response = client.post(decision_path(agenda.meeting, first, "defer"), {})

    assert response.status_code == 409
    assert snapshot(first) == before


@pytest.mark.parametrize("action", ["approve", "reject", "defer"])
def test_a_board_member_never_acts_outside_his_programme(agenda: AgendaOfThree, client: Client, action: str) -> None:
    first = agenda.cases[0]
    client.force_login(agenda.world.other_board_member)
    before = snapshot(first)
    data = {**approve_data(first, "400000"), f"reject-{first.pk}-reasons": "Nei.", f"defer-{first.pk}-comment": ""}

    assert client.post(decision_path(agenda.meeting, first, action), data).status_code == 404
    other_code = agenda.world.other_programme.code
    url = reverse(f"board:decision_{action}", args=[other_code, agenda.meeting.pk, first.reference])
    assert client.post(url, data).status_code == 404
    assert snapshot(first) == before


def test_anonymous_decisions_go_to_the_login_page(agenda: AgendaOfThree, client: Client) -> None:
    first = agenda.cases[0]

    response = client.post(decision_path(agenda.meeting, first, "approve"), approve_data(first, "400000"))

    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert Case.objects.get(pk=first.pk).state == State.ON_AGENDA
