"""A wave's figures, computed once by the worker and read by the dashboard.

Counts of answers per item, code and segment come from the database
(GROUP BY). Outcome and composite flags and the driver analysis need each
response's answers together, so they are computed here from one pass over
the wave's answers into a numpy matrix. The result is raw and unsuppressed:
the dashboard passes every figure through confidentiality.suppression.
"""

import math

import numpy as np
from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone

from surveys import analytics
from surveys.instruments import Instrument
from surveys.models import Answer, Response, Wave, WaveSummary
from surveys.responses import wave_instrument

# Segment dimensions: the overall figure, and each label a response carries.
SEGMENT_FIELDS = {
    "all": None,
    "department": "department_id",
    "profession": "profession_id",
    "site": "site_id",
    "tenure": "tenure_band",
}
BOOTSTRAP_REPS = 200


def _segment(value) -> str:
    return "" if value is None else str(value)


@transaction.atomic
def wave_summarize(*, wave_id: int) -> WaveSummary | None:
    """Compute and keep a wave's summary (replacing the last one). None if the wave is gone."""
    wave = Wave.objects.select_related("survey__instrument").filter(pk=wave_id).first()
    if wave is None:
        return None
    instrument = wave_instrument(wave)
    matrix, segments = _response_matrix(wave, instrument)
    summary, _ = WaveSummary.objects.update_or_create(
        wave=wave,
        defaults={
            "computed_at": timezone.now(),
            "responses": matrix.shape[0],
            "segments": _segment_sizes(segments),
            "counts": _answer_counts(wave),
            "outcomes": _outcome_counts(instrument, matrix, segments),
            "drivers": _driver_analyses(instrument, matrix, seed=wave.pk),
        },
    )
    return summary


def _answer_counts(wave: Wave) -> dict:
    """{dimension: {segment: {item: {code: n}}}}, one GROUP BY per dimension."""
    counts: dict = {}
    answers = Answer.objects.filter(response__wave=wave).order_by()
    for dimension, field in SEGMENT_FIELDS.items():
        grouped = answers.values("item", "value")
        if field:
            grouped = grouped.annotate(segment=F(f"response__{field}"))
        by_segment = counts.setdefault(dimension, {})
        for row in grouped.annotate(n=Count("pk")):
            segment = _segment(row.get("segment"))
            items = by_segment.setdefault(segment, {})
            items.setdefault(row["item"], {})[str(row["value"])] = row["n"]
    return counts


