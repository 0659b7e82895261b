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


@dataclass(frozen=True)
class BarGroup:
    """One group of bars (e.g. a year), one value per series, and an optional target that is
    drawn as a dashed line across the group."""

    label: str
    values: Sequence[Decimal]
    target: Decimal | None = None


GROUP_GAP = 14
LEGEND_HEIGHT = 30
TARGET_COLOUR = "#a3364e"


def grouped_bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    series: Sequence[str],
    groups: Sequence[BarGroup],
    format_value: Callable[[Decimal], str],
    target_label: str = "",
) -> SafeString:
    """Horizontal bars grouped by label (one bar per series) with a legend on top; a group's
    target is a dashed vertical line.  All bars share one scale, targets included."""
    track = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    values = [value for group in groups for value in group.values]
    targets = [group.target for group in groups if group.target is not None]
    largest = max((v for v in (*values, *targets) if v > 0), default=Decimal(0))
    group_height = ROW_HEIGHT * max(len(series), 1)
    height = LEGEND_HEIGHT + TOP * 2 + (group_height + GROUP_GAP) * max(len(groups), 1)
    ident = escape(chart_id)

    def x_of(value: Decimal) -> float:
        return float(value / largest) * track if largest and value > 0 else 0.0

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="np-chart" role="img" width="100%" '
        f'viewBox="0 0 {WIDTH} {height}" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{ident}-title {ident}-desc" font-family="inherit" font-size="14">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(description)}</desc>',
    ]
    # The legend: a swatch and a name per series, then the target's dashed line.
    x = float(LABEL_WIDTH)
    for index, name in enumerate(series):
        parts.append(f'<rect x="{_number(x)}" y="6" width="14" height="14" fill="{PALETTE[index % len(PALETTE)]}"/>')
        parts.append(
            f'<text x="{_number(x + 20)}" y="13" dominant-baseline="middle" fill="{TEXT_COLOUR}">{escape(name)}</text>'
        )
        x += 28 + 8 * len(name)
    if targets and target_label:
        parts.append(
            f'<line x1="{_number(x)}" y1="13" x2="{_number(x + 18)}" y2="13" stroke="{TARGET_COLOUR}" '
            f'stroke-width="3" stroke-dasharray="4 3"/>'
        )
        parts.append(
            f'<text x="{_number(x + 24)}" y="13" dominant-baseline="middle" fill="{TEXT_COLOUR}">'
            f"{escape(target_label)}</text>"
        )
    for group_index, group in enumerate(groups):
        top = LEGEND_HEIGHT + TOP + group_index * (group_height + GROUP_GAP)
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{_number(top + group_height / 2)}" text-anchor="end" '
            f'dominant-baseline="middle" font-weight="600" fill="{TEXT_COLOUR}">'
            f"{escape(Truncator(group.label).chars(LABEL_CHARS))}</text>"
        )
        for index, value in enumerate(group.values):
            y = top + index * ROW_HEIGHT
            middle = y + BAR_HEIGHT / 2
            length = x_of(value)
            colour = PALETTE[index % len(PALETTE)]
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y}" width="{_number(length)}" height="{BAR_HEIGHT}" fill="{colour}"/>'
            )
            parts.append(
                f'<text x="{_number(LABEL_WIDTH + length + 6)}" y="{_number(middle)}" '
                f'dominant-baseline="middle" fill="{TEXT_COLOUR}">{escape(format_value(value))}</text>'
            )
        if group.target is not None:
            target_x = LABEL_WIDTH + x_of(group.target)
            parts.append(
                f'<line x1="{_number(target_x)}" y1="{top - 4}" x2="{_number(target_x)}" '
                f'y2="{_number(top + group_height - ROW_HEIGHT + BAR_HEIGHT + 4)}" stroke="{TARGET_COLOUR}" '
                f'stroke-width="3" stroke-dasharray="4 3"/>'
            )
    parts.append(
        f'<line x1="{LABEL_WIDTH}" y1="{LEGEND_HEIGHT + TOP - 4}" x2="{LABEL_WIDTH}" y2="{height - TOP + 4}" '
        f'stroke="{AXIS_COLOUR}" stroke-width="1"/>'
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above


@dataclass(frozen=True)
class RangeBar:
    """One bar (e.g. a year's projects) and the target range it is measured against."""

    label: str
    value: Decimal
    low: Decimal
    high: Decimal


def target_range_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    bars: Sequence[RangeBar],
    value_label: str,
    range_label: str,
    format_value: Callable[[Decimal], str] = lambda value: f"{value:f}",
) -> SafeString:
    """Horizontal bars, each over a shaded band from its target's low to its high end (the
    evaluation's projects per year against the 15–20 target), with a legend on top."""
    track = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    largest = max((v for bar in bars for v in (bar.value, bar.high) if v > 0), default=Decimal(0))
    height = LEGEND_HEIGHT + TOP * 2 + ROW_HEIGHT * max(len(bars), 1)
    ident = escape(chart_id)

    def x_of(value: Decimal) -> float:
        return float(value / largest) * track if largest and value > 0 else 0.0

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="np-chart" role="img" width="100%" '
        f'viewBox="0 0 {WIDTH} {height}" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{ident}-title {ident}-desc" font-family="inherit" font-size="14">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(description)}</desc>',
        f'<rect x="{LABEL_WIDTH}" y="6" width="14" height="14" fill="{PALETTE[0]}"/>',
        f'<text x="{LABEL_WIDTH + 20}" y="13" dominant-baseline="middle" fill="{TEXT_COLOUR}">'
        f"{escape(value_label)}</text>",
    ]
    x = LABEL_WIDTH + 28 + 8 * len(value_label)
    parts.append(
        f'<rect x="{x}" y="6" width="14" height="14" fill="{TARGET_COLOUR}" fill-opacity="0.2" '
        f'stroke="{TARGET_COLOUR}" stroke-dasharray="4 3"/>'
    )
    parts.append(
        f'<text x="{x + 20}" y="13" dominant-baseline="middle" fill="{TEXT_COLOUR}">{escape(range_label)}</text>'
    )
    for index, bar in enumerate(bars):
        y = LEGEND_HEIGHT + TOP + index * ROW_HEIGHT
        middle = y + BAR_HEIGHT / 2
        low, high = x_of(bar.low), x_of(bar.high)
        # The band first, so that the bar is drawn over it.
        parts.append(
            f'<rect x="{_number(LABEL_WIDTH + low)}" y="{y - 4}" width="{_number(max(high - low, 2.0))}" '
            f'height="{BAR_HEIGHT + 8}" fill="{TARGET_COLOUR}" fill-opacity="0.2" stroke="{TARGET_COLOUR}" '
            f'stroke-dasharray="4 3"/>'
        )
        length = x_of(bar.value)
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{_number(middle)}" text-anchor="end" dominant-baseline="middle" '
            f'fill="{TEXT_COLOUR}">{escape(Truncator(bar.label).chars(LABEL_CHARS))}</text>'
        )
        parts.append(
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{_number(length)}" height="{BAR_HEIGHT}" fill="{PALETTE[0]}"/>'
        )
        parts.append(
            f'<text x="{_number(LABEL_WIDTH + max(length, high) + 6)}" y="{_number(middle)}" '
            f'dominant-baseline="middle" fill="{TEXT_COLOUR}">{escape(format_value(bar.value))}</text>'
        )
    parts.append(
        f'<line x1="{LABEL_WIDTH}" y1="{LEGEND_HEIGHT + TOP - 4}" x2="{LABEL_WIDTH}" y2="{height - TOP + 4}" '
        f'stroke="{AXIS_COLOUR}" stroke-width="1"/>'
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above
