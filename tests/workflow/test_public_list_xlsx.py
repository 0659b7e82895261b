"""The public list of granted support as XLSX (issue 6): anyone may download it, and it holds
the rows and columns of the CSV and of the page for the same filter, with amounts as numbers
and dates as dates."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from tests.journey import case_in
from tests.workflow.test_public_list import CSV, PAGE, csv_rows, granted_in, page_titles
from workflow.models import State

XLSX_URL = reverse("public:granted_support_xlsx")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_rows(client, **params):
    response = client.get(XLSX_URL, params)
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == 'attachment; filename="tilskudd.xlsx"'
    workbook = load_workbook(io.BytesIO(response.getvalue()))
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


@pytest.fixture
def grants(world):
    granted_in(world, 2017, "Fra 2017", company=world.company_a)
    granted_in(world, 2018, "Fra 2018", company=world.company_b)
    case_in(world, State.LAPSED, title="Falt bort")
    case_in(world, State.RECOMMENDED, title="Ikke innvilget")


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"year": 2017},
        {"programme": "NUP", "year": 2018},
        {"programme": "OTH"},
        {"year": "i fjor"},
        {"programme": "<script>" * 5, "year": "99999999999999999999"},
        {"year": "-1"},
    ],
)
def test_the_xlsx_holds_exactly_the_rows_of_the_page_and_the_csv(client, world, grants, params):
    _response, titles = page_titles(client, **params)
    csv_header, *from_csv = csv_rows(client, **params)
    xlsx_header, *from_xlsx = xlsx_rows(client, **params)

    assert xlsx_header == csv_header
    assert [row[2] for row in from_xlsx] == titles
    assert [row[2] for row in from_csv] == titles
    assert "Ikke innvilget" not in titles


def test_the_xlsx_has_number_and_date_cells_and_the_csvs_words(client, world, grants):
    _header, *from_csv = csv_rows(client, year=2017)
    _header, row = xlsx_rows(client, year=2017)

    assert row[:3] == from_csv[0][:3] == [world.company_a.name, world.company_a.org_number, "Fra 2017"]
    assert Decimal(str(row[3])) == Decimal(from_csv[0][3]) == Decimal("400000")
    assert row[4] == dt.datetime(2017, 6, 1)
    assert row[5:] == from_csv[0][5:] == ["Industri", "NUP", "Innvilget"]


def test_a_lapsed_grant_has_its_status_in_the_xlsx(client, world, grants):
    _header, *rows = xlsx_rows(client)

    assert [row[7] for row in rows if row[2] == "Falt bort"] == ["Tilsagnet har falt bort"]


def test_the_page_links_to_the_xlsx_with_the_filter_and_keeps_the_csv_link(client, world):
    html = client.get(PAGE, {"year": 2017, "programme": "NUP"}).content.decode()

    assert f'href="{XLSX_URL}?year=2017&amp;programme=NUP"' in html
    assert f'href="{CSV}?year=2017&amp;programme=NUP"' in html


def test_anyone_may_download_it_but_only_with_get(client, world):
    assert client.get(XLSX_URL).status_code == 200
    assert client.post(XLSX_URL).status_code == 405


def test_the_query_count_does_not_grow_with_the_number_of_grants(client, world):
    companies = [world.company_a, world.company_b]
    counts = []
    for extra in (2, 8):
        for i in range(extra):
            case_in(world, State.APPROVED, company=companies[i % 2])
        with CaptureQueriesContext(connection) as queries:
            assert client.get(XLSX_URL).status_code == 200
        counts.append(len(queries))

    assert len(xlsx_rows(client)) == 11
    assert counts[0] == counts[1]
