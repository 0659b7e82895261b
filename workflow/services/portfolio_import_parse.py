"""Portfolio import (SPEC §10), first half: read a CSV or XLSX file into rows and check every
row against the programme, collecting *all* problems by row and column before anything is
written.  Nothing here writes; ``portfolio_import_write`` does that once every row is valid.

Row numbers are those a person sees in a spreadsheet: the header is row 1, the first
application row 2.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from stdnum.no import orgnr

from programme.errors import RuleViolation
from programme.models import BudgetYear, FocusArea, Municipality, Programme
from workflow.models import Case, State

COLUMNS = (
    "programme",
    "reference",
    "org_number",
    "company_name",
    "municipality",
    "focus_area",
    "title",
    "submitted_on",
    "applied_amount",
    "total_cost",
    "state",
    "decided_on",
    "granted_amount",
    "budget_year",
    "disbursed_amount",
    "expected_jobs",
    "reported_jobs",
)
MAX_BYTES = 2 * 1024 * 1024
MAX_AMOUNT = Decimal("999999999999.99")  # the amount fields hold 14 digits
MAX_JOBS = Decimal("99999.9")
ZERO = Decimal("0")

# States reached only through a decision, so the row must say when it was taken.
DECIDED = {
    State.DISMISSED,
    State.APPROVED,
    State.REJECTED,
    State.APPEALED,
    State.DECLINED,
    State.ACCEPTED,
    State.REPORTING,
    State.LAPSED,
    State.CANCELLED,
    State.COMPLETED,
    State.CLOSED,
}
# States of a case the board granted (whatever happened afterwards).
GRANTED = {
    State.APPROVED,
    State.DECLINED,
    State.ACCEPTED,
    State.REPORTING,
    State.LAPSED,
    State.CANCELLED,
    State.COMPLETED,
    State.CLOSED,
}
# Nothing is paid before the offer is accepted.
UNPAID = {State.APPROVED, State.DECLINED}
# The final payment has been made.
FINALLY_PAID = {State.COMPLETED, State.CLOSED}
# What was granted and not paid goes back to the budget (SPEC §10).
RELEASING = {State.COMPLETED, State.CLOSED, State.LAPSED, State.CANCELLED, State.DECLINED}


@dataclass(frozen=True)
class RowError:
    row: int | None  # None: the file as a whole (e.g. a budget year that would overflow)
    column: str
    message: str


@dataclass
class ImportRow:
    row: int
    reference: str
    org_number: str
    company_name: str
    municipality: Municipality
    focus_area: FocusArea
    title: str
    submitted_on: date
    applied_amount: Decimal
    total_cost: Decimal
    state: str
    decided_on: date | None
    granted_amount: Decimal
    budget_year: BudgetYear | None
    disbursed_amount: Decimal
    expected_jobs: Decimal
    reported_jobs: Decimal | None

    @property
    def released(self) -> Decimal:
        return self.granted_amount - self.disbursed_amount if self.state in RELEASING else ZERO

    @property
    def committed(self) -> Decimal:
        return self.granted_amount - self.released


@dataclass
class Checked:
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def _cell(value: Any) -> str:
    """An XLSX cell as the text a CSV would hold."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _csv_rows(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise RuleViolation(_("The file is not a CSV file in UTF-8 or an XLSX file."), code="file") from error
    if "\x00" in text:
        raise RuleViolation(_("The file is not a CSV file in UTF-8 or an XLSX file."), code="file")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        return [[cell.strip() for cell in row] for row in reader]
    except csv.Error as error:
        raise RuleViolation(_("The CSV file could not be read: %(error)s") % {"error": error}, code="file") from error


