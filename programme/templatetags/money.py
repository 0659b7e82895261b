"""``{{ amount|nok }}`` → ``1 250 000 kr`` (programme.money.nok_text)."""

from __future__ import annotations

from django import template

from programme.money import nok_text

register = template.Library()
register.filter("nok", nok_text)
