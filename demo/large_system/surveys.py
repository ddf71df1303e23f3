"""The pulse survey: four closed waves six months apart, and one open since a week ago.

Each wave asks everyone the program served on its opening day (so the first
wave asks only physicians, residents and APPs). Answers follow the demo's
model (demo.surveys): a latent strain per person, higher in emergency
medicine, surgery and critical care and among residents, drives the eight
drivers (workload, documentation and fear of harm the most) and, through
them, stress and burnout; strain eases a little wave by wave. Labels are
coarsened with the project's own rule (surveys.invitations.segment_labels),
invitations of closed waves are gone (their counts kept on the wave), and
each closed wave is summarized by ``wave_summarize``, as the worker does.
"""

import datetime
import hashlib
import uuid

import numpy as np

from demo.large_system.bulk import rows_insert
from demo.large_system.organization import Roster
from demo.roster import PROFESSIONS
from demo.surveys import (
    BURNOUT_CUTS,
    COMMENTS,
    DRIVERS,
    HIGHER_IS_BETTER,
    INSTRUMENT_SLUG,
    LOADING,
    PROFESSION_RESPONDS,
    PROFESSION_STRAIN,
    SKIPPED,
    STRESS_CUTS,
    SURVEY_SLUG,
    SURVEY_TITLE,
    WAVE_EVERY,
    WAVE_LENGTH,
    WEIGHT,
    season_label,
)
from surveys.invitations import DIMENSIONS, segment_labels
from surveys.models import Answer, Comment, Invitation, Response, Wave, WaveStatus
from surveys.services import builtin_instruments_install, survey_create
from surveys.summary import wave_summarize

CLOSED_WAVES = 4
OPEN_SINCE = datetime.timedelta(days=7)
OPEN_ANSWERED_SHARE = 0.5  # of those who will answer, how many have so far
ITEMS = ("stress", "burnout", *DRIVERS, "support_known")
COMMENT_SHARE = 0.008
K, K_COMMENTS = 5, 10


def surveys_create(
    rng: np.random.Generator, roster: Roster, scope, *, responses: int, now
) -> dict[str, int]:
    """The survey, its waves, responses, answers, comments and summaries."""
    instrument = next(
        i for i in builtin_instruments_install() if i.slug == INSTRUMENT_SLUG
    )
    survey = survey_create(
        actor=None, slug=SURVEY_SLUG, title=SURVEY_TITLE, instrument=instrument
    )
    plans = _waves_plan(roster)
    audiences = [_audience(roster, scope, opens_on) for opens_on, _ in plans]
    weight = [
        a.size * (1 if closed else OPEN_ANSWERED_SHARE)
        for a, (_, closed) in zip(audiences, plans, strict=True)
    ]
    rate = min(0.95, responses / max(1.0, sum(weight)))
    counts = {"waves": 0, "responses": 0, "answers": 0, "comments": 0, "invitations": 0}
    for index, ((opens_on, closed), audience) in enumerate(
        zip(plans, audiences, strict=True)
    ):
        wave = Wave.objects.create(
            survey=survey, label=season_label(opens_on), opens_on=opens_on,
            closes_on=opens_on + WAVE_LENGTH, status=WaveStatus.CLOSED if closed else WaveStatus.OPEN,
            k=K, k_comments=K_COMMENTS, opened_at=_at(opens_on),
            closed_at=_at(opens_on + WAVE_LENGTH + datetime.timedelta(days=1)) if closed else None,
        )  # fmt: skip
        _wave_fill(
            rng, roster, wave, audience, index, rate=rate, closed=closed, counts=counts
        )
        counts["waves"] += 1
        if closed:
            wave_summarize(wave_id=wave.pk)
    return counts


def _at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(8), tzinfo=datetime.UTC)


def _waves_plan(roster: Roster) -> list[tuple[datetime.date, bool]]:
    """Every six months, the latest opened a week ago: (opens on, closed)."""
    open_since = roster.today - OPEN_SINCE
    plans = [(open_since - WAVE_EVERY * n, True) for n in range(CLOSED_WAVES, 0, -1)]
    return [*plans, (open_since, False)]


def _audience(roster: Roster, scope, opens_on: datetime.date) -> np.ndarray:
    days_ago = (roster.today - opens_on).days
    there = roster.start >= days_ago
    served = np.array([scope.serves(n, opens_on) for n in range(len(roster.ids))])
    return np.flatnonzero(there & served)


