"""The public list of granted support (offentleglova): a page and a CSV anyone may read,
holding every decision to grant and nothing from applications that were not granted."""

import csv
import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext

from programme.numbers import format_org_number
from tests.journey import case_in
from tests.workflow.staff.test_admin_query_counts import clone
from workflow.models import Decision, State

PAGE = reverse("public:granted_support")
CSV = reverse("public:granted_support_csv")
OSLO = ZoneInfo("Europe/Oslo")


def page_titles(client, **params):
    response = client.get(PAGE, params)
    assert response.status_code == 200
    return response, [row.project_title for row, _status in response.context["rows"]]


def csv_rows(client, **params):
    response = client.get(CSV, params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    content = response.getvalue().decode("utf-8")  # streamed
    assert content.startswith("\ufeff"), "Excel needs the BOM to read UTF-8"
    return list(csv.reader(io.StringIO(content.removeprefix("\ufeff")), delimiter=";"))


def granted_in(world, year, title, company=None):
    case = case_in(world, State.APPROVED, company=company, title=title)
    Decision.objects.filter(case=case, outcome="approve").update(decided_at=datetime(year, 6, 1, 12, tzinfo=OSLO))
    return case


def test_anyone_sees_the_granted_cases_and_none_that_were_not_granted(client, world):
    for state in (State.APPROVED, State.ACCEPTED, State.COMPLETED):
        case_in(world, state, company=world.company_a, title=f"Innvilget {state}")
    for state in (State.SUBMITTED, State.RECOMMENDED, State.REJECTED, State.DISMISSED):
        case_in(world, state, company=world.company_b, title=f"Ikke innvilget {state}")

    response, titles = page_titles(client)

    assert sorted(titles) == ["Innvilget accepted", "Innvilget approved", "Innvilget completed"]
    html = response.content.decode()
    assert "Ikke innvilget" not in html
    assert world.company_b.name not in html, "a company with no grant is not named"
    assert format_org_number(world.company_a.org_number) in html  # 910 000 004 on the page
    assert "400\u00a0000\u00a0kr" in html


def test_a_grant_that_lapsed_is_still_listed_with_its_status(client, world):
    case_in(world, State.LAPSED, title="Prosjekt som falt bort")

    response, titles = page_titles(client)

    assert titles == ["Prosjekt som falt bort"]
    assert [str(status) for _row, status in response.context["rows"]] == ["Tilsagnet har falt bort"]


def test_the_year_filter_keeps_only_that_years_decisions(client, world):
    granted_in(world, 2017, "Fra 2017", company=world.company_a)
    granted_in(world, 2018, "Fra 2018", company=world.company_b)

    assert page_titles(client, year=2017)[1] == ["Fra 2017"]
    assert page_titles(client)[1] == ["Fra 2018", "Fra 2017"], "newest decision first"


def test_the_programme_filter_keeps_only_that_programmes_grants(client, world):
    case_in(world, State.APPROVED, title="I NUP")

    assert page_titles(client, programme="NUP")[1] == ["I NUP"]
    assert page_titles(client, programme=world.other_programme.code)[1] == []


def test_an_invalid_filter_is_left_out_rather_than_failing(client, world):
    case_in(world, State.APPROVED, title="Innvilget")

    response, titles = page_titles(client, year="i fjor")

    assert titles == ["Innvilget"]
    assert response.context["form"].errors


@pytest.mark.parametrize("params", [{}, {"year": 2017}, {"programme": "NUP", "year": 2018}])
def test_the_csv_holds_exactly_the_rows_of_the_page_for_the_same_filter(client, world, params):
    granted_in(world, 2017, "Fra 2017", company=world.company_a)
    granted_in(world, 2018, "Fra 2018", company=world.company_b)
    case_in(world, State.RECOMMENDED, title="Ikke innvilget")

    _response, titles = page_titles(client, **params)
    header, *rows = csv_rows(client, **params)

    assert header[:5] == ["Bedrift", "Organisasjonsnummer", "Prosjekt", "Beløp (NOK)", "Vedtaksdato"]
    assert [row[2] for row in rows] == titles


def test_the_csv_has_plain_amounts_and_iso_dates(client, world):
    granted_in(world, 2017, "Fra 2017")

    _header, row = csv_rows(client)

    assert row[0] == world.company_a.name
    assert row[1] == world.company_a.org_number
    assert row[3] == "400000.00"
    assert row[4] == "2017-06-01"
    assert row[5] == "Industri"
    assert row[7] == "Innvilget"


def test_the_page_link_to_the_csv_keeps_the_filter(client, world):
    response = client.get(PAGE, {"year": 2017, "programme": "NUP"})

    assert f'href="{CSV}?year=2017&amp;programme=NUP"' in response.content.decode()


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        assert response.status_code == 200
        if response.streaming:  # the file's rows are read as it is sent
            b"".join(response.streaming_content)
    return len(queries)


@pytest.mark.parametrize("url", [PAGE, CSV])
def test_the_query_count_does_not_grow_with_the_number_of_grants(client, world, url):
    companies = [world.company_a, world.company_b]
    for i in range(2):
        case_in(world, State.APPROVED, company=companies[i % 2])
    with_two = count_queries(client, url)
    for i in range(8):
        case_in(world, State.APPROVED, company=companies[i % 2])
    with_ten = count_queries(client, url)

    assert len(client.get(PAGE).context["rows"]) == 10
    assert with_ten == with_two


def test_the_list_comes_fifty_a_page_with_the_filter_kept_and_the_files_hold_every_row(client, world):
    template = case_in(world, State.APPROVED, company=world.company_a, title="Innvilget")
    clone(template, 50)  # 51 grants: one more than a page

    first, titles = page_titles(client, programme="NUP")
    second, second_titles = page_titles(client, programme="NUP", page=2)

    assert (len(titles), len(second_titles)) == (50, 1)
    html = first.content.decode()
    nav = re.search(r'<nav class="ds-pagination" aria-label="([^"]+)">(.*?)</nav>', html, re.DOTALL)
    with translation.override("nb"):
        label = gettext("Pages of the list of granted support")
        matching = ngettext("%(counter)s decision matches the filter.", "%(counter)s decisions match the filter.", 51)
    assert nav is not None and nav.group(1) == label
    assert 'href="?programme=NUP&amp;page=2"' in nav.group(2), "the next page keeps the filter"
    assert 'aria-current="page"' in nav.group(2)
    assert matching % {"counter": 51} in html
    # The file links hold the filter but not the page: a file has every row.
    assert f'href="{CSV}?programme=NUP"' in second.content.decode()
    response = client.get(CSV, {"programme": "NUP", "page": 2})
    assert response.streaming, "the CSV is sent as it is written"
    assert len(csv_rows(client, programme="NUP")) == 1 + 51
