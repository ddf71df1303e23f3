"""The segment heat map: one wave's prevalences by the segments of one dimension.

The segment heat map shows one dimension at a time, so no two labels are ever
combined. For each dimension, wave and outcome the segments form three lines,
each run through ``suppress_counts`` with its total shown: the respondents per
segment, those flagged and those not flagged. A segment's rate is shown only
when it survives all three lines and ``suppressed_rate``. docs/surveys.md
("The dashboard") gives the rule and why it holds.
"""

from __future__ import annotations

from collections.abc import Sequence

from confidentiality.suppression import Cell, suppress_counts, suppressed_rate
from organization.models import Department, Profession, Site
from surveys.dashboard.figures import (
    ALL_LABEL,
    DIMENSIONS,
    OTHER_LABEL,
    Flag,
    HeatCell,
    HeatMap,
    HeatRow,
    WaveFigures,
)
from surveys.dashboard.waves import cell_answered
from surveys.models import TenureBand

_LABEL_MODELS = {"department": Department, "profession": Profession, "site": Site}


def heat_map_build(
    summary,
    wave: WaveFigures,
    flags: Sequence[Flag],
    dimension: str,
    *,
    total: dict[str, Cell] | None = None,
    labels: dict[str, str] | None = None,
) -> HeatMap:
    """One wave's prevalences by the segments of one dimension, suppressed line by line.

    For the dimension, three lines per outcome go through ``suppress_counts``
    with their totals shown: respondents per segment, those flagged and those
    not flagged. A rate is shown only where the segment survives all three and
    ``suppressed_rate`` shows it. ``labels`` names the segments (looked up in
    one query when not given). ``total`` is the all-respondents row, as the
    trend shows it.
    """
    k = wave.k
    sizes = {
        str(key): int(n) for key, n in (summary.segments.get(dimension) or {}).items()
    }
    for flag in flags:
        for key in (summary.outcomes.get(flag.id) or {}).get(dimension) or {}:
            sizes.setdefault(str(key), 0)
    if labels is None:
        labels = segment_labels(dimension, list(sizes))
    keys = _ordered(dimension, sizes, labels)
    responses = suppress_counts({key: sizes[key] for key in keys}, k=k)
    columns = {}
    for flag in flags:
        counts = {key: cell_answered(summary, flag.id, dimension, key) for key in keys}
        flagged = suppress_counts({key: f for key, (_, f) in counts.items()}, k=k)
        not_flagged = suppress_counts(
            {key: a - f for key, (a, f) in counts.items()}, k=k
        )
        columns[flag.id] = {
            key: _heat_cell(
                flag,
                counts[key],
                (responses[key], flagged[key], not_flagged[key]),
                k=k,
            )
            for key in keys
        }
    rows = tuple(
        HeatRow(
            key=key,
            label=labels.get(key, key) if key else OTHER_LABEL,
            responses=responses[key],
            cells=tuple(columns[flag.id][key] for flag in flags),
        )
        for key in keys
    )
    total = total or {}
    total_row = HeatRow(
        key="all",
        label=ALL_LABEL,
        responses=wave.responses,
        cells=tuple(
            _level(flag, total.get(flag.id) or suppressed_rate(0, 0, k=k))
            for flag in flags
        ),
    )
    return HeatMap(
        wave=wave,
        dimension=dimension,
        dimension_label=DIMENSIONS.get(dimension, dimension),
        flags=tuple(flags),
        rows=rows,
        total=total_row,
    )


def _heat_cell(
    flag: Flag, counts: tuple[int, int], lines: tuple[Cell, Cell, Cell], *, k: int
) -> HeatCell:
    hidden = next((cell for cell in lines if cell.suppressed), None)
    if hidden is not None:
        return HeatCell(flag, hidden)
    answered, flagged = counts
    return _level(flag, suppressed_rate(flagged, answered, k=k))


def _level(flag: Flag, rate: Cell) -> HeatCell:
    if rate.suppressed:
        return HeatCell(flag, rate)
    value = float(rate.value)
    level = sum(value >= step for step in (10, 20, 35, 50))
    return HeatCell(flag, rate, level)


def segment_labels(dimension: str, keys: Sequence[str]) -> dict[str, str]:
    """Names for a dimension's segment keys (one query for departments, professions, sites)."""
    if dimension == "tenure":
        return {key: label for key, label in TenureBand.choices if key in keys}
    model = _LABEL_MODELS.get(dimension)
    ids = [int(key) for key in keys if key.isdigit()]
    if model is None or not ids:
        return {}
    return {
        str(pk): name
        for pk, name in model.objects.filter(pk__in=ids).values_list("pk", "name")
    }


def _ordered(
    dimension: str, sizes: dict[str, int], labels: dict[str, str]
) -> list[str]:
    """Segments in the dimension's natural order, "Other / not stated" last."""
    named = [key for key in labels if key in sizes]
    if dimension == "tenure":
        named = [key for key, _ in TenureBand.choices if key in sizes]
    unnamed = sorted(key for key in sizes if key and key not in named)
    return named + unnamed + ([""] if "" in sizes else [])
