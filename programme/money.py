"""Money helpers: NOK as Decimal with two places, shown the Norwegian way."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def nok(value: Decimal | int | str | None) -> Decimal:
    """Round to whole øre; ``None`` counts as zero."""
    if value is None:
        return ZERO
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def format_nok(value: Decimal | int | None) -> str:
    """``1250000`` → ``1 250 000 kr`` (non-breaking spaces, øre only when present)."""
    amount = nok(value)
    whole = int(amount.copy_abs().to_integral_value(rounding="ROUND_DOWN"))
    cents = int((amount.copy_abs() - whole) * 100)
    digits = f"{whole:,}".replace(",", "\u00a0")
    sign = "−" if amount < 0 else ""
    if cents:
        return f"{sign}{digits},{cents:02d}\u00a0kr"
    return f"{sign}{digits}\u00a0kr"
