"""Each outcome's prevalence over the waves, its Wilson interval, and the change since the wave before.

Every change the page shows is one hypothesis: Benjamini-Hochberg runs across
all of them (surveys.analytics.wave_changes).
"""

from __future__ import annotations

from collections.abc import Sequence

from confidentiality.suppression import suppressed_rate
from surveys import analytics
from surveys.dashboard.charts import line_chart
from surveys.dashboard.figures import ChangeMark, Flag, Point, Trend, WaveFigures
from surveys.dashboard.waves import cell_answered, statistic


def trends_build(
    summaries: Sequence, waves: Sequence[WaveFigures], flags: Sequence[Flag]
) -> tuple[Trend, ...]:
    """Each flag's overall prevalence per wave, and changes with BH across all of them.

    ``summaries`` and ``waves`` go together, oldest first: a WaveSummary (or
    anything with its ``outcomes``) and its wave's figures.
    """
    points: dict[str, list[Point]] = {}
    raw: dict[str, list[tuple[int, int] | None]] = {}
    for flag in flags:
        points[flag.id], raw[flag.id] = [], []
        for summary, figures in zip(summaries, waves, strict=True):
            answered, flagged = cell_answered(summary, flag.id, "all", "")
            point = _prevalence(flagged, answered, figures)
            points[flag.id].append(point)
            raw[flag.id].append(None if point.rate.suppressed else (flagged, answered))
    # Every change the page shows is one hypothesis; BH runs across all of them.
    pairs = []
    for flag in flags:
        for index in range(1, len(waves)):
            before, after = raw[flag.id][index - 1], raw[flag.id][index]
            if before and after:
                pairs.append((flag.id, index, (*before, *after)))
    changes = analytics.wave_changes([cells for _, _, cells in pairs])
    for (flag_id, index, cells), change in zip(pairs, changes, strict=True):
        point = points[flag_id][index]
        points[flag_id][index] = Point(
            point.wave,
            point.rate,
            point.low,
            point.high,
            _change_mark(change, cells, waves[index - 1], point.wave),
        )
    return tuple(
        Trend(flag, tuple(points[flag.id]), line_chart(points[flag.id]))
        for flag in flags
    )


def _prevalence(flagged: int, answered: int, wave: WaveFigures) -> Point:
    if answered <= 0:
        rate = suppressed_rate(0, 0, k=wave.k)
        return Point(wave, rate, rate, rate)
    rate = suppressed_rate(flagged, answered, k=wave.k)
    if rate.suppressed:
        return Point(wave, rate, rate, rate)
    estimate = analytics.proportion(flagged, answered)
    return Point(
        wave,
        rate,
        statistic(answered, 100 * estimate.low, k=wave.k),
        statistic(answered, 100 * estimate.high, k=wave.k),
    )


def _change_mark(
    change: analytics.Change,
    cells: tuple[int, int, int, int],
    before: WaveFigures,
    after: WaveFigures,
) -> ChangeMark:
    n = cells[1] + cells[3]
    k = max(before.k, after.k)
    difference = change.difference
    return ChangeMark(
        since=before.label,
        difference=statistic(n, 100 * difference.value, k=k),
        low=statistic(n, 100 * difference.low, k=k),
        high=statistic(n, 100 * difference.high, k=k),
        reliable=change.reliable,
        label=change.label,
    )
