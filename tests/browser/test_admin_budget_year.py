"""January in a Norwegian browser (issue 16): the year has no budget yet, so the programme's
administrator adds it in the Django admin (year, targets and a municipality's contribution),
and the board then approves a recommended case at its meeting today."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from programme.models import BudgetYear
from tests.browser.pages import go, nb
from tests.journey import World, build_world
from tests.workflow.staff.board_support import recommended_case
from workflow import services
from workflow.models import Case, State

TODAY = timezone.make_aware(dt.datetime(2027, 1, 12, 10, 0))
GRANT = Decimal("300000")


@pytest.fixture
def january() -> Iterator[None]:
    # time-machine moves the clock of the whole process, the live server's thread too;
    # ticking, so that the waits for the browser still end.
    with time_machine.travel(TODAY, tick=True):
        yield


def january_world() -> tuple[World, Case]:
    world = build_world()
    world.budget_year.delete()  # no budget for this year yet: that is the administrator's job
    case = recommended_case(world, GRANT, world.company_a)
    services.agenda_add(meeting=world.meeting, case=case, actor=world.admin)
    return world, case


def test_an_administrator_adds_this_years_budget_and_the_board_approves_today(
    january: None,
    tasks_at_once: Path,
    page: Page,
    login: Callable[..., Page],
    axe_check: Callable[..., Any],
) -> None:
    world, case = january_world()
    assert world.meeting.date == TODAY.date()
    assert not BudgetYear.objects.filter(programme=world.programme, year=2027).exists()

    # The administrator (a programme's administrator, not a superuser) in the Django admin.
    login(world.admin)
    go(page, reverse("admin:index"))
    for section in ("Programmer", "Søknader", "Saksbehandling"):
        expect(page.locator("caption a.section", has_text=section)).to_be_visible()
    go(page, reverse("admin:programme_budgetyear_add"))
    expect(page.get_by_role("heading", name="Legg til budsjettår")).to_be_visible()
    page.locator("#id_programme").select_option(str(world.programme.pk))
    page.locator("#id_year").fill("2027")
    page.locator("#id_target_jobs").fill("40")
    # Django's inline script names the row by the model's name with a capital letter.
    page.get_by_role("button", name="Legg til Bidrag").click()
    page.locator("#id_contributions-0-funder").fill("Gjøvik kommune")
    page.locator("#id_contributions-0-municipality").select_option(str(world.municipality_a.pk))
    page.locator("#id_contributions-0-amount").fill("2000000")
    page.locator("input[name='_save']").click()
    expect(page.locator(".messagelist")).to_contain_text("ble lagt til")
    budget_year = BudgetYear.objects.get(programme=world.programme, year=2027)
    assert budget_year.target_jobs == 40
    assert [c.amount for c in budget_year.contributions.all()] == [Decimal("2000000.00")]

    # The staff page for next year starts from this one's amounts, and passes axe.
    go(page, reverse("staff_admin:budget_year_add", args=[world.programme.code]))
    expect(page.locator("#id_year")).to_have_value("2028")
    expect(page.get_by_label(nb("Contribution from %(municipality)s (NOK)", municipality="Gjøvik"))).to_have_value(
        "2\u00a0000\u00a0000"  # as a Norwegian writes it, not 2000000.00
    )
    axe_check()

    # The board member (the administrator's session gone) approves the case at today's meeting.
    page.context.clear_cookies()
    login(world.board_member)
    code = world.programme.code
    go(page, reverse("board:meeting", args=[code, world.meeting.pk]))
    section = page.locator(f"#case-{case.reference}")
    section.locator(f"#id_approve-{case.pk}-legal_basis_0").check()
    section.get_by_role("button", name=nb("Approve %(ref)s", ref=case.reference)).click()
    expect(page.locator("[role='status']")).to_contain_text(case.reference)
    approved = Case.objects.get(pk=case.pk)
    assert approved.state == State.APPROVED
    assert approved.offer.budget_year == budget_year
    axe_check()
