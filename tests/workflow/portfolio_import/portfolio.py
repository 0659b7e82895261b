"""A generated portfolio file (SPEC §10) and the sums a reader would compute from it."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from openpyxl import Workbook
from stdnum.no import orgnr

from programme.models import Programme
from tests.factories import BudgetYearFactory, MunicipalityFactory
from workflow.models import State
from workflow.services.portfolio_import_parse import COLUMNS

YEARS = (2023, 2024, 2025)
GRANTED = {"approved", "declined", "accepted", "reporting", "lapsed", "cancelled", "completed", "closed"}
DECIDED = GRANTED | {"dismissed", "rejected", "appealed"}
RELEASING = {"completed", "closed", "lapsed", "cancelled", "declined"}
NOT_CARRIED_OUT = {"lapsed", "cancelled", "declined"}
PAID = {"accepted", "reporting", "completed", "closed", "lapsed", "cancelled"}


def org_number(n: int) -> str:
    """The n-th valid organisation number of a series (not every base has a check digit)."""
    base = 91000000 + n * 10
    while True:
        for digit in "0123456789":
            if orgnr.is_valid(f"{base:08d}{digit}"):
                return f"{base:08d}{digit}"
        base += 1


def prepare(programme: Programme) -> None:
    """What the import needs first: a third municipality and the budget years of the file."""
    MunicipalityFactory(programme=programme, number="0301", name="Oslo")
    for year in YEARS:
        BudgetYearFactory(programme=programme, year=year, frame=Decimal("30000000"))


def portfolio_rows(count: int = 200, code: str = "NUP") -> list[dict[str, str]]:
    states = list(State.values)
    rows = []
    for i in range(count):
        state = states[i % len(states)]
        year = YEARS[i % len(YEARS)]
        submitted = date(year, 1 + i % 10, 1 + i % 27)
        decided = submitted + timedelta(days=20 + i % 40)
        applied = Decimal(100000 + (i % 9) * 25000)
        granted = applied - Decimal(i % 3) * 10000 if state in GRANTED else None
        paid = None
        if state in PAID and granted is not None:
            paid = (
                granted
                if state in {"completed", "closed"} and i % 2
                else (granted * Decimal("0.6")).quantize(Decimal("0.01"))
            )
        rows.append(
            {
                "programme": code,
                "reference": f"{code}-{year}-{i + 1:03d}",
                "org_number": org_number(i % 60),
                "company_name": f"Bedrift {i % 60} AS",
                "municipality": ("Gjøvik", "3442", "301", "østre toten")[i % 4],
                "focus_area": "industri",
                "title": f"Prosjekt nummer {i + 1}",
                "submitted_on": submitted.isoformat(),
                "applied_amount": f"{applied}.00" if i % 2 else str(applied),
                "total_cost": str(applied * 2 + Decimal("0.50")),
                "state": state,
                "decided_on": decided.isoformat() if state in DECIDED or (state == "withdrawn" and i % 2) else "",
                "granted_amount": str(granted) if granted is not None else "",
                "budget_year": str(year) if granted is not None else "",
                "disbursed_amount": str(paid) if paid is not None else "",
                "expected_jobs": str(Decimal(i % 7) + Decimal("0.5")),
                "reported_jobs": str(Decimal(i % 4)) if state in PAID and i % 3 else "",
            }
        )
    return rows


def csv_bytes(rows: list[dict[str, str]], delimiter: str = ",", bom: bool = False) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, delimiter=delimiter, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return ("\ufeff" if bom else "").encode() + out.getvalue().encode("utf-8")


def xlsx_bytes(rows: list[dict[str, str]]) -> bytes:
    """The same rows in a workbook, numbers and dates as a spreadsheet would hold them."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(COLUMNS))
    for row in rows:
        cells = []
        for column in COLUMNS:
            value = row[column]
            if value and column in ("submitted_on", "decided_on"):
                cells.append(date.fromisoformat(value))
            elif value and column in ("budget_year",):
                cells.append(int(value))
            elif value and column.endswith(("amount", "cost", "jobs")):
                cells.append(float(value))
            else:
                cells.append(value)
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@dataclass
class YearSums:
    committed: Decimal = Decimal("0")
    disbursed: Decimal = Decimal("0")
    approved: int = 0
    jobs_expected: Decimal = Decimal("0")
    jobs_reported: Decimal = Decimal("0")
    rejected: int = 0
    dismissed: int = 0
    withdrawn: int = 0
    lapsed: int = 0
    received: int = 0


def sums(rows: list[dict[str, str]]) -> dict[int, YearSums]:
    """Per year, what the budget page and the evaluation must show after the import."""
    result = {year: YearSums() for year in YEARS}
    for row in rows:
        state = row["state"]
        result[int(row["submitted_on"][:4])].received += 1
        last = row["decided_on"] or row["submitted_on"]
        at = result[int(last[:4])]
        if state in ("rejected", "appealed"):
            at.rejected += 1
        elif state == "dismissed":
            at.dismissed += 1
        elif state in ("withdrawn", "declined"):
            at.withdrawn += 1
        elif state in ("lapsed", "cancelled"):
            at.lapsed += 1
        if state not in GRANTED:
            continue
        year = result[int(row["budget_year"])]
        granted = Decimal(row["granted_amount"])
        paid = Decimal(row["disbursed_amount"] or "0")
        year.committed += granted - (granted - paid if state in RELEASING else 0)
        year.disbursed += paid
        year.approved += 1
        if state not in NOT_CARRIED_OUT:
            year.jobs_expected += Decimal(row["expected_jobs"])
            year.jobs_reported += Decimal(row["reported_jobs"] or "0")
    return result
