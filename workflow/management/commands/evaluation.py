"""``manage.py evaluation --programme CODE --from YYYY-MM-DD --to YYYY-MM-DD --format pdf|json
[--output FILE]``: the programme's evaluation of a period (SPEC §9), written as PDF or JSON.

It is made here, in this process (no worker needed), and stored like one made from the page:
an evaluation listed on the administrator's page as made by the system, with both the PDF and
the JSON.  What it writes is what was stored: the JSON is the stored figures, the PDF the
stored file.  JSON goes to standard output unless ``--output`` names a file; a PDF goes to
``--output`` or to ``evaluation-<code>-<from>-<to>.pdf`` in the current folder.

Refusals (unknown programme, a date that is not one, a reversed or too long period) are
errors with a message and no traceback; nothing is stored for them.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from programme.errors import RuleViolation
from programme.models import Programme
from workflow import services
from workflow.models import Evaluation


def _date(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"{option}: {value!r} is not a date; write it as YYYY-MM-DD.") from error


class Command(BaseCommand):
    help = "Make and store the programme's evaluation of a period, and write it as PDF or JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--programme", required=True, metavar="CODE", help="The programme's code, e.g. NUP.")
        parser.add_argument("--from", dest="period_from", required=True, metavar="YYYY-MM-DD")
        parser.add_argument("--to", dest="period_to", required=True, metavar="YYYY-MM-DD")
        parser.add_argument("--format", required=True, choices=["pdf", "json"])
        parser.add_argument("--output", metavar="FILE", help="Where to write it (JSON: standard output without it).")

    def handle(self, *args: Any, **options: Any) -> None:
        # The system's language (Norwegian bokmål) for refusals, whatever was active before.
        with translation.override(settings.LANGUAGE_CODE):
            self._handle(options)

    def _handle(self, options: dict[str, Any]) -> None:
        code = options["programme"]
        programme = Programme.objects.filter(code=code).first()
        if programme is None:
            known = ", ".join(Programme.objects.order_by("code").values_list("code", flat=True)) or "none"
            raise CommandError(f"No programme has the code {code!r} (programmes: {known}).")
        period_from = _date(options["period_from"], "--from")
        period_to = _date(options["period_to"], "--to")
        try:
            evaluation = services.evaluation_record(programme=programme, period_from=period_from, period_to=period_to)
        except RuleViolation as refused:
            raise CommandError(str(refused.message)) from refused
        evaluation = services.evaluation_make(evaluation_id=evaluation.pk)
        if evaluation.status != Evaluation.Status.READY:
            raise CommandError(f"Evaluation {evaluation.pk} could not be made: {evaluation.error}")

        output = options["output"]
        if options["format"] == "json":
            text = json.dumps(evaluation.figures, ensure_ascii=False, indent=2) + "\n"
            if output is None:
                self.stdout.write(text, ending="")
                self.stderr.write(f"Stored as evaluation {evaluation.pk}.")
                return
            self._write(Path(output), text.encode("utf-8"), evaluation)
            return
        with evaluation.pdf.open("rb") as stored:
            data = stored.read()
        path = Path(output or f"evaluation-{programme.code}-{period_from.isoformat()}-{period_to.isoformat()}.pdf")
        self._write(path, data, evaluation)

    def _write(self, path: Path, data: bytes, evaluation: Evaluation) -> None:
        try:
            path.write_bytes(data)
        except OSError as error:
            raise CommandError(
                f"Could not write {path}: {error.strerror}. (Stored as evaluation {evaluation.pk}.)"
            ) from error
        self.stdout.write(f"Wrote {path} ({len(data)} bytes); stored as evaluation {evaluation.pk}.")
