"""Chart geometry for the page's SVG line and bar charts.

Computed from shown cells only, so a chart can never draw a figure the tables
hide.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal

from surveys.dashboard.figures import Bar, BarChart, LineChart, Point, Weight

LINE_WIDTH, LINE_HEIGHT = 640, 260
BAR_WIDTH = 640


def _nice_top(highest: float) -> tuple[float, float]:
    """An axis top at or above ``highest`` (a percentage) and its tick step."""
    for top, step in ((10, 2), (20, 5), (40, 10), (60, 10), (80, 20), (100, 20)):
        if highest <= top:
            return top, step
    return math.ceil(highest / 50) * 50, 50


def _number(value: float) -> str:
    return f"{value:g}"


def line_chart(points: Sequence[Point]) -> LineChart:
    left, right, top, bottom = 52.0, LINE_WIDTH - 20.0, 16.0, LINE_HEIGHT - 48.0
    shown = [p for p in points if not p.rate.suppressed]
    highest = max(
        [float((p.high or p.rate).value) for p in shown]
        + [float(p.rate.value) for p in shown]
        + [1.0]
    )
    y_top, step = _nice_top(highest)

    def y(value: Decimal | float) -> float:
        return round(bottom - (bottom - top) * float(value) / y_top, 1)

    count = len(points)
    inner = 28.0

    def x(index: int) -> float:
        if count == 1:
            return round((left + right) / 2, 1)
        return round(left + inner + (right - left - 2 * inner) * index / (count - 1), 1)

    label_every = max(1, math.ceil(count / 8))
    x_labels = tuple(
        (x(index), _short(point.wave.label, 16))
        for index, point in enumerate(points)
        if index % label_every == 0 or index == count - 1
    )
    lines, bands, whiskers, markers, gaps = [], [], [], [], []
    run: list[tuple[int, Point]] = []
    for index, point in [*enumerate(points), (count, None)]:
        if point is not None and not point.rate.suppressed:
            run.append((index, point))
            continue
        if point is not None:
            gaps.append((x(index), point.wave.label))
        if len(run) == 1:
            index_, only = run[0]
            if only.low and only.high:
                whiskers.append((x(index_), y(only.high.value), y(only.low.value)))
        elif run:
            lines.append(" ".join(f"{x(i)},{y(p.rate.value)}" for i, p in run))
            bounded = [(i, p) for i, p in run if p.low and p.high]
            if len(bounded) == len(run):
                upper = [f"{x(i)},{y(p.high.value)}" for i, p in run]
                lower = [f"{x(i)},{y(p.low.value)}" for i, p in reversed(run)]
                bands.append(" ".join(upper + lower))
        for i, p in run:
            interval = (
                f" (95 % interval {p.low.value} to {p.high.value} %)"
                if p.low and p.high
                else ""
            )
            markers.append(
                (x(i), y(p.rate.value), f"{p.wave.label}: {p.rate.value} %{interval}")
            )
        run = []
    ticks = []
    value = 0.0
    while value <= y_top + 1e-9:
        ticks.append((y(value), f"{_number(value)} %"))
        value += step
    return LineChart(
        width=LINE_WIDTH,
        height=LINE_HEIGHT,
        left=left,
        right=right,
        top=top,
        bottom=bottom,
        y_ticks=tuple(ticks),
        x_labels=x_labels,
        lines=tuple(lines),
        bands=tuple(bands),
        whiskers=tuple(whiskers),
        markers=tuple(markers),
        gaps=tuple(gaps),
    )


def _short(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def bar_chart(weights: Sequence[Weight]) -> BarChart | None:
    shown = [w for w in weights if not w.percent.suppressed]
    if not shown:
        return None
    row, bar_height, top = 30.0, 14.0, 8.0
    left, right = 170.0, BAR_WIDTH - 64.0
    height = int(top + row * len(shown) + 30)
    bottom = top + row * len(shown)
    highest = max(
        [float(w.percent.value) for w in shown]
        + [float(w.high.value) for w in shown if w.high and not w.high.suppressed]
        + [1.0]
    )
    x_top, step = _nice_top(highest)

    def x(value) -> float:
        clipped = min(max(float(value), 0.0), x_top)
        return round(left + (right - left) * clipped / x_top, 1)

    bars = []
    for index, weight in enumerate(shown):
        low = x(weight.low.value) if weight.low and weight.high else None
        high = x(weight.high.value) if weight.low and weight.high else None
        interval = (
            f", 95 % interval {weight.low.value} to {weight.high.value} %"
            if weight.low and weight.high
            else ""
        )
        bar_y = round(top + row * index + (row - bar_height) / 2, 1)
        end = x(weight.percent.value)
        bars.append(
            Bar(
                label=_short(weight.label, 24),
                y=bar_y,
                middle=round(bar_y + bar_height / 2, 1),
                y_end=round(bar_y + bar_height, 1),
                width=round(end - left, 1),
                low=low,
                high=high,
                value=f"{weight.percent.value} %",
                value_x=round(max(end, high or end) + 6, 1),
                description=f"{weight.label}: {weight.percent.value} %{interval}",
            )
        )
    ticks = []
    value = 0.0
    while value <= x_top + 1e-9:
        ticks.append((x(value), f"{_number(value)} %"))
        value += step
    return BarChart(
        width=BAR_WIDTH,
        height=height,
        left=left,
        right=right,
        top=top,
        bottom=bottom,
        ticks=tuple(ticks),
        bars=tuple(bars),
        bar_height=bar_height,
    )
