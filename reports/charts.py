"""Geometry for the dashboard's horizontal bar charts (percentages), drawn server-side as SVG.

Drawn from shown figures only, so a chart can never show what its table hides;
a hidden figure is listed under the chart as not shown.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

from reports.publish import Figure

WIDTH = 640
ROW, BAR_HEIGHT, TOP = 30.0, 14.0, 8.0
LEFT, RIGHT = 250.0, WIDTH - 70.0


@dataclass(frozen=True)
class Bar:
    label: str
    y: float
    middle: float
    width: float
    value_x: float
    value: str


@dataclass(frozen=True)
class BarChart:
    title: str
    width: int
    height: int
    left: float
    top: float
    bottom: float
    bar_height: float
    ticks: tuple[tuple[float, str], ...]
    bars: tuple[Bar, ...]
    not_shown: tuple[str, ...]


def _short(text: str, length: int = 32) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def bar_chart(title: str, items: Sequence[tuple[str, Figure]]) -> BarChart | None:
    """Bars for ``(label, rate figure)`` pairs; None when no figure is shown."""
    shown = [(label, figure) for label, figure in items if not figure.hidden]
    shown = [(label, f) for label, f in shown if f.kind == "rate"]
    if not shown:
        return None
    highest = max(float(figure.value) for _, figure in shown)
    top_value = 100.0 if highest > 50 else max(10.0, math.ceil(highest / 10) * 10)
    step = 20.0 if top_value == 100 else top_value / 5
    bottom = TOP + ROW * len(shown)

    def x(value: float) -> float:
        return round(LEFT + (RIGHT - LEFT) * min(value, top_value) / top_value, 1)

    bars = []
    for index, (label, figure) in enumerate(shown):
        y = round(TOP + ROW * index + (ROW - BAR_HEIGHT) / 2, 1)
        end = x(float(figure.value))
        bars.append(
            Bar(
                label=_short(label),
                y=y,
                middle=round(y + BAR_HEIGHT / 2, 1),
                width=round(end - LEFT, 1),
                value_x=round(end + 6, 1),
                value=str(figure),
            )
        )
    ticks, value = [], 0.0
    while value <= top_value + 1e-9:
        ticks.append((x(value), f"{value:g} %"))
        value += step
    return BarChart(
        title=title,
        width=WIDTH,
        height=int(bottom + 30),
        left=LEFT,
        top=TOP,
        bottom=bottom,
        bar_height=BAR_HEIGHT,
        ticks=tuple(ticks),
        bars=tuple(bars),
        not_shown=tuple(label for label, figure in items if figure.hidden),
    )
