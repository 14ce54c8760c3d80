"""Charts drawn on the server as inline SVG: no script, readable by screen readers (the SVG has a
title and a description that states every figure), the same markup in the page and in the PDF.

    chart = bar_chart([(label, value, display, tone), ...], title=..., description=..., rtl=True)
    {% include "enforcement/_bar_chart.html" with chart=chart %}

Bars are horizontal, one row per item, so long Arabic labels fit; in a right-to-left language
the chart is mirrored (labels on the right, bars growing leftwards).
"""

from dataclasses import dataclass, field
from decimal import Decimal
from itertools import count

WIDTH = 640
LABEL_WIDTH = 190
VALUE_WIDTH = 130
ROW_HEIGHT = 34
BAR_HEIGHT = 20
PADDING = 8
MIN_BAR = 2  # a non-zero value never draws as nothing

TONES = {
    "info": "#1f6fb2",
    "success": "#0f7b4f",
    "warning": "#b26a00",
    "danger": "#b3261e",
    "neutral": "#6b7280",
    "primary": "#0f5e4b",
}

_ids = count(1)


@dataclass
class Bar:
    label: str
    display: str
    colour: str
    # coordinates as text (never localised: "12.5", not "12٫5")
    bar_x: str
    bar_width: str
    bar_y: str
    text_y: str
    label_x: str
    label_anchor: str
    value_x: str
    value_anchor: str
    has_bar: bool


@dataclass
class Chart:
    id: str
    title: str
    description: str
    width: int
    height: int
    direction: str = "ltr"
    bars: list = field(default_factory=list)
    axis_x: str = "0"
    axis_bottom: str = "0"
    empty: bool = False


def bar_chart(items, *, title: str, description: str = "", rtl: bool = False, prefix: str = "chart") -> Chart:
    """items: (label, value, display text, tone) tuples; value is a number (Decimal or int)."""
    items = list(items)
    top = max((Decimal(value) for _, value, _, _ in items), default=Decimal(0))
    plot_width = WIDTH - LABEL_WIDTH - VALUE_WIDTH - 2 * PADDING
    chart = Chart(
        id=f"{prefix}-{next(_ids)}",
        title=str(title),
        width=WIDTH,
        height=max(len(items), 1) * ROW_HEIGHT + 2 * PADDING,
        description=str(description) or "; ".join(f"{label}: {display}" for label, _, display, _ in items),
        empty=top <= 0,
        direction="rtl" if rtl else "ltr",
    )
    chart.axis_bottom = _n(chart.height - 4)
    start = PADDING + LABEL_WIDTH  # where bars begin, counted from the reading start
    chart.axis_x = _mirror(start, rtl)
    for index, (label, value, display, tone) in enumerate(items):
        value = Decimal(value)
        length = float(value / top * plot_width) if top > 0 else 0.0
        if value > 0:
            length = max(length, MIN_BAR)
        y = PADDING + index * ROW_HEIGHT
        bar_start, bar_end = start, start + length
        chart.bars.append(Bar(
            label=str(label), display=str(display), colour=TONES.get(tone, TONES["primary"]),
            bar_x=_n(WIDTH - bar_end if rtl else bar_start), bar_width=_n(length),
            bar_y=_n(y + (ROW_HEIGHT - BAR_HEIGHT) / 2), text_y=_n(y + ROW_HEIGHT / 2 + 5),
            label_x=_mirror(start - 8, rtl), label_anchor="end",
            value_x=_mirror(bar_end + 8, rtl), value_anchor="start", has_bar=length > 0,
        ))
    return chart


def _n(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _mirror(x: float, rtl: bool) -> str:
    """An x measured from the reading start, as an SVG coordinate (SVG's x runs left to right).
    With direction="rtl" on the text, "start"/"end" anchors follow the reading direction too."""
    return _n(WIDTH - x if rtl else x)
