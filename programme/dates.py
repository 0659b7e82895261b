"""The range a date a person types must fall in, whatever the field: a typing mistake such as
1900 or 3026 is refused with a message, not stored.  Each service narrows it where the field
means more (a payment is not made in the future, a meeting is not held before its programme).

The bounds: no programme here is older than the first budget year a programme may have
(``BudgetYear.year``, 2000 to 2100); and nothing a person plans here (a project, a report, a
period to evaluate) lies more than ten years ahead: a project runs a few years, and the offer
expires six months after it ends."""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta
from django.utils import dateformat
from django.utils.translation import gettext as _

from programme import clock

EARLIEST = date(2000, 1, 1)
HORIZON = relativedelta(years=10)


def day_text(day: date) -> str:
    """A date as people here read it: ``07.12.2026``."""
    return dateformat.format(day, "d.m.Y")


def latest() -> date:
    return clock.today() + HORIZON


def implausible(day: date | None) -> str:
    """The message for a date outside the range any field accepts; "" for a date inside it
    (or none: whether a date is required is the field's own rule)."""
    if day is None or EARLIEST <= day <= latest():
        return ""
    return _("Give a date from %(first)s to %(last)s.") % {"first": day_text(EARLIEST), "last": day_text(latest())}
