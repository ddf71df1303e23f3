"""Geometry for the channel chart's horizontal bars, drawn as SVG by the template.

A hidden figure (``None``) keeps its row and label but draws no bar: the
chart can never show what the table hides.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.humanize.templatetags.humanize import intcomma

WIDTH = 640
ROW = 28.0
BAR_HEIGHT = 14.0
TOP = 8.0
LEFT = 236.0
RIGHT = WIDTH - 60.0
HIDDEN = "—"


@dataclass(frozen=True)
class Bar:
    label: str
    y: float
    middle: float
    width: float
    value: str
    value_x: float
    description: str
    hidden: bool


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    left: float
    top: float
    bottom: float
    bar_height: float
    ticks: tuple[tuple[float, str], ...]
    bars: tuple[Bar, ...]


def nice_step(highest: float, ticks: int = 5) -> int:
    """A round step (1, 2 or 5 times a power of ten) giving at most ``ticks`` steps."""
    if highest <= ticks:
        return 1
    raw = highest / ticks
    power = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 5, 10):
        if multiple * power >= raw:
            return int(multiple * power)
    return int(10 * power)  # pragma: no cover - the loop always returns


def bar_chart(items: Sequence[tuple[str, int | None]], *, measure: str) -> BarChart:
    """One bar per (label, value); ``None`` is a hidden figure: a row with no bar."""
    shown = [value for _, value in items if value is not None]
    step = nice_step(max([*shown, 1]))
    axis_top = step * math.ceil(max([*shown, 1]) / step)
    bottom = TOP + ROW * len(items)

    def x(value: float) -> float:
        return round(LEFT + (RIGHT - LEFT) * value / axis_top, 1)

    bars = []
    for index, (label, value) in enumerate(items):
        y = round(TOP + ROW * index + (ROW - BAR_HEIGHT) / 2, 1)
        hidden = value is None
        text = HIDDEN if hidden else intcomma(value)
        end = LEFT if hidden else x(value)
        bars.append(
            Bar(
                label=label,
                y=y,
                middle=round(y + BAR_HEIGHT / 2, 1),
                width=round(end - LEFT, 1),
                value=text,
                value_x=round(end + 6, 1),
                description=f"{label}: "
                + ("hidden (small numbers)" if hidden else f"{text} {measure}"),
                hidden=hidden,
            )
        )
    ticks = tuple((x(value), intcomma(value)) for value in range(0, axis_top + 1, step))
    return BarChart(
        width=WIDTH,
        height=int(bottom + 28),
        left=LEFT,
        top=TOP,
        bottom=bottom,
        bar_height=BAR_HEIGHT,
        ticks=ticks,
        bars=tuple(bars),
    )
