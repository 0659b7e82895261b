"""The Jinja2 environment for the few page parts drawn many times over (the board agenda's
cases): the same HTML as a Django template, several times faster (bench/RESULTS.md).

Pages stay Django templates; a part in ``templates/jinja2/`` is rendered by the view with
``engines["jinja2"]`` and placed in the page as safe HTML.  Text goes through Django's
translations (``_("…")``, so that ``makemessages`` finds it), the filters are Django's own,
and autoescaping is on (Django's Jinja2 backend sets it).
"""

from __future__ import annotations

from typing import Any

from django.template import defaultfilters
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
