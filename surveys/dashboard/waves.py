"""A survey's waves with figures, each wave's own figures, and whether they are being computed.

``statistic`` is the rule every derived figure (an interval bound, a change, a
driver weight) follows: it exists only where the figure it derives from is
shown, and is hidden under the wave's k answers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from confidentiality.suppression import (
    Cell,
    suppress_count,
    suppressed_mean,
    suppressed_rate,
)
from surveys.dashboard.figures import WaveFigures
from surveys.models import Survey, Wave, WaveStatus
from worker.models import BackgroundTask, DueStatus

SUMMARIZE_TASK = "surveys.summarize"


def summarize_key(wave_id: int) -> str:
    """The dedupe key of a wave's summarize task (as surveys.services schedules it)."""
    return f"{SUMMARIZE_TASK}:{wave_id}"


def survey_waves(survey: Survey) -> tuple[list[Wave], list[Wave]]:
    """The survey's waves with figures, oldest first, and closed ones still waiting for them.

    One query. A wave counts once it is closed, with its thresholds locked and a
    summary computed: figures that moved one answer at a time, while a wave is
    open, would give the latest answers away.
    """
    waves = list(
        Wave.objects.filter(survey=survey, status=WaveStatus.CLOSED)
        .select_related("summary")
        .defer("summary__counts")
        .order_by("opens_on", "pk")
    )
    summarized, waiting = [], []
    for wave in waves:
        if wave.k is None or wave.k_comments is None:
            continue
        (summarized if summary_of(wave) is not None else waiting).append(wave)
    return summarized, waiting


def summaries_updating(wave_ids: Sequence[int]) -> bool:
    """Whether a summarize task for one of these waves is waiting or running. One query."""
    if not wave_ids:
        return False
    return BackgroundTask.objects.filter(
        kind=SUMMARIZE_TASK,
        status__in=[DueStatus.PENDING, DueStatus.RUNNING],
        dedupe_key__in=[summarize_key(wave_id) for wave_id in wave_ids],
    ).exists()


def summary_of(wave: Wave):
    try:
        return wave.summary
    except Wave.summary.RelatedObjectDoesNotExist:
        return None


def wave_figures(wave: Wave) -> WaveFigures:
    summary = summary_of(wave)
    k = wave.k
    invited = wave.invited
    rate = None
    if invited and summary.responses <= invited:
        rate = suppressed_rate(summary.responses, invited, k=k)
    return WaveFigures(
        id=wave.pk,
        label=wave.label,
        opens_on=wave.opens_on,
        closes_on=wave.closes_on,
        imported=wave.imported,
        k=k,
        k_comments=wave.k_comments,
        computed_at=summary.computed_at,
        invited=suppress_count(invited, k=k) if invited else None,
        responses=suppress_count(summary.responses, k=k),
        response_rate=rate,
    )


def statistic(n: int, value: float | None, *, k: int, places: int = 1) -> Cell | None:
    """A figure computed from ``n`` answers (an interval bound, a change, a weight).

    The suppression module's rule for a mean (hidden under k answers), with its
    rounding. None when the statistic could not be estimated at all.
    """
    if value is None or not math.isfinite(value):
        return None
    return suppressed_mean(n, value, k=k, places=places)


def cell_answered(summary, flag_id: str, dimension: str, segment: str):
    answered, flagged = (
        summary.outcomes.get(flag_id, {}).get(dimension, {}).get(segment, [0, 0])
    )
    return int(answered), int(flagged)