def _labels(roster: Roster, people: np.ndarray, opens_on, *, k: int) -> list[tuple]:
    days_ago = (roster.today - opens_on).days
    years = (roster.start[people] - days_ago) / 365.25
    bands = np.select([years < 1, years < 5, years < 10], ["<1", "1-4", "5-9"], "10+")
    rows = [
        {"pk": i, "department_id": roster.department_ids[roster.department[n]],
         "profession_id": roster.profession_ids[roster.profession[n]],
         "site_id": roster.site_ids[roster.site[n]], "tenure_band": str(bands[i])}
        for i, n in enumerate(people.tolist())
    ]  # fmt: skip
    coarsened = segment_labels(rows, k=k)
    return [tuple(coarsened[i][d] for d in DIMENSIONS) for i in range(len(rows))]


def _wave_fill(
    rng,
    roster: Roster,
    wave: Wave,
    audience: np.ndarray,
    index: int,
    *,
    rate,
    closed,
    counts,
) -> None:
    responds = np.array([PROFESSION_RESPONDS[p.code] for p in PROFESSIONS])[
        roster.profession[audience]
    ]
    answering = rng.random(audience.size) < responds / responds.mean() * rate
    if not closed:
        answering &= rng.random(audience.size) < OPEN_ANSWERED_SHARE
    people = audience[answering]
    if closed:
        labels = _labels(roster, people, wave.opens_on, k=K)
        Wave.objects.filter(pk=wave.pk).update(
            invited=audience.size, answered=people.size
        )
    else:
        everyone = _labels(roster, audience, wave.opens_on, k=K)
        counts["invitations"] += _invitations_write(
            rng, roster, wave, audience, answering, everyone
        )
        labels = [
            label
            for label, answered in zip(everyone, answering, strict=True)
            if answered
        ]
    codes = _codes(rng, roster, people, index)
    ids = sorted(uuid.UUID(bytes=rng.bytes(16), version=4) for _ in range(people.size))
    order = rng.permutation(
        people.size
    )  # no link between storage order and the roster's
    counts["responses"] += rows_insert(
        Response, ["id", "wave_id", *DIMENSIONS],
        ((ids[i], wave.pk, *labels[order[i]]) for i in range(people.size)),
    )  # fmt: skip
    counts["answers"] += rows_insert(
        Answer, ["response_id", "item", "value"],
        ((ids[i], item, int(codes[order[i], j])) for i in range(people.size)
         for j, item in enumerate(ITEMS) if codes[order[i], j]),
    )  # fmt: skip
    comments = rng.choice(len(COMMENTS), size=int(people.size * COMMENT_SHARE))
    counts["comments"] += rows_insert(
        Comment, ["id", "wave_id", "text"],
        ((uuid.UUID(bytes=rng.bytes(16), version=4), wave.pk, COMMENTS[c]) for c in comments),
    )  # fmt: skip


def _invitations_write(rng, roster: Roster, wave, audience, answering, labels) -> int:
    return rows_insert(
        Invitation,
        ["wave_id", "staff_member_id", "token_hash", "answered", "reminders_sent", *DIMENSIONS],
        (
            (wave.pk, int(roster.ids[n]), hashlib.sha256(rng.bytes(32)).hexdigest(),
             bool(answered), 0 if answered else 1, *label)
            for n, answered, label in zip(audience.tolist(), answering.tolist(), labels, strict=True)
        ),
    )  # fmt: skip


def _codes(
    rng: np.random.Generator, roster: Roster, people: np.ndarray, index: int
) -> np.ndarray:
    """Each respondent's codes, one column per item of ITEMS (0: skipped)."""
    size = people.size
    profession_strain = np.array([PROFESSION_STRAIN[p.code] for p in PROFESSIONS])
    strain = (
        roster.department_strain[roster.department[people]]
        + profession_strain[roster.profession[people]]
        - 0.12 * index
        + rng.normal(size=size)
    )
    worse = {d: LOADING[d] * strain + rng.normal(0, 0.85, size) for d in DRIVERS}
    latent = sum(WEIGHT[d] * worse[d] for d in DRIVERS) + rng.normal(0, 0.55, size)
    columns = {
        "stress": 1 + np.searchsorted(STRESS_CUTS, latent),
        "burnout": 1
        + np.searchsorted(BURNOUT_CUTS, 0.8 * latent + rng.normal(0, 0.6, size)),
        "support_known": _code(2.6 + 0.5 * index + rng.normal(0, 0.9, size)),
    }
    for d in DRIVERS:
        code = _code(3 + worse[d])
        columns[d] = 6 - code if d in HIGHER_IS_BETTER else code
    codes = np.stack([columns[item] for item in ITEMS], axis=1)
    codes[rng.random(codes.shape) < SKIPPED] = 0
    return codes


def _code(values: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(values), 1, 5).astype(np.int64)
