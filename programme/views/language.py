"""Switching the language a person is spoken to in: the language button in the header, and
the login steps and the account page (which set it from the account's language).  What page
language a request gets is decided in programme/middleware_language.py."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from programme import services


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


@require_POST
def language_switch(request: HttpRequest) -> HttpResponse:
    """The language button: Django's set_language (the cookie, and back to the page the person
    was on), and for a logged-in person the choice kept on the account as well."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES) and language != request.user.language:
        services.user_language_set(user=request.user, language=language)
    return response
