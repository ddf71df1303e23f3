"""A wave's summary: counts from the database, flags and drivers from the answers together."""

import numpy as np
import pytest

from surveys.models import Answer, Response, Wave, WaveSummary
from surveys.responses import response_submit
from surveys.summary import wave_summarize
from surveys.tests.conftest import CALM

pytestmark = pytest.mark.django_db

DRIVERS = [
    "workload",
    "schedule_control",
    "valued",
    "teamwork",
    "documentation",
    "fear_of_harm",
    "home_strain",
    "meaning",
]


def test_a_small_wave_is_counted_and_says_why_drivers_are_not_analysed(
    cast, open_wave, tokens
):
    for token in tokens[:6]:
        response_submit(token=token, answers=CALM)
    response_submit(token=tokens[6], answers={**CALM, "stress": "5"})
    summary = wave_summarize(wave_id=open_wave.pk)
    assert summary.responses == 7
    assert summary.counts["all"][""]["stress"] == {"2": 6, "5": 1}
    assert summary.outcomes["high_stress"]["all"][""] == [7, 1]
    assert summary.outcomes["burnout"]["all"][""] == [7, 0]
    department = str(cast.org.emergency.pk)
    assert summary.segments["department"][department] <= 7
    drivers = summary.drivers["high_stress"]
    assert drivers["adequate"] is False
    assert "at least 100" in drivers["reason"]


def test_summarizing_again_replaces_the_summary(open_wave, tokens):
    response_submit(token=tokens[0], answers=CALM)
    wave_summarize(wave_id=open_wave.pk)
    response_submit(token=tokens[1], answers=CALM)
    wave_summarize(wave_id=open_wave.pk)
    assert WaveSummary.objects.get().responses == 2


def simulated_wave(wave: Wave, n: int, seed: int = 7) -> None:
    """n responses where workload and fear of harm drive high stress."""
    rng = np.random.default_rng(seed)
    responses = Response.objects.bulk_create(Response(wave=wave) for _ in range(n))
    answers = []
    for response in responses:
        codes = {item: int(rng.integers(1, 6)) for item in DRIVERS}
        # Both are worded so that agreeing (5) is worse: "more than I can do well".
        risk = (codes["workload"] - 1) + (codes["fear_of_harm"] - 1)
        stress = int(np.clip(1 + risk // 2 + rng.integers(0, 2), 1, 5))
        codes.update(stress=stress, burnout=int(rng.integers(1, 6)))
        answers += [
            Answer(response=response, item=k, value=v) for k, v in codes.items()
        ]
    Answer.objects.bulk_create(answers)


def test_a_large_enough_wave_finds_its_drivers(open_wave):
    simulated_wave(open_wave, 600)
    summary = wave_summarize(wave_id=open_wave.pk)
    analysis = summary.drivers["high_stress"]
    assert analysis["adequate"] is True
    assert analysis["n"] == 600
    weights = {w["item"]: w["percent"] for w in analysis["weights"]}
    top_two = sorted(weights, key=weights.get, reverse=True)[:2]
    assert set(top_two) == {"workload", "fear_of_harm"}
    ratios = {r["item"]: r for r in analysis["odds_ratios"]}
    assert ratios["workload"]["low"] > 1  # more workload, more stress
    assert ratios["valued"]["low"] < 1 < ratios["valued"]["high"]  # no effect
    assert all(w["low"] <= w["raw"] <= w["high"] for w in analysis["weights"])
