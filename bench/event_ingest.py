"""Time event ingest through the API: events with three people each, both shapes.

    .venv/bin/python bench/event_ingest.py [--events 10000] [--roster 5000]

Runs on a scratch database: a temporary SQLite file, or, when DATABASE_URL
points at PostgreSQL, a database named alongside_bench on that server
(created afresh, dropped at the end). The organization is the test suite's
cast (so a program with a scope, a director and supporters) plus a synthetic
roster; every event names three people (one by employee id, one by NPI, one
by work e-mail), one event in twenty names somebody who is not on the
roster, and about a third of the people named are physicians in the
program's scope, so outreach offers are made as they would be.

Every request goes through the whole stack (middleware, the API key, the
rate limit, which is raised for the run, JSON parsing, validation, roster
matching, ``event_record`` and outreach) with Django's test client. Three
passes: the events in Alongside's shape, the same events sent again (every
one a retry), and the same events as FHIR R4 AdverseEvent resources from a
second source system, with the people as contained Practitioners. The time
spent making outreach offers is shown apart from the rest.
"""

import argparse
import datetime
import json
import os
import platform
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEED = 20261126
BENCH_DATABASE = "alongside_bench"
PEOPLE_PER_EVENT = 3
TRIGGERS = ("serious-safety-event", "unexpected-death", "pediatric-event", "other")
HARMS = ("death", "severe", "moderate", "mild", "none")
EMPLOYEE_ID_SYSTEM = "urn:alongside:employee-id"
NPI_SYSTEM = "http://hl7.org/fhir/sid/us-npi"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--roster", type=int, default=5_000)
    arguments = parser.parse_args()
    database_url, drop = scratch_database()
    os.environ["DATABASE_URL"] = database_url
    os.environ["ALONGSIDE_MODE"] = "test"  # throwaway keys; nothing leaves the machine
    os.environ["API_RATE_LIMIT_PER_MINUTE"] = str(10 * arguments.events)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alongside.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    try:
        results = benchmark(arguments.events, arguments.roster)
    finally:
        from django.db import connections

        connections.close_all()
        drop()
    print_table(arguments.events, results)


