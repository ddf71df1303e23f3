"""The CSV export: the aggregates exactly as the page shows them, one figure a row."""

from __future__ import annotations

from collections.abc import Iterator

from confidentiality.suppression import Cell
from surveys.dashboard.figures import ALL_LABEL, Dashboard

CSV_HEADER = (
    "section",
    "wave",
    "group",
    "segment",
    "measure",
    "value",
    "interval_low",
    "interval_high",
    "reading",
    "suppressed",
)


def export_rows(dashboard: Dashboard) -> Iterator[tuple]:
    """The aggregates exactly as the page shows them, one figure a row.

    A hidden cell has an empty value and "suppressed" in the last column; its
    interval is empty too.
    """
    yield CSV_HEADER
    for wave in dashboard.waves:
        yield _row("responses", wave.label, ALL_LABEL, "", "Invited", wave.invited)
        yield _row("responses", wave.label, ALL_LABEL, "", "Responses", wave.responses)
        yield _row(
            "responses",
            wave.label,
            ALL_LABEL,
            "",
            "Response rate (%)",
            wave.response_rate,
        )
    for trend in dashboard.trends:
        for point in trend.points:
            yield _row(
                "trend",
                point.wave.label,
                ALL_LABEL,
                "",
                f"{trend.flag.label} (%)",
                point.rate,
                point.low,
                point.high,
            )
        for point in trend.points:
            change = point.change
            if change is None:
                continue
            yield _row(
                "change",
                point.wave.label,
                ALL_LABEL,
                "",
                f"{trend.flag.label}: change since {change.since} (percentage points)",
                change.difference,
                change.low,
                change.high,
                change.label,
            )
    for section in dashboard.drivers:
        if not section.adequate:
            yield _row(
                "drivers",
                "",
                "",
                "",
                f"{section.flag.label}: drivers",
                None,
                reading=section.reason,
            )
            continue
        label = section.wave.label
        yield _row(
            "drivers",
            label,
            "",
            "",
            f"{section.flag.label}: responses analysed",
            section.n,
        )
        yield _row(
            "drivers",
            label,
            "",
            "",
            f"{section.flag.label}: variation explained by the drivers (%)",
            section.explained,
        )
        for weight in section.weights:
            yield _row(
                "drivers",
                label,
                "",
                weight.label,
                f"{section.flag.label}: relative weight (% of explained variation)",
                weight.percent,
                weight.low,
                weight.high,
            )
        for ratio in section.odds_ratios:
            yield _row(
                "drivers",
                label,
                "",
                ratio.label,
                f"{section.flag.label}: adjusted odds ratio",
                ratio.value,
                ratio.low,
                ratio.high,
                ratio.reading,
            )
    heat_map = dashboard.heat_map
    if heat_map is not None:
        for row in (*heat_map.rows, heat_map.total):
            group = ALL_LABEL if row is heat_map.total else heat_map.dimension_label
            segment = "" if row is heat_map.total else row.label
            yield _row(
                "segments",
                heat_map.wave.label,
                group,
                segment,
                "Responses",
                row.responses,
            )
            for cell in row.cells:
                yield _row(
                    "segments",
                    heat_map.wave.label,
                    group,
                    segment,
                    f"{cell.flag.label} (%)",
                    cell.rate,
                )


def _row(
    section: str,
    wave: str,
    group: str,
    segment: str,
    measure: str,
    cell: Cell | None,
    low: Cell | None = None,
    high: Cell | None = None,
    reading: str = "",
) -> tuple:
    if cell is not None and cell.suppressed:
        return (
            section,
            wave,
            group,
            segment,
            measure,
            "",
            "",
            "",
            reading,
            "suppressed",
        )
    return (
        section,
        wave,
        group,
        segment,
        measure,
        "" if cell is None else str(cell.value),
        "" if low is None or low.suppressed else str(low.value),
        "" if high is None or high.suppressed else str(high.value),
        reading or ("not recorded" if cell is None else ""),
        "",
    )
