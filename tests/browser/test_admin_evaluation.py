"""The administrator makes the evaluation in the browser (issue 5): from the list, with the
two-year period filled in, to the evaluation's page with its download; and an evaluation being
made shows its progress, then its figures and downloads without reloading.  axe-core passes on
the list (empty, with an error, with evaluations) and on the page (running and ready).

Here the task runs at once when asked for (Celery eager), as in the board's document test; the
progress is shown with an evaluation a "worker" is in the middle of, made by the test."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.browser.pages import go, nb
from tests.journey import build_world, case_in
from workflow import services
from workflow.models import Evaluation, State


def test_an_administrator_makes_the_two_year_evaluation_and_downloads_it(
    page: Page, login: Callable[..., Page], axe_check: Callable[..., Any], tasks_at_once: Path
) -> None:
    world = build_world()
    case_in(world, State.APPROVED)
    login(world.admin)
    go(page, reverse("staff_admin:job_outcomes", args=[world.programme.code]))
    page.get_by_role("navigation", name=nb("Case work")).get_by_role("link", name=nb("Evaluation")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(nb("Evaluation"))
    expect(page.get_by_text(nb("No evaluation has been made yet."))).to_be_visible()
    axe_check()

    # A reversed period is refused at the field, with the summary; nothing is made.
    page.get_by_label(nb("From")).fill("2019-01-01")
    page.get_by_role("button", name=nb("Make the evaluation")).click()
    message = nb("The period must end on or after the day it starts.")
    expect(page.locator("#error-summary")).to_contain_text(message)
    expect(page.locator("#id_period_to_error")).to_have_text(message)
    assert not Evaluation.objects.exists()
    axe_check()

    # The two-year period, as filled in.
    page.get_by_label(nb("From")).fill("2017-01-01")
    page.get_by_role("button", name=nb("Make the evaluation")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("01.01.2017–31.12.2018")
    evaluation = Evaluation.objects.get()
    assert evaluation.status == "ready"
    ready = nb("The evaluation is ready (made %(when)s).", when="").split("(")[0].strip()
    expect(page.locator("#evaluation-live")).to_contain_text(ready)
    # Nothing on the page says it is still being made (issue 17).
    expect(page.get_by_text(nb("The evaluation is being made. This page shows how far it has come."))).to_have_count(0)
    link = page.get_by_role("link", name=nb("Download the evaluation (PDF)"))
    expect(link).to_be_visible()
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "evaluering-NUP-2017-01-01-2018-12-31.pdf"
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    axe_check()

    # Listed with who made it and when.
    page.get_by_role("link", name=nb("All the programme's evaluations")).click()
    row = page.locator(f"tr[data-evaluation='{evaluation.pk}']")
    expect(row).to_contain_text(str(world.admin))
    expect(row).to_contain_text(nb("Ready"))
    expect(row.get_by_role("link", name=re.compile("^JSON"))).to_be_visible()
    axe_check()


def test_an_evaluation_being_made_shows_its_progress_then_its_figures(
    page: Page, login: Callable[..., Page], axe_check: Callable[..., Any], tasks_at_once: Path
) -> None:
    world = build_world()
    case_in(world, State.APPROVED)
    year = world.budget_year.year
    # Asked for, and a worker is in the middle of it.
    evaluation = Evaluation.objects.create(
        programme=world.programme,
        period_from=dt.date(year, 1, 1),
        period_to=dt.date(year, 12, 31),
        requested_by=world.admin,
        status="running",
        progress=60,
    )
    login(world.admin)
    go(page, reverse("staff_admin:evaluation", args=[world.programme.code, evaluation.pk]))
    progress = page.locator("progress#evaluation-progress")
    expect(progress).to_have_attribute("value", "60")
    expect(page.get_by_role("progressbar")).to_have_accessible_name(
        nb("%(status)s: %(progress)s %% done.", status=nb("Being made"), progress=60)
    )
    expect(page.get_by_role("status").filter(has=progress)).to_be_visible()
    expect(page.get_by_role("link", name=nb("Refresh"))).to_be_visible()
    axe_check()

    # The worker dies; the evaluation is made again (here by the test) and the page follows.
    services.evaluation_make(evaluation_id=evaluation.pk)

    expect(page.get_by_role("link", name=nb("Download the figures (JSON)"))).to_be_visible(timeout=8000)
    expect(progress).to_have_count(0)
    figures = page.locator("#evaluation-key-figures")
    expect(figures).to_be_visible()
    expect(figures.locator(f"tr[data-year='{year}'] [data-figure='approved']")).to_have_text("1")
    expect(page.locator("#evaluation-status")).not_to_have_attribute("hx-trigger", re.compile("."))
    axe_check()
