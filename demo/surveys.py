"""The demo's staff survey: three past waves of the pulse, and the next one being prepared.

Riverside Health ran its wellbeing pulse in another tool before Alongside, so
its three past waves arrive the way an organization's would: as an export's
rows (a column per item, department, profession and site codes, years of
service), loaded by the same service as ``manage.py import_survey_responses``.
The first wave went out as the peer support program launched; the next two
show stress easing, most in emergency medicine and surgery, where the
program's supporters started. Workload, documentation and fear of harm drive
stress most. The answers are synthetic, drawn with a fixed seed from the demo
roster's real people (who was there, in which department and profession), so
small groups appear as they would and suppression has something to do.
"""

import datetime
from dataclasses import dataclass

import numpy as np

from organization.models import StaffMember
from surveys.imports import survey_responses_import
from surveys.models import Survey
from surveys.services import builtin_instruments_install, survey_create, wave_plan

SEED = 20261127
SURVEY_SLUG = "pulse"
SURVEY_TITLE = "Staff wellbeing pulse"
INSTRUMENT_SLUG = "alongside-pulse"
WAVE_EVERY = datetime.timedelta(days=182)
WAVE_LENGTH = datetime.timedelta(days=21)
# The last past wave closed about a month ago; the first opened as the program began.
LAST_WAVE_CLOSED = datetime.timedelta(days=30)
PAST_WAVES = 3

DRIVERS = (
    "workload",
    "schedule_control",
    "valued",
    "teamwork",
    "documentation",
    "fear_of_harm",
    "home_strain",
    "meaning",
)
HIGHER_IS_BETTER = {"schedule_control", "valued", "teamwork", "meaning"}
# How strongly each driver follows a person's overall strain, and how much it
# weighs on their stress: workload, documentation and fear of harm the most.
LOADING = {
    "workload": 0.9,
    "documentation": 0.75,
    "fear_of_harm": 0.7,
    "schedule_control": 0.45,
    "valued": 0.35,
    "teamwork": 0.3,
    "home_strain": 0.2,
    "meaning": 0.3,
}
WEIGHT = {
    "workload": 0.55,
    "documentation": 0.45,
    "fear_of_harm": 0.45,
    "schedule_control": 0.15,
    "valued": 0.15,
    "teamwork": 0.1,
    "home_strain": 0.15,
    "meaning": 0.1,
}
DEPARTMENT_STRAIN = {
    "ED": 0.7,
    "SURG": 0.6,
    "ICU": 0.45,
    "IM": 0.25,
    "HOSP": 0.25,
    "OBGYN": 0.2,
    "ANES": 0.15,
    "ONC": 0.1,
    "PSY": -0.1,
    "RAD": -0.2,
    "PATH": -0.3,
    "FM": -0.1,
}
PROFESSION_STRAIN = {
    "resident": 0.45,
    "nurse": 0.2,
    "physician": 0.1,
    "app": 0.0,
    "pharmacist": -0.1,
    "other-clinical": -0.1,
    "non-clinical": -0.4,
}
PROFESSION_RESPONDS = {
    "resident": 0.5,
    "nurse": 0.6,
    "physician": 0.62,
    "app": 0.64,
    "pharmacist": 0.66,
    "other-clinical": 0.6,
    "non-clinical": 0.52,
}
# Strain eases wave by wave after the launch, and more where supporters started.
WAVE_EASING = (0.0, 0.2, 0.35)
SUPPORTED_FIRST = {"ED", "SURG"}
SUPPORTED_EASING = 0.2
SKIPPED = 0.015
STRESS_CUTS = (-1.35, -0.3, 0.6, 1.7)
BURNOUT_CUTS = (-0.85, 0.25, 1.25, 2.25)

COMMENTS = (
    "Nights in the emergency department are still short-staffed more often than not.",
    "The inbox follows me home every evening. I answer messages until ten.",
    "I did not know we had peer supporters until a colleague called me after a "
    "bad case. It helped more than I expected.",
    "Charting takes longer than seeing the patient. Scribes or better templates "
    "would change my week.",
    "Please protect the time for our Thursday case review; it keeps getting "
    "cancelled for meetings.",
    "After the complaint last year I second-guess everything. Knowing someone "
    "had been through the same made a difference.",
    "Our unit huddles are the best part of the day.",
    "Childcare closes at six and my shifts end at seven. Something has to give.",
    "Schedules come out two weeks before the month starts. It is impossible to "
    "plan a life around that.",
    "Leadership says wellbeing matters, then cuts the break room.",
    "The new rota in surgery is better. We finally get two weekends a month.",
    "I love the work. It is everything around it that wears me down.",
    "More people are leaving than joining and the rest of us cover the gaps.",
    "The debrief after the paediatric arrest was handled with real care. Thank you.",
    "Documentation requirements keep growing and nobody removes the old ones.",
    "I would use support more if I could be sure my manager would not find out.",
    "Residents need protected sleep after a night on call, not another lecture "
    "on resilience.",
    "Good team, impossible volume.",
    "It would help to have a quiet room that is actually quiet.",
    "Fear of a lawsuit is part of every decision I make now.",
    "Parking and commuting add an hour to every shift.",
    "My colleagues are why I stay.",
    "The peer support call after my patient died was the first time anyone asked "
    "how I was doing.",
    "We need float nurses who know the unit, not agency staff who do not.",
    "Please stop scheduling mandatory training on our days off.",
    "Things are better than a year ago, but the emergency department still runs "
    "on goodwill.",
    "Caring for my father and working full time is more than I can manage some "
    "weeks. Flexible hours would help.",
    "The electronic record crashes during handover at least once a week.",
    "I feel valued by my team, not by the organization.",
    "Someone from peer support checked on me after the incident in theatre. I "
    "still think about that kindness. If it helps, I am on 555 014 2290.",
)
COMMENTS_PER_WAVE = (11, 12, 13)


