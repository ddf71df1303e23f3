"""The drivers of each outcome, from the latest wave whose analysis is adequate.

Relative weights (with bootstrap intervals) and adjusted odds ratios, each
derived from the analysis's n and hidden under the wave's k.
"""

from __future__ import annotations

from confidentiality.suppression import suppress_count
from surveys.dashboard.charts import bar_chart
from surveys.dashboard.figures import (
    DriverSection,
    Flag,
    OddsRatioRow,
    WaveFigures,
    Weight,
)
from surveys.dashboard.flags import flags_of, humanize
from surveys.dashboard.waves import statistic, summary_of
from surveys.instruments import Instrument
from surveys.models import Wave


def drivers(
    instrument: Instrument, rows: list[Wave], waves: tuple[WaveFigures, ...]
) -> tuple[DriverSection, ...]:
    if not instrument.drivers:
        return ()
    sections = []
    outcome_flags = {flag.id: flag for flag in flags_of(instrument)}
    for outcome in instrument.outcomes:
        flag = outcome_flags[outcome.id]
        analyses = [
            (figures, (summary_of(wave).drivers or {}).get(outcome.id))
            for wave, figures in zip(rows, waves, strict=True)
        ]
        adequate = [
            (figures, analysis)
            for figures, analysis in analyses
            if analysis and analysis.get("adequate") and analysis.get("weights")
        ]
        latest_figures, latest = analyses[-1] if analyses else (None, None)
        if not adequate:
            reason = (latest or {}).get("reason") or (
                "No wave has figures yet."
                if latest_figures is None
                else "This wave's driver analysis could not be run."
            )
            sections.append(
                DriverSection(flag=flag, reason=reason, latest=latest_figures)
            )
            continue
        figures, analysis = adequate[-1]
        sections.append(
            _driver_section(
                instrument,
                flag,
                figures,
                analysis,
                latest=latest_figures if latest_figures is not figures else None,
                latest_reason=(latest or {}).get("reason", ""),
            )
        )
    return tuple(sections)


def _driver_section(
    instrument: Instrument,
    flag: Flag,
    wave: WaveFigures,
    analysis: dict,
    *,
    latest: WaveFigures | None,
    latest_reason: str,
) -> DriverSection:
    n, k = int(analysis["n"]), wave.k
    r_squared = analysis.get("r_squared")
    weights = []
    for entry in sorted(analysis["weights"], key=lambda w: -(w.get("percent") or 0.0)):
        scale = 100 / r_squared if r_squared else None
        weights.append(
            Weight(
                item=entry["item"],
                label=humanize(entry["item"]),
                text=_item_text(instrument, entry["item"]),
                percent=statistic(n, entry.get("percent") or 0.0, k=k),
                low=statistic(n, _times(entry.get("low"), scale), k=k),
                high=statistic(n, _times(entry.get("high"), scale), k=k),
            )
        )
    order = {weight.item: position for position, weight in enumerate(weights)}
    ratios = sorted(
        analysis.get("odds_ratios") or [], key=lambda r: order.get(r["item"], 99)
    )
    odds_reason = ""
    if analysis.get("model_adequate") is False:
        odds_reason, ratios = analysis.get("model_reason", ""), []
    elif not ratios:
        odds_reason = "The odds-ratio model was not run for this wave."
    return DriverSection(
        flag=flag,
        wave=wave,
        n=suppress_count(n, k=k),
        explained=statistic(n, _times(r_squared, 100), k=k),
        weights=tuple(weights),
        odds_ratios=tuple(
            _odds_ratio_row(instrument, ratio, n=n, k=k, outcome=flag.label)
            for ratio in ratios
        ),
        odds_reason=odds_reason,
        latest=latest,
        latest_reason=latest_reason if latest else "",
        chart=bar_chart(weights),
    )


def _times(value: float | None, factor: float | None) -> float | None:
    if value is None or factor is None:
        return None
    return value * factor


def _item_text(instrument: Instrument, item_id: str) -> str:
    try:
        return instrument.item(item_id).text
    except KeyError:
        return ""


def _odds_ratio_row(
    instrument: Instrument, ratio: dict, *, n: int, k: int, outcome: str
) -> OddsRatioRow:
    value = statistic(n, ratio.get("value"), k=k, places=2)
    low = statistic(n, ratio.get("low"), k=k, places=2)
    high = statistic(n, ratio.get("high"), k=k, places=2)
    reading = "not estimable"
    if ratio.get("low") is not None and ratio.get("high") is not None:
        if ratio["low"] > 1:
            reading = f"worse answers, more {outcome.lower()}"
        elif ratio["high"] < 1:
            reading = f"worse answers, less {outcome.lower()}"
        else:
            reading = "no clear link"
    return OddsRatioRow(
        item=ratio["item"],
        label=humanize(ratio["item"]),
        text=_item_text(instrument, ratio["item"]),
        value=value,
        low=low,
        high=high,
        reading=reading,
    )
