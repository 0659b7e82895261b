"""Organisation numbers on pages the Brønnøysund way: ``{{ company.org_number|orgnr }}`` →
``948 009 943`` (programme.numbers.format_org_number).  Amounts have their own filter,
``{{ amount|nok }}`` (``{% load money %}``); other decimals use Django's ``floatformat``, which
writes the decimal comma (programme/formats)."""

from __future__ import annotations

from django import template

from programme.numbers import format_org_number

register = template.Library()
register.filter("orgnr", format_org_number)
