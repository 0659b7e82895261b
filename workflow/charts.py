"""Server-side SVG charts for staff pages: plain strings, every text escaped, no script and
no style attribute (the pages' content security policy allows neither), only SVG
presentation attributes.  Each chart is an image with a title and a description for screen
readers; the page shows the same figures in a table, so nobody has to read the picture."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from programme.money import format_nok

WIDTH = 640
LABEL_WIDTH = 190
VALUE_WIDTH = 130
BAR_HEIGHT = 22
ROW_HEIGHT = 34
TOP = 8
LABEL_CHARS = 24  # longer names are cut; the table beside the chart has them in full
TEXT_COLOUR = "#1e2b3c"
AXIS_COLOUR = "#68707c"
PALETTE = ("#1e5fa8", "#0f7b5f", "#8a5a00", "#6b3fa0", "#a3364e", "#3d6b7a")


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal
    colour: str | None = None


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def horizontal_bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    bars: Sequence[Bar],
    format_value: Callable[[Decimal], str] = format_nok,
) -> SafeString:
    """One horizontal bar per value, scaled to the largest; a negative value draws no bar
    but shows its figure.  ``chart_id`` keeps the title's and description's ids unique."""
    track = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    largest = max((bar.value for bar in bars if bar.value > 0), default=Decimal(0))
    height = TOP * 2 + ROW_HEIGHT * max(len(bars), 1)
    ident = escape(chart_id)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="np-chart" role="img" width="100%" '
        f'viewBox="0 0 {WIDTH} {height}" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{ident}-title {ident}-desc" font-family="inherit" font-size="14">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(description)}</desc>',
    ]
    for index, bar in enumerate(bars):
        y = TOP + index * ROW_HEIGHT
        middle = y + BAR_HEIGHT / 2
        length = float(bar.value / largest) * track if largest and bar.value > 0 else 0.0
        colour = bar.colour or PALETTE[index % len(PALETTE)]
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{_number(middle)}" text-anchor="end" '
            f'dominant-baseline="middle" fill="{TEXT_COLOUR}">{escape(Truncator(bar.label).chars(LABEL_CHARS))}</text>'
        )
        parts.append(
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{_number(length)}" height="{BAR_HEIGHT}" fill="{escape(colour)}"/>'
        )
        parts.append(
            f'<text x="{_number(LABEL_WIDTH + length + 6)}" y="{_number(middle)}" '
            f'dominant-baseline="middle" fill="{TEXT_COLOUR}">{escape(format_value(bar.value))}</text>'
        )
    parts.append(
        f'<line x1="{LABEL_WIDTH}" y1="{TOP - 4}" x2="{LABEL_WIDTH}" y2="{height - TOP + 4}" '
        f'stroke="{AXIS_COLOUR}" stroke-width="1"/>'
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above
