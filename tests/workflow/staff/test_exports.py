"""Exports: the generic CSV/XLSX writer (types, Norwegian Excel, formula injection) and the
worklist's export, read back with the csv module and openpyxl, holding exactly the rows of
the filtered list and nothing from another municipality."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
from django.http import Http404, HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from programme import clock
from tests.journey import World, case_in
from tests.workflow.staff.test_worklist import bulk_cases, page_as, references_on
from workflow.exports import csv_response, export_response, xlsx_response
from workflow.models import State
from workflow.views.worklist import COLUMNS

OSLO = ZoneInfo("Europe/Oslo")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def body(response: HttpResponse) -> bytes:
    """The response's bytes; a streamed one is kept readable for the next look at it."""
    if not response.streaming:
        return response.content
    data = b"".join(response.streaming_content)
    response.streaming_content = [data]
    return data


def read_csv(response: HttpResponse) -> list[list[str]]:
    text = body(response).decode("utf-8")
    assert text.startswith("\ufeff"), "no byte-order mark: Excel would read the file as Windows-1252"
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def read_xlsx(response: HttpResponse) -> list[list[Any]]:
    workbook = load_workbook(io.BytesIO(body(response)))
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


def xlsx_cells(response: HttpResponse) -> list[list[Any]]:
    workbook = load_workbook(io.BytesIO(body(response)))
    return [list(row) for row in workbook.active.iter_rows()]


# --- the writer --------------------------------------------------------------------------------

HEADERS = ["Navn", "Beløp", "Dato", "Antall", "Tidspunkt", "Tomt"]
ROWS = [
    [
        "Østre Toten Mek AS",
        Decimal("1250000.50"),
        dt.date(2026, 3, 5),
        14,
        dt.datetime(2026, 3, 5, 23, 30, tzinfo=OSLO),
        None,
    ],
    ['=HYPERLINK("http://evil")', Decimal("0.00"), dt.date(2017, 1, 1), 0, None, ""],
    ["+47 99 99 99 99", Decimal("-5"), dt.date(2017, 12, 31), -3, None, None],
    ["Kontroll\x07tegn\x00 AS", Decimal("1"), dt.date(2020, 2, 29), 1, None, None],
]


def test_csv_is_utf8_with_bom_semicolons_and_decimal_commas() -> None:
    response = csv_response(filename="liste", headers=HEADERS, rows=ROWS)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="liste.csv"'
    rows = read_csv(response)
    assert rows[0] == HEADERS
    assert rows[1] == ["Østre Toten Mek AS", "1250000,50", "2026-03-05", "14", "2026-03-05 23:30", ""]
    assert rows[3][1:4] == ["-5", "2017-12-31", "-3"]


def test_csv_text_that_a_spreadsheet_would_run_as_a_formula_is_defused() -> None:
    rows = read_csv(csv_response(filename="liste", headers=HEADERS, rows=ROWS))
    assert rows[2][0] == '\'=HYPERLINK("http://evil")'
    assert rows[3][0] == "'+47 99 99 99 99"
    assert rows[1][0] == "Østre Toten Mek AS"  # ordinary text is left alone


def test_xlsx_has_number_and_date_cells_and_text_that_never_runs() -> None:
    response = xlsx_response(filename="liste", headers=HEADERS, rows=ROWS)
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == 'attachment; filename="liste.xlsx"'
    values = read_xlsx(response)
    assert values[0] == HEADERS
    name, amount, day, number, moment, empty = values[1]
    assert name == "Østre Toten Mek AS"
    assert Decimal(str(amount)) == Decimal("1250000.50")
    assert day == dt.datetime(2026, 3, 5)  # a date cell (openpyxl reads dates back as datetimes)
    assert number == 14
    assert moment == dt.datetime(2026, 3, 5, 23, 30)  # Oslo wall-clock time
    assert empty is None
    cells = xlsx_cells(response)
    assert cells[1][1].data_type == "n" and cells[1][1].number_format == "#,##0.00"
    assert cells[1][2].is_date and cells[1][2].number_format == "dd.mm.yyyy"
    assert cells[2][0].data_type == "s" and cells[2][0].value == '=HYPERLINK("http://evil")'
    assert values[4][0] == "Kontrolltegn AS"  # characters XLSX cannot hold are dropped
    assert cells[0][0].font.bold


def test_an_unknown_format_is_404() -> None:
    with pytest.raises(Http404):
        export_response(fmt="pdf", filename="x", headers=HEADERS, rows=[])


