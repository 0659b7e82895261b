"""Lists as files: one table (header labels and rows of values) as CSV or XLSX.

Any list page can hand its columns and rows here.  Values stay typed until the last moment:
``Decimal`` and ``int`` are numbers, ``date``/``datetime`` are dates, anything else is text
(lazy translations included) and ``None`` is an empty cell.

Two things every export must get right, whoever calls it:

- *Formula injection*: a company name or project title is typed by an applicant.  A cell that
  starts with ``=``, ``+``, ``-`` or ``@`` would run as a formula when a spreadsheet opens the
  file.  In XLSX every text is written as a text cell, never a formula; in CSV, which has no
  types, such a text gets a leading apostrophe (the OWASP advice), which spreadsheets hide.
- *Characters XLSX cannot hold*: control characters are dropped from text cells instead of
  failing the whole file.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import FileResponse, Http404, StreamingHttpResponse
from django.utils import timezone, translation
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

Value = str | int | Decimal | date | datetime | None

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    # The charset is stated so that browsers and scripts need not guess.
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_DATE_FORMAT = "dd.mm.yyyy"
XLSX_DATETIME_FORMAT = "dd.mm.yyyy hh:mm"
XLSX_AMOUNT_FORMAT = "#,##0.00"
XLSX_SHEET_TITLE_MAX = 31  # Excel's limit
# Rows written to the CSV buffer before it is handed on: one chunk per row would make the
# server write thousands of tiny pieces.
CSV_ROWS_PER_CHUNK = 500


def export_response(
    *, fmt: str, filename: str, headers: Sequence[str], rows: Iterable[Sequence[Value]], sheet_title: str = ""
) -> StreamingHttpResponse:
    """The table as a download in ``fmt`` (``csv`` or ``xlsx``), named ``<filename>.<fmt>``.

    An unknown format is a 404: the format is part of the address, and no such file exists.
    """
    if fmt == "csv":
        return csv_response(filename=filename, headers=headers, rows=rows)
    if fmt == "xlsx":
        return xlsx_response(filename=filename, headers=headers, rows=rows, sheet_title=sheet_title or filename)
    raise Http404


def csv_response(*, filename: str, headers: Sequence[str], rows: Iterable[Sequence[Value]]) -> StreamingHttpResponse:
    """CSV the way Norwegian Excel opens it with a double click: UTF-8 with a byte-order mark
    (without it Excel reads the file as Windows-1252 and "Østre Toten" turns to mojibake),
    ``;`` between fields and a decimal comma (a Norwegian Excel uses ``,`` for decimals, so a
    comma-separated file would split every amount in two, and ``400000.50`` would be read as
    text).  Dates are ISO 8601 (``2026-03-05``), which Excel reads as dates in any language and
    scripts read without guessing the day/month order.

    Streamed: the rows are written as they are read (give an iterator, e.g. a queryset's
    ``.iterator(chunk_size=...)``), so a list of any length is sent in constant memory."""
    response = StreamingHttpResponse(in_request_context(_csv_chunks(headers, rows)), content_type=CONTENT_TYPES["csv"])
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def _csv_chunks(headers: Sequence[str], rows: Iterable[Sequence[Value]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow([_csv_text(str(header)) for header in headers])
    for number, row in enumerate(rows, start=1):
        writer.writerow([_csv_value(value) for value in row])
        if number % CSV_ROWS_PER_CHUNK == 0:
            yield _drain(buffer)
    yield _drain(buffer)


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def in_request_context(chunks: Iterator[str]) -> Iterator[str]:
    """The chunks made in the language and time zone of the request that asked for them: a
    streamed body is written after the view has returned, when the middleware that chose them
    may already have moved on."""
    language, zone = translation.get_language(), timezone.get_current_timezone()

    def made_in_context() -> Iterator[str]:
        with translation.override(language), timezone.override(zone):
            yield from chunks

    return made_in_context()


def xlsx_response(
    *, filename: str, headers: Sequence[str], rows: Iterable[Sequence[Value]], sheet_title: str = ""
) -> FileResponse:
    """XLSX with real number and date cells and a bold header row that stays in view.

    openpyxl's write-only mode writes each row to a temporary file as it comes, and the
    finished workbook is a temporary file too, sent in chunks: memory stays flat however many
    rows there are."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_sheet_title(sheet_title or filename))
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = _xlsx_cell(sheet, str(header))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    file = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it when it is sent
    workbook.save(file)
    file.seek(0)
    return FileResponse(file, as_attachment=True, filename=f"{filename}.xlsx", content_type=CONTENT_TYPES["xlsx"])


# --- CSV --------------------------------------------------------------------------------------


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", ",")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return _csv_text(str(value))


def _csv_text(text: str) -> str:
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


# --- XLSX -------------------------------------------------------------------------------------


def _xlsx_cell(sheet: Any, value: Any) -> WriteOnlyCell:
    if value is None:
        return WriteOnlyCell(sheet, value=None)
    if isinstance(value, Decimal):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = XLSX_AMOUNT_FORMAT
        return cell
    if isinstance(value, int) and not isinstance(value, bool):
        return WriteOnlyCell(sheet, value=value)
    if isinstance(value, datetime):
        # Excel has no time zones: the Oslo wall-clock time is what a reader expects to see.
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        cell = WriteOnlyCell(sheet, value=local.replace(tzinfo=None))
        cell.number_format = XLSX_DATETIME_FORMAT
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = XLSX_DATE_FORMAT
        return cell
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # never a formula, whatever the text starts with
    return cell


def _sheet_title(title: str) -> str:
    # Excel refuses these characters in a sheet's name, and names longer than 31 characters.
    cleaned = "".join(" " if char in "[]:*?/\\" else char for char in title).strip()
    return (cleaned or "Ark1")[:XLSX_SHEET_TITLE_MAX]
