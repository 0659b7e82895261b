"""The staff worklist (issue 4): who sees which cases, the filters and the search, sorting,
pagination, the counts by state, each case's age against the screening service level, odd
input, and a query count that does not grow with the rows."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from applications.models import Application
from programme import clock
from tests.factories import CompanyFactory, FocusAreaFactory, MunicipalityFactory, UserFactory, staff_role
from tests.journey import World, case_in
from tests.workflow.staff.worklist_support import OSLO, bulk_cases, page_as, references_on, worklist_url
from workflow.models import Case, State
from workflow.selectors.worklist import ServiceLevel


def nb_service_level(age: int, limit: int) -> str:
    with translation.override("nb"):
        return ServiceLevel(age, limit).label


# --- who sees what -----------------------------------------------------------------------------


def test_anonymous_is_sent_to_log_in(client: Client, world: World) -> None:
    for url in (worklist_url(), reverse("worklist:export", args=["csv"])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(f"{reverse('login')}?next=")


def test_an_applicant_without_a_staff_role_gets_404(client: Client, world: World) -> None:
    case_in(world, State.SUBMITTED)
    client.force_login(world.applicant_a)
    assert client.get(worklist_url()).status_code == 404
    assert client.get(reverse("worklist:export", args=["csv"])).status_code == 404
    assert client.get(reverse("worklist:export", args=["xlsx"])).status_code == 404


def test_an_adviser_sees_the_cases_of_his_municipalities_only(client: Client, world: World) -> None:
    own = case_in(world, State.SCREENING)
    other = case_in(world, State.SUBMITTED, company=world.company_b)
    assert references_on(page_as(client, world.adviser_a)) == [own.reference]
    assert references_on(page_as(client, world.adviser_b)) == [other.reference]


def test_administrators_and_board_members_see_every_case_of_their_programme(client: Client, world: World) -> None:
    a = case_in(world, State.SCREENING)
    b = case_in(world, State.SUBMITTED, company=world.company_b)
    for person in (world.admin, world.board_member):
        assert sorted(references_on(page_as(client, person))) == sorted([a.reference, b.reference])
    # Staff of another programme see none of them.
    assert references_on(page_as(client, world.other_admin)) == []
    assert references_on(page_as(client, world.other_board_member)) == []


def test_an_adviser_in_two_municipalities_sees_both(client: Client, world: World) -> None:
    both = UserFactory()
    staff_role(both, world.programme, "adviser", [world.municipality_a, world.municipality_b])
    cases = [case_in(world, State.SUBMITTED), case_in(world, State.SUBMITTED, company=world.company_b)]
    assert sorted(references_on(page_as(client, both))) == sorted(case.reference for case in cases)


def test_a_forged_municipality_filter_is_an_error_and_never_shows_the_other_case(client: Client, world: World) -> None:
    case_in(world, State.SCREENING)
    other = case_in(world, State.SUBMITTED, company=world.company_b)
    html = page_as(client, world.adviser_a, municipality=world.municipality_b.pk)
    assert other.reference not in html
    assert references_on(html) == []
    assert 'id="id_municipality_error"' in html
    assert 'aria-invalid="true"' in html
    # The other municipality is not even a choice (looked for in the municipality select only:
    # its id may well equal a year, as 2026, in the year select).
    choices = re.search(r'<select name="municipality".*?</select>', page_as(client, world.adviser_a), re.DOTALL)
    assert choices is not None
    assert f'<option value="{world.municipality_a.pk}"' in choices.group(0)
    assert f'<option value="{world.municipality_b.pk}"' not in choices.group(0)
    # Nor through the export: it sends the person back to the page with the error.
    export = client.get(reverse("worklist:export", args=["csv"]) + f"?municipality={world.municipality_b.pk}")
    assert export.status_code == 302
    assert other.reference.encode() not in export.content


def test_searching_never_reaches_another_municipality(client: Client, world: World) -> None:
    other = case_in(world, State.SUBMITTED, company=world.company_b)
    for text in (other.reference, world.company_b.name, world.company_b.org_number, other.application.title):
        html = page_as(client, world.adviser_a, q=text)
        assert references_on(html) == [], text
        assert reverse("staff:case_detail", kwargs={"reference": other.reference}) not in html


def test_another_programmes_filter_values_are_errors(client: Client, world: World) -> None:
    case_in(world, State.SUBMITTED)
    foreign_municipality = MunicipalityFactory(programme=world.other_programme)
    foreign_area = FocusAreaFactory(programme=world.other_programme)
    html = page_as(
        client,
        world.admin,
        programme=world.other_programme.pk,
        municipality=foreign_municipality.pk,
        focus_area=foreign_area.pk,
    )
    assert references_on(html) == []
    for field in ("programme", "municipality", "focus_area"):
        assert f'id="id_{field}_error"' in html


def test_the_rows_link_to_the_staff_case_page(client: Client, world: World) -> None:
    case = case_in(world, State.SUBMITTED)
    html = page_as(client, world.adviser_a)
    assert f'href="{reverse("staff:case_detail", kwargs={"reference": case.reference})}"' in html


# --- filters and search ------------------------------------------------------------------------


def test_filtering_by_state_phase_and_overdue(client: Client, world: World) -> None:
    submitted = case_in(world, State.SUBMITTED)
    screening = case_in(world, State.SCREENING)
    recommended = case_in(world, State.RECOMMENDED)
    withdrawn = case_in(world, State.WITHDRAWN)
    adviser = world.adviser_a
    assert references_on(page_as(client, adviser, state="screening")) == [screening.reference]
    assert sorted(references_on(page_as(client, adviser, state=["submitted", "recommended"]))) == sorted(
        [submitted.reference, recommended.reference]
    )
    assert sorted(references_on(page_as(client, adviser, phase="screening"))) == sorted(
        [submitted.reference, screening.reference]
    )
    assert references_on(page_as(client, adviser, phase="decision")) == [recommended.reference]
    assert references_on(page_as(client, adviser, phase="final")) == [withdrawn.reference]
    # Phase and state together: both must hold.
    assert references_on(page_as(client, adviser, phase="decision", state="screening")) == []


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"state": "screening"},
        {"state": ["submitted", "recommended", "withdrawn"]},
        {"phase": "screening"},
        {"phase": "final"},
        {"phase": "screening", "state": ["submitted", "recommended"]},
        {"phase": "decision", "state": "screening"},
        {"overdue": "on"},
        {"overdue": "on", "phase": "screening"},
        {"q": "zzz-no-such-case"},
    ],
)
def test_the_number_of_matching_cases_equals_the_rows_shown(client: Client, world: World, params) -> None:
    # The page counts its rows from the counts by state; this keeps the two in step.
    for state in (State.SUBMITTED, State.SCREENING, State.RECOMMENDED, State.WITHDRAWN, State.SUBMITTED):
        case_in(world, state)
    Case.objects.update(submitted_at=clock.now() - dt.timedelta(days=40))
    html = page_as(client, world.adviser_a, **params)
    rows = len(references_on(html))
    if rows == 0:
        assert "Ingen saker passer med filteret." in html
    else:
        shown = re.search(r'id="result-count">\s*(\d+)', html)
        assert shown is not None and int(shown.group(1)) == rows


def test_search_by_reference_company_org_number_and_title(client: Client, world: World) -> None:
    other_company = CompanyFactory(
        programme=world.programme, municipality=world.municipality_a, name="Fjord Robotikk AS"
    )
    wanted = bulk_cases(world, 1, company=other_company, tag="S", title="Autonom sveising")[0]
    bulk_cases(world, 3, tag="X", title="Noe annet")
    adviser = world.adviser_a
    for text in (
        wanted.reference,
        wanted.reference.lower(),
        "fjord robot",
        other_company.org_number,
        f"{other_company.org_number[:3]} {other_company.org_number[3:6]} {other_company.org_number[6:]}",
        "SVEISING",
    ):
        assert references_on(page_as(client, adviser, q=text)) == [wanted.reference], text
    assert references_on(page_as(client, adviser, q="finnes ikke")) == []


def test_filtering_by_municipality_focus_area_programme_and_year(client: Client, world: World) -> None:
    in_a = bulk_cases(world, 2, tag="A")
    in_b = bulk_cases(world, 3, company=world.company_b, tag="B")
    older = bulk_cases(world, 1, tag="O", submitted_at=dt.datetime(2019, 6, 1, 12, tzinfo=OSLO))
    tourism = FocusAreaFactory(programme=world.programme, code="reiseliv", name="Reiseliv")
    Application.objects.filter(pk=in_b[0].application_id).update(focus_area=tourism)
    admin = world.admin
    refs = lambda cases: sorted(case.reference for case in cases)  # noqa: E731
    assert sorted(references_on(page_as(client, admin, municipality=world.municipality_b.pk))) == refs(in_b)
    assert references_on(page_as(client, admin, focus_area=tourism.pk)) == [in_b[0].reference]
    assert sorted(references_on(page_as(client, admin, programme=world.programme.pk))) == refs(in_a + in_b + older)
    assert references_on(page_as(client, admin, year=2019)) == [older[0].reference]
    html = page_as(client, admin)
    assert '<option value="2019">2019</option>' in html


def test_the_counts_by_state_follow_the_other_filters_and_link_to_one_state(client: Client, world: World) -> None:
    bulk_cases(world, 3, tag="S", state=State.SUBMITTED)
    bulk_cases(world, 2, tag="R", state=State.RECOMMENDED)
    bulk_cases(world, 4, tag="N", state=State.SUBMITTED, company=world.company_b)
    html = page_as(client, world.adviser_a, state="recommended")
    summary = html[html.index('id="by-state-heading"') : html.index('id="results-heading"')]
    with translation.override("nb"):
        submitted_label, recommended_label = str(State.SUBMITTED.label), str(State.RECOMMENDED.label)
    assert f"{submitted_label}: <strong>3</strong>" in summary  # not 7: the other municipality stays out
    assert f"{recommended_label}: <strong>2</strong>" in summary
    assert 'href="?state=submitted"' in summary
    assert 'href="?state=recommended" aria-current="true"' in summary


# --- sorting and pagination --------------------------------------------------------------------


def test_sorting_by_each_column_both_ways(client: Client, world: World) -> None:
    start = clock.now()
    companies = [
        CompanyFactory(programme=world.programme, municipality=world.municipality_a, name=name)
        for name in ("Cirkel AS", "Alfa AS", "Bravo AS")
    ]
    cases = []
    for n, (company, state, applied) in enumerate(
        zip(
            companies,
            (State.RECOMMENDED, State.SUBMITTED, State.SCREENING),
            (Decimal("300000"), Decimal("100000"), Decimal("200000")),
            strict=True,
        )
    ):
        cases += bulk_cases(
            world, 1, company=company, state=state, applied=applied, tag=f"{'ZXY'[n]}", submitted_at=start
        )
    Case.objects.filter(pk=cases[0].pk).update(submitted_at=start - dt.timedelta(days=3))
    Case.objects.filter(pk=cases[1].pk).update(submitted_at=start - dt.timedelta(days=1))
    Case.objects.filter(pk=cases[2].pk).update(submitted_at=start - dt.timedelta(days=2))
    c, a, b = (case.reference for case in cases)  # by company name: Cirkel, Alfa, Bravo
    expected = {
        "reference": [a, b, c],  # NUP-2020-X…, Y…, Z…
        "company": [a, b, c],
        "state": [a, b, c],  # submitted, screening, recommended: the order of a case's life
        "amount": [a, b, c],
        "submitted": [c, b, a],  # oldest first
        "age": [a, b, c],  # youngest first
    }
    for key, order in expected.items():
        assert references_on(page_as(client, world.adviser_a, sort=key)) == order, key
        html = page_as(client, world.adviser_a, sort=f"-{key}")
        assert references_on(html) == order[::-1], f"-{key}"
        assert 'aria-sort="descending"' in html
    # The default is newest first; an unknown key falls back to it.
    assert references_on(page_as(client, world.adviser_a)) == [a, b, c]
    assert references_on(page_as(client, world.adviser_a, sort="application__company__org_number")) == [a, b, c]


def test_the_sorted_column_header_says_so_and_links_to_the_other_direction(client: Client, world: World) -> None:
    bulk_cases(world, 2)
    html = page_as(client, world.adviser_a, sort="company", q="Bulk")
    header = re.search(r'<th scope="col" aria-sort="ascending">\s*<a class="ds-link" href="([^"]+)"', html)
    assert header is not None
    assert header.group(1) == "?q=Bulk&amp;sort=-company"


def test_fifty_cases_a_page_and_the_page_links_keep_the_filters(client: Client, world: World) -> None:
    cases = bulk_cases(world, 120)
    bulk_cases(world, 5, company=world.company_b, tag="N")
    adviser = world.adviser_a
    seen: list[str] = []
    for number in (1, 2, 3):
        html = page_as(client, adviser, q="Bulk", sort="reference", page=number)
        seen += references_on(html)
        assert len(references_on(html)) == (50 if number < 3 else 20)
    assert seen == sorted(case.reference for case in cases)  # every case once, in order
    html = page_as(client, adviser, q="Bulk", sort="reference")
    assert 'href="?q=Bulk&amp;sort=reference&amp;page=2"' in html
    assert 'aria-current="page"' in html
    # Past the end: the last page; nonsense: the first.
    assert references_on(page_as(client, adviser, q="Bulk", sort="reference", page=99)) == seen[100:]
    for odd in ("abc", "-1", "0", "1e3", "\x00", "9" * 40):
        assert references_on(page_as(client, adviser, q="Bulk", sort="reference", page=odd))


# --- the service level -------------------------------------------------------------------------


def test_screening_age_against_the_service_level_at_the_boundary(client: Client, world: World) -> None:
    # Submitted late in the evening, Oslo time: the age counts Oslo days, not UTC days.
    submitted = dt.datetime(2026, 3, 2, 23, 30, tzinfo=OSLO)
    with clock.travel_to(submitted):
        case = world.submitted_case()
    assert world.programme.screening_days == 14
    adviser = world.adviser_a
    with clock.travel_to(dt.datetime(2026, 3, 16, 23, 59, tzinfo=OSLO)):  # day 14
        html = page_as(client, adviser)
        assert nb_service_level(14, 14) in html
        assert "data-overdue" not in html
        assert references_on(page_as(client, adviser, overdue="on")) == []
    with clock.travel_to(dt.datetime(2026, 3, 17, 0, 1, tzinfo=OSLO)):  # day 15
        html = page_as(client, adviser)
        assert nb_service_level(15, 14) in html
        assert "data-overdue" in html
        assert '<td class="np-amount">15</td>' in html
        assert references_on(page_as(client, adviser, overdue="on")) == [case.reference]
    assert nb_service_level(15, 14) != nb_service_level(14, 14)


def test_the_service_level_follows_the_programme_rule_and_only_screening_states(client: Client, world: World) -> None:
    world.programme.screening_days = 7
    world.programme.save(update_fields=["screening_days"])
    eight_days_ago = clock.now() - dt.timedelta(days=8)
    overdue = bulk_cases(world, 1, tag="O", state=State.SCREENING, submitted_at=eight_days_ago)[0]
    bulk_cases(world, 1, tag="R", state=State.RECOMMENDED, submitted_at=eight_days_ago)
    html = page_as(client, world.adviser_a)
    assert html.count("data-overdue") == 1
    with translation.override("nb"):
        assert str(State.RECOMMENDED.label) in html
    assert references_on(page_as(client, world.adviser_a, overdue="on")) == [overdue.reference]


def test_the_adviser_who_took_the_case_is_shown(client: Client, world: World) -> None:
    case_in(world, State.SCREENING)
    html = page_as(client, world.admin)
    assert world.adviser_a.get_full_name() in html


# --- odd input ---------------------------------------------------------------------------------

FILTER_KEYS = ["q", "phase", "state", "programme", "municipality", "focus_area", "year", "overdue", "sort", "page"]
odd_text = st.one_of(
    st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=120),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(["\x00", "1\x00", "-", "--age", "NaN", "1e999", "' OR 1=1 --", "%", "_", *State.values]),
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=st.dictionaries(st.sampled_from(FILTER_KEYS), st.lists(odd_text, min_size=1, max_size=3)))
def test_odd_input_never_gives_a_server_error(client: Client, world: World, params: dict[str, list[str]]) -> None:
    client.force_login(world.adviser_a)
    url = worklist_url(**params)
    assert client.get(url).status_code == 200
    export = client.get(url.replace(reverse("worklist:list"), reverse("worklist:export", args=["csv"]), 1))
    assert export.status_code in (200, 302)


@pytest.mark.parametrize(
    "params",
    [
        {"municipality": "9" * 30},
        {"programme": "-1"},
        {"focus_area": "1.5"},
        {"year": "99999999999999999999"},
        {"state": "unknown"},
        {"q": "a\x00b"},
        {"q": "x" * 101},
        {"phase": "everything"},
    ],
)
def test_a_wrong_filter_value_is_shown_at_its_field(client: Client, world: World, params: dict[str, str]) -> None:
    case = case_in(world, State.SUBMITTED)
    html = page_as(client, world.adviser_a, **params)
    (name,) = params
    assert f'id="id_{name}_error"' in html
    assert 'class="ds-error-summary"' in html
    assert case.reference not in references_on(html)


def test_an_unknown_export_format_is_404(client: Client, world: World) -> None:
    client.force_login(world.adviser_a)
    for fmt in ("pdf", "CSV", "xls", "csv.exe"):
        assert client.get(f"/saksbehandling/eksport.{fmt}/").status_code == 404


# --- queries -----------------------------------------------------------------------------------


def _query_count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(queries)


def test_the_page_and_the_export_run_as_many_queries_for_200_cases_as_for_10(
    client: Client, world: World, django_assert_max_num_queries: Any
) -> None:
    def build(count: int, tag: str) -> None:
        half = count // 2
        bulk_cases(world, half, tag=f"{tag}S", state=State.SCREENING, adviser=world.adviser_a)
        bulk_cases(world, count - half, tag=f"{tag}R", state=State.RECOMMENDED)
        bulk_cases(world, half, tag=f"{tag}N", company=world.company_b)

    client.force_login(world.adviser_a)
    urls = [
        worklist_url(),
        worklist_url(sort="-amount", phase="screening", overdue="on", q="Bulk"),
        worklist_url(sort="age", page=2),
        reverse("worklist:export", args=["csv"]),
        reverse("worklist:export", args=["xlsx"]) + "?sort=company&state=screening",
    ]
    build(10, "T")
    small = [_query_count(client, url) for url in urls]
    build(190, "H")
    assert Case.objects.filter(municipality=world.municipality_a).count() == 200
    large = [_query_count(client, url) for url in urls]
    assert small == large
    with django_assert_max_num_queries(12):
        client.get(worklist_url())


def test_the_page_reads_the_persons_roles_once_for_the_menu_and_the_scope(client: Client, world: World) -> None:
    bulk_cases(world, 3)
    client.force_login(world.adviser_a)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(worklist_url()).content.decode()
    role_reads = [query["sql"] for query in queries if 'FROM "programme_staffrole"' in query["sql"]]
    assert len(role_reads) == 1, role_reads
    assert len(references_on(html)) == 3
    assert 'href="/saksbehandling/"' in html  # the menu, drawn from the same read
