"""The portfolio import (SPEC §10): every row checked, all or nothing, and afterwards the budget
and the evaluation show the file's sums."""

from __future__ import annotations

from datetime import date

import pytest
from django.apps import apps

from programme.errors import RuleViolation
from programme.models import BudgetYear
from tests.journey import World
from tests.workflow.portfolio_import.portfolio import (
    YEARS,
    csv_bytes,
    portfolio_rows,
    prepare,
    sums,
    xlsx_bytes,
)
from workflow.models import Case, LedgerEntry, State
from workflow.selectors import budget_figures
from workflow.selectors.evaluation import evaluation_figures, evaluation_jsonable
from workflow.services import check_portfolio, portfolio_import

pytestmark = pytest.mark.django_db


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def assert_figures_match_file(world: World, rows: list[dict[str, str]]) -> None:
    expected = sums(rows)
    years = list(BudgetYear.objects.filter(programme=world.programme, year__in=YEARS))
    money = budget_figures(budget_years=years)
    for budget_year in years:
        figures = money[budget_year.pk]
        assert figures.committed == expected[budget_year.year].committed
        assert figures.disbursed == expected[budget_year.year].disbursed
        assert figures.available == figures.frame - expected[budget_year.year].committed
    evaluation = evaluation_jsonable(
        evaluation_figures(programme=world.programme, period_from=date(2023, 1, 1), period_to=date(2025, 12, 31))
    )
    for year in evaluation["years"]:
        want = expected[year["year"]]
        assert year["approved"] == want.approved
        assert year["committed"] == pytest.approx(float(want.committed))
        assert year["disbursed"] == pytest.approx(float(want.disbursed))
        assert year["jobs_expected"] == pytest.approx(float(want.jobs_expected))
        assert year["jobs_reported"] == pytest.approx(float(want.jobs_reported))
        assert year["applications_received"] == want.received
        assert (year["rejected"], year["dismissed"]) == (want.rejected, want.dismissed)
        assert (year["withdrawn"], year["lapsed"]) == (want.withdrawn, want.lapsed)


def test_a_file_of_200_rows_in_every_state_imports_with_the_files_sums(world: World) -> None:
    prepare(world.programme)
    rows = portfolio_rows(200)
    rows[0]["org_number"] = world.company_a.org_number
    existing = set(world.programme.companies.values_list("org_number", flat=True))
    result = portfolio_import(programme=world.programme, actor=world.admin, data=csv_bytes(rows))
    assert result.errors == []
    assert result.written
    cases = Case.objects.filter(programme=world.programme, imported=True)
    assert cases.count() == 200
    assert set(cases.values_list("state", flat=True)) == set(State.values)
    assert_figures_match_file(world, rows)
    # The figures the summary gives are the same sums.
    expected = sums(rows)
    assert {y["year"]: y["committed"] for y in result.years} == {y: s.committed for y, s in expected.items()}
    # Existing companies are reused, new ones created once per organisation number.
    assert world.programme.companies.count() == len(existing | {row["org_number"] for row in rows})
    assert world.company_a.applications.filter(case__reference=rows[0]["reference"]).exists()


def test_semicolons_and_a_byte_order_mark_are_read_as_well(world: World) -> None:
    prepare(world.programme)
    rows = portfolio_rows(20)
    result = portfolio_import(
        programme=world.programme, actor=world.admin, data=csv_bytes(rows, delimiter=";", bom=True)
    )
    assert result.errors == [] and result.written
    assert Case.objects.filter(imported=True).count() == 20


def test_the_xlsx_version_gives_the_same_result_as_the_csv(world: World) -> None:
    prepare(world.programme)
    rows = portfolio_rows(200)
    from_xlsx = check_portfolio(programme=world.programme, data=xlsx_bytes(rows))
    from_csv = check_portfolio(programme=world.programme, data=csv_bytes(rows))
    assert from_xlsx.errors == []
    assert from_xlsx.states == from_csv.states and from_xlsx.years == from_csv.years
    result = portfolio_import(programme=world.programme, actor=world.admin, data=xlsx_bytes(rows))
    assert result.written
    assert_figures_match_file(world, rows)


def test_errors_in_five_rows_are_all_reported_and_nothing_is_written(world: World) -> None:
    prepare(world.programme)
    rows = portfolio_rows(30)
    rows[1]["municipality"] = "Atlantis"
    rows[4]["org_number"] = "123456789"
    rows[8]["submitted_on"] = "2024-13-01"
    rows[11]["granted_amount"] = "-5"
    rows[12]["reference"] = rows[13]["reference"]
    before = row_counts()
    result = portfolio_import(programme=world.programme, actor=world.admin, data=csv_bytes(rows))
    found = {(e.row, e.column) for e in result.errors}
    assert {(3, "municipality"), (6, "org_number"), (10, "submitted_on"), (13, "granted_amount")} <= found
    assert {(14, "reference"), (15, "reference")} <= found
    assert {row for row, _column in found} == {3, 6, 10, 13, 14, 15}
    assert all(e.message for e in result.errors)
    assert not result.written
    assert row_counts() == before


