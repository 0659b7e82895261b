"""Switching the language a person is spoken to in, shared by the login steps and the account
pages (both set it at login from the person's choice)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


def language_use(request: HttpRequest, response: HttpResponse, language: str) -> HttpResponse:
    """Speak ``language`` from now on: in this response and, by the cookie, in the next ones."""
    translation.activate(language)
    request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response