def _xlsx_rows(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        rows = [[_cell(value) for value in row] for row in sheet.iter_rows(values_only=True)]
        workbook.close()
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise RuleViolation(_("The XLSX file could not be read."), code="file") from error
    return rows


def read_table(data: bytes, filename: str = "") -> list[tuple[int, dict[str, str]]]:
    """The file's rows as (row number, {column: text}); refuses a file that is not a table of
    the import's columns, in words."""
    if not data:
        raise RuleViolation(_("The file is empty."), code="file")
    if len(data) > MAX_BYTES:
        raise RuleViolation(_("The file is larger than 2 MB."), code="file")
    is_xlsx = data[:4] == b"PK\x03\x04"
    rows = _xlsx_rows(data) if is_xlsx else _csv_rows(data)
    if not rows or not any(rows[0]):
        raise RuleViolation(_("The file is empty."), code="file")
    header = [cell.strip().lower() for cell in rows[0]]
    missing = [column for column in COLUMNS if column not in header]
    if missing:
        raise RuleViolation(
            _("The file lacks the column(s): %(columns)s.") % {"columns": ", ".join(missing)}, code="columns"
        )
    where = {column: header.index(column) for column in COLUMNS}
    table = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(row):
            continue
        table.append((number, {column: (row[i] if i < len(row) else "").strip() for column, i in where.items()}))
    if not table:
        raise RuleViolation(_("The file has no rows below the header."), code="file")
    return table


class _Row:
    """Reads one row's cells, noting each problem under its column."""

    def __init__(self, number: int, cells: dict[str, str], errors: list[RowError]) -> None:
        self.number, self.cells, self.errors = number, cells, errors

    def error(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.number, column, message))

    def text(self, column: str, max_length: int) -> str:
        value = self.cells[column]
        if not value:
            self.error(column, _("Required."))
        elif len(value) > max_length:
            self.error(column, _("At most %(count)s characters.") % {"count": max_length})
        return value

    def day(self, column: str, required: bool) -> date | None:
        value = self.cells[column]
        if not value:
            if required:
                self.error(column, _("Required."))
            return None
        try:
            return date.fromisoformat(value[:10] if len(value) > 10 and value[10] in " T" else value)
        except ValueError:
            self.error(column, _("“%(value)s” is not a date in the form YYYY-MM-DD.") % {"value": value})
            return None

    def number_(self, column: str, places: int, required: bool, maximum: Decimal = MAX_AMOUNT) -> Decimal | None:
        value = self.cells[column]
        if not value:
            if required:
                self.error(column, _("Required."))
            return None
        try:
            amount = Decimal(value.replace(" ", ""))
        except InvalidOperation:
            amount = None
        if amount is None or not amount.is_finite() or amount.as_tuple().exponent < -places:
            self.error(
                column,
                _("“%(value)s” is not a number with at most %(places)s decimals (use a dot for decimals).")
                % {"value": value, "places": places},
            )
            return None
        if amount < 0:
            self.error(column, _("May not be negative."))
            return None
        if amount > maximum:
            self.error(column, _("The number is too large."))
            return None
        return amount


def check_rows(programme: Programme, table: list[tuple[int, dict[str, str]]]) -> Checked:
    """Every row checked, every problem collected; the rows are usable only without errors."""
    result = Checked()
    municipalities = list(Municipality.objects.filter(programme=programme))
    by_number = {m.number: m for m in municipalities}
    by_name = {m.name.casefold(): m for m in municipalities}
    focus_areas = {f.code.casefold(): f for f in FocusArea.objects.filter(programme=programme)}
    budget_years = {by.year: by for by in BudgetYear.objects.filter(programme=programme)}
    references = Counter(cells["reference"] for _number, cells in table)
    existing = set(Case.objects.filter(reference__in=[r for r in references if r]).values_list("reference", flat=True))
    for number, cells in table:
        row = _Row(number, cells, result.errors)
        errors_before = len(result.errors)
        code = cells["programme"]
        if code != programme.code:
            row.error(
                "programme", _("The row belongs to “%(row)s”, not to %(code)s.") % {"row": code, "code": programme.code}
            )
        reference = row.text("reference", 30)
        if reference and references[reference] > 1:
            row.error(
                "reference",
                _("The reference %(reference)s occurs more than once in the file.") % {"reference": reference},
            )
        if reference in existing:
            row.error("reference", _("The case %(reference)s already exists.") % {"reference": reference})
        org_number = cells["org_number"].replace(" ", "")
        if not (len(org_number) == 9 and org_number.isdigit() and orgnr.is_valid(org_number)):
            row.error(
                "org_number",
                _("“%(value)s” is not a valid organisation number (nine digits with a correct check digit).")
                % {"value": cells["org_number"]},
            )
        company_name = row.text("company_name", 200)
        place = cells["municipality"]
        municipality = by_number.get(place.zfill(4) if place.isdigit() else place) or by_name.get(place.casefold())
        if municipality is None:
            row.error("municipality", _("Unknown municipality “%(value)s” in this programme.") % {"value": place})
        focus_area = focus_areas.get(cells["focus_area"].casefold())
        if focus_area is None:
            row.error(
                "focus_area",
                _("Unknown focus area “%(value)s”; use one of: %(codes)s.")
                % {"value": cells["focus_area"], "codes": ", ".join(sorted(focus_areas))},
            )
        title = row.text("title", 200)
        submitted_on = row.day("submitted_on", required=True)
        applied = row.number_("applied_amount", 2, required=True)
        total_cost = row.number_("total_cost", 2, required=True)
        if applied is not None and total_cost is not None and applied > total_cost:
            row.error("applied_amount", _("The amount applied for exceeds the total cost."))
        state = cells["state"]
        if state not in State.values:
            row.error(
                "state",
                _("Unknown state “%(value)s”; use one of: %(states)s.")
                % {"value": state, "states": ", ".join(State.values)},
            )
        decided_on = row.day("decided_on", required=False)
        granted = row.number_("granted_amount", 2, required=False) or ZERO
        disbursed = row.number_("disbursed_amount", 2, required=False) or ZERO
        expected_jobs = row.number_("expected_jobs", 1, required=False, maximum=MAX_JOBS) or ZERO
        reported_jobs = row.number_("reported_jobs", 1, required=False, maximum=MAX_JOBS)
        budget_year = _check_outcome(
            row,
            state=state,
            submitted_on=submitted_on,
            decided_on=decided_on,
            applied=applied,
            total_cost=total_cost,
            granted=granted,
            disbursed=disbursed,
            reported_jobs=reported_jobs,
            budget_years=budget_years,
        )
        if len(result.errors) > errors_before:
            continue
        result.rows.append(
            ImportRow(
                row=number,
                reference=reference,
                org_number=org_number,
                company_name=company_name,
                municipality=municipality,  # type: ignore[arg-type]
                focus_area=focus_area,  # type: ignore[arg-type]
                title=title,
                submitted_on=submitted_on,  # type: ignore[arg-type]
                applied_amount=applied,  # type: ignore[arg-type]
                total_cost=total_cost,  # type: ignore[arg-type]
                state=state,
                decided_on=decided_on,
                granted_amount=granted,
                budget_year=budget_year,
                disbursed_amount=disbursed,
                expected_jobs=expected_jobs,
                reported_jobs=reported_jobs,
            )
        )
    return result