@dataclass(frozen=True)
class _PastWave:
    index: int
    label: str
    opens_on: datetime.date
    closes_on: datetime.date


def demo_surveys_ensure(*, today: datetime.date) -> int:
    """The pulse survey, its three past waves and the next; how many waves (0: already there)."""
    if Survey.objects.filter(slug=SURVEY_SLUG).exists():
        return 0
    instrument = next(
        i for i in builtin_instruments_install() if i.slug == INSTRUMENT_SLUG
    )
    survey = survey_create(
        actor=None, slug=SURVEY_SLUG, title=SURVEY_TITLE, instrument=instrument
    )
    people = list(
        StaffMember.objects.order_by("employee_id").values_list(
            "department__code",
            "profession__code",
            "site__code",
            "start_date",
        )
    )
    waves = _past_waves(today)
    for wave in waves:
        header, rows, invited = _export(wave, people)
        report = survey_responses_import(
            actor=None,
            survey=survey,
            wave_label=wave.label,
            records=[header, *rows],
            opens_on=wave.opens_on,
            closes_on=wave.closes_on,
            invited=invited,
            source="the demo's earlier survey tool",
            today=today,
        )
        if not report.stored:
            raise ValueError("\n".join(report.lines()))
    next_opens = waves[-1].opens_on + WAVE_EVERY
    wave_plan(
        actor=None,
        survey=survey,
        label=season_label(next_opens),
        opens_on=next_opens,
        closes_on=next_opens + WAVE_LENGTH,
        reminder_days="7,14",
    )
    return len(waves) + 1


def season_label(day: datetime.date) -> str:
    """“Spring 2026”: the season a wave opens in (December counts as next year's winter)."""
    if day.month in (12, 1, 2):
        year = day.year + 1 if day.month == 12 else day.year
        return f"Winter {year}"
    season = {3: "Spring", 6: "Summer", 9: "Autumn"}[3 * (day.month // 3)]
    return f"{season} {day.year}"


def _past_waves(today: datetime.date) -> list[_PastWave]:
    last_opens = today - LAST_WAVE_CLOSED - WAVE_LENGTH
    waves = []
    for index in range(PAST_WAVES):
        opens_on = last_opens - WAVE_EVERY * (PAST_WAVES - 1 - index)
        waves.append(
            _PastWave(index, season_label(opens_on), opens_on, opens_on + WAVE_LENGTH)
        )
    return waves


def _export(
    wave: _PastWave, people: list[tuple]
) -> tuple[list[str], list[list[str]], int]:
    """The wave's export: a header, a row per respondent, and how many were invited."""
    rng = np.random.default_rng([SEED, wave.index])
    there = [p for p in people if p[3] is None or p[3] <= wave.opens_on]
    header = [
        "department",
        "profession",
        "site",
        "tenure_years",
        "stress",
        "burnout",
        *DRIVERS,
        "support_known",
        "comment",
    ]
    respond = np.array(
        [PROFESSION_RESPONDS.get(p[1], 0.58) + 0.015 * wave.index for p in there]
    )
    respondents = [
        person
        for person, answered in zip(
            there, rng.random(len(there)) < respond, strict=True
        )
        if answered
    ]
    rows = [_answers(rng, wave, person) for person in respondents]
    for n, text in zip(
        rng.choice(len(rows), COMMENTS_PER_WAVE[wave.index], replace=False),
        rng.choice(len(COMMENTS), COMMENTS_PER_WAVE[wave.index], replace=False),
        strict=True,
    ):
        rows[n][-1] = COMMENTS[text]
    return header, rows, len(there)


def _answers(rng: np.random.Generator, wave: _PastWave, person: tuple) -> list[str]:
    department, profession, site, start_date = person
    easing = WAVE_EASING[wave.index]
    if department in SUPPORTED_FIRST:
        easing += SUPPORTED_EASING * wave.index
    strain = (
        DEPARTMENT_STRAIN.get(department, -0.2)
        + PROFESSION_STRAIN.get(profession, 0.0)
        - easing
        + rng.normal()
    )
    worse = {item: LOADING[item] * strain + rng.normal(0, 0.85) for item in DRIVERS}
    codes = {item: _code(3 + value) for item, value in worse.items()}
    stress_latent = sum(WEIGHT[item] * worse[item] for item in DRIVERS) + rng.normal(
        0, 0.55
    )
    codes["stress"] = 1 + int(np.searchsorted(STRESS_CUTS, stress_latent))
    codes["burnout"] = 1 + int(
        np.searchsorted(BURNOUT_CUTS, 0.8 * stress_latent + rng.normal(0, 0.6))
    )
    for item in HIGHER_IS_BETTER:
        codes[item] = 6 - codes[item]
    codes["support_known"] = _code(2.6 + 0.7 * wave.index + rng.normal(0, 0.9))
    years = f"{(wave.opens_on - start_date).days / 365.25:.1f}" if start_date else ""
    cells = [department, profession, site, years]
    for item in ("stress", "burnout", *DRIVERS, "support_known"):
        cells.append("" if rng.random() < SKIPPED else str(codes[item]))
    return [*cells, ""]


def _code(value: float) -> int:
    return int(np.clip(np.rint(value), 1, 5))
