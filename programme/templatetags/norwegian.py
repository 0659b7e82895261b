"""Numbers on pages the Norwegian way (programme.numbers), in both languages:
``{{ fte|number }}`` → ``4,5`` (``4``, not ``4.0``) and ``{{ company.org_number|orgnr }}`` →
``948 009 943``.  Amounts have their own filter, ``{{ amount|nok }}`` (``{% load money %}``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from programme.numbers import format_number, format_org_number

register = template.Library()
register.filter("orgnr", format_org_number)


@register.filter
def number(value: Any) -> str:
    """A number with a decimal comma and grouped thousands; nothing for no number."""
    if value is None or value == "" or isinstance(value, bool):
        return ""
    try:
        return format_number(Decimal(str(value)))
    except (ArithmeticError, ValueError):
        return str(value)
