"""Two-factor login in a real browser: a board member turns it on from the account page (QR
code with a text alternative, the key as text, the code typed from the keyboard), sees the
backup codes, and then logs in with password and code; every page passes axe."""

from __future__ import annotations

import re
from base64 import b32decode
from collections.abc import Callable
from typing import Any

from django.urls import reverse
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect

from programme import clock
from programme.models import StaffRole
from tests.browser.conftest import LOGIN_PATH, PASSWORD
from tests.browser.pages import go, nb
from tests.factories import ProgrammeFactory


def app_code(key_text: str, steps_ahead: int = 0) -> str:
    """What the app shows for the key typed from the page (``steps_ahead`` windows of 30 s on:
    the server takes the next window too, and each window only once)."""
    totp = TOTP(b32decode(key_text.replace(" ", "")))
    totp.time = clock.now().timestamp() + 30 * steps_ahead
    return f"{totp.token():06d}"


def test_a_board_member_turns_on_two_factor_login_and_logs_in_with_the_code(
    page: Page, login: Callable[..., Page], axe_check: Callable[..., dict[str, Any]], make_verified_user
) -> None:
    user = make_verified_user()
    StaffRole.objects.create(user=user, programme=ProgrammeFactory(code="NUP"), kind="board")
    login(user)

    go(page, reverse("account"))
    page.get_by_role("link", name=nb("Turn on two-factor login")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(nb("Turn on two-factor login"))
    expect(page.get_by_role("img", name=nb("QR code for your authenticator app"))).to_be_visible()
    axe_check()
    key_text = page.locator("code.np-secret").inner_text()

    code_field = page.get_by_label(nb("Code from the app"))
    expect(code_field).to_have_attribute("autocomplete", "one-time-code")
    expect(code_field).to_have_attribute("inputmode", "numeric")
    code_field.fill(app_code(key_text))
    code_field.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text(nb("Your backup codes"))
    expect(page.locator("ol.np-backup-codes code")).to_have_count(10)
    axe_check()

    page.context.clear_cookies()
    go(page, LOGIN_PATH)
    page.get_by_label(nb("E-mail address")).fill(user.email)
    page.get_by_label(nb("Password")).fill(PASSWORD)
    page.get_by_label(nb("Password")).press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text(nb("Code from the authenticator app"))
    axe_check()
    code_field = page.get_by_label(nb("Code from the authenticator app, or a backup code"))
    code_field.fill("000000")
    code_field.press("Enter")
    expect(page.locator("#error-summary")).to_contain_text(
        nb("The code is wrong or has expired. Type the code the app shows now, or one of your backup codes.")
    )
    axe_check()
    # django-otp makes the next try wait a second after a wrong code.
    page.wait_for_timeout(1_100)
    code_field = page.get_by_label(nb("Code from the authenticator app, or a backup code"))
    code_field.fill(app_code(key_text, steps_ahead=1))
    code_field.press("Enter")

    expect(page).to_have_url(re.compile(re.escape(reverse("worklist:list")) + "$"))
    go(page, reverse("account"))
    expect(page.locator("main")).to_contain_text(nb("Make new backup codes"))
