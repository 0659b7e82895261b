"""Whatever is posted to the step pages — odd text, huge or negative numbers, nonsense dates,
a file whose name lies, a file that is too large, a tampered formset — the answer is a page
(200 with the message at the field) or a redirect after saving (302), never a server error,
and a refusal leaves every row as it was."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from applications.models import Application, Attachment, Company, CostLine, FinancingLine, SupportDeclaration
from applications.views import drafting
from programme import clock
from tests.applications.test_drafting_pages import PDF, costs_data, formset, project_data, step
from tests.factories import valid_org_number

PROPERTY = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Text a person (or a script) might send: any Unicode but lone surrogates (which no
# browser can encode), control characters included, sometimes very long.
odd_text = st.one_of(
    st.text(st.characters(exclude_categories=["Cs"]), max_size=60),
    st.text(st.characters(codec="ascii", max_codepoint=31), max_size=10),
    st.sampled_from(["\x00", "a\x00b", "\u202eevil", "Ünïcødé ✓ 🚀", "   ", "\r\n\t", "'; DROP TABLE x; --"]),
    st.builds(lambda piece, times: piece * times, st.sampled_from(["x", "æ", "🚀", "ab "]), st.integers(190, 1200)),
)

# Numbers as typed: huge, negative, with too many decimals, in other notations, or not numbers.
odd_number = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(repr),
    st.sampled_from(["", "-0", "1e400", "-1e-400", "NaN", "-Infinity", "1,5", "1 000", "１２３", "0x10", "12.345"]),
    odd_text,
)

odd_date = st.one_of(
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)).map(dt.date.isoformat),
    st.sampled_from(["2026-02-30", "2026-13-01", "31.12.2026", "yesterday", "0000-00-00", "", "2026-1-1x"]),
    odd_text,
)


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def draft(world, client) -> Application:
    client.force_login(world.applicant_a)
    return Application.objects.create(programme=world.programme, company=world.company_a, created_by=world.applicant_a)


def rows(application: Application) -> tuple:
    """Every row a step page may write, for 'nothing changed' checks."""
    application.refresh_from_db()
    return (
        list(CostLine.objects.filter(application=application).values_list("category", "description", "amount")),
        list(FinancingLine.objects.filter(application=application).values_list("source", "amount")),
        list(SupportDeclaration.objects.filter(application=application).values_list("grantor", "amount")),
        Attachment.objects.filter(application=application).count(),
        Company.objects.count(),
        (application.title, application.start_date, application.end_date, application.new_jobs_expected),
        application.information_is_true,
    )


def assert_refused_at_a_field(response, before, after) -> None:
    page = response.content.decode()
    assert 'id="error-summary"' in page
    assert 'class="ds-validation-message"' in page
    assert after == before, "a refusal must change nothing"


# --- Step 2: text and dates ---------------------------------------------------------------


@PROPERTY
@given(title=odd_text, summary=odd_text, description=odd_text)
def test_odd_text_in_the_project_is_saved_as_typed_or_refused_at_the_field(
    world, client, draft, title, summary, description
):
    before = rows(draft)

    response = client.post(
        step(draft, "project"), project_data(world, title=title, summary=summary, description=description)
    )

    assert response.status_code in (200, 302)
    event(f"status {response.status_code}")
    if response.status_code == 302:
        draft.refresh_from_db()
        assert draft.title == title.strip()
        assert draft.summary == summary.strip()
        assert len(draft.title) <= 200 and len(draft.summary) <= 1000
        assert "\x00" not in draft.title + draft.summary + draft.description
    else:
        assert_refused_at_a_field(response, before, rows(draft))


@PROPERTY
@given(start=odd_date, end=odd_date)
def test_any_pair_of_dates_is_saved_in_order_or_refused_at_the_field(world, client, draft, start, end):
    before = rows(draft)

    response = client.post(step(draft, "project"), project_data(world, start_date=start, end_date=end))

    assert response.status_code in (200, 302)
    event(f"status {response.status_code}")
    if response.status_code == 302:
        draft.refresh_from_db()
        # Typed either as ISO (2026-12-31) or the Norwegian way (31.12.2026).
        assert draft.start_date is None or start in (draft.start_date.isoformat(), f"{draft.start_date:%d.%m.%Y}")
        assert draft.end_date is None or end in (draft.end_date.isoformat(), f"{draft.end_date:%d.%m.%Y}")
        if draft.start_date and draft.end_date:
            assert draft.end_date >= draft.start_date
    else:
        assert_refused_at_a_field(response, before, rows(draft))


def test_an_end_before_the_start_is_refused_at_the_end_date_and_changes_nothing(world, client, draft):
    before = rows(draft)

    response = client.post(step(draft, "project"), project_data(world, start_date="2027-05-02", end_date="2027-05-01"))

    assert response.status_code == 200
    assert 'id="id_end_date_error"' in response.content.decode()
    assert rows(draft) == before


# --- Step 3: the lines --------------------------------------------------------------------


@PROPERTY
@given(
    category=st.sampled_from(["external", "own_hours", "equipment", "other", "", "bogus"]),
    description=odd_text,
    amount=odd_number,
    hours=odd_number,
    rate=odd_number,
    financing=odd_number,
    source=st.sampled_from(["own_funds", "this_programme", "", "stolen"]),
)
def test_any_cost_and_financing_line_is_saved_whole_or_refused_with_nothing_saved(
    client, draft, category, description, amount, hours, rate, financing, source
):
    before = rows(draft)
    costs = [
        {"category": "external", "description": "Fornuftig linje", "amount": "1000"},
        {"category": category, "description": description, "amount": amount, "hours": hours, "hourly_rate": rate},
    ]

    response = client.post(step(draft, "costs"), costs_data(costs, [{"source": source, "amount": financing}]))

    assert response.status_code in (200, 302)
    event(f"status {response.status_code}")
    if response.status_code == 302:
        lines = list(CostLine.objects.filter(application=draft))
        assert all(line.amount >= 0 for line in lines)
        assert all(line.amount < Decimal("1e12") for line in lines)
        for line in lines:
            if line.category == CostLine.Category.OWN_HOURS:
                assert line.amount == (line.hours * line.hourly_rate).quantize(Decimal("0.01"))
        assert all(line.amount >= 0 for line in FinancingLine.objects.filter(application=draft))
    else:
        assert_refused_at_a_field(response, before, rows(draft))


@PROPERTY
@given(amount=st.integers(min_value=-(10**15), max_value=-1))
def test_a_negative_amount_is_always_refused_at_its_field(client, draft, amount):
    before = rows(draft)

    response = client.post(
        step(draft, "costs"), costs_data([{"category": "other", "description": "Minus", "amount": str(amount)}], [])
    )

    assert response.status_code == 200
    assert 'id="id_costs-0-amount_error"' in response.content.decode()
    assert rows(draft) == before


@PROPERTY
@given(
    total=st.one_of(st.integers(-5, 10**7).map(str), odd_text),
    initial=st.one_of(st.integers(-5, 10**7).map(str), odd_text),
)
def test_a_tampered_formset_is_a_page_with_a_message_never_an_error(client, draft, total, initial):
    before = rows(draft)
    data = costs_data([{"category": "other", "description": "Linje", "amount": "10"}], [])
    data["costs-TOTAL_FORMS"], data["costs-INITIAL_FORMS"] = total, initial

    response = client.post(step(draft, "costs"), data)

    assert response.status_code in (200, 302)
    event(f"status {response.status_code}")
    if response.status_code == 200:
        assert 'id="error-summary"' in response.content.decode()
        assert rows(draft) == before


# --- Steps 4 and 6: numbers and declarations -----------------------------------------------


@PROPERTY
@given(jobs=odd_number, secured=odd_number, turnover=odd_number)
def test_any_effect_figures_are_saved_within_bounds_or_refused_at_the_field(client, draft, jobs, secured, turnover):
    before = rows(draft)

    response = client.post(
        step(draft, "effects"),
        {"new_jobs_expected": jobs, "jobs_secured": secured, "expected_turnover": turnover, "action": "stay"},
    )

    assert response.status_code in (200, 302)
    event(f"status {response.status_code}")
    if response.status_code == 302:
        draft.refresh_from_db()
        assert draft.new_jobs_expected >= 0 and draft.jobs_secured >= 0 and draft.expected_turnover >= 0
    else:
        assert_refused_at_a_field(response, before, rows(draft))


@PROPERTY
@given(
    kind=st.sampled_from(["de_minimis", "other", "", "bribe"]),
    grantor=odd_text,
    granted_on=odd_date,
    amount=odd_number,
    confirmed=st.booleans(),
)
def test_any_declaration_is_saved_with_its_confirmation_or_nothing_is(
    client, draft, kind, grantor, granted_on, amount, confirmed
):
    before = rows(draft)
    data = formset("support", [{"kind": kind, "grantor": grantor, "granted_on": granted_on, "amount": amount}])
    if confirmed:
        data["information_is_true"] = "on"

    response = client.post(step(draft, "declarations"), data)

    assert response.status_code in (200, 302)
    event(f"status {response.status_code}")
    if response.status_code == 302:
        draft.refresh_from_db()
        assert draft.information_is_true == confirmed
        for declaration in SupportDeclaration.objects.filter(application=draft):
            assert declaration.amount >= 0
            assert declaration.granted_on <= clock.today()  # not in the future
    else:
        assert_refused_at_a_field(response, before, rows(draft))


# --- Step 1: the company ------------------------------------------------------------------


@PROPERTY
@given(name=odd_text, postal_code=odd_text, employees=odd_number, industry=odd_text)
def test_any_company_profile_is_saved_or_refused_at_the_field(client, draft, name, postal_code, employees, industry):
    company = draft.company
    company.refresh_from_db()
    snapshot = (company.name, company.postal_code, company.employees_fte, company.industry_code)
    data = {
        "name": name,
        "address": "",
        "postal_code": postal_code,
        "city": "",
        "municipality": str(company.municipality_id),
        "industry_code": industry,
        "employees_fte": employees,
        **formset("contacts", []),
    }

    response = client.post(step(draft, "company"), data)

    assert response.status_code in (200, 302)
    event(f"status {response.status_code}")
    company.refresh_from_db()
    if response.status_code == 302:
        assert company.name == name.strip() and company.name
        assert company.employees_fte >= 0
        assert company.postal_code == "" or (company.postal_code.isascii() and len(company.postal_code) == 4)
    else:
        page = response.content.decode()
        assert 'class="ds-validation-message"' in page
        assert (company.name, company.postal_code, company.employees_fte, company.industry_code) == snapshot


# --- Step 5: files ------------------------------------------------------------------------

MAGIC = {"pdf": b"%PDF-1.7\n", "png": b"\x89PNG\r\n\x1a\n", "jpg": b"\xff\xd8\xff\xe0"}


@PROPERTY
@given(
    # File systems keep names under 255 bytes (and Django answers a multipart header over
    # 1 KB with its own 400), so the odd names here are short.
    name=st.tuples(
        st.one_of(st.text(st.characters(exclude_categories=["Cs"]), max_size=40), st.just("a\x00b\x07")),
        st.sampled_from([".pdf", ".docx", ".xlsx", ".png", ".jpg", ".exe", ""]),
    ).map("".join),
    head=st.sampled_from([b"", b"MZ\x90\x00", b"PK\x03\x04", b"<html>", *MAGIC.values()]),
    body=st.binary(max_size=256),
)
def test_a_file_is_accepted_by_its_content_whatever_its_name_says(client, draft, name, head, body):
    content = head + body
    if not content:
        content = b"\x00"
    before = rows(draft)
    upload = SimpleUploadedFile(name or "file", content, content_type="application/pdf")

    response = client.post(step(draft, "attachments"), {"file": upload, "action": "stay"})

    assert response.status_code in (200, 302)
    event(f"status {response.status_code}")
    # PDF, PNG and JPEG by their signatures (random bytes are never a valid DOCX or XLSX).
    genuine = content.startswith((b"%PDF-", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff"))
    if response.status_code == 302:
        assert genuine
        assert Attachment.objects.filter(application=draft).count() == before[3] + 1
    else:
        # Refused: a lying name, or a name the multipart parser drops (then no file came).
        assert_refused_at_a_field(response, before, rows(draft))


def post_attachment_with_size(world, draft, size: int):
    """The attachments page with a PDF that claims ``size`` bytes, without allocating them."""
    upload = SimpleUploadedFile("stor.pdf", PDF, content_type="application/pdf")
    upload.size = size
    request = RequestFactory().post(step(draft, "attachments"), {"action": "stay"})
    request.user = world.applicant_a
    assert request.POST["action"] == "stay"  # parse the body first; then put the file in
    request._files = MultiValueDict({"file": [upload]})
    request._messages = CookieStorage(request)
    return drafting.application_attachments(request, pk=draft.pk)


@PROPERTY
@given(size=st.integers(min_value=Attachment.MAX_SIZE - 3, max_value=Attachment.MAX_SIZE * 1000))
def test_a_file_over_20_mb_is_refused_at_the_field_and_one_within_is_stored(world, draft, size):
    before = Attachment.objects.filter(application=draft).count()

    response = post_attachment_with_size(world, draft, size)

    after = Attachment.objects.filter(application=draft).count()
    if size <= Attachment.MAX_SIZE:
        assert response.status_code == 302 and after == before + 1
    else:
        assert response.status_code == 200
        page = response.content.decode()
        assert 'id="id_file_error"' in page and "20 MB" in page
        assert after == before


def test_a_real_upload_of_20_mb_and_one_byte_is_refused_at_the_field(client, draft):
    content = PDF + b"\x00" * (Attachment.MAX_SIZE + 1 - len(PDF))
    upload = SimpleUploadedFile("for-stor.pdf", content, content_type="application/pdf")

    response = client.post(step(draft, "attachments"), {"file": upload, "action": "next"})

    assert response.status_code == 200
    assert 'id="id_file_error"' in response.content.decode()
    assert not Attachment.objects.filter(application=draft).exists()


# --- Ids in the address -------------------------------------------------------------------


@PROPERTY
@given(pk=st.integers(min_value=0, max_value=2**70))
def test_any_application_id_is_the_own_application_or_not_found(client, draft, pk):
    response = client.get(reverse("applications:application_review", args=[pk]))

    assert response.status_code == (200 if pk == draft.pk else 404)


@pytest.mark.parametrize("typed", ["sNaN", "-sNaN", "NaN", "Infinity"])
def test_a_signalling_nan_beside_saved_values_is_refused_at_the_field(client, draft, typed):
    # Django compares a parsed number with the saved one to see whether a row changed, and a
    # comparison with a signalling NaN raises; the page must refuse it as "not a number".
    client.post(step(draft, "costs"), costs_data([{"category": "other", "description": "Lagret", "amount": "5"}], []))
    before = rows(draft)

    costs = client.post(
        step(draft, "costs"),
        costs_data([{"category": "other", "description": "Lagret", "amount": typed}], [], cost_initial=1),
    )
    effects = client.post(step(draft, "effects"), {"new_jobs_expected": typed, "jobs_secured": "0"})

    assert (costs.status_code, effects.status_code) == (200, 200)
    assert 'id="id_costs-0-amount_error"' in costs.content.decode()
    assert 'id="id_new_jobs_expected_error"' in effects.content.decode()
    assert rows(draft) == before


@PROPERTY
@given(
    org_number=st.one_of(
        odd_text,
        st.integers(0, 10**12).map(str),
        st.integers(1000, 10**6).map(valid_org_number),
        st.integers(1000, 10**6).map(lambda n: " ".join(valid_org_number(n))),
    ),
    name=st.one_of(odd_text, st.just("Toten Mekaniske AS")),
    employees=st.one_of(odd_number, st.just("3.5")),
)
def test_any_company_registration_registers_one_valid_company_or_refuses_at_the_field(
    world, client, draft, org_number, name, employees
):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    before = Company.objects.count()
    data = {
        "programme": world.programme.pk,
        "org_number": org_number,
        "name": name,
        "municipality": world.municipality_a.pk,
        "employees_fte": employees,
    }

    response = client.post(reverse("applications:company_create"), data)

    assert response.status_code in (200, 302)
    event(f"status {response.status_code}")
    if response.status_code == 302:
        company = Company.objects.latest("pk")
        assert Company.objects.count() == before + 1
        assert company.org_number.isascii() and len(company.org_number) == 9
        assert company.name == name.strip()
    else:
        assert 'class="ds-validation-message"' in response.content.decode()
        assert Company.objects.count() == before
