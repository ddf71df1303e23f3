"""Time event ingest through the API (events with three people each), then reaching in.

    .venv/bin/python bench/event_ingest.py [--events 10000] [--roster 5000] [--reach-in 1000]

Runs on a scratch database: a temporary SQLite file, or, when DATABASE_URL
points at PostgreSQL, a database named alongside_bench on that server
(created afresh, dropped at the end). The organization is the test suite's
cast (so a program with a scope, a director and supporters) plus a synthetic
roster with one in twelve an active supporter; every event names three people (one by employee id, one by NPI, one
by work e-mail), one event in twenty names somebody who is not on the
roster, and about a third of the people named are physicians in the
program's scope, so outreach offers are made as they would be.

Every request goes through the whole stack (middleware, the API key, the
rate limit, which is raised for the run, JSON parsing, validation, roster
matching and ``event_record``) with Django's test client. Three passes: the
events in Alongside's shape, the same events sent again (every one a retry),
and the same events as FHIR R4 AdverseEvent resources from a second source
system, with the people as contained Practitioners. A fourth pass sends the
events in Alongside's shape from a third source over HTTP to gunicorn on
loopback (``--server-workers``, default 2, one a core), from ``--senders``
threads at once (default 4): what an incident system, or several, would see.

Recording an event schedules the worker's reach-in (offers made and matched
to supporters, the assignment e-mails queued and sent); the last line times
the worker doing that for the first ``--reach-in`` events.
"""

import argparse
import concurrent.futures
import contextlib
import datetime
import http.client
import json
import os
import platform
import random
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.scratch import scratch_database  # noqa: E402 - needs ROOT on the path

SEED = 20261126
BENCH_DATABASE = "alongside_bench"
PEOPLE_PER_EVENT = 3
TRIGGERS = ("serious-safety-event", "unexpected-death", "pediatric-event", "other")
HARMS = ("death", "severe", "moderate", "mild", "none")
EMPLOYEE_ID_SYSTEM = "urn:alongside:employee-id"
NPI_SYSTEM = "http://hl7.org/fhir/sid/us-npi"
SUPPORTER_EVERY = 12  # one in twelve on the synthetic roster is an active supporter


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--roster", type=int, default=5_000)
    parser.add_argument("--reach-in", type=int, default=1_000)
    parser.add_argument("--server-workers", type=int, default=2)
    parser.add_argument("--senders", type=int, default=4)
    arguments = parser.parse_args()
    database_url, drop = scratch_database(BENCH_DATABASE)
    os.environ["DATABASE_URL"] = database_url
    os.environ["ALONGSIDE_MODE"] = "test"  # throwaway keys; nothing leaves the machine
    os.environ["API_RATE_LIMIT_PER_MINUTE"] = str(10 * arguments.events)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alongside.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    try:
        results, reach_in = benchmark(arguments)
    finally:
        from django.db import connections

        connections.close_all()
        drop()
    print_table(arguments.events, results, reach_in)


def benchmark(arguments):
    from django.core.management import call_command
    from django.test import Client

    from alongside.testing.cast import build_cast
    from api.services import api_key_create

    call_command("migrate", verbosity=0)
    cast = build_cast()
    people = roster_create(cast.org, arguments.roster)
    # A source system a pass, so every pass but the retries records new events.
    _, key = api_key_create(source="bench-incident-system")
    _, fhir_key = api_key_create(source="bench-fhir-system")
    _, http_key = api_key_create(source="bench-over-http")
    client = Client(headers={"Authorization": f"Bearer {key}"})
    fhir_client = Client(headers={"Authorization": f"Bearer {fhir_key}"})
    rng = random.Random(SEED)
    plans = [event_plan(number, people, rng) for number in range(arguments.events)]
    alongside = [alongside_payload(plan) for plan in plans]
    fhir = [fhir_payload(plan) for plan in plans]
    results = [
        ("Alongside shape", *timed(client, "/api/v1/events", alongside)),
        ("Alongside shape, retried", *timed(client, "/api/v1/events", alongside)),
        ("FHIR R4", *timed(fhir_client, "/api/v1/fhir/AdverseEvent", fhir)),
    ]
    label = (
        f"over HTTP: {arguments.server_workers} gunicorn workers, "
        f"{arguments.senders} senders"
    )
    with gunicorn(arguments.server_workers) as address:
        results.append((label, *sent(address, http_key, alongside, arguments.senders)))
    return results, reached_in(min(arguments.reach_in, arguments.events))


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
    supporters_create(members[::SUPPORTER_EVERY])
    return [(m.employee_id, m.npi, m.work_email) for m in members]


