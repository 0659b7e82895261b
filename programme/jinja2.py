"""The Jinja2 environment for the few page parts drawn many times over (the board agenda's
cases, the worklist's table): the same HTML as a Django template, several times faster
(bench/RESULTS.md).

Pages stay Django templates; a part in ``templates/jinja2/`` is drawn by the view with
``Part`` and placed in the page as safe HTML.  Text goes through Django's translations
(``_("…")``, so that ``makemessages`` finds it), the filters are Django's own, and
autoescaping is on (Django's Jinja2 backend sets it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.template import defaultfilters, engines
from django.template.backends.utils import csrf_input
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext
from jinja2 import Environment

from programme.money import nok_text


def environment(**options: Any) -> Environment:
    extensions = [*options.pop("extensions", []), "jinja2.ext.i18n"]
    options.pop("autoescape", None)
    env = Environment(autoescape=True, extensions=extensions, **options)
    env.install_gettext_callables(gettext=gettext, ngettext=ngettext, newstyle=False)  # type: ignore[attr-defined]
    env.filters.update(
        {
            "nok": nok_text,
            "date": defaultfilters.date,
            "floatformat": defaultfilters.floatformat,
            "linebreaksbr": lambda value: defaultfilters.linebreaksbr(value, autoescape=True),
            "urlencode": defaultfilters.urlencode,
        }
    )
    return env


class Part:
    """A part of a page in ``templates/jinja2/``, drawn once or many times for one request.

    What every drawing shares is made once: the CSRF field (each reading masks the token
    anew) and ``_``, a ``gettext`` that remembers what it has looked up for this page."""

    def __init__(self, template_name: str, request: HttpRequest | None = None) -> None:
        self._template = engines["jinja2"].get_template(template_name)
        self._common: dict[str, Any] = {"_": remembered_gettext()}
        if request is not None:
            self._common["csrf_input"] = csrf_input(request)

    def draw(self, context: dict[str, Any]) -> SafeString:
        # Autoescaped by the Jinja2 engine (settings: TEMPLATES "jinja2"): every text in the
        # part is escaped there, so the result may be placed in a Django template as is.
        return mark_safe(self._template.render({**context, **self._common}))  # noqa: S308


def remembered_gettext() -> Callable[[str], str]:
    """``gettext`` remembering what it has looked up, for one page in one language."""
    seen: dict[str, str] = {}

    def translate(message: str) -> str:
        if message not in seen:
            seen[message] = gettext(message)
        return seen[message]

    return translate
