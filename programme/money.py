"""Money helpers: NOK as Decimal with two places, shown the Norwegian way."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from programme.errors import RuleViolation
from programme.numbers import THOUSANDS, format_number

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def nok(value: Decimal | int | str | None) -> Decimal:
    """Round to whole øre; ``None`` counts as zero."""
    if value is None:
        return ZERO
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def format_nok(value: Decimal | int | None) -> str:
    """``1250000`` → ``1 250 000 kr`` (non-breaking spaces, øre only when present:
    ``1 250 000,50 kr``, in English ``1 250 000.50 kr``).  *kr* after the number in both
    languages: the programme's amounts are kroner, and English pages name them as Norwegian
    ones do (programme.numbers)."""
    return f"{format_number(nok(value), places=2)}{THOUSANDS}kr"


def parse_nok(value: Any, *, label: str, allow_zero: bool, code: str = "amount") -> Decimal:
    """An amount a person typed, in whole øre, or a refusal naming the field (``code``)."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError) as error:
        raise RuleViolation(_("%(label)s must be an amount in kroner.") % {"label": label}, code=code) from error
    if not amount.is_finite() or amount < 0 or (amount == 0 and not allow_zero):
        rule = _("%(label)s cannot be negative.") if allow_zero else _("%(label)s must be more than zero.")
        raise RuleViolation(rule % {"label": label}, code=code)
    if amount >= Decimal("1e12"):
        raise RuleViolation(
            _("%(label)s is larger than any project this programme supports.") % {"label": label}, code=code
        )
    return amount.quantize(CENT)


def nok_text(value: Decimal | int | str | None) -> str:
    """What the pages show for an amount: ``format_nok``, and nothing for no amount."""
    if value is None or value == "":
        return ""
    return format_nok(Decimal(value))
