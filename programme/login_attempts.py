"""Whom a failed login counts against (django-axes: ``AXES_USERNAME_CALLABLE`` and
``AXES_CLIENT_IP_CALLABLE``).  A lockout holds one e-mail address from one IP address, so
that nobody can lock another person out of the site from elsewhere by guessing."""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings
from django.http import HttpRequest

USERNAME_MAX_LENGTH = 255  # axes.models.AccessAttempt.username


def login_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The e-mail address the attempt is for, as accounts store it (lower case), so that
    ``Kari@Example.no`` and ``kari@example.no`` share one count.  The login form, the admin's
    login and the API token endpoint all pass it to ``authenticate`` as ``username``."""
    typed = (credentials or {}).get(settings.AXES_USERNAME_FORM_FIELD)
    if typed is None:
        # The API's request parses its own body (JSON or form); a page's is in POST.
        data = getattr(request, "data", None) or request.POST
        typed = data.get(settings.AXES_USERNAME_FORM_FIELD)
    if not isinstance(typed, str) or not typed.strip():
        return None
    # The API takes a name of any length; the attempts table holds 255 characters.
    return typed.strip().lower()[:USERNAME_MAX_LENGTH]


def _valid_ip(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The address the attempt came from.  Behind the TLS proxy (``BEHIND_TLS_PROXY``) every
    connection comes from the proxy; the client's address is the last one in
    ``X-Forwarded-For``, the one the proxy added (those before it are whatever the client
    sent, so they are never trusted)."""
    if settings.BEHIND_TLS_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        address = _valid_ip(forwarded.rsplit(",", 1)[-1]) if forwarded else None
        if address:
            return address
    return _valid_ip(request.META.get("REMOTE_ADDR", "")) or None