@pytest.mark.parametrize(
    ("change", "column"),
    [
        ({"state": "approved", "granted_amount": "", "budget_year": ""}, "granted_amount"),
        ({"state": "rejected", "decided_on": ""}, "decided_on"),
        ({"state": "completed", "granted_amount": "100000", "disbursed_amount": "200000"}, "disbursed_amount"),
        ({"state": "approved", "granted_amount": "900000", "budget_year": "2023"}, "granted_amount"),
        ({"state": "approved", "granted_amount": "1000", "budget_year": "1999"}, "budget_year"),
        ({"state": "sleeping"}, "state"),
        ({"focus_area": "romfart"}, "focus_area"),
        ({"programme": "OTH"}, "programme"),
        ({"applied_amount": "12,50"}, "applied_amount"),
        ({"expected_jobs": "1000000"}, "expected_jobs"),
        ({"reported_jobs": "1.25"}, "reported_jobs"),
        ({"state": "completed", "granted_amount": "100000", "disbursed_amount": ""}, "disbursed_amount"),
        ({"state": "approved", "granted_amount": "1000", "disbursed_amount": "500"}, "disbursed_amount"),
        ({"state": "approved", "granted_amount": "1000", "budget_year": "2024"}, "budget_year"),
        ({"decided_on": "2022-01-01"}, "decided_on"),
        ({"title": ""}, "title"),
        ({"state": "submitted", "decided_on": "2023-05-05"}, "decided_on"),
    ],
)
def test_each_rule_names_its_column(world: World, change: dict[str, str], column: str) -> None:
    prepare(world.programme)
    row = portfolio_rows(9)[6]  # an approved case of 2023
    row.update({"decided_on": "2023-03-01", **change} if "decided_on" not in change else change)
    result = check_portfolio(programme=world.programme, data=csv_bytes([row]))
    assert column in {e.column for e in result.errors}


def test_an_import_that_would_overspend_a_budget_year_is_refused(world: World) -> None:
    prepare(world.programme)
    budget_year = BudgetYear.objects.get(programme=world.programme, year=2023)
    budget_year.contributions.update(amount=100000)
    before = row_counts()
    result = portfolio_import(programme=world.programme, actor=world.admin, data=csv_bytes(portfolio_rows(40)))
    assert [(e.row, e.column) for e in result.errors] == [(None, "budget_year")]
    assert "2023" in result.errors[0].message
    assert row_counts() == before


def test_importing_the_same_file_twice_changes_nothing(world: World) -> None:
    prepare(world.programme)
    data = csv_bytes(portfolio_rows(40))
    portfolio_import(programme=world.programme, actor=world.admin, data=data)
    before = row_counts()
    again = portfolio_import(programme=world.programme, actor=world.admin, data=data)
    assert not again.written
    assert len({e.row for e in again.errors}) == 40
    assert row_counts() == before


def test_a_dry_run_writes_nothing(world: World) -> None:
    prepare(world.programme)
    before = row_counts()
    result = portfolio_import(
        programme=world.programme, actor=world.admin, data=csv_bytes(portfolio_rows(40)), dry_run=True
    )
    assert result.errors == [] and not result.written and len(result.rows) == 40
    assert row_counts() == before


def test_the_ledger_explains_a_completed_case(world: World) -> None:
    prepare(world.programme)
    rows = [r for r in portfolio_rows(40) if r["state"] == "completed"][:1]
    portfolio_import(programme=world.programme, actor=world.admin, data=csv_bytes(rows))
    case = Case.objects.get(reference=rows[0]["reference"])
    entries = {e.kind: e.amount for e in case.ledger_entries.all()}
    granted, paid = (float(rows[0][k]) for k in ("granted_amount", "disbursed_amount"))
    assert float(entries[LedgerEntry.Kind.COMMIT]) == granted
    assert float(entries[LedgerEntry.Kind.DISBURSE]) == paid
    assert float(entries.get(LedgerEntry.Kind.RELEASE, 0)) == granted - paid
    assert case.payments.get().is_final
    assert case.offer.amount == entries[LedgerEntry.Kind.COMMIT]
    assert case.application.total_cost() == float(rows[0]["total_cost"])


@pytest.mark.parametrize(
    "data",
    [b"", b"\x00\x01\x02binary", b"PK\x03\x04not really a workbook", b"programme,reference\nNUP,X\n", b"a;b\n"],
)
def test_a_file_that_is_not_a_portfolio_is_refused_in_words(world: World, data: bytes) -> None:
    with pytest.raises(RuleViolation) as refusal:
        check_portfolio(programme=world.programme, data=data)
    assert str(refusal.value.message if hasattr(refusal.value, "message") else refusal.value)
