"""``{{ amount|nok }}`` → ``1 250 000 kr`` (programme.money.format_nok)."""

from __future__ import annotations

from decimal import Decimal

from django import template

from programme.money import format_nok

register = template.Library()


@register.filter
def nok(value: Decimal | int | str | None) -> str:
    if value is None or value == "":
        return ""
    return format_nok(Decimal(value))