def supporters_create(members) -> None:
    """Active peer supporters, so the worker's reach-in matches as it would in a program."""
    from django.utils import timezone

    from accounts.models import Role, RoleAssignment
    from training.models import Readiness, SupporterStanding

    starts_on = timezone.localdate() - datetime.timedelta(days=365)
    RoleAssignment.objects.bulk_create(
        RoleAssignment(staff_member=m, role=Role.PEER_SUPPORTER, starts_on=starts_on)
        for m in members
    )
    SupporterStanding.objects.bulk_create(
        SupporterStanding(staff_member=m, status=Readiness.ACTIVE) for m in members
    )


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


def timed(client, path: str, payloads: list[str]) -> tuple[float, Counter]:
    """Seconds for the pass, and what the answers said."""
    answers: Counter = Counter()
    started = time.perf_counter()
    for payload in payloads:
        response = client.post(path, payload, content_type="application/json")
        if response.status_code not in (200, 201):
            raise SystemExit(f"{path}: {response.status_code} {response.content[:300]}")
        answer = response.json()
        answers[response.status_code] += 1
        answers["matched"] += answer["involved_matched"]
        answers["unmatched"] += len(answer["unmatched"])
    return time.perf_counter() - started, answers


@contextlib.contextmanager
def gunicorn(workers: int):
    """A gunicorn on a free loopback port, on the scratch database; its address."""
    from django.db import connections

    connections.close_all()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        address = probe.getsockname()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "alongside.wsgi",
            f"--workers={workers}",
            f"--bind={address[0]}:{address[1]}",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=os.environ,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(address, timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("gunicorn did not start") from None
                time.sleep(0.2)
        yield address
    finally:
        server.terminate()
        server.wait(timeout=30)


def sent(address, key: str, payloads: list[str], senders: int):
    """Post every payload to /api/v1/events from ``senders`` threads at once."""
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}

    def post(payload: str) -> tuple[int, dict]:
        # gunicorn's sync workers close the connection after each answer.
        connection = http.client.HTTPConnection(*address, timeout=60)
        try:
            connection.request("POST", "/api/v1/events", payload, headers)
            response = connection.getresponse()
            return response.status, json.loads(response.read())
        finally:
            connection.close()

    answers: Counter = Counter()
    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(senders) as pool:
        for status, answer in pool.map(post, payloads):
            if status not in (200, 201):
                raise SystemExit(f"over HTTP: {status} {answer}")
            answers[status] += 1
            answers["matched"] += answer["involved_matched"]
            answers["unmatched"] += len(answer["unmatched"])
    return time.perf_counter() - started, answers


def reached_in(events: int) -> tuple[int, float, Counter]:
    """The worker reaching in on the first ``events`` events: seconds, and what it did.

    The worker works in rounds, oldest task first, so the first events'
    tasks are done first; it stops once that many reach-ins are done.
    """
    from outbox.models import OutboundEmail
    from outreach.models import OfferState, OutreachOffer
    from worker.models import BackgroundTask, DueStatus
    from worker.runner import Worker

    reach_ins = BackgroundTask.objects.filter(kind="outreach.reach_in")
    worker = Worker(worker_id="bench", recurring_tasks=[])
    started = time.perf_counter()
    while reach_ins.filter(status=DueStatus.DONE).count() < events:
        if not worker.run_one_round():
            break
    seconds = time.perf_counter() - started
    done = reach_ins.filter(status=DueStatus.DONE).count()
    offers = OutreachOffer.objects.all()
    work = Counter(
        offers=offers.count(),
        assigned=offers.filter(state=OfferState.ASSIGNED).count(),
        emails=OutboundEmail.objects.count(),
    )
    return done, seconds, work


def print_table(events: int, results, reach_in) -> None:
    from django.db import connection

    database = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}[connection.vendor]
    print(
        f"\nEvent ingest, {events:,} events with {PEOPLE_PER_EVENT} people each, on "
        f"{database}; Python {platform.python_version()}, {os.cpu_count()} CPUs\n"
    )
    width = max(len(label) for label, _, _ in results) + 2
    print(
        f"{'pass':<{width}}{'seconds':>8}{'events/s':>9}{'ms/event':>9}"
        f"{'created':>8}{'retried':>8}{'matched':>8}{'unmatched':>10}"
    )
    for label, seconds, answers in results:
        print(
            f"{label:<{width}}{seconds:>8.1f}{events / seconds:>9,.0f}"
            f"{1000 * seconds / events:>9.1f}{answers[201]:>8,}{answers[200]:>8,}"
            f"{answers['matched']:>8,}{answers['unmatched']:>10,}"
        )
    done, seconds, work = reach_in
    print(
        f"\nThe worker reaching in on the first {done:,} events: {seconds:.1f} s "
        f"({done / seconds:,.0f} events/s); {work['offers']:,} offers made, "
        f"{work['assigned']:,} assigned, {work['emails']:,} e-mails queued."
    )


if __name__ == "__main__":
    main()
