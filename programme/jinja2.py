"""The Jinja2 environment for what is drawn many times over or on every request: the page
header and notices (``programme/chrome.py``), the board agenda's cases, a case's timeline,
and the worklist, a whole page on ``templates/jinja2/base.html``.  The same HTML as a
Django template, several times faster (bench/RESULTS.md).

Other pages stay Django templates; a part in ``templates/jinja2/`` is drawn by the view with
``Part`` and placed in the page as safe HTML.  Text goes through Django's translations
(``_("…")``, so that ``makemessages`` finds it), the filters are Django's own or tested
equal to them, and autoescaping is on (Django's Jinja2 backend sets it).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.template import defaultfilters, engines
from django.template.backends.utils import csrf_input
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import get_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, ngettext
from jinja2 import Environment, pass_context
from markupsafe import Markup

from programme.money import nok_text


def environment(**options: Any) -> Environment:
    extensions = [*options.pop("extensions", []), "jinja2.ext.i18n"]
    options.pop("autoescape", None)
    env = Environment(autoescape=True, extensions=extensions, **options)
    env.install_gettext_callables(gettext=gettext, ngettext=ngettext, newstyle=False)  # type: ignore[attr-defined]
    env.filters.update(
        {
            "nok": nok_text,
            "date": date_filter,
            "floatformat": floatformat,
            "linebreaksbr": linebreaksbr,
            "urlencode": defaultfilters.urlencode,
            "display": display,
            "html_attrs": html_attrs,
        }
    )
    from programme import chrome  # imports Part from here

    env.globals.update(
        {
            "url": url,
            "static": static,
            "page_header": pass_context(chrome.page_header),
            "page_notices": pass_context(chrome.page_notices),
        }
    )
    return env


def url(name: str, **kwargs: Any) -> str:
    """``{{ url("worklist:list") }}``, ``{{ url("board:meetings", code=code) }}``: Django's
    ``reverse`` with keyword arguments, as ``{% url %}`` in a Django template."""
    return reverse(name, kwargs=kwargs or None)


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


# --- filters: Django's, drawn faster where a part calls them hundreds of times ----------------

_SEPARATORS: dict[str | None, tuple[str, str]] = {}


def floatformat(value: Any, arg: Any = -1) -> str:
    """Django's ``floatformat`` for the arguments the parts use ("N", "-N", "Ng", "-Ng"), in
    a fifth of the time (the agenda formats five figures per case); anything else, and
    anything that is not a finite number, goes to Django's own.  Tested equal to Django's."""
    spec = str(arg)
    grouped = spec.endswith("g")
    try:
        places = int(spec.removesuffix("g"))
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (ValueError, InvalidOperation):
        return defaultfilters.floatformat(value, arg)
    if not number.is_finite() or abs(number) >= 10**15:
        return defaultfilters.floatformat(value, arg)
    # "-N": no decimals for a whole number (whole before rounding, as Django decides).
    digits = 0 if places < 0 and number == number.to_integral_value() else abs(places)
    rounded = number.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    text = f"{abs(rounded):{',' if grouped else ''}.{digits}f}"
    language = get_language()
    if language not in _SEPARATORS:
        _SEPARATORS[language] = (get_format("DECIMAL_SEPARATOR"), get_format("THOUSAND_SEPARATOR"))
    decimal_separator, thousand_separator = _SEPARATORS[language]
    text = text.replace(",", "\0").replace(".", decimal_separator).replace("\0", thousand_separator)
    return f"-{text}" if rounded.is_signed() and rounded != 0 else text


# Formats the parts use, written for strftime (Django's letters: d, m, Y, H, i).
_STRFTIME = {"d.m.Y": "%d.%m.%Y", "d.m.Y H:i": "%d.%m.%Y %H:%M"}


def date_filter(value: Any, arg: str | None = None) -> str:
    """Django's ``|date`` as a Django template applies it: an aware date and time is shown in
    the current time zone (Oslo), which Django templates convert to before any filter and
    Jinja2 does not.  The formats the parts use are written with ``strftime`` or
    ``isoformat`` (Django's formatter costs several times more); anything else goes to
    Django's own.  Tested equal to
    the Django template's output."""
    if isinstance(value, datetime.datetime) and settings.USE_TZ and timezone.is_aware(value):
        value = timezone.localtime(value)
    if arg == "c" and isinstance(value, datetime.date):
        return value.isoformat()  # Django's "c" is ISO 8601 by isoformat() (the timeline's <time>)
    pattern = _STRFTIME.get(arg or "")
    timed = isinstance(value, datetime.datetime)
    if (
        pattern is not None
        and isinstance(value, datetime.date)
        and value.year >= 1000
        and (timed or "%H" not in pattern)
    ):
        return value.strftime(pattern)
    return defaultfilters.date(value, arg)


_LABELS: dict[tuple[type, str, str | None], dict[Any, str]] = {}


def display(instance: Any, field_name: str) -> Any:
    """``instance.get_<field>_display()``: the label of the field's value, from a table made
    once per model, field and language.  Django's own method rebuilds the table (making each
    lazy label hashable) on every call, which the agenda does a few times per case.  A value
    without a label is returned as it is, as Django's does.  Tested equal to Django's."""
    key = (type(instance), field_name, get_language())
    labels = _LABELS.get(key)
    if labels is None:
        field = instance._meta.get_field(field_name)
        labels = _LABELS[key] = {value: str(label) for value, label in field.flatchoices}
    value = getattr(instance, field_name)
    return labels.get(value, value)


def html_attrs(attrs: Mapping[str, Any]) -> Markup:
    """A widget's attributes as Django's own widget templates write them (``attrs.html``): in
    their order, `` name="value"`` each, a True value as the bare name, a False one left out,
    escaped as Jinja2 escapes.  ``<input{{ widget.attrs|html_attrs }}>``."""
    written = []
    for name, value in attrs.items():
        if value is True:
            written.append(Markup(" {}").format(name))
        elif value is not False:
            written.append(Markup(' {}="{}"').format(name, value))
    return Markup("").join(written)


def linebreaksbr(value: Any) -> SafeString:
    """Django's ``linebreaksbr`` (escaped text, a ``<br>`` for each line break)."""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return mark_safe(escape(text).replace("\n", "<br>"))  # noqa: S308 - escaped on the line above
