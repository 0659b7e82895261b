"""The notifications page in the browser: a reminder made by the daily sweep is listed as
unread, the header counts it, it is marked read with its button, and the page and the
account page's digest choice pass axe-core."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from django.urls import reverse
from playwright.sync_api import Page, expect

from programme import clock
from tests.browser.pages import go, nb
from tests.journey import build_world
from workflow.models import Notification
from workflow.services.reminders import reminders_run


def test_a_reminder_is_listed_unread_counted_in_the_header_and_marked_read(
    page: Page, login: Callable[..., Page], axe_check: Callable[..., Any], transactional_db: None
) -> None:
    world = build_world()
    case = world.submitted_case()
    reminders_run(today=clock.today() + dt.timedelta(days=15))  # the first day past the service level
    notification = Notification.objects.get(recipient=world.adviser_a)
    login(world.adviser_a)

    go(page, reverse("notifications:list"))
    expect(page.get_by_role("heading", level=1)).to_have_text(nb("Notifications"))
    expect(page.get_by_role("navigation", name=nb("Main menu"))).to_contain_text("(1 ulest)")
    item = page.get_by_role("article").filter(has_text=case.reference)
    expect(item.get_by_role("heading")).to_contain_text(nb("Unread:"))
    axe_check()

    item.locator("summary").click()
    expect(item).to_contain_text(case.application.title)
    axe_check()

    item.get_by_role("button", name=nb("Mark as read")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(nb("Notifications"))
    expect(page.get_by_role("article").filter(has_text=case.reference)).not_to_contain_text(nb("Unread:"))
    expect(page.get_by_role("navigation", name=nb("Main menu"))).not_to_contain_text("ulest")
    notification.refresh_from_db()
    assert notification.read_at is not None
    axe_check()

    page.get_by_role("article").get_by_role("link", name=case.reference).click()
    expect(page).to_have_url(re.compile(re.escape(notification.url) + "$"))


def test_staff_choose_the_daily_digest_on_the_account_page(
    page: Page, login: Callable[..., Page], axe_check: Callable[..., Any], transactional_db: None
) -> None:
    world = build_world()
    login(world.adviser_a)
    go(page, reverse("account"))
    axe_check()
    page.get_by_label(nb("One mail a day with all new notifications (daily digest, in the morning)")).check()
    page.get_by_role("button", name=nb("Save the choice")).click()
    expect(page.get_by_role("status")).to_contain_text(nb("Your changes have been saved."))
    world.adviser_a.refresh_from_db()
    assert world.adviser_a.daily_digest is True
    axe_check()


def test_an_empty_list_passes_axe(
    page: Page, login: Callable[..., Page], axe_check: Callable[..., Any], transactional_db: None
) -> None:
    world = build_world()
    login(world.applicant_a)
    go(page, reverse("notifications:list"))
    expect(page.get_by_text(nb("You have no notifications yet."))).to_be_visible()
    axe_check()
