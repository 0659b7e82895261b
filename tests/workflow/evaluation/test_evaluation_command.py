"""``manage.py evaluation``: the evaluation of a period as JSON (standard output or a file) or
PDF (a file), stored like one made from the page; clear errors for what cannot be evaluated."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from tests.journey import World, case_in
from tests.workflow.evaluation.test_evaluation_pdf import nok, pdf_text
from workflow.models import Evaluation, State

pytestmark = pytest.mark.usefixtures("private_storage")

SPEC_KEYS = {
    "budget_frame", "committed", "disbursed", "available", "applications_received", "approved", "rejected",
    "dismissed", "withdrawn", "lapsed", "jobs_expected", "jobs_reported", "target_projects_min",
    "target_projects_max", "target_jobs", "median_days_to_decision", "by_focus_area", "by_municipality",
}  # fmt: skip


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("evaluation", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_json_goes_to_standard_output_with_the_keys_of_the_spec_and_is_stored(world: World):
    case_in(world, State.APPROVED)
    year = world.budget_year.year
    out, _err = run("--programme", "NUP", "--from", f"{year}-01-01", "--to", f"{year}-12-31", "--format", "json")

    data = json.loads(out)  # nothing but the JSON on standard output
    assert {"years", "totals", "projects", "programme", "period"} <= set(data)
    for row in [*data["years"], data["totals"]]:
        assert SPEC_KEYS <= set(row)
    assert data["years"][0]["approved"] == 1 and data["years"][0]["budget_frame"] == 5000000

    stored = Evaluation.objects.get()
    assert (stored.status, stored.requested_by, stored.automatic) == ("ready", None, False)
    assert stored.figures == data and stored.pdf


def test_a_pdf_goes_to_the_file_named_and_shows_the_figures(world: World, tmp_path: Path):
    case_in(world, State.APPROVED)
    year = world.budget_year.year
    target = tmp_path / "rapport.pdf"
    out, _err = run(
        "--programme",
        "NUP",
        "--from",
        f"{year}-01-01",
        "--to",
        f"{year}-12-31",
        "--format",
        "pdf",
        "--output",
        str(target),
    )
    stored = Evaluation.objects.get()
    assert f"Wrote {target}" in out and f"evaluation {stored.pk}" in out
    pages, text = pdf_text(target.read_bytes())
    assert f"Side 1 av {pages}" in text
    y = stored.figures["years"][0]
    assert f"{nok(y['budget_frame'])} {nok(y['committed'])} {nok(y['disbursed'])}" in text
    with stored.pdf.open("rb") as handle:
        assert handle.read() == target.read_bytes()  # the file written is the one stored


def test_json_to_a_file_and_a_pdf_without_output_gets_a_name_of_its_own(world: World, tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run("--programme", "NUP", "--from", "2017-01-01", "--to", "2018-12-31", "--format", "json", "--output", "tall.json")
    assert json.loads((tmp_path / "tall.json").read_text(encoding="utf-8"))["period"] == {
        "from": "2017-01-01",
        "to": "2018-12-31",
    }
    run("--programme", "NUP", "--from", "2017-01-01", "--to", "2018-12-31", "--format", "pdf")
    assert (tmp_path / "evaluation-NUP-2017-01-01-2018-12-31.pdf").read_bytes().startswith(b"%PDF")
    assert Evaluation.objects.filter(status="ready").count() == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--programme", "XYZ", "--from", "2017-01-01", "--to", "2018-12-31"],
            "No programme has the code 'XYZ' (programmes: NUP, OTH).",
        ),
        (
            ["--programme", "NUP", "--from", "2017-13-01", "--to", "2018-12-31"],
            "--from: '2017-13-01' is not a date; write it as YYYY-MM-DD.",
        ),
        (["--programme", "NUP", "--from", "2017-01-01", "--to", "0000-01-01"], "--to: '0000-01-01' is not a date"),
        (
            ["--programme", "NUP", "--from", "2018-12-31", "--to", "2017-01-01"],
            "Perioden må slutte samme dag som den begynner eller senere.",
        ),
        (
            ["--programme", "NUP", "--from", "2016-01-01", "--to", "2017-01-01"],
            "Perioden kan ikke begynne før 1. januar 2017",
        ),
    ],
)  # fmt: skip
def test_what_cannot_be_evaluated_is_a_clear_error_and_nothing_is_stored(world: World, args, message):
    with pytest.raises(CommandError) as refused:
        run(*args, "--format", "json")
    assert message in str(refused.value)
    assert not Evaluation.objects.exists()


def test_an_output_that_cannot_be_written_is_a_clear_error(world: World, tmp_path: Path):
    with pytest.raises(CommandError) as refused:
        run(
            "--programme", "NUP", "--from", "2017-01-01", "--to", "2018-12-31", "--format", "pdf",
            "--output", str(tmp_path / "no-such-folder" / "x.pdf"),
        )  # fmt: skip
    assert "Could not write" in str(refused.value) and "No such file or directory" in str(refused.value)


def test_from_the_shell_an_error_is_a_message_without_a_traceback(tmp_path: Path):
    """Run as an operator would: a wrong format is refused with the usage and exit status 2, no
    traceback (the command's own errors are CommandErrors, shown the same way)."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}"}
    manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "evaluation", "--programme", "NUP"]
    wrong_format = subprocess.run(
        [*manage, "--from", "2017-01-01", "--to", "2018-12-31", "--format", "docx"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert wrong_format.returncode == 2 and "invalid choice: 'docx'" in wrong_format.stderr
    assert "Traceback" not in wrong_format.stderr
