"""Time the survey dashboard for a wave of 100 000 responses, 20 items, 50 segments.

    .venv/bin/python bench/survey_dashboard.py [--responses 100000] [--waves 2]
                                              [--departments 50] [--passes 5]

Runs on a scratch database: a temporary SQLite file, or, when DATABASE_URL
points at PostgreSQL, a database named alongside_bench_surveys on that server
(created afresh, dropped at the end). A survey with a 20-item instrument (two
outcomes, eighteen drivers) gets ``--waves`` closed waves of ``--responses``
responses each, spread over 50 departments, 7 professions, 5 sites and 4
tenure bands, with answers drawn from a seeded model in which four drivers
matter. Each wave is summarized as the worker does when a wave closes.

Then, over several passes (best and median kept, as timeit does):

* the bare SQL aggregate the dashboard rests on: answers counted per item,
  code and department for the latest wave, straight from the tables;
* the worker's summary of one wave (``wave_summarize``: the GROUP BYs per
  segment dimension, the flags, and the driver analysis with 200 bootstrap
  replicates);
* the dashboard page itself (``survey_results``) as the director sees it,
  for each segment dimension, through Django's test client;
* the CSV export.

The figure that matters is the page against the bare aggregate: the page
reads the summaries and suppresses every figure, so it should cost no more
than counting the raw answers once.
"""

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.scratch import scratch_database  # noqa: E402 - needs ROOT on the path

SEED = 20261126
BENCH_DATABASE = "alongside_bench_surveys"
TARGET_SECONDS = 1.0
DRIVERS = [f"driver_{n:02d}" for n in range(1, 19)]
PROFESSIONS = (
    "physician",
    "resident",
    "app",
    "nurse",
    "pharmacist",
    "other-clinical",
    "therapist",
)
SITES = ("MAIN", "NORTH", "SOUTH", "EAST", "WEST")
TENURE = ("<1", "1-4", "5-9", "10+")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--waves", type=int, default=2)
    parser.add_argument("--departments", type=int, default=50)
    parser.add_argument("--passes", type=int, default=5)
    arguments = parser.parse_args()
    database_url, drop = scratch_database(BENCH_DATABASE)
    os.environ["DATABASE_URL"] = database_url
    os.environ["ALONGSIDE_MODE"] = "test"  # throwaway keys; nothing leaves the machine
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alongside.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    try:
        run(arguments)
    finally:
        from django.db import connections

        connections.close_all()
        drop()


