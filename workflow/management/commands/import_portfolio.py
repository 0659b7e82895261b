"""``manage.py import_portfolio FILE [--dry-run] [--programme CODE]``: import an earlier
portfolio from CSV or XLSX (SPEC §10).

Every row is checked first; the errors are printed (row, column, message) and nothing is
written unless every row is valid.  Otherwise the summary is printed: cases per state and, per
budget year, what was committed and disbursed.  ``--dry-run`` checks and prints the summary
without writing.  The programme is the one named in the file's first row unless
``--programme`` names it; the import is recorded as made by the programme's first
administrator.  A file that cannot be read is an error with a message, never a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from programme.errors import RuleViolation
from programme.models import Programme, StaffRole
from programme.money import format_nok
from workflow.services.portfolio_import import ImportResult, portfolio_import, read_table


class Command(BaseCommand):
    help = "Import an earlier portfolio of applications from a CSV or XLSX file (SPEC §10)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the CSV or XLSX file")
        parser.add_argument("--dry-run", action="store_true", help="check the file and write nothing")
        parser.add_argument("--programme", help="the programme's code (default: the file's first row)")

    def handle(self, *args: Any, **options: Any) -> None:
        translation.activate(settings.LANGUAGE_CODE)
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror}") from error
        try:
            code = options["programme"] or read_table(data, path.name)[0][1]["programme"]
            programme = Programme.objects.filter(code=code).first()
            if programme is None:
                raise CommandError(_("Unknown programme “%(code)s”.") % {"code": code})
            role = StaffRole.objects.filter(programme=programme, kind=StaffRole.Kind.ADMIN).order_by("pk").first()
            if role is None:
                raise CommandError(
                    _("The programme %(code)s has no administrator to record the import as made by.") % {"code": code}
                )
            result = portfolio_import(
                programme=programme, actor=role.user, data=data, filename=path.name, dry_run=options["dry_run"]
            )
        except RuleViolation as refusal:
            raise CommandError(str(refusal)) from refusal
        if result.errors:
            for error in result.errors:
                row = error.row if error.row is not None else "-"
                self.stderr.write(
                    _("row %(row)s, column %(column)s: %(message)s")
                    % {"row": row, "column": error.column, "message": error.message}
                )
            raise CommandError(_("%(count)s error(s); nothing was imported.") % {"count": len(result.errors)})
        self._summary(result, dry_run=options["dry_run"])

    def _summary(self, result: ImportResult, *, dry_run: bool) -> None:
        head = _("Dry run, nothing was written") if dry_run else _("Imported")
        self.stdout.write(_("%(head)s: %(count)s cases.") % {"head": head, "count": len(result.rows)})
        for state, label, count in result.states:
            self.stdout.write(f"  {label} ({state}): {count}")
        for year in result.years:
            self.stdout.write(
                "  "
                + _("Budget year %(year)s: %(granted)s granted, committed %(committed)s, disbursed %(disbursed)s")
                % {
                    "year": year["year"],
                    "granted": year["granted"],
                    "committed": format_nok(year["committed"]),
                    "disbursed": format_nok(year["disbursed"]),
                }
            )
