"""The application's seven steps (SPEC §3) through the pages: each step saves a draft, the
data stays when the person leaves and comes back, the review lists every problem, another
company's application and files are not found, and a submitted application is read-only."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from applications.models import Application, Attachment, CompanyMember, CostLine, FinancingLine, SupportDeclaration
from applications.selectors import application_problems
from applications.services import attachment_add
from programme import clock
from tests.factories import ApplicationFactory
from tests.journey import case_in
from workflow import services as workflow_services

STEP_NAMES = {
    "company": "applications:application_company",
    "project": "applications:application_project",
    "costs": "applications:application_costs",
    "effects": "applications:application_effects",
    "attachments": "applications:application_attachments",
    "declarations": "applications:application_declarations",
    "review": "applications:application_review",
}

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def step(application: Application, slug: str) -> str:
    return reverse(STEP_NAMES[slug], kwargs={"pk": application.pk})


def text(response) -> str:
    return response.content.decode()


def formset(prefix: str, rows: list[dict], initial: int = 0) -> dict[str, str]:
    """A formset's POST data: the management form and one set of fields per row."""
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "100",
    }
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"{prefix}-{index}-{name}"] = value
    return data


def company_step_data(application: Application, **overrides) -> dict[str, str]:
    company = application.company
    members = list(company.memberships.order_by("joined_at", "pk"))
    data = {
        "name": company.name,
        "address": "Storgata 1",
        "postal_code": "2815",
        "city": "Gjøvik",
        "municipality": str(company.municipality_id),
        "industry_code": "25.110",
        "employees_fte": "10",
        **formset(
            "contacts",
            [{"member": m.pk, "is_contact": "on", "phone": "61 23 45 67", "title": "Daglig leder"} for m in members],
            initial=len(members),
        ),
    }
    data.update(overrides)
    return data


def project_data(world, **overrides) -> dict[str, str]:
    today = clock.today()
    data = {
        "title": "Ny sveiselinje",
        "summary": "Robotisert sveising av små serier.",
        "description": "Vi bygger en pilot.",
        "focus_area": str(world.focus_area.pk),
        "kind": Application.Kind.DEVELOPMENT,
        "beside_core_business": "Nytt marked for små serier.",
        "start_date": (today + dt.timedelta(days=30)).isoformat(),
        "end_date": (today + dt.timedelta(days=400)).isoformat(),
    }
    data.update(overrides)
    return data