def run(arguments) -> None:
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    print(
        f"Database: {connection.vendor}; Python {platform.python_version()}; "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    started = time.perf_counter()
    survey, waves, director = survey_create(arguments)
    print(
        f"Generated {arguments.waves} waves x {arguments.responses:,} responses x "
        f"20 items in {time.perf_counter() - started:.1f} s"
    )
    latest = waves[-1]
    rows = [
        (
            "bare SQL aggregate (answers per item, code, department)",
            timed(lambda: bare_aggregate(latest.pk), arguments.passes),
        ),
        (
            "worker: wave_summarize (GROUP BYs, flags, drivers)",
            timed(lambda: summarize(latest.pk), max(1, arguments.passes // 2)),
        ),
    ]
    client = signed_in_client(director)
    for dimension in ("department", "profession", "site", "tenure"):
        rows.append(
            (
                f"dashboard page, segments by {dimension}",
                timed(
                    lambda d=dimension: page(client, survey.slug, d), arguments.passes
                ),
            )
        )
    rows.append(
        ("CSV export", timed(lambda: csv_export(client, survey.slug), arguments.passes))
    )
    report(rows, arguments)


def timed(action, passes: int) -> list[float]:
    times = []
    for _ in range(passes):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return times


def report(rows, arguments) -> None:
    bare = min(rows[0][1])
    width = max(len(name) for name, _ in rows)
    print()
    print(f"{'what':<{width}}  {'best':>8}  {'median':>8}  {'vs bare SQL':>10}")
    for name, times in rows:
        best, median = min(times), statistics.median(times)
        print(
            f"{name:<{width}}  {best * 1000:7.0f}ms  {median * 1000:7.0f}ms  "
            f"{best / bare:10.2f}"
        )
    pages = [min(times) for name, times in rows if name.startswith("dashboard")]
    verdict = "meets" if max(pages) < TARGET_SECONDS else "MISSES"
    print(
        f"\nSlowest dashboard page {max(pages) * 1000:.0f} ms: {verdict} the "
        f"{TARGET_SECONDS:.0f} s target for {arguments.responses:,} responses."
    )


def bare_aggregate(wave_id: int) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.item, a.value, r.department_id, COUNT(*) "
            "FROM surveys_answer a JOIN surveys_response r ON r.id = a.response_id "
            "WHERE r.wave_id = %s GROUP BY a.item, a.value, r.department_id",
            [wave_id],
        )
        return len(cursor.fetchall())


def summarize(wave_id: int) -> None:
    from surveys.summary import wave_summarize

    wave_summarize(wave_id=wave_id)


def page(client, slug: str, dimension: str) -> None:
    from django.urls import reverse

    response = client.get(
        reverse("survey_results", args=[slug]), {"dimension": dimension}
    )
    assert response.status_code == 200, response.status_code


def csv_export(client, slug: str) -> None:
    from django.urls import reverse

    response = client.get(reverse("survey_results_csv", args=[slug]))
    assert response.status_code == 200, response.status_code


def signed_in_client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def instrument_definition() -> dict:
    agree = [
        {"code": code, "label": label}
        for code, label in enumerate(
            ("Strongly disagree", "Disagree", "Neither", "Agree", "Strongly agree"),
            start=1,
        )
    ]
    items = [
        {
            "id": "stress",
            "text": "How stressful has work been?",
            "role": "outcome",
            "scale": "five",
            "higher_is_worse": True,
        },
        {
            "id": "burnout",
            "text": "How worn out are you?",
            "role": "outcome",
            "scale": "five",
            "higher_is_worse": True,
        },
    ] + [
        {
            "id": name,
            "text": f"Statement {name}",
            "role": "driver",
            "scale": "five",
            "higher_is_worse": True,
        }
        for name in DRIVERS
    ]
    return {
        "format": "alongside-instrument/1",
        "slug": "bench-twenty",
        "title": "Twenty items",
        "version": "1",
        "scales": {"five": agree},
        "items": items,
        "outcomes": [
            {
                "id": "high_stress",
                "label": "High stress",
                "item": "stress",
                "codes": [4, 5],
            },
            {"id": "burnout", "label": "Burnout", "item": "burnout", "codes": [4, 5]},
        ],
    }


def survey_create(arguments):
    import datetime

    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from accounts.models import Role, RoleAssignment, User
    from organization.models import Department, Profession, Site, StaffMember
    from surveys.instruments import instrument_from_dict
    from surveys.models import Survey
    from surveys.services import instrument_install

    departments = Department.objects.bulk_create(
        Department(code=f"D{n:02d}", name=f"Department {n:02d}")
        for n in range(arguments.departments)
    )
    professions = Profession.objects.bulk_create(
        Profession(code=code, name=code.title()) for code in PROFESSIONS
    )
    sites = Site.objects.bulk_create(
        Site(code=code, name=code.title()) for code in SITES
    )
    person = StaffMember.objects.create(
        employee_id="E1",
        first_name="Dana",
        last_name="Director",
        work_email="director@bench.test",
        profession=professions[0],
        department=departments[0],
        site=sites[0],
    )
    RoleAssignment.objects.create(
        staff_member=person,
        role=Role.PROGRAM_DIRECTOR,
        starts_on=datetime.date(2020, 1, 1),
    )
    director = User.objects.create_user("director@bench.test", staff_member=person)
    TOTP.activate(
        director, generate_totp_secret()
    )  # program roles need a second factor
    instrument = instrument_install(
        actor=None, definition=instrument_from_dict(instrument_definition())
    )
    survey = Survey.objects.create(slug="pulse", title="Pulse", instrument=instrument)
    segments = (
        [d.pk for d in departments],
        [p.pk for p in professions],
        [s.pk for s in sites],
    )
    waves = [
        wave_create(survey, n, arguments.responses, segments)
        for n in range(arguments.waves)
    ]
    return survey, waves, director


def wave_create(survey, number: int, responses: int, segments):
    import datetime

    import numpy as np
    from django.db import transaction

    from surveys.models import Answer, Response, Wave, WaveStatus
    from surveys.summary import wave_summarize

    rng = np.random.default_rng(SEED + number)
    opens_on = datetime.date(2025, 3, 1) + datetime.timedelta(days=182 * number)
    wave = Wave.objects.create(
        survey=survey,
        label=f"Wave {number + 1}",
        opens_on=opens_on,
        closes_on=opens_on + datetime.timedelta(days=21),
        status=WaveStatus.CLOSED,
        k=5,
        k_comments=10,
        invited=int(responses * 1.6),
        answered=responses,
    )
    departments, professions, sites = (np.array(s) for s in segments)
    drivers = rng.integers(1, 6, size=(responses, len(DRIVERS)))
    risk = drivers[:, :4].sum(axis=1) - 12 + rng.normal(0, 2.5, responses) - number
    stress = np.clip(np.round(3 + risk / 3), 1, 5).astype(int)
    burnout = np.clip(
        np.round(2.5 + risk / 4 + rng.normal(0, 1, responses)), 1, 5
    ).astype(int)
    answers = np.column_stack([stress, burnout, drivers])
    names = ["stress", "burnout", *DRIVERS]
    skipped = rng.random(answers.shape) < 0.03  # everyone skips a question now and then
    department = departments[rng.integers(0, len(departments), responses)]
    profession = professions[rng.integers(0, len(professions), responses)]
    site = sites[rng.integers(0, len(sites), responses)]
    tenure = np.array(TENURE)[rng.integers(0, len(TENURE), responses)]
    batch = 5_000
    for start in range(0, responses, batch):
        with transaction.atomic():
            rows = Response.objects.bulk_create(
                Response(
                    wave=wave,
                    department_id=int(department[i]),
                    profession_id=int(profession[i]),
                    site_id=int(site[i]),
                    tenure_band=str(tenure[i]),
                )
                for i in range(start, min(start + batch, responses))
            )
            Answer.objects.bulk_create(
                (
                    Answer(response=row, item=names[j], value=int(answers[i, j]))
                    for i, row in zip(
                        range(start, start + len(rows)), rows, strict=True
                    )
                    for j in range(len(names))
                    if not skipped[i, j]
                ),
                batch_size=20_000,
            )
    wave_summarize(wave_id=wave.pk)
    return wave


if __name__ == "__main__":
    main()
