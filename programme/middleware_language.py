"""The language a page is spoken in: Norwegian bokmål unless the person chose English.

Django's LocaleMiddleware would follow the browser's Accept-Language, so a browser set to
English would get English pages nobody asked for.  Here the language is, in this order:

1. the language cookie, which only the person's own choices set: the language button in the
   header (``programme.views.language.language_switch``) and logging in (the account's language);
2. a logged-in person's account language (a browser that has lost the cookie);
3. Norwegian bokmål (``LANGUAGE_CODE``).

The API (``/api/``) is the exception: an integration has no cookie and names its language in
Accept-Language, the HTTP way (the timeline's texts, README "API").
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

API_PREFIX = "/api/"


def _known(language: str | None) -> str | None:
    return language if language in dict(settings.LANGUAGES) else None


def language_of(request: HttpRequest) -> str:
    """The language to answer ``request`` in (see the module's docstring)."""
    if request.path.startswith(API_PREFIX):
        return translation.get_language_from_request(request)
    chosen = _known(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
    if chosen:
        return chosen
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return _known(getattr(user, "language", None)) or settings.LANGUAGE_CODE
    return settings.LANGUAGE_CODE


class LanguageMiddleware:
    """In place of LocaleMiddleware, after AuthenticationMiddleware (it reads request.user)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = language_of(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()  # type: ignore[attr-defined]
        response = self.get_response(request)
        # A view may switch the language (the language button, logging in): say the one used.
        response.headers.setdefault("Content-Language", translation.get_language())
        patch_vary_headers(response, ("Accept-Language",) if request.path.startswith(API_PREFIX) else ("Cookie",))
        return response
