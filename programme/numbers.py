"""Numbers written and read the Norwegian way: ``1 250 000``, ``4,5``.

One place for the separators, so that the pages (``1 250 000 kr``), the form inputs
(``1 250 000``) and what a person may type agree.  Thousands are grouped with a no-break space
in both languages (as SI writes them: unambiguous to a Norwegian and an English reader alike);
the decimal sign is the active language's (``4,5`` in Norwegian, ``4.5`` in English), and a
person may type either, since a space, never a point or a comma, groups the thousands.

Django's own ``localize=True`` is not enough here: it shows ``200000,00`` for an amount of
200 000 (it keeps the stored places and groups only with ``USE_THOUSAND_SEPARATOR``, which
would also group years and ids in templates), and reads ordinary spaces only when that setting
is on."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.utils.formats import get_format

# Between groups of thousands, on pages and in form inputs alike: a no-break space keeps an
# amount on one line (as Django's own Norwegian formats).  People may type any space.
THOUSANDS = "\u00a0"
# The spaces people type or paste between thousands: ordinary, no-break, narrow no-break, thin.
_SPACES = re.compile(r"[ \u00a0\u202f\u2009]+")
# Digits, grouped by threes or not, with a decimal comma or point; a leading minus.  Nothing
# else: no exponent ("1,5e4"), no "NaN", no second decimal sign, no groups of two.
_NUMBER = re.compile(r"(?P<sign>[-\u2212]?)(?P<whole>\d{1,3}(?: \d{3})+|\d+)(?:[.,](?P<fraction>\d+))?", flags=re.ASCII)


def parse_number(text: str) -> Decimal:
    """``"1 250 000,50"`` → ``Decimal("1250000.50")``; ``ValueError`` for anything else.

    Accepts a comma or a point for decimals (English-speaking people type points) and any
    kind of space between groups of three digits."""
    typed = _SPACES.sub(" ", text.strip())
    match = _NUMBER.fullmatch(typed)
    if match is None:
        raise ValueError(f"not a number: {text!r}")
    sign = "-" if match["sign"] else ""
    digits = match["whole"].replace(" ", "")
    fraction = f".{match['fraction']}" if match["fraction"] else ""
    try:
        return Decimal(f"{sign}{digits}{fraction}")
    except InvalidOperation as error:  # pragma: no cover - the pattern admits only digits
        raise ValueError(f"not a number: {text!r}") from error


def group_thousands(whole: int, separator: str = THOUSANDS) -> str:
    """``1250000`` → ``1 250 000``."""
    return f"{whole:,}".replace(",", separator)


def format_number(value: Decimal | int, *, places: int | None = None, separator: str = THOUSANDS) -> str:
    """``Decimal("4.50")`` → ``4,5`` (``4.5`` in English); ``Decimal("200000.00")`` → ``200 000``.

    A whole number has no decimals.  Otherwise ``places`` fixes how many are shown (amounts
    show their øre as two digits: ``1 250,50``); without it, as many as the number needs."""
    number = Decimal(value)
    sign = "\u2212" if number < 0 else ""
    number = abs(number)
    if places is not None:
        number = number.quantize(Decimal(1).scaleb(-places))
    whole = int(number)
    fraction = number - whole
    text = group_thousands(whole, separator)
    if fraction:
        digits = f"{fraction:f}".split(".")[1]
        text += get_format("DECIMAL_SEPARATOR") + (digits if places is not None else digits.rstrip("0"))
    return sign + text


def format_org_number(value: str | None) -> str:
    """``948009943`` → ``948 009 943``, as the Brønnøysund registers write it (no-break
    spaces).  Only for showing: the number is stored, compared and exported unspaced.
    Anything but nine digits is shown as it is."""
    text = "" if value is None else str(value)
    if len(text) != 9 or not (text.isascii() and text.isdigit()):
        return text
    return THOUSANDS.join((text[:3], text[3:6], text[6:]))
