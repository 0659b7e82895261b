"""The board works through an agenda of three in the browser (issue 4): the first two
approvals fit the year's budget, the third no longer does and is refused with a clear message
at that case; the board's pages pass axe-core before decisions, after, and with an error."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.urls import reverse
from playwright.sync_api import Page, expect

from programme.money import format_nok
from tests.browser.pages import go, nb
from tests.journey import build_world
from tests.workflow.staff.board_support import FRAME, RECOMMENDED, recommended_case
from workflow.models import Case, LedgerEntry, MeetingDocument, State
from workflow.services.meeting_documents import meeting_document_make


def test_the_board_approves_two_and_the_third_no_longer_fits(
    page: Page, login: Callable[..., Page], axe_check: Callable[..., Any], tasks_at_once: Path
) -> None:
    world = build_world(frame=FRAME)
    companies = [world.company_a, world.company_b, world.company_a]
    cases = [recommended_case(world, amount, company) for amount, company in zip(RECOMMENDED, companies, strict=True)]
    code, meeting = world.programme.code, world.meeting
    login(world.board_member)

    # The meetings list, the members page.
    go(page, reverse("board:meetings", args=[code]))
    axe_check()
    go(page, reverse("board:meeting_members", args=[code, meeting.pk]))
    expect(page.get_by_role("checkbox", name=str(world.board_member_2))).to_be_checked()
    axe_check()

    # The agenda is built from the recommended cases.
    go(page, reverse("board:meeting", args=[code, meeting.pk]))
    for case in cases:
        page.locator(f"input[name='cases'][value='{case.pk}']").check()
    page.get_by_role("button", name=nb("Place the chosen cases on the agenda")).click()
    expect(page.locator("#agenda-budget tbody tr")).to_have_count(3)

    # Ordered with the keyboard: the last case up and back down.
    third = cases[2]
    page.get_by_role("button", name=nb("Move %(ref)s up", ref=third.reference)).focus()
    page.keyboard.press("Enter")
    expect(page.locator("#agenda-budget tbody tr").nth(1)).to_have_attribute("data-case", third.reference)
    page.get_by_role("button", name=nb("Move %(ref)s down", ref=third.reference)).focus()
    page.keyboard.press("Enter")
    expect(page.locator("#agenda-budget tbody tr").nth(2)).to_have_attribute("data-case", third.reference)

    # Before decisions: the third proposed approval is flagged in words.
    third_row = page.locator(f"#agenda-budget tr[data-case='{third.reference}']")
    expect(third_row).to_contain_text(nb("Exceeds the available budget"))
    expect(third_row.locator("[data-figure='before']")).to_have_text(
        format_nok(FRAME - RECOMMENDED[0] - RECOMMENDED[1])
    )
    axe_check()

    # The first two approvals, with the prefilled amounts.
    for case in cases[:2]:
        section = page.locator(f"#case-{case.reference}")
        section.locator(f"#id_approve-{case.pk}-legal_basis_0").check()
        section.get_by_role("button", name=nb("Approve %(ref)s", ref=case.reference)).click()
        expect(page.locator("[role='status']")).to_contain_text(case.reference)
    assert [Case.objects.get(pk=c.pk).state for c in cases] == [State.APPROVED, State.APPROVED, State.ON_AGENDA]
    axe_check()

    # The third no longer fits: refused at that case, nothing changed.
    ledger_rows = LedgerEntry.objects.count()
    section = page.locator(f"#case-{third.reference}")
    section.locator(f"#id_approve-{third.pk}-legal_basis_0").check()
    section.get_by_role("button", name=nb("Approve %(ref)s", ref=third.reference)).click()

    available = FRAME - RECOMMENDED[0] - RECOMMENDED[1]
    message = nb(
        "%(amount)s does not fit the budget of %(year)s: only %(available)s is available.",
        amount=format_nok(RECOMMENDED[2]),
        year=meeting.date.year,
        available=format_nok(available),
    )
    expect(page.locator("#error-summary")).to_contain_text(message)
    expect(page.locator(f"#id_approve-{third.pk}-amount_error")).to_have_text(message)
    expect(page.locator(f"#id_approve-{third.pk}-amount")).to_have_attribute("aria-invalid", "true")
    assert Case.objects.get(pk=third.pk).state == State.ON_AGENDA
    assert LedgerEntry.objects.count() == ledger_rows
    assert sum(e.amount for e in LedgerEntry.objects.all()) == RECOMMENDED[0] + RECOMMENDED[1]
    axe_check()

    # The link in the summary leads to the field.
    page.locator("#error-summary a").first.click()
    expect(page.locator(f"#id_approve-{third.pk}-amount")).to_be_focused()
    assert available == Decimal("250000")

    # The minutes, made (here at once) and listed for download.
    page.get_by_role("button", name=nb("Make the minutes")).click()
    documents = page.locator("#documents-table")
    expect(documents).to_contain_text(nb("Ready"))
    expect(documents.get_by_role("link", name=f"{nb('Minutes')} (PDF)")).to_be_visible()
    axe_check()


def test_a_document_being_made_shows_up_when_ready_without_reloading(
    page: Page, login: Callable[..., Page], axe_check: Callable[..., Any], tasks_at_once: Path
) -> None:
    world = build_world(frame=FRAME)
    # Asked for, not made yet: as if the worker has not come to it.
    document = MeetingDocument.objects.create(
        meeting=world.meeting, kind="agenda_pack", version=1, created_by=world.admin
    )
    login(world.board_member)
    go(page, reverse("board:meeting", args=[world.programme.code, world.meeting.pk]))
    expect(page.locator("#documents-table [data-status='pending']")).to_have_text(re.compile(nb("Being made")))
    axe_check()

    meeting_document_make(document_id=document.pk)

    link = page.locator("#documents-table").get_by_role("link", name=f"{nb('Agenda pack')} (PDF)")
    expect(link).to_be_visible(timeout=6000)
    expect(page.locator("#documents-list")).not_to_have_attribute("hx-trigger", re.compile("."))
    assert page.locator("#documents [aria-live='polite'] #documents-list").count() == 1
