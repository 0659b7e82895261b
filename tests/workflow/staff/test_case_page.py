"""The staff case page (issue 4): the case's key facts and age against the screening service
level, the application in full with its attachments and letters, the system's own reading
beside each screening check, the recommendation and decisions, the money, the timeline with
internal notes (which the applicant never sees), and a query count that does not grow with the
number of rows.  Who is offered which action is in test_case_access.py."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.models import Attachment, CostLine, FinancingLine, SupportDeclaration
from programme import clock
from programme.numbers import format_org_number
from tests.factories import MunicipalityFactory
from tests.journey import GRANT, World, case_in
from workflow import services
from workflow.models import Case, CaseFile, State, TimelineEvent

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
NBSP = "\u00a0"


@pytest.fixture(autouse=True)
def english(client: Client, settings) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def page_url(case: Case) -> str:
    return reverse("staff:case_detail", args=[case.reference])


def page_as(client: Client, user: object, case: Case) -> str:
    client.force_login(user)
    response = client.get(page_url(case))
    assert response.status_code == 200
    return response.content.decode()


def fact(page: str, term: str) -> str:
    """The text of a key fact (``<dt>term</dt><dd>…</dd>``) at the top of the page."""
    facts = page.split('id="case-facts"', 1)[1].split("</dl>", 1)[0]
    value = facts.split(f"<dt>{term}</dt>", 1)[1].split("<dd>", 1)[1].split("</dd>", 1)[0]
    return re.sub(r"[ \t\n]+", " ", value).strip()  # not \s: the amounts' non-breaking spaces stay


# --- the key facts -------------------------------------------------------------------------------


def test_the_header_gives_the_cases_key_facts(world, client):
    case = case_in(world, State.SCREENING)

    page = page_as(client, world.board_member, case)

    assert f'<h1 class="ds-heading" data-size="lg">{case.reference}: {case.application.title}</h1>' in page
    assert fact(page, "Status") == "In screening"
    assert fact(page, "Reference") == case.reference
    assert (
        fact(page, "Company")
        == f"{world.company_a.name} (organisation number {format_org_number(world.company_a.org_number)})"
    )
    assert fact(page, "Municipality") == "Gjøvik"
    assert fact(page, "Focus area") == "Industri"
    assert fact(page, "Applied for") == f"500{NBSP}000{NBSP}kr"
    assert clock.today().strftime("%d.%m.%Y") in fact(page, "Submitted")
    assert fact(page, "Adviser") == str(world.adviser_a)
    due = (clock.today() + dt.timedelta(days=14)).strftime("%d.%m.%Y")
    assert fact(page, "Age") == f"0 days since submission; the screening is due within 14 days, by {due}."


def test_a_case_past_the_screening_service_level_is_marked_overdue(world, client):
    with clock.travel_to(clock.now() - dt.timedelta(days=20)):
        case = world.submitted_case()

    page = page_as(client, world.adviser_a, case)

    assert fact(page, "Age").startswith("20 days since submission; the screening is due within 14 days")
    assert "Screening overdue" in fact(page, "Age")
    assert fact(page, "Adviser") == "Not taken yet"


def test_a_recommended_case_is_no_longer_on_the_screening_clock(world, client):
    case = case_in(world, State.RECOMMENDED)

    page = page_as(client, world.admin, case)

    assert fact(page, "Age") == "0 days since submission."


# --- the application in full --------------------------------------------------------------------


def test_the_application_is_shown_in_full(world, client, private_storage):
    world.company_a.address, world.company_a.postal_code, world.company_a.city = "Storgata 1", "2815", "Gjøvik"
    world.company_a.industry_code = "62.010"
    world.company_a.save()
    case = world.submitted_case(
        description="Vi utvikler en sensor for treindustrien.",
        beside_core_business="Sensoren er et nytt forretningsområde.",
        expected_turnover=Decimal("2500000"),
    )
    application = case.application
    SupportDeclaration.objects.create(
        application=application,
        kind=SupportDeclaration.Kind.DE_MINIMIS,
        grantor="Innlandet fylkeskommune",
        granted_on=clock.today() - dt.timedelta(days=100),
        amount=Decimal("115000"),
    )
    attachment = Attachment.objects.create(
        application=application,
        file=ContentFile(PDF, name="budsjett.pdf"),
        original_name="budsjett.pdf",
        content_type="application/pdf",
        size=len(PDF),
        uploaded_by=world.applicant_a,
    )

    page = page_as(client, world.adviser_a, case)

    for shown in (
        format_org_number(world.company_a.org_number),
        "Storgata 1, 2815 Gjøvik",
        "62.010",
        "Vi utvikler en sensor for treindustrien.",
        "Sensoren er et nytt forretningsområde.",
        "Development project",
        f"{application.start_date:%d.%m.%Y} – {application.end_date:%d.%m.%Y}",
        "Konsulent",
        f"1{NBSP}000{NBSP}000{NBSP}kr",
        "Own funds",
        "This programme",
        f"2{NBSP}500{NBSP}000{NBSP}kr",  # expected turnover
        "Innlandet fylkeskommune",
        f"115{NBSP}000{NBSP}kr",
        str(world.applicant_a),
        "a support share of 50 %",
    ):
        assert shown in page, shown
    download = reverse("workflow:attachment_download", args=[attachment.pk])
    assert f'href="{download}"' in page
    assert client.get(download).status_code == 200  # the adviser may download it
    client.force_login(world.adviser_b)
    assert client.get(download).status_code == 404  # another municipality's adviser may not


def test_the_letters_and_documents_of_the_case_are_listed_for_download(world, client, private_storage):
    case = world.submitted_case()
    letter = services.case_file_add(
        case=case,
        actor=None,
        upload=ContentFile(PDF, name="avvisningsbrev.pdf"),
        kind=CaseFile.Kind.LETTER,
    )

    page = page_as(client, world.board_member, case)

    download = reverse("workflow:case_file_download", args=[letter.pk])
    assert f'href="{download}"' in page
    assert "avvisningsbrev.pdf" in page
    assert client.get(download).status_code == 200


# --- the system's reading beside each screening check ------------------------------------------


def test_the_checklist_shows_the_systems_reading_beside_each_check(world, client):
    case = case_in(world, State.SCREENING)

    page = page_as(client, world.adviser_a, case)

    assert 'aria-describedby="id_screening-participating_municipality_reading"' in page
    assert "Gjøvik participates in the programme." in page
    assert "The applicant chose the focus area “Industri”." in page
    assert "The applicant writes: “Nytt forretningsområde.”" in page
    assert (
        f"Applied for 500{NBSP}000{NBSP}kr, 50 % of the costs: within the programme's maximum of 50 %"
        f" (500{NBSP}000{NBSP}kr)." in page
    )
    assert f"The headroom under the ceiling of 300{NBSP}000{NBSP}euro is 300{NBSP}000{NBSP}euro" in page
    assert f"(3{NBSP}450{NBSP}000{NBSP}kr)" in page  # at the programme's rate of 11.5
    assert "The financing plan counts on no money from Innovation Norway." in page


def test_the_reading_warns_of_a_municipality_outside_the_programme_and_a_share_above_the_maximum(world, client):
    outside = MunicipalityFactory(programme=world.programme, name="Lillehammer", participating=False)
    world.adviser_a.staff_roles.get(kind="adviser").municipalities.add(outside)
    world.company_a.municipality = outside
    world.company_a.save()
    case = services.case_take(case=world.submitted_case(), actor=world.adviser_a)
    # Changed after submission (as an imported or corrected case may be): 60 % applied for.
    case.application.financing_lines.filter(source=FinancingLine.Source.OWN_FUNDS).update(amount=Decimal("400000"))
    case.application.financing_lines.filter(source=FinancingLine.Source.THIS_PROGRAMME).update(amount=Decimal("600000"))

    page = page_as(client, world.adviser_a, case)

    assert fact(page, "Municipality") == "Lillehammer"
    assert "Lillehammer does not participate in the programme." in page
    assert (
        f"Applied for 600{NBSP}000{NBSP}kr, 60 % of the costs: above the programme's maximum of 50 %"
        f" (500{NBSP}000{NBSP}kr)." in page
    )


def declare(case, amount: str, *, days_ago: int, kind=SupportDeclaration.Kind.DE_MINIMIS, grantor="Innovasjon Norge"):
    SupportDeclaration.objects.create(
        application=case.application,
        kind=kind,
        grantor=grantor,
        granted_on=clock.today() - dt.timedelta(days=days_ago),
        amount=Decimal(amount),
    )


def test_the_de_minimis_reading_counts_declared_support_and_grants_made_here(world, client):
    earlier = case_in(world, State.ACCEPTED)  # 400 000 kr granted here under de minimis
    case = case_in(world, State.SCREENING)
    declare(case, "1150000", days_ago=30)
    # Not counted (the page sums the declarations it lists): older than the rolling period,
    # and support of another kind.
    declare(case, "999000", days_ago=366 * world.programme.de_minimis_years, grantor="Fylkeskommunen")
    declare(case, "777000", days_ago=10, kind=SupportDeclaration.Kind.OTHER, grantor="Forskningsrådet")

    page = page_as(client, world.adviser_a, case)

    assert earlier.offer.amount == GRANT
    # 1 150 000 kr declared = 100 000 EUR; 400 000 kr granted here = 34 783 EUR; rate 11.5.
    assert f"declared 100{NBSP}000{NBSP}euro and been granted 34{NBSP}783{NBSP}euro here" in page
    assert f"The headroom under the ceiling of 300{NBSP}000{NBSP}euro is 165{NBSP}217{NBSP}euro" in page
    assert "and fits." in page


def test_the_de_minimis_reading_says_when_the_amount_applied_for_does_not_fit(world, client):
    case = case_in(world, State.SCREENING)
    declare(case, "3300000", days_ago=30)

    page = page_as(client, world.adviser_a, case)

    assert "and does not fit." in page


# --- recommendation, decisions and money --------------------------------------------------------


def test_the_recommendation_decision_and_money_of_a_granted_case_are_shown(world, client):
    case = case_in(world, State.ACCEPTED)
    services.payment_register(case=case, actor=world.admin, amount=Decimal("100000"))

    page = page_as(client, world.board_member, case)

    assert "Godt prosjekt." in page  # the adviser's assessment
    assert "Approved" in page.split("<caption>Decisions</caption>", 1)[1]
    money = page.split('id="case-money"', 1)[1].split("</dl>", 1)[0]
    for term, amount in (
        ("Granted", f"400{NBSP}000{NBSP}kr"),
        ("Paid so far", f"100{NBSP}000{NBSP}kr"),
        ("Held back until the final report is approved", f"100{NBSP}000{NBSP}kr"),
        ("Can be paid before the final report", f"200{NBSP}000{NBSP}kr"),
        ("Still unpaid of the commitment", f"300{NBSP}000{NBSP}kr"),
    ):
        assert amount in money.split(f"<dt>{term}</dt>", 1)[1].split("</dd>", 1)[0], term


def test_a_case_without_an_offer_shows_no_money(world, client):
    case = case_in(world, State.SCREENING)

    page = page_as(client, world.admin, case)

    assert 'id="case-money"' not in page
    assert "No recommendation is recorded yet." in page


# --- the timeline and internal notes --------------------------------------------------------------


def test_the_timeline_shows_every_event_with_internal_notes_marked(world, client):
    case = case_in(world, State.SCREENING)
    services.case_note_add(case=case, actor=world.adviser_a, text="Eierne har gjeld i annet selskap.")

    page = page_as(client, world.board_member, case)

    timeline = page.split('id="timeline-heading"', 1)[1]
    assert "Status changed from “Submitted” to “In screening”." in timeline
    assert "Eierne har gjeld i annet selskap." in timeline
    assert '<span class="ds-tag" data-color="warning">Internal</span>' in timeline
    assert str(world.adviser_a) in timeline


def test_the_timeline_shows_each_event_at_its_oslo_time(world, client):
    """Stored in UTC, shown in Oslo time: an event at 22:30 UTC on 1 June is 00:30 on 2 June."""
    case = case_in(world, State.SCREENING)
    event = case.events.order_by("pk").last()
    TimelineEvent.objects.filter(pk=event.pk).update(created_at=dt.datetime(2026, 6, 1, 22, 30, tzinfo=dt.UTC))

    timeline = page_as(client, world.adviser_a, case).split('id="timeline-heading"', 1)[1]

    assert '<time datetime="2026-06-02T00:30:00+02:00">02.06.2026 00:30</time>' in timeline


def test_the_applicant_never_sees_internal_notes(world, client):
    case = case_in(world, State.SCREENING)
    client.force_login(world.adviser_a)
    client.post(reverse("staff:case_note_add", args=[case.reference]), {"note-text": "Intern: svak egenkapital."})
    client.post(
        reverse("staff:screening_save", args=[case.reference]),
        {"screening-notes": "Intern kartleggingsmerknad.", "screening-focus_area_fits": "on"},
    )
    client.post(
        reverse("staff:case_note_add", args=[case.reference]),
        {"note-text": "Vi ringer dere i morgen.", "note-show_to_applicant": "on"},
    )
    assert TimelineEvent.objects.filter(case=case, staff_only=True).count() == 2

    client.force_login(world.applicant_a)
    applicant_page = client.get(reverse("workflow:case_detail", args=[case.reference])).content.decode()

    assert "Vi ringer dere i morgen." in applicant_page
    assert "Intern: svak egenkapital." not in applicant_page
    assert "Intern kartleggingsmerknad." not in applicant_page
    assert "Screening updated." not in applicant_page


def test_the_recommendation_form_notes_an_incomplete_checklist(world, client):
    case = case_in(world, State.SCREENING)
    incomplete = page_as(client, world.adviser_a, case)
    services.screening_save(
        case=case,
        actor=world.adviser_a,
        participating_municipality=True,
        focus_area_fits=True,
        beside_core_business=True,
        support_share_ok=True,
        de_minimis_ok=True,
        innovation_norway_consulted=True,
    )
    complete = page_as(client, world.adviser_a, case)

    assert "Not every check of the screening checklist is ticked yet." in incomplete
    assert "Not every check of the screening checklist is ticked yet." not in complete


# --- the query count does not grow with the rows -------------------------------------------------


def add_rows(case: Case, world: World, n: int) -> None:
    """``n`` rows of each kind the page lists: timeline events, cost lines, attachments,
    declarations and case documents."""
    application = case.application
    TimelineEvent.objects.bulk_create(
        TimelineEvent(
            case=case,
            actor=world.adviser_a if i % 2 else None,
            kind=TimelineEvent.Kind.NOTE,
            comment=f"Notat {i}",
            staff_only=bool(i % 3),
        )
        for i in range(n)
    )
    CostLine.objects.bulk_create(
        CostLine(
            application=application,
            category=CostLine.Category.OWN_HOURS,
            description=f"Timer {i}",
            hours=Decimal("10"),
            hourly_rate=Decimal("800"),
            amount=Decimal("8000"),
        )
        for i in range(n)
    )
    Attachment.objects.bulk_create(
        Attachment(
            application=application,
            file=f"attachments/{application.pk}/file{i}",
            original_name=f"vedlegg{i}.pdf",
            content_type="application/pdf",
            size=100,
            uploaded_by=world.applicant_a,
        )
        for i in range(n)
    )
    SupportDeclaration.objects.bulk_create(
        SupportDeclaration(
            application=application,
            kind=SupportDeclaration.Kind.OTHER,
            grantor=f"Giver {i}",
            granted_on=clock.today(),
            amount=Decimal("1000"),
        )
        for i in range(n)
    )
    CaseFile.objects.bulk_create(
        CaseFile(
            case=case,
            kind=CaseFile.Kind.OTHER,
            file=f"case_files/{case.pk}/doc{i}",
            original_name=f"dokument{i}.pdf",
            content_type="application/pdf",
            size=100,
        )
        for i in range(n)
    )


@pytest.mark.parametrize("state", [State.SCREENING, State.ACCEPTED])
def test_the_page_runs_as_many_queries_with_200_rows_as_with_10(world, client, state, django_assert_max_num_queries):
    small = case_in(world, state)
    large = case_in(world, state)
    add_rows(small, world, 10)
    add_rows(large, world, 200)
    client.force_login(world.adviser_a)
    client.get(page_url(small))  # warm up the session and the content types
    with CaptureQueriesContext(connection) as ten:
        first = client.get(page_url(small))

    with django_assert_max_num_queries(len(ten)):
        second = client.get(page_url(large))

    assert first.content.decode().count("vedlegg") >= 10
    assert second.content.decode().count("Notat 199") == 1
    assert second.content.decode().count("dokument199.pdf") == 1
    assert second.content.decode().count("Timer 199") == 1


@pytest.mark.parametrize("state", [State.SUBMITTED, State.SCREENING, State.RECOMMENDED, State.ACCEPTED])
def test_each_id_is_used_once_and_every_aria_reference_points_at_one(world, client, state):
    case = case_in(world, state)
    client.force_login(world.adviser_a)
    shown = client.get(page_url(case)).content.decode()
    with_error = client.post(
        reverse("staff:recommendation_record", args=[case.reference]), {"recommendation-outcome": "approve"}
    ).content.decode()

    for page in (shown, with_error):
        ids = Counter(re.findall(r'\bid="([^"]+)"', page))
        assert [name for name, count in ids.items() if count > 1] == []
        for references in re.findall(r'aria-(?:describedby|labelledby)="([^"]+)"', page):
            assert set(references.split()) <= set(ids), references