def _response_matrix(
    wave: Wave, instrument: Instrument
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Every response's codes (NaN where unanswered) and its segment labels."""
    columns = {item.id: i for i, item in enumerate(instrument.choice_items)}
    rows: dict = {}
    labels = {name: [] for name, field in SEGMENT_FIELDS.items() if field}
    fields = [field for field in SEGMENT_FIELDS.values() if field]
    for values in (
        Response.objects.filter(wave=wave).order_by().values_list("id", *fields)
    ):
        rows[values[0]] = len(rows)
        for name, value in zip(labels, values[1:], strict=True):
            labels[name].append(_segment(value))
    matrix = np.full((len(rows), len(columns)), np.nan)
    answers = (
        Answer.objects.filter(response__wave=wave)
        .order_by()
        .values_list("response_id", "item", "value")
    )
    for response_id, item, value in answers.iterator(chunk_size=20_000):
        column = columns.get(item)
        if column is not None:
            matrix[rows[response_id], column] = value
    segments = {name: np.array(values, dtype=object) for name, values in labels.items()}
    segments["all"] = np.full(len(rows), "", dtype=object)
    return matrix, segments


def _segment_sizes(segments: dict[str, np.ndarray]) -> dict:
    return {
        dimension: {
            str(k): int(v)
            for k, v in zip(*np.unique(labels, return_counts=True), strict=True)
        }
        if labels.size
        else {}
        for dimension, labels in segments.items()
    }


def _flags(instrument: Instrument, matrix: np.ndarray) -> dict[str, np.ndarray]:
    """Per outcome and composite: 1.0 flagged, 0.0 not, NaN unanswered, for every response."""
    columns = {item.id: i for i, item in enumerate(instrument.choice_items)}
    flags = {}
    for outcome in instrument.outcomes:
        values = matrix[:, columns[outcome.item]]
        flags[outcome.id] = np.where(
            np.isnan(values), np.nan, np.isin(values, outcome.codes).astype(float)
        )
    for composite in instrument.composites:
        values = matrix[:, [columns[item] for item in composite.items]]
        score = values.mean(axis=1)  # NaN unless every item was answered
        high = score >= composite.cutoff
        if composite.high_when != "at_least":
            high = score <= composite.cutoff
        flags[composite.id] = np.where(np.isnan(score), np.nan, high.astype(float))
    return flags


def _outcome_counts(
    instrument: Instrument, matrix: np.ndarray, segments: dict[str, np.ndarray]
) -> dict:
    """{flag: {dimension: {segment: [answered, flagged]}}}."""
    result: dict = {}
    for name, flag in _flags(instrument, matrix).items():
        answered = ~np.isnan(flag)
        by_dimension = result.setdefault(name, {})
        for dimension, labels in segments.items():
            cells = by_dimension.setdefault(dimension, {})
            for segment in np.unique(labels[answered]) if answered.any() else []:
                in_segment = answered & (labels == segment)
                cells[str(segment)] = [
                    int(in_segment.sum()),
                    int(flag[in_segment].sum()),
                ]
    return result


def _driver_analyses(instrument: Instrument, matrix: np.ndarray, *, seed: int) -> dict:
    """For each outcome: adjusted odds ratios and relative weights of the drivers."""
    columns = {item.id: i for i, item in enumerate(instrument.choice_items)}
    drivers = instrument.drivers
    if not drivers:
        return {}
    oriented = np.column_stack(
        [_oriented(instrument, item, matrix[:, columns[item.id]]) for item in drivers]
    )
    names = [item.id for item in drivers]
    flags = _flags(instrument, matrix)
    analyses = {}
    for outcome in instrument.outcomes:
        outcome_flag = flags[outcome.id]
        complete = ~np.isnan(oriented).any(axis=1) & ~np.isnan(outcome_flag)
        analysis = analytics.drivers_analyse(
            oriented[complete],
            outcome_flag[complete],
            names,
            reps=BOOTSTRAP_REPS,
            seed=seed,
            outcome_label=outcome.label.lower(),
        )
        analyses[outcome.id] = _analysis_as_data(analysis, int(complete.sum()))
    return analyses


def _oriented(instrument: Instrument, item, values: np.ndarray) -> np.ndarray:
    if item.higher_is_worse:
        return values
    return min(item.codes) + max(item.codes) - values


def _finite(value: float) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def _analysis_as_data(analysis: analytics.DriverAnalysis, n: int) -> dict:
    data = {
        "n": n,
        "adequate": analysis.adequacy.ok,
        "reason": analysis.adequacy.reason,
        "odds_ratios": [],
        "weights": [],
        "r_squared": None,
    }
    if analysis.model is not None:
        data["model_adequate"] = analysis.model.adequate
        data["model_reason"] = analysis.model.reason
        data["odds_ratios"] = [
            {
                "item": ratio.name,
                "value": _finite(ratio.value),
                "low": _finite(ratio.low),
                "high": _finite(ratio.high),
                "p_value": _finite(ratio.p_value),
            }
            for ratio in analysis.model.odds_ratios
        ]
    if analysis.weights is not None:
        intervals = {interval.name: interval for interval in analysis.intervals}
        data["r_squared"] = _finite(analysis.weights.r_squared)
        data["weights"] = [
            {
                "item": name,
                "raw": _finite(raw),
                "percent": _finite(percent),
                "low": _finite(intervals[name].low) if name in intervals else None,
                "high": _finite(intervals[name].high) if name in intervals else None,
            }
            for name, raw, percent in zip(
                analysis.weights.names,
                analysis.weights.raw,
                analysis.weights.percent,
                strict=True,
            )
        ]
    return data