def costs_data(costs: list[dict], financing: list[dict], *, cost_initial: int = 0, financing_initial: int = 0):
    return {**formset("costs", costs, cost_initial), **formset("financing", financing, financing_initial)}


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def english(client):
    """The pages in English, so that the assertions hold whatever the Norwegian catalogue says."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def draft(world, client) -> Application:
    """A new, empty draft of company A, started through the page by applicant A."""
    client.force_login(world.applicant_a)
    client.post(reverse("applications:application_start", args=[world.company_a.pk]))
    return Application.objects.get(company=world.company_a)


# --- Each step saves ----------------------------------------------------------------------


def test_every_step_saves_and_the_complete_draft_can_be_submitted(world, client, draft):
    response = client.post(step(draft, "company"), {**company_step_data(draft), "action": "next"})
    assert response["Location"] == step(draft, "project")

    response = client.post(step(draft, "project"), {**project_data(world), "action": "next"})
    assert response["Location"] == step(draft, "costs")

    response = client.post(
        step(draft, "costs"),
        {
            **costs_data(
                [
                    {"category": "external", "description": "Konsulent", "amount": "600000"},
                    {"category": "own_hours", "description": "Egne timer", "hours": "400", "hourly_rate": "1000"},
                ],
                [
                    {"source": "own_funds", "amount": "500000"},
                    {"source": "this_programme", "description": "Søkt", "amount": "500000"},
                ],
            ),
            "action": "next",
        },
    )
    assert response["Location"] == step(draft, "effects")

    response = client.post(
        step(draft, "effects"),
        {"new_jobs_expected": "3.5", "jobs_secured": "2", "expected_turnover": "4000000", "action": "next"},
    )
    assert response["Location"] == step(draft, "attachments")

    upload = SimpleUploadedFile("budsjett.pdf", PDF, content_type="application/pdf")
    response = client.post(step(draft, "attachments"), {"file": upload, "description": "Budsjett", "action": "next"})
    assert response["Location"] == step(draft, "declarations")

    response = client.post(
        step(draft, "declarations"),
        {
            **formset(
                "support",
                [{"kind": "de_minimis", "grantor": "Innovasjon Norge", "granted_on": "2025-03-01", "amount": "150000"}],
            ),
            "information_is_true": "on",
            "action": "next",
        },
    )
    assert response["Location"] == step(draft, "review")

    draft.refresh_from_db()
    company = draft.company
    company.refresh_from_db()
    assert (company.address, company.postal_code, company.industry_code) == ("Storgata 1", "2815", "25.110")
    assert CompanyMember.objects.get(company=company, user=world.applicant_a).title == "Daglig leder"
    assert draft.title == "Ny sveiselinje" and draft.focus_area == world.focus_area
    assert draft.kind == Application.Kind.DEVELOPMENT
    assert draft.new_jobs_expected == Decimal("3.5") and draft.expected_turnover == Decimal("4000000")
    own_hours = draft.cost_lines.get(category=CostLine.Category.OWN_HOURS)
    assert own_hours.amount == Decimal("400000.00")  # 400 hours × 1 000 kr
    assert draft.total_cost() == draft.total_financing() == Decimal("1000000")
    assert draft.attachments.get().content_type == "application/pdf"
    assert draft.support_declarations.get().grantor == "Innovasjon Norge"
    assert draft.information_is_true
    assert application_problems(application=draft) == []

    review = text(client.get(step(draft, "review")))
    assert f'action="{reverse("workflow:application_submit", args=[draft.pk])}"' in review
    assert "Please correct the following" not in review
    for shown in ["Ny sveiselinje", "Konsulent", "Innovasjon Norge", "budsjett.pdf", "1\u00a0000\u00a0000\u00a0kr"]:
        assert shown in review


def test_save_and_go_back_saves_and_opens_the_previous_step(world, client, draft):
    response = client.post(step(draft, "project"), {**project_data(world, title="Tilbake"), "action": "back"})

    assert response["Location"] == step(draft, "company")
    draft.refresh_from_db()
    assert draft.title == "Tilbake"


def test_save_stays_on_the_step(world, client, draft):
    response = client.post(step(draft, "effects"), {"new_jobs_expected": "1", "action": "stay"})

    assert response["Location"] == step(draft, "effects")


def test_leaving_and_coming_back_keeps_what_was_typed(world, client, draft):
    client.post(step(draft, "project"), {**project_data(world, title="Husket tittel"), "action": "next"})
    client.post(
        step(draft, "costs"),
        costs_data([{"category": "equipment", "description": "Sveiserobot", "amount": "250000"}], []),
    )

    client.get(reverse("applications:companies"))
    project = text(client.get(step(draft, "project")))
    costs = text(client.get(step(draft, "costs")))

    assert 'value="Husket tittel"' in project
    assert "Robotisert sveising av små serier." in project
    assert f'value="{(clock.today() + dt.timedelta(days=30)).isoformat()}"' in project
    assert 'value="Sveiserobot"' in costs
    assert 'value="250\u00a0000"' in costs  # as a Norwegian writes it, not 250000.00


def test_the_step_list_marks_the_current_step(client, draft):
    for slug in STEP_NAMES:
        page = text(client.get(step(draft, slug)))
        assert page.count('aria-current="step"') == 1
        assert f'href="{step(draft, slug)}" aria-current="step"' in page
        assert 'aria-label="Steps of the application"' in page


def test_dates_are_date_inputs(client, draft):
    page = text(client.get(step(draft, "project")))

    assert 'type="date" name="start_date"' in page
    assert 'type="date" name="end_date"' in page


# --- Costs and financing ------------------------------------------------------------------


def test_the_costs_page_shows_totals_balance_and_support_share(world, client, draft):
    client.post(
        step(draft, "costs"),
        costs_data(
            [{"category": "external", "description": "Konsulent", "amount": "1000000"}],
            [{"source": "own_funds", "amount": "300000"}, {"source": "this_programme", "amount": "600000"}],
        ),
    )

    page = text(client.get(step(draft, "costs")))

    assert "1\u00a0000\u00a0000\u00a0kr" in page
    assert "The financing is 100\u00a0000\u00a0kr less than the costs." in page
    assert "at most 50 % of the costs: 500\u00a0000\u00a0kr" in page
    assert "above the maximum share" in page


def test_a_bad_line_saves_none_of_the_lines(world, client, draft):
    draft_lines = costs_data([{"category": "external", "description": "Gammel", "amount": "100"}], [])
    client.post(step(draft, "costs"), draft_lines)

    response = client.post(
        step(draft, "costs"),
        costs_data(
            [
                {"category": "external", "description": "Ny", "amount": "500"},
                {"category": "other", "description": "Negativ", "amount": "-5"},
            ],
            [{"source": "own_funds", "amount": "505"}],
        ),
    )

    assert response.status_code == 200
    page = text(response)
    assert 'id="id_costs-1-amount_error"' in page
    assert "cannot be negative" in page
    assert list(draft.cost_lines.values_list("description", flat=True)) == ["Gammel"]
    assert not draft.financing_lines.exists()


def test_own_hours_need_hours_and_rate(client, draft):
    response = client.post(
        step(draft, "costs"), costs_data([{"category": "own_hours", "description": "Timer", "amount": "1000"}], [])
    )

    page = text(response)
    assert 'id="id_costs-0-hours_error"' in page and 'id="id_costs-0-hourly_rate_error"' in page
    assert not draft.cost_lines.exists()


def test_a_ticked_line_is_deleted_and_an_empty_row_is_no_line(client, draft):
    client.post(
        step(draft, "costs"),
        costs_data(
            [
                {"category": "external", "description": "Behold", "amount": "100"},
                {"category": "other", "description": "Slett", "amount": "200"},
            ],
            [],
        ),
    )

    client.post(
        step(draft, "costs"),
        costs_data(
            [
                {"category": "external", "description": "Behold", "amount": "100"},
                {"category": "other", "description": "Slett", "amount": "200", "DELETE": "on"},
                {"category": "", "description": "", "amount": ""},
            ],
            [],
            cost_initial=2,
        ),
    )

    assert list(draft.cost_lines.values_list("description", flat=True)) == ["Behold"]


# --- Attachments --------------------------------------------------------------------------


def test_an_attachment_is_uploaded_by_content_and_can_be_deleted(client, draft):
    upload = SimpleUploadedFile("søknad.docx", docx_bytes(), content_type="application/octet-stream")
    client.post(step(draft, "attachments"), {"file": upload, "action": "stay"})
    attachment = draft.attachments.get()
    assert attachment.type_label == "DOCX"
    page = text(client.get(step(draft, "attachments")))
    assert reverse("workflow:attachment_download", args=[attachment.pk]) in page

    response = client.post(reverse("applications:attachment_delete", args=[draft.pk, attachment.pk]))

    assert response["Location"] == step(draft, "attachments")
    assert not draft.attachments.exists()


def test_a_file_whose_name_lies_about_its_type_is_refused_at_the_field(client, draft):
    upload = SimpleUploadedFile("rapport.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf")

    response = client.post(step(draft, "attachments"), {"file": upload, "action": "next"})

    assert response.status_code == 200
    page = text(response)
    assert 'id="id_file_error"' in page
    assert "whatever its name says" in page
    assert not draft.attachments.exists()


def test_upload_without_a_file_asks_for_one(client, draft):
    response = client.post(step(draft, "attachments"), {"action": "stay"})

    assert response.status_code == 200
    assert 'id="id_file_error"' in text(response)


# --- Project, effects, declarations refusals ----------------------------------------------


def test_an_end_before_the_start_is_refused_at_the_end_date(world, client, draft):
    response = client.post(
        step(draft, "project"), project_data(world, start_date="2026-06-01", end_date="2026-05-01", title="Feil")
    )

    assert response.status_code == 200
    assert 'id="id_end_date_error"' in text(response)
    draft.refresh_from_db()
    assert draft.title == "" and draft.end_date is None


@pytest.mark.parametrize("field", ["start_date", "end_date"])
def test_a_mistyped_year_is_refused_at_its_date_and_nothing_is_saved(world, client, draft, field):
    latest = clock.today() + relativedelta(years=10)
    for typed in ("1900-06-01", (latest + dt.timedelta(days=1)).isoformat()):
        data = project_data(world, title="Feil år", **{field: typed})
        if field == "start_date":
            data["end_date"] = (latest + dt.timedelta(days=1)).isoformat()  # not before the start
        response = client.post(step(draft, "project"), data)

        assert response.status_code == 200
        page = text(response)
        assert f'id="id_{field}_error"' in page
        assert f"Give a date from 01.01.2000 to {latest:%d.%m.%Y}." in page
        draft.refresh_from_db()
        assert draft.title == "" and draft.start_date is None and draft.end_date is None


def test_a_project_may_end_ten_years_ahead(world, client, draft):
    latest = clock.today() + relativedelta(years=10)

    client.post(step(draft, "project"), {**project_data(world, end_date=latest.isoformat()), "action": "save"})

    draft.refresh_from_db()
    assert draft.end_date == latest


def test_support_granted_before_2000_is_a_typing_mistake(client, draft):
    def declare(granted_on: str):
        return client.post(
            step(draft, "declarations"),
            formset("support", [{"kind": "other", "grantor": "Fylket", "granted_on": granted_on, "amount": "10"}]),
        )

    response = declare("1999-12-31")

    assert 'id="id_support-0-granted_on_error"' in text(response)
    assert "Give a date from 01.01.2000 to" in text(response)
    assert not SupportDeclaration.objects.filter(application=draft).exists()

    declare("2000-01-01")
    assert SupportDeclaration.objects.get(application=draft).granted_on == dt.date(2000, 1, 1)


def test_a_negative_effect_is_refused_at_its_field(client, draft):
    response = client.post(step(draft, "effects"), {"new_jobs_expected": "-2", "jobs_secured": "1"})

    assert response.status_code == 200
    assert 'id="id_new_jobs_expected_error"' in text(response)
    draft.refresh_from_db()
    assert draft.jobs_secured == 0


def test_support_granted_in_the_future_is_refused_and_nothing_is_saved(client, draft):
    future = (clock.today() + dt.timedelta(days=10)).isoformat()

    response = client.post(
        step(draft, "declarations"),
        {
            **formset("support", [{"kind": "other", "grantor": "Fylket", "granted_on": future, "amount": "10"}]),
            "information_is_true": "on",
        },
    )

    assert response.status_code == 200
    assert 'id="id_support-0-granted_on_error"' in text(response)
    draft.refresh_from_db()
    assert not draft.information_is_true
    assert not SupportDeclaration.objects.filter(application=draft).exists()


# --- Review -------------------------------------------------------------------------------


def test_the_review_of_an_empty_draft_lists_every_problem_with_links_and_no_submit_button(client, draft):
    problems = application_problems(application=draft)
    assert len(problems) >= 8

    page = text(client.get(step(draft, "review")))

    summary = page.split('id="error-summary"')[1].split("</div>")[0]
    for problem in problems:
        assert escape(problem.message) in summary
        assert page.count(escape(problem.message)) >= 2  # in the summary and beside its section
    assert f'href="{step(draft, "project")}#id_title"' in summary
    assert f'href="{step(draft, "costs")}#field-cost_lines"' in summary
    assert f'href="{step(draft, "declarations")}#id_information_is_true"' in summary
    assert reverse("workflow:application_submit", args=[draft.pk]) not in page


def test_the_review_links_land_on_the_fields_of_the_steps(client, draft):
    assert 'id="field-cost_lines"' in text(client.get(step(draft, "costs")))
    assert 'id="field-financing_lines"' in text(client.get(step(draft, "costs")))
    assert 'id="id_title"' in text(client.get(step(draft, "project")))
    assert 'id="id_information_is_true"' in text(client.get(step(draft, "declarations")))
    assert 'id="field-contacts"' in text(client.get(step(draft, "company")))


# --- Access -------------------------------------------------------------------------------


def test_another_companys_application_is_not_found_on_any_step(world, client):
    foreign = world.application(world.company_b, title="Hemmelig")
    client.force_login(world.applicant_a)

    for slug in STEP_NAMES:
        assert client.get(step(foreign, slug)).status_code == 404
        assert client.post(step(foreign, slug), {"title": "Kapret", "action": "next"}).status_code == 404

    foreign.refresh_from_db()
    assert foreign.title == "Hemmelig"


def test_another_companys_attachment_cannot_be_deleted_or_reached_through_an_own_application(world, client):
    own = world.application()
    foreign = world.application(world.company_b)
    upload = SimpleUploadedFile("b.pdf", PDF)
    attachment = attachment_add(application=foreign, actor=world.applicant_b, upload=upload)
    client.force_login(world.applicant_a)

    through_foreign = client.post(reverse("applications:attachment_delete", args=[foreign.pk, attachment.pk]))
    through_own = client.post(reverse("applications:attachment_delete", args=[own.pk, attachment.pk]))

    assert (through_foreign.status_code, through_own.status_code) == (404, 404)
    assert Attachment.objects.filter(pk=attachment.pk).exists()


def test_a_person_who_left_the_company_no_longer_finds_its_draft(world, client):
    application = world.application()
    CompanyMember.objects.filter(company=world.company_a, user=world.applicant_a).delete()
    client.force_login(world.applicant_a)

    assert client.get(step(application, "project")).status_code == 404


# --- Submitted, and returned for completion ------------------------------------------------


def test_a_submitted_application_is_read_only(world, client):
    case = world.submitted_case(title="Innsendt")
    application = case.application
    lines = CostLine.objects.filter(application=application).count()
    client.force_login(world.applicant_a)

    for slug in STEP_NAMES:
        page = text(client.get(step(application, slug)))
        assert "has been submitted" in page
        assert 'value="next"' not in page and 'value="stay"' not in page
    assert "disabled" in text(client.get(step(application, "project")))
    assert reverse("workflow:application_submit", args=[application.pk]) not in text(
        client.get(step(application, "review"))
    )

    response = client.post(step(application, "project"), {**project_data(world, title="Endret"), "action": "next"})
    costs = client.post(
        step(application, "costs"), costs_data([{"category": "other", "description": "Ny", "amount": "1"}], [])
    )

    assert response.status_code == 200 and costs.status_code == 200
    assert "changes are made on the case" in text(response)
    application.refresh_from_db()
    assert application.title == "Innsendt"
    assert CostLine.objects.filter(application=application).count() == lines


def test_a_submitted_applications_attachment_cannot_be_deleted(world, client):
    application = world.application()
    attachment = attachment_add(
        application=application, actor=world.applicant_a, upload=SimpleUploadedFile("a.pdf", PDF)
    )
    workflow_services.application_submit(application=application, actor=world.applicant_a)
    client.force_login(world.applicant_a)

    client.post(reverse("applications:attachment_delete", args=[application.pk, attachment.pk]))

    assert Attachment.objects.filter(pk=attachment.pk).exists()


def test_a_returned_application_is_editable_again(world, client):
    case = case_in(world, "returned")
    application = case.application
    client.force_login(world.applicant_a)

    page = text(client.get(step(application, "project")))
    response = client.post(step(application, "project"), {**project_data(world, title="Komplettert"), "action": "stay"})

    assert 'value="next"' in page
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.title == "Komplettert"


def test_financing_lines_are_kept_by_source(world, client, draft):
    client.post(
        step(draft, "costs"),
        costs_data(
            [{"category": "external", "description": "Konsulent", "amount": "100"}],
            [{"source": "innovation_norway", "description": "Tilskudd", "amount": "100"}],
        ),
    )

    line = FinancingLine.objects.get(application=draft)
    assert (line.source, line.description, line.amount) == ("innovation_norway", "Tilskudd", Decimal("100.00"))


def test_a_complete_application_from_the_factory_shows_the_submit_form(world, client):
    application = ApplicationFactory(company=world.company_a, created_by=world.applicant_a, focus_area=world.focus_area)
    client.force_login(world.applicant_a)

    page = text(client.get(step(application, "review")))

    assert f'action="{reverse("workflow:application_submit", args=[application.pk])}"' in page
    assert f'name="next" value="{step(application, "review")}"' in page


def test_control_characters_in_a_file_name_are_not_kept(client, draft):
    upload = SimpleUploadedFile("bud\x07sjett\x1b.pdf", PDF, content_type="application/pdf")

    response = client.post(step(draft, "attachments"), {"file": upload, "action": "stay"})

    assert response.status_code == 302
    assert draft.attachments.get().original_name == "budsjett.pdf"


def test_numbers_typed_the_norwegian_way_are_understood(client, draft):
    client.post(
        step(draft, "costs"),
        costs_data([{"category": "own_hours", "description": "Timer", "hours": "12,5", "hourly_rate": "1 000"}], []),
    )
    client.post(step(draft, "effects"), {"new_jobs_expected": "2,5", "expected_turnover": "1\u00a0250\u00a0000,50"})

    draft.refresh_from_db()
    assert draft.cost_lines.get().amount == Decimal("12500.00")
    assert (draft.new_jobs_expected, draft.expected_turnover) == (Decimal("2.5"), Decimal("1250000.50"))
    assert 'inputmode="decimal"' in text(client.get(step(draft, "effects")))


def test_the_budget_preview_sums_the_lines_as_typed_without_saving_them(client, db):
    """htmx posts the costs form on every change; the totals come back, nothing is saved."""
    from tests.journey import build_world

    world = build_world()
    application = world.application()
    client.force_login(world.applicant_a)
    lines_before = (application.cost_lines.count(), application.financing_lines.count())
    data = {
        "costs-TOTAL_FORMS": "2",
        "costs-INITIAL_FORMS": "0",
        "costs-0-category": "external",
        "costs-0-description": "Konsulent",
        "costs-0-amount": "600 000",
        "costs-1-category": "own_hours",
        "costs-1-description": "Egne timer",
        "costs-1-hours": "100",
        "costs-1-hourly_rate": "1000",
        "financing-TOTAL_FORMS": "1",
        "financing-INITIAL_FORMS": "0",
        "financing-0-source": "this_programme",
        "financing-0-amount": "nonsense",
    }

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(f"/bedrift/soknad/{application.pk}/kostnader/summer/", data)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="budget"' in html and "not saved yet" in html
    assert "700\u00a0000\u00a0kr" in html  # 600 000 + 100 h × 1 000 kr
    assert (application.cost_lines.count(), application.financing_lines.count()) == lines_before


def test_the_budget_preview_is_not_for_another_companys_application(client, db):
    from tests.journey import build_world

    world = build_world()
    application = world.application(world.company_b)
    client.force_login(world.applicant_a)

    assert client.post(f"/bedrift/soknad/{application.pk}/kostnader/summer/", {}).status_code == 404
