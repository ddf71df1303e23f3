"""Stress and burnout from the workforce surveys, for the brief: the last closed waves.

Each wave's figures come from its summary (computed once the wave closed) and
pass through suppression with the threshold the wave promised its
respondents (``Wave.k``). A prevalence is shown with its Wilson 95 % interval;
an interval wider than ``WIDE_POINTS`` percentage points is flagged, so the
brief says when a figure rests on few answers.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError

from confidentiality.suppression import Cell, suppress_count, suppressed_rate
from surveys import analytics
from surveys.dashboard.waves import cell_answered, statistic
from surveys.models import Wave, WaveStatus

OUTCOMES = {"high_stress": "High stress", "burnout": "Burnout"}
WAVES_SHOWN = 4
WIDE_POINTS = Decimal(25)


@dataclass(frozen=True)
class Prevalence:
    """One outcome in one wave: a percentage, its interval, and how many answered."""

    label: str
    rate: Cell
    low: Cell | None
    high: Cell | None
    answered: Cell

    @property
    def wide(self) -> bool:
        """A shown interval wider than WIDE_POINTS: few answers, an uncertain figure."""
        if self.low is None or self.high is None:
            return False
        if self.low.suppressed or self.high.suppressed:
            return False
        return self.high.value - self.low.value > WIDE_POINTS


@dataclass(frozen=True)
class WaveRow:
    label: str
    opens_on: datetime.date
    closes_on: datetime.date
    k: int
    responses: Cell
    prevalences: tuple[Prevalence | None, ...]  # in the order of SurveyPicture.outcomes


@dataclass(frozen=True)
class Change:
    """An outcome's change from the wave before the latest to the latest."""

    label: str
    since: str
    difference: Cell | None  # percentage points
    text: str  # "reliable increase", "reliable decrease", "no reliable change"


@dataclass(frozen=True)
class SurveyPicture:
    survey_title: str
    outcomes: tuple[str, ...]  # labels, as in OUTCOMES
    waves: tuple[WaveRow, ...]  # oldest first
    changes: tuple[Change, ...]

    @property
    def latest(self) -> WaveRow:
        return self.waves[-1]

    def latest_prevalence(self, outcome_label: str) -> Prevalence | None:
        return dict(zip(self.outcomes, self.latest.prevalences, strict=True)).get(
            outcome_label
        )


def _waves_with_figures():
    return (
        Wave.objects.filter(
            status=WaveStatus.CLOSED, k__isnull=False, summary__isnull=False
        )
        .select_related("survey", "summary")
        .defer("summary__counts", "summary__drivers", "summary__segments")
    )


def survey_picture(*, end: datetime.date) -> SurveyPicture | None:
    """The latest survey's last closed waves up to ``end`` (two queries), or None."""
    latest = (
        _waves_with_figures()
        .filter(closes_on__lte=end)
        .order_by("-closes_on", "-pk")
        .first()
    )
    if latest is None:
        return None
    waves = list(
        _waves_with_figures()
        .filter(survey_id=latest.survey_id, closes_on__lte=end)
        .order_by("-closes_on", "-pk")[:WAVES_SHOWN]
    )[::-1]
    outcomes = [
        key for key in OUTCOMES if any(key in wave.summary.outcomes for wave in waves)
    ]
    if not outcomes:
        return None
    rows = tuple(_wave_row(wave, outcomes) for wave in waves)
    return SurveyPicture(
        survey_title=latest.survey.title,
        outcomes=tuple(OUTCOMES[key] for key in outcomes),
        waves=rows,
        changes=_changes(waves, outcomes),
    )


def _wave_row(wave: Wave, outcomes: list[str]) -> WaveRow:
    return WaveRow(
        label=wave.label,
        opens_on=wave.opens_on,
        closes_on=wave.closes_on,
        k=wave.k,
        responses=suppress_count(wave.summary.responses, k=wave.k),
        prevalences=tuple(_prevalence(wave, key) for key in outcomes),
    )


def _prevalence(wave: Wave, outcome: str) -> Prevalence | None:
    if outcome not in wave.summary.outcomes:
        return None
    answered, flagged = cell_answered(wave.summary, outcome, "all", "")
    k = wave.k
    label = OUTCOMES[outcome]
    rate = suppressed_rate(min(flagged, answered), answered, k=k)
    if rate.suppressed:
        return Prevalence(label, rate, None, None, suppress_count(answered, k=k))
    estimate = analytics.proportion(flagged, answered)
    return Prevalence(
        label,
        rate,
        statistic(answered, 100 * estimate.low, k=k),
        statistic(answered, 100 * estimate.high, k=k),
        suppress_count(answered, k=k),
    )


def _changes(waves: list[Wave], outcomes: list[str]) -> tuple[Change, ...]:
    """Latest against the wave before, per outcome; Benjamini-Hochberg across them."""
    if len(waves) < 2:
        return ()
    before, after = waves[-2], waves[-1]
    pairs = []
    for outcome in outcomes:
        cells = [_shown_counts(wave, outcome) for wave in (before, after)]
        if all(cells):
            pairs.append((outcome, (*cells[0], *cells[1])))
    results = analytics.wave_changes([cells for _, cells in pairs])
    k = max(before.k, after.k)
    changes = []
    for (outcome, cells), change in zip(pairs, results, strict=True):
        changes.append(
            Change(
                label=OUTCOMES[outcome],
                since=before.label,
                difference=statistic(
                    cells[1] + cells[3], 100 * change.difference.value, k=k
                ),
                text=change.label,
            )
        )
    return tuple(changes)


def _shown_counts(wave: Wave, outcome: str) -> tuple[int, int] | None:
    """(flagged, answered) when the wave's prevalence is shown; None when it is hidden."""
    if outcome not in wave.summary.outcomes:
        return None
    answered, flagged = cell_answered(wave.summary, outcome, "all", "")
    if (
        answered <= 0
        or suppressed_rate(min(flagged, answered), answered, k=wave.k).suppressed
    ):
        return None
    return flagged, answered


def latest_burnout(*, today: datetime.date) -> tuple[Decimal, str]:
    """The latest closed wave's burnout prevalence and where it comes from, for the cost model.

    Raises ValidationError, in words for the director, when there is no such
    figure or it is hidden.
    """
    picture = survey_picture(end=today)
    prevalence = picture.latest_prevalence(OUTCOMES["burnout"]) if picture else None
    if prevalence is None:
        raise ValidationError(
            "No closed survey wave has a burnout figure yet, so it cannot be taken "
            "from a survey. Enter your best estimate by hand."
        )
    wave = picture.latest
    if prevalence.rate.suppressed:
        raise ValidationError(
            f"The burnout figure of “{wave.label}” is hidden: too few people gave "
            "one answer or the other. Enter your best estimate by hand."
        )
    interval = ""
    if prevalence.low is not None and prevalence.high is not None:
        interval = f", 95 % interval {prevalence.low} to {prevalence.high} %"
    source = (
        f"{picture.survey_title}, {wave.label} (closed "
        f"{wave.closes_on:%d %b %Y}; {prevalence.answered} answered{interval})"
    )
    return prevalence.rate.value, source