def _check_outcome(
    row: _Row,
    *,
    state: str,
    submitted_on: date | None,
    decided_on: date | None,
    applied: Decimal | None,
    total_cost: Decimal | None,
    granted: Decimal,
    disbursed: Decimal,
    reported_jobs: Decimal | None,
    budget_years: dict[int, BudgetYear],
) -> BudgetYear | None:
    """The rules that tie the state to the decision date, the money and the budget year."""
    budget_year = None
    if state in DECIDED and decided_on is None and not row.cells["decided_on"]:
        row.error("decided_on", _("A case in the state “%(state)s” needs the date of its decision.") % {"state": state})
    if state in State.values and state not in DECIDED and state != State.WITHDRAWN and row.cells["decided_on"]:
        row.error("decided_on", _("A case in the state “%(state)s” has no decision yet.") % {"state": state})
    if decided_on and submitted_on and decided_on < submitted_on:
        row.error("decided_on", _("The decision cannot come before the submission."))
    if state in GRANTED:
        if granted <= 0:
            row.error(
                "granted_amount", _("A case in the state “%(state)s” needs the amount granted.") % {"state": state}
            )
        elif applied is not None and granted > applied:
            row.error("granted_amount", _("The amount granted exceeds the amount applied for."))
        year = row.cells["budget_year"]
        budget_year = budget_years.get(int(year)) if year.isdigit() else None
        if budget_year is None:
            row.error("budget_year", _("Unknown budget year “%(value)s” in this programme.") % {"value": year})
        elif decided_on and budget_year.year != decided_on.year:
            row.error(
                "budget_year",
                _("An approval is charged to the budget year it is decided in (%(year)s).") % {"year": decided_on.year},
            )
        if disbursed > granted:
            row.error("disbursed_amount", _("More is paid than was granted."))
        if state in UNPAID and disbursed > 0:
            row.error("disbursed_amount", _("Nothing is paid before the offer is accepted."))
        if state in FINALLY_PAID and disbursed <= 0:
            row.error("disbursed_amount", _("A completed case has had its final payment."))
    elif state in State.values:
        for column, value in (("granted_amount", granted), ("disbursed_amount", disbursed)):
            if value > 0:
                row.error(
                    column, _("A case in the state “%(state)s” has not been granted anything.") % {"state": state}
                )
        if row.cells["budget_year"]:
            row.error(
                "budget_year",
                _("A case in the state “%(state)s” has not been granted anything.") % {"state": state},
            )
        if reported_jobs is not None:
            row.error("reported_jobs", _("Only a granted case reports jobs."))
    if state in GRANTED and total_cost is not None and total_cost <= 0:
        row.error("total_cost", _("A granted case needs its total cost to compute the support share."))
    return budget_year
