"""``manage.py import_portfolio``: errors with row and column and a non-zero exit, a dry run
that writes nothing, a summary after the import, and no traceback for a file that is not one."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.journey import World
from tests.workflow.portfolio_import.portfolio import csv_bytes, portfolio_rows, prepare, xlsx_bytes
from workflow.models import Case

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_portfolio", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_imports_and_prints_the_summary(world: World, tmp_path: Path) -> None:
    prepare(world.programme)
    path = tmp_path / "portefolje.xlsx"
    path.write_bytes(xlsx_bytes(portfolio_rows(34)))
    out, _err = run(str(path))
    assert Case.objects.filter(imported=True).count() == 34
    assert "34" in out and "2023" in out and "kr" in out


def test_a_dry_run_checks_and_writes_nothing(world: World, tmp_path: Path) -> None:
    prepare(world.programme)
    path = tmp_path / "portefolje.csv"
    path.write_bytes(csv_bytes(portfolio_rows(34)))
    out, _err = run(str(path), "--dry-run")
    assert "34" in out
    assert not Case.objects.filter(imported=True).exists()


def test_errors_are_printed_by_row_and_column_and_the_exit_code_is_not_zero(world: World, tmp_path: Path) -> None:
    prepare(world.programme)
    rows = portfolio_rows(10)
    rows[2]["municipality"] = "Atlantis"
    path = tmp_path / "portefolje.csv"
    path.write_bytes(csv_bytes(rows))
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_portfolio", str(path), stdout=StringIO(), stderr=err)
    assert "4" in err.getvalue() and "municipality" in err.getvalue() and "Atlantis" in err.getvalue()
    assert not Case.objects.filter(imported=True).exists()


@pytest.mark.parametrize("content", [b"", b"\x89PNG\r\n\x1a\nbinary", b"programme;reference\nNUP;X\n"])
def test_a_file_that_is_not_a_portfolio_is_an_error_without_traceback(
    world: World, tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "fil.csv"
    path.write_bytes(content)
    with pytest.raises(CommandError):
        run(str(path))
    with pytest.raises(CommandError):
        run(str(tmp_path / "finnes-ikke.csv"))


def test_the_exit_code_is_not_zero_from_the_shell(world: World, tmp_path: Path) -> None:
    from django.core.management import ManagementUtility

    path = tmp_path / "tom.csv"
    path.write_bytes(b"")
    with pytest.raises(SystemExit) as exit_:
        ManagementUtility(["manage.py", "import_portfolio", str(path)]).execute()
    assert exit_.value.code != 0