def scratch_database() -> tuple[str, Callable[[], None]]:
    """A DATABASE_URL for a fresh, empty database, and a function that removes it."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        server = urlsplit(url)
        maintenance = server._replace(path="/postgres").geturl()

        def run(statement: str) -> None:
            with psycopg.connect(maintenance, autocommit=True) as connection:
                connection.execute(statement)

        run(f"DROP DATABASE IF EXISTS {BENCH_DATABASE}")
        run(f"CREATE DATABASE {BENCH_DATABASE}")
        return (
            server._replace(path=f"/{BENCH_DATABASE}").geturl(),
            lambda: run(f"DROP DATABASE IF EXISTS {BENCH_DATABASE}"),
        )
    folder = tempfile.TemporaryDirectory(prefix="alongside-bench-")
    return f"sqlite:///{folder.name}/bench.sqlite3", folder.cleanup


def benchmark(events: int, roster: int) -> list[tuple[str, float, Counter]]:
    from django.core.management import call_command
    from django.test import Client

    from alongside.testing.cast import build_cast
    from api.services import api_key_create

    call_command("migrate", verbosity=0)
    cast = build_cast()
    people = roster_create(cast.org, roster)
    # Two source systems, so the FHIR events are new events, not retries.
    _, key = api_key_create(source="bench-incident-system")
    _, fhir_key = api_key_create(source="bench-fhir-system")
    client = Client(headers={"Authorization": f"Bearer {key}"})
    fhir_client = Client(headers={"Authorization": f"Bearer {fhir_key}"})
    rng = random.Random(SEED)
    plans = [event_plan(number, people, rng) for number in range(events)]
    alongside = [alongside_payload(plan) for plan in plans]
    fhir = [fhir_payload(plan) for plan in plans]
    return [
        ("Alongside shape", *timed(client, "/api/v1/events", alongside)),
        ("Alongside shape, retried", *timed(client, "/api/v1/events", alongside)),
        ("FHIR R4", *timed(fhir_client, "/api/v1/fhir/AdverseEvent", fhir)),
    ]


def roster_create(org, size: int) -> list[tuple[str, str, str]]:
    """Staff with an employee id, an NPI and a work e-mail: (employee id, NPI, e-mail)."""
    from organization.models import StaffMember

    rng = random.Random(SEED)
    professions = [
        (org.professions[code], weight)
        for code, weight in (
            ("physician", 25),
            ("resident", 10),
            ("nurse", 40),
            ("pharmacist", 5),
            ("other-clinical", 20),
        )
    ]
    units = [org.emergency, org.surgery, org.pediatrics]
    members = []
    for number in range(size):
        profession = rng.choices(
            [p for p, _ in professions], [w for _, w in professions]
        )[0]
        members.append(
            StaffMember(
                employee_id=f"B{number:07d}",
                first_name="Bench",
                last_name=f"Person{number}",
                work_email=f"bench.person{number}@hospital.example",
                npi=f"{1_000_000_000 + number}",
                profession=profession,
                department=rng.choice(units),
                site=rng.choice([org.north, org.south]),
                start_date=datetime.date(2015, 1, 1),
            )
        )
    StaffMember.objects.bulk_create(members, batch_size=1000)
    return [(m.employee_id, m.npi, m.work_email) for m in members]


def event_plan(number: int, people, rng: random.Random) -> dict:
    named = rng.sample(people, PEOPLE_PER_EVENT)
    involved = [
        {"employee_id": named[0][0]},
        {"npi": named[1][1]},
        {"email": named[2][2].upper()},
    ]
    if number % 20 == 0:
        involved[2] = {"employee_id": f"GONE{number}"}
    return {
        "event_id": f"INC-{number:06d}",
        "occurred_on": (
            datetime.date(2026, 1, 1) + datetime.timedelta(days=rng.randrange(300))
        ).isoformat(),
        "trigger_type": rng.choice(TRIGGERS),
        "harm_level": rng.choice(HARMS),
        "involved": involved,
    }


def alongside_payload(plan: dict) -> str:
    return json.dumps(plan)


def fhir_payload(plan: dict) -> str:
    contained = []
    for index, person in enumerate(plan["involved"]):
        practitioner = {"resourceType": "Practitioner", "id": f"p{index}"}
        if "employee_id" in person:
            practitioner["identifier"] = [
                {"system": EMPLOYEE_ID_SYSTEM, "value": person["employee_id"]}
            ]
        elif "npi" in person:
            practitioner["identifier"] = [
                {"system": NPI_SYSTEM, "value": person["npi"]}
            ]
        else:
            practitioner["telecom"] = [{"system": "email", "value": person["email"]}]
        practitioner["name"] = [{"family": "Discarded", "given": ["Always"]}]
        contained.append(practitioner)
    resource = {
        "resourceType": "AdverseEvent",
        "identifier": {"system": "urn:bench", "value": plan["event_id"]},
        "actuality": "actual",
        "category": [
            {
                "coding": [
                    {
                        "system": "urn:alongside:trigger-type",
                        "code": plan["trigger_type"],
                    }
                ]
            }
        ],
        "event": {"text": "Clinical text that is discarded on arrival"},
        "subject": {"reference": "Patient/bench"},
        "date": f"{plan['occurred_on']}T10:00:00-05:00",
        "severity": {
            "coding": [
                {"system": "urn:alongside:harm-level", "code": plan["harm_level"]}
            ]
        },
        "recorder": {"reference": "#p0"},
        "contributor": [{"reference": "#p1"}, {"reference": "#p2"}],
        "contained": contained,
    }
    return json.dumps(resource)


def timed(client, path: str, payloads: list[str]) -> tuple[float, float, Counter]:
    """Seconds for the pass, seconds of it spent making outreach offers, the answers.

    Outreach (``outreach.services.offers_for_event_create``, which
    ``event_record`` calls) is timed on its own, so the table shows what
    ingest itself costs and what reaching out costs.
    """
    import outreach.services

    real = outreach.services.offers_for_event_create
    in_outreach = 0.0

    def offers_for_event_create(*, event, **options):
        nonlocal in_outreach
        started = time.perf_counter()
        try:
            return real(event=event, **options)
        finally:
            in_outreach += time.perf_counter() - started

    outreach.services.offers_for_event_create = offers_for_event_create
    answers: Counter = Counter()
    started = time.perf_counter()
    try:
        for payload in payloads:
            response = client.post(path, payload, content_type="application/json")
            if response.status_code not in (200, 201):
                raise SystemExit(
                    f"{path}: {response.status_code} {response.content[:300]}"
                )
            answer = response.json()
            answers[response.status_code] += 1
            answers["matched"] += answer["involved_matched"]
            answers["unmatched"] += len(answer["unmatched"])
            answers["offers"] += answer["offers_created"]
    finally:
        outreach.services.offers_for_event_create = real
    return time.perf_counter() - started, in_outreach, answers


def print_table(events: int, results) -> None:
    from django.db import connection

    database = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}[connection.vendor]
    print(
        f"\nEvent ingest, {events:,} events with {PEOPLE_PER_EVENT} people each, on "
        f"{database}; Python {platform.python_version()}, {os.cpu_count()} CPUs\n"
    )
    print(
        f"{'pass':<26}{'seconds':>8}{'events/s':>9}{'outreach s':>11}"
        f"{'ingest s':>9}{'created':>8}{'retried':>8}{'matched':>8}"
        f"{'unmatched':>10}{'offers':>7}"
    )
    for label, seconds, in_outreach, answers in results:
        print(
            f"{label:<26}{seconds:>8.1f}{events / seconds:>9,.0f}{in_outreach:>11.1f}"
            f"{seconds - in_outreach:>9.1f}{answers[201]:>8,}{answers[200]:>8,}"
            f"{answers['matched']:>8,}{answers['unmatched']:>10,}{answers['offers']:>7,}"
        )
    print(
        "\noutreach s: time inside outreach.services.offers_for_event_create; "
        "ingest s: the rest."
    )


if __name__ == "__main__":
    main()