def test_an_empty_table_is_a_header_row() -> None:
    assert read_csv(export_response(fmt="csv", filename="x", headers=HEADERS, rows=[])) == [HEADERS]
    assert read_xlsx(export_response(fmt="xlsx", filename="x", headers=HEADERS, rows=[], sheet_title="a/b:c")) == [
        HEADERS
    ]


# --- the worklist export -----------------------------------------------------------------------


def export(client: Client, fmt: str, **params: Any) -> HttpResponse:
    response = client.get(reverse("worklist:export", args=[fmt]) + "?" + urlencode(params, doseq=True))
    assert response.status_code == 200, response
    return response


def all_pages(client: Client, user: Any, **params: Any) -> list[str]:
    references: list[str] = []
    for number in range(1, 20):
        found = references_on(page_as(client, user, page=number, **params))
        if number > 1 and found and found[0] in references:
            break  # past the end the last page repeats
        references += found
    return references


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"state": ["screening", "recommended"]},
        {"q": "Bulk", "sort": "-amount"},
        {"phase": "screening", "sort": "company"},
        {"sort": "age"},
    ],
)
def test_the_export_holds_exactly_the_rows_of_the_filtered_list(
    client: Client, world: World, params: dict[str, Any]
) -> None:
    bulk_cases(world, 40, tag="S", state=State.SCREENING, adviser=world.adviser_a)
    bulk_cases(world, 25, tag="R", state=State.RECOMMENDED)
    other = bulk_cases(world, 5, tag="N", company=world.company_b)
    listed = all_pages(client, world.adviser_a, **params)
    assert listed, "the filter should match something"
    csv_rows = read_csv(export(client, "csv", **params))
    xlsx_rows = read_xlsx(export(client, "xlsx", **params))
    assert [row[0] for row in csv_rows[1:]] == listed  # every row, not just the page, in the page's order
    assert [row[0] for row in xlsx_rows[1:]] == listed
    for case in other:
        assert case.reference not in {row[0] for row in csv_rows}
        assert case.reference not in {row[0] for row in xlsx_rows}


def test_the_export_has_the_columns_of_the_page_with_raw_values(client: Client, world: World) -> None:
    submitted = dt.datetime(2026, 3, 2, 10, 0, tzinfo=OSLO)
    with clock.travel_to(submitted):
        case = case_in(world, State.SCREENING)
    with clock.travel_to(dt.datetime(2026, 3, 22, 9, 0, tzinfo=OSLO)):
        client.force_login(world.adviser_a)
        csv_response_ = export(client, "csv")
        xlsx_response_ = export(client, "xlsx")
        assert csv_response_["Content-Disposition"] == 'attachment; filename="saker-2026-03-22.csv"'
        assert xlsx_response_["Content-Disposition"] == 'attachment; filename="saker-2026-03-22.xlsx"'
    assert xlsx_response_["Content-Type"] == XLSX
    with translation.override("nb"):
        headers = [str(column.label) for column in COLUMNS]
        state = str(State.SCREENING.label)
    application = case.application
    csv_rows = read_csv(csv_response_)
    assert csv_rows[0] == headers
    assert csv_rows[1] == [
        case.reference,
        application.company.name,
        application.title,
        world.municipality_a.name,
        world.focus_area.name,
        state,
        "2026-03-02",
        "20",
        "500000,00",
        world.adviser_a.get_full_name(),
        csv_rows[1][10],
    ]
    assert "6" in csv_rows[1][10]  # over the 14-day deadline by 6 days
    xlsx_row = read_xlsx(xlsx_response_)[1]
    assert xlsx_row[:6] == csv_rows[1][:6]
    assert xlsx_row[6] == dt.datetime(2026, 3, 2)
    assert xlsx_row[7] == 20
    assert Decimal(str(xlsx_row[8])) == Decimal("500000")
    assert xlsx_row[10] == csv_rows[1][10]


def test_the_export_is_for_staff_only(client: Client, world: World) -> None:
    case_in(world, State.SUBMITTED, company=world.company_b)
    client.force_login(world.other_admin)
    assert read_csv(export(client, "csv")) == [read_csv(export(client, "csv"))[0]]  # a header, no rows
    client.force_login(world.applicant_b)
    assert client.get(reverse("worklist:export", args=["csv"])).status_code == 404


def test_an_export_with_a_wrong_filter_sends_the_person_to_the_page_with_the_error(
    client: Client, world: World
) -> None:
    client.force_login(world.adviser_a)
    response = client.get(reverse("worklist:export", args=["xlsx"]) + "?state=nonsense&q=Bulk")
    assert response.status_code == 302
    assert response["Location"] == reverse("worklist:list") + "?state=nonsense&q=Bulk"
    html = client.get(response["Location"]).content.decode()
    assert 'id="id_state_error"' in html
