"""The agenda page (issue 4, SPEC §6): building the agenda from recommended cases, ordering
it, and, case by case in agenda order, the recommendation, the support share, the de minimis
headroom and the year's available budget before and after each proposed approval."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.models import SupportDeclaration
from programme import clock
from tests.factories import ApplicationFactory
from tests.journey import GRANT, World, case_in
from tests.workflow.staff import board_support
from tests.workflow.staff.board_support import (
    FRAME,
    RECOMMENDED,
    agenda_figures,
    agenda_of_three,
    agenda_order,
    meeting_path,
    nb,
    nok,
    recommended_case,
    words,
)
from workflow import selectors, services
from workflow.models import AgendaItem, Case, ConflictDeclaration, Recommendation, State
from workflow.selectors.board import meeting_agenda

# The shared fixtures (a module of helpers, not a conftest: several helpers share this folder).
tight_world = board_support.tight_world


def add_path(world: World) -> str:
    return reverse("board:agenda_add", args=[world.programme.code, world.meeting.pk])


def move_path(world: World, item: AgendaItem) -> str:
    return reverse("board:agenda_move", args=[world.programme.code, world.meeting.pk, item.pk])


def page(client: Client, user, world: World) -> str:
    client.force_login(user)
    response = client.get(meeting_path(world.meeting))
    assert response.status_code == 200
    return response.content.decode()


# --- building and ordering the agenda --------------------------------------------------------


def test_recommended_cases_are_offered_and_placed_on_the_agenda_in_the_order_chosen(world: World, client) -> None:
    first = recommended_case(world, Decimal("200000"))
    second = recommended_case(world, Decimal("300000"), world.company_b)
    screening = case_in(world, State.SCREENING)
    html = page(client, world.board_member, world)
    assert first.reference in html and second.reference in html
    assert f'name="cases" value="{screening.pk}"' not in html  # only recommended (or appealed) cases

    response = client.post(add_path(world), {"cases": [first.pk, second.pk]})

    assert response.status_code == 302
    items = list(world.meeting.items.order_by("position"))
    assert [(item.case_id, item.position) for item in items] == [(first.pk, 1), (second.pk, 2)]
    assert set(Case.objects.filter(pk__in=[first.pk, second.pk]).values_list("state", flat=True)) == {State.ON_AGENDA}
    assert agenda_order(page(client, world.board_member, world)) == [first.reference, second.reference]


def test_the_cases_to_place_are_drawn_as_one_check_box_group(world: World, client) -> None:
    """The candidates are drawn by the one field template (templates/includes/field.html): a
    fieldset named by its legend, one labelled box per case with Django's ids, and the field's
    own text when no case is waiting."""
    html = page(client, world.board_member, world)
    assert "Ingen innstilte saker venter på et møte." in html
    case = recommended_case(world, Decimal("200000"))
    html = page(client, world.board_member, world)
    assert "Ingen innstilte saker venter på et møte." not in html
    assert '<fieldset class="ds-fieldset" id="field-cases">' in html
    box = re.search(r'<input type="checkbox" name="cases"[^>]*>', html)
    assert box is not None
    assert f'value="{case.pk}"' in box.group(0) and 'class="ds-input"' in box.group(0)
    assert 'id="id_cases_0"' in box.group(0)
    assert '<label class="ds-label" for="id_cases_0" data-weight="regular">' in html


@pytest.mark.parametrize("value", ["\x00", "987654", "NaN", "-1", ""])
def test_odd_or_unknown_cases_are_refused_without_a_change(world: World, client, value) -> None:
    client.force_login(world.admin)

    response = client.post(add_path(world), {"cases": [value]})

    assert response.status_code == 400
    assert not world.meeting.items.exists()
    assert 'id="error-summary"' in response.content.decode()


def test_a_case_of_another_programme_cannot_be_placed_on_the_agenda(world: World, client) -> None:
    from tests.factories import BudgetYearFactory, CompanyFactory, MunicipalityFactory, staff_role

    other = world.other_programme
    municipality = MunicipalityFactory(programme=other)
    BudgetYearFactory(programme=other, year=clock.today().year, frame=Decimal("1000000"))
    adviser = world.other_admin
    staff_role(adviser, other, "adviser", [municipality])
    application = ApplicationFactory(company=CompanyFactory(programme=other, municipality=municipality))
    case = services.application_submit(application=application, actor=application.created_by)
    services.case_take(case=case, actor=adviser)
    services.recommendation_record(case=case, actor=adviser, outcome="approve", amount=GRANT, assessment="Bra.")
    client.force_login(world.admin)

    response = client.post(add_path(world), {"cases": [case.pk]})

    assert response.status_code == 400
    assert not world.meeting.items.exists()
    assert Case.objects.get(pk=case.pk).state == State.RECOMMENDED


def test_adding_several_adds_all_or_none(world: World, client) -> None:
    fine = recommended_case(world, Decimal("200000"))
    conflicted = recommended_case(world, Decimal("200000"))
    ConflictDeclaration.objects.create(case=conflicted, user=world.admin, reason="Min bror eier bedriften.")
    client.force_login(world.admin)

    response = client.post(add_path(world), {"cases": [fine.pk, conflicted.pk]})

    assert response.status_code == 409
    assert conflicted.reference in response.content.decode()
    assert not world.meeting.items.exists()
    assert Case.objects.get(pk=fine.pk).state == State.RECOMMENDED


def test_moving_cases_up_and_down_renumbers_the_agenda(tight_world: World, client) -> None:
    agenda = agenda_of_three(tight_world)
    a, b, c = (case.reference for case in agenda.cases)
    items = {item.case.reference: item for item in agenda.meeting.items.select_related("case")}
    client.force_login(tight_world.board_member)

    response = client.post(move_path(tight_world, items[c]), {"direction": "up"})
    assert response.status_code == 302 and response["Location"].endswith(f"#case-{c}")
    assert agenda_order(page(client, tight_world.board_member, tight_world)) == [a, c, b]

    client.post(move_path(tight_world, items[a]), {"direction": "down"})
    client.post(move_path(tight_world, items[a]), {"direction": "down"})
    client.post(move_path(tight_world, items[a]), {"direction": "down"})  # already last: stays
    assert agenda_order(page(client, tight_world.board_member, tight_world)) == [c, b, a]
    positions = list(agenda.meeting.items.order_by("position").values_list("case__reference", "position"))
    assert positions == [(c, 1), (b, 2), (a, 3)]


@pytest.mark.parametrize("direction", ["sideways", "\x00", ""])
def test_an_odd_direction_moves_nothing(tight_world: World, client, direction) -> None:
    agenda = agenda_of_three(tight_world)
    before = list(agenda.meeting.items.order_by("position").values_list("pk", flat=True))
    client.force_login(tight_world.admin)

    response = client.post(move_path(tight_world, agenda.meeting.items.first()), {"direction": direction})

    assert response.status_code == 302
    assert list(agenda.meeting.items.order_by("position").values_list("pk", flat=True)) == before


def test_moving_an_item_of_another_meeting_is_404(tight_world: World, client) -> None:
    agenda_of_three(tight_world)
    other = services.meeting_create(
        programme=tight_world.programme, actor=tight_world.admin, date=clock.today(), members=[]
    )
    client.force_login(tight_world.admin)
    item = tight_world.meeting.items.first()

    url = reverse("board:agenda_move", args=[tight_world.programme.code, other.pk, item.pk])
    assert client.post(url, {"direction": "down"}).status_code == 404
    assert client.post(move_path(tight_world, item) + "x", {"direction": "down"}).status_code == 404


def test_a_board_member_of_another_programme_can_neither_add_nor_move(tight_world: World, client) -> None:
    agenda = agenda_of_three(tight_world)
    spare = recommended_case(tight_world, Decimal("100000"))
    client.force_login(tight_world.other_board_member)

    assert client.post(add_path(tight_world), {"cases": [spare.pk]}).status_code == 404
    item = agenda.meeting.items.order_by("position").first()
    assert client.post(move_path(tight_world, item), {"direction": "down"}).status_code == 404
    assert agenda.meeting.items.order_by("position").first() == item
    assert Case.objects.get(pk=spare.pk).state == State.RECOMMENDED


# --- the figures, case by case ---------------------------------------------------------------


def test_the_budget_before_and_after_each_proposed_approval_in_agenda_order(tight_world: World, client) -> None:
    agenda = agenda_of_three(tight_world)
    # Computed here from the frame and the recommendations alone.
    expected, available = {}, FRAME
    for case, amount in zip(agenda.cases, RECOMMENDED, strict=True):
        expected[case.reference] = (nok(available), nok(available - amount))
        available -= amount

    html = page(client, tight_world.board_member, tight_world)

    figures = agenda_figures(html)
    for reference, (before, after) in expected.items():
        assert figures[reference]["before"] == before
        assert figures[reference]["after"].startswith(after)
    exceeds = nb("Exceeds the available budget")
    third = agenda.cases[2].reference
    assert exceeds in figures[third]["after"]  # in words, not by colour alone
    assert all(exceeds not in figures[case.reference]["after"] for case in agenda.cases[:2])
    assert figures[third]["after"].startswith("−50 000 kr")


def test_after_decisions_the_figures_start_from_what_is_available_now(tight_world: World, client) -> None:
    agenda = agenda_of_three(tight_world)
    first, second, third = agenda.cases
    # The board grants less than recommended for the first case, and rejects the second.
    services.decision_approve(
        case=first, actor=tight_world.board_member, amount=Decimal("380000"), legal_basis="de_minimis"
    )
    services.decision_reject(case=second, actor=tight_world.board_member, reasons="Svak forankring.")

    figures = agenda_figures(page(client, tight_world.board_member, tight_world))

    assert figures[first.reference]["decision"] == f"{nb('Approved')} 380 000 kr"
    assert figures[second.reference]["decision"] == nb("Rejected")
    assert figures[first.reference]["before"] == "–" and figures[second.reference]["before"] == "–"
    assert figures[third.reference]["before"] == nok(FRAME - Decimal("380000"))
    assert figures[third.reference]["after"] == nok(FRAME - Decimal("380000") - RECOMMENDED[2])


def test_each_case_shows_its_recommendation_share_and_de_minimis_headroom(tight_world: World, client) -> None:
    agenda = agenda_of_three(tight_world)
    first = agenda.cases[0]
    SupportDeclaration.objects.create(
        application=first.application,
        kind="de_minimis",
        grantor="Innovasjon Norge",
        granted_on=clock.today(),
        amount=Decimal("1150000"),
    )
    status = selectors.de_minimis_status(application=first.application, on=clock.today())

    html = words(page(client, tight_world.board_member, tight_world))

    article = html.split(f'id="case-{first.reference}"')[1].split("</article>")[0]
    assert first.application.title in article and first.application.company.name in article
    assert first.application.summary in article
    assert "Godt prosjekt, innstilt med 400000 kr." in article
    assert "Prosjektet skal rapportere halvveis." in article
    assert "500 000 kr (50 %" in article  # applied for: 500 000 of 1 000 000 kr
    assert "400 000 kr (40 %" in article  # recommended
    headroom = f"{status.headroom_eur:,.2f}".replace(",", " ").replace(".", ",")
    assert status.headroom_eur == Decimal("200000.00")
    assert f"EUR {headroom} ({nok(status.headroom_eur * Decimal('11.5'))})" in article
    assert reverse("staff:case_detail", kwargs={"reference": first.reference}) in article


def test_the_batched_de_minimis_headroom_equals_the_single_case_reading(tight_world: World) -> None:
    agenda = agenda_of_three(tight_world)
    earlier = case_in(tight_world, State.APPROVED, tight_world.company_a)  # 400 000 kr de minimis to company A
    assert earlier.state == State.APPROVED

    rows = meeting_agenda(meeting=agenda.meeting).rows

    for row in rows:
        expected = selectors.de_minimis_status(
            application=row.case.application, on=clock.today(), exclude_case=row.case
        )
        assert row.de_minimis == expected
    assert rows[0].de_minimis.granted_here_eur > 0 and rows[1].de_minimis.granted_here_eur == 0


def test_the_agenda_shows_a_declared_conflict_and_offers_that_member_no_decision(tight_world: World, client) -> None:
    agenda = agenda_of_three(tight_world)
    first = agenda.cases[0]
    services.conflict_declare(case=first, actor=tight_world.board_member, reason="Jeg sitter i styret til bedriften.")

    html = page(client, tight_world.board_member, tight_world)

    article = html.split(f'id="case-{first.reference}"')[1].split("</article>")[0]
    assert str(tight_world.board_member) in article
    assert nb("You have declared a conflict of interest in this case and cannot act on it.") in article
    assert f'action="{reverse("board:decision_approve", args=["NUP", agenda.meeting.pk, first.reference])}"' not in html
    second = agenda.cases[1].reference
    assert f'action="{reverse("board:decision_approve", args=["NUP", agenda.meeting.pk, second])}"' in html


def test_an_administrator_sees_the_agenda_but_no_decision_forms(tight_world: World, client) -> None:
    agenda_of_three(tight_world)

    html = page(client, tight_world.admin, tight_world)

    assert nb("Only the board members who are members of the meeting decide its cases.") in html
    assert "vedtak/innvilg/" not in html
    assert len(agenda_figures(html)) == 3


def test_a_meeting_in_a_year_without_budget_says_so(world: World, client) -> None:
    later = services.meeting_create(
        programme=world.programme,
        actor=world.admin,
        date=clock.today() + relativedelta(years=3),  # not .replace(year=…): 29 February has no twin
        members=[world.board_member],
    )
    client.force_login(world.board_member)

    html = client.get(meeting_path(later)).content.decode()

    assert str(later.date.year) in html
    assert 'id="meeting-budget"' not in html


# --- the query count does not grow with the agenda -------------------------------------------


def put_on_agenda(world: World, count: int, start: int) -> None:
    """``count`` recommended cases straight onto the meeting (the services would take minutes)."""
    for n in range(start, start + count):
        company = world.company_a if n % 2 else world.company_b
        application = ApplicationFactory(company=company, created_by=world.applicant_a, focus_area=world.focus_area)
        case = Case.objects.create(
            programme=world.programme,
            application=application,
            reference=f"NUP-2099-{n:03d}",
            municipality=company.municipality,
            state=State.ON_AGENDA,
            submitted_at=clock.now(),
        )
        Recommendation.objects.create(
            case=case, adviser=world.adviser_a, outcome="approve", amount=Decimal("10000"), assessment="Bra."
        )
        AgendaItem.objects.create(meeting=world.meeting, case=case, position=n)
        if n % 3 == 0:
            ConflictDeclaration.objects.create(case=case, user=world.board_member_2, reason="Nabo.")


def test_the_agenda_page_runs_the_same_queries_for_10_and_200_cases(
    world: World, client, django_assert_max_num_queries
) -> None:
    put_on_agenda(world, 10, 1)
    client.force_login(world.board_member)
    with CaptureQueriesContext(connection) as ten:
        assert client.get(meeting_path(world.meeting)).status_code == 200

    put_on_agenda(world, 190, 11)
    with django_assert_max_num_queries(len(ten.captured_queries)):
        response = client.get(meeting_path(world.meeting))

    assert response.status_code == 200
    assert len(agenda_figures(response.content.decode())) == 200


def test_the_services_refuse_people_outside_the_board_and_administration(tight_world: World) -> None:
    from programme.errors import RuleViolation

    agenda = agenda_of_three(tight_world)
    item = agenda.meeting.items.order_by("position").first()
    for person in (tight_world.adviser_a, tight_world.other_board_member, tight_world.other_admin):
        with pytest.raises(RuleViolation):
            services.agenda_reorder(meeting=agenda.meeting, item=item, actor=person, direction="down")
        with pytest.raises(RuleViolation):
            services.meeting_members_set(meeting=agenda.meeting, actor=person, members=[])
    assert agenda.meeting.items.order_by("position").first() == item
    assert agenda.meeting.members.count() == 2


def test_what_people_typed_is_shown_escaped_on_the_agenda_in_both_languages(tight_world: World, client) -> None:
    # The agenda's cases are drawn by Django templates: their autoescaping keeps them safe.
    agenda = agenda_of_three(tight_world)
    first = agenda.cases[0]
    first.application.company.__class__.objects.filter(pk=first.application.company_id).update(
        name='<script>alert("firma")</script>'
    )
    first.application.__class__.objects.filter(pk=first.application_id).update(
        title="<b>Tittel</b>", summary="Linje én\n<i>linje to</i>"
    )
    Recommendation.objects.filter(case=first).update(assessment="<img src=x onerror=alert(1)>")

    for language in ("nb", "en"):
        client.force_login(tight_world.board_member)
        client.cookies["django_language"] = language
        html = client.get(meeting_path(agenda.meeting), HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert '<script>alert("firma")</script>' not in html
        assert "&lt;script&gt;alert(&#34;firma&#34;)&lt;/script&gt;" in html or "&lt;script&gt;" in html
        assert "<b>Tittel</b>" not in html and "&lt;b&gt;Tittel&lt;/b&gt;" in html
        assert "Linje én<br>&lt;i&gt;linje to&lt;/i&gt;" in html
        assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "Open the case" in html  # the English page is English


def test_the_agenda_pack_and_minutes_read_as_many_queries_for_200_cases_as_for_10(world: World) -> None:
    # The agenda reads only the columns it shows (AGENDA_FIELDS); a template reading
    # another column would load it case by case.  The documents' templates are drawn here.
    from django.template.loader import render_to_string

    from workflow.services.meeting_documents import TEMPLATES, _context

    def queries() -> list[int]:
        counts = []
        for kind, template in TEMPLATES.items():
            with CaptureQueriesContext(connection) as captured:
                render_to_string(template, _context(world.meeting, kind))
            counts.append(len(captured.captured_queries))
        return counts

    put_on_agenda(world, 10, 1)
    ten = queries()
    put_on_agenda(world, 190, 11)
    assert queries() == ten
