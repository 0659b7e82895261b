"""Staff of a programme that requires two-factor login (``Programme.staff_two_factor_required``)
see only the page that turns it on, until they have.

The login marks the session (``REQUIRED_KEY``) so that no other request pays a query; a marked
session checks again on each request, so the mark goes as soon as the person has turned it on,
or the administrator has lifted the requirement."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from programme import services_two_factor

REQUIRED_KEY = "two_factor_required"
# What a marked person may still open: the setup, the backup codes it shows, logging out,
# the language switch and the health check.
OPEN_VIEWS = {"two_factor_setup", "two_factor_backup_codes", "logout", "set_language", "healthz"}


def required_mark(request: HttpRequest, user: Any) -> None:
    """Called when a person has logged in."""
    if services_two_factor.must_turn_on(user):
        request.session[REQUIRED_KEY] = True


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Any, args: Any, kwargs: Any) -> HttpResponse | None:
        if not request.session.get(REQUIRED_KEY):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in OPEN_VIEWS:
            return None
        if not services_two_factor.must_turn_on(request.user):  # type: ignore[arg-type]
            del request.session[REQUIRED_KEY]
            return None
        messages.warning(
            request,
            _("Your programme requires two-factor login of its staff. Turn it on before you continue."),
        )
        return redirect("two_factor_setup")
