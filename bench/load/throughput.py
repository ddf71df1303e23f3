"""Event ingest over HTTP, the worker reaching in, and matching, on the large system.

    python bench/load/throughput.py URL API_KEY EVENTS

Prints JSON. Run by bench/production.py with the server's database; the
events go to the running server from four senders at once, then a worker in
this process makes the offers and matches supporters for them, then
matching alone is timed for 200 people of the large roster.
"""

import concurrent.futures
import http.client
import json
import random
import statistics
import sys
import time
from urllib.parse import urlsplit

import django

django.setup()

from django.utils import timezone  # noqa: E402 - after setup

from events.models import TriggerType  # noqa: E402
from organization.models import StaffMember  # noqa: E402
from outreach.matching import MatchRequest, match_supporters  # noqa: E402
from worker.models import BackgroundTask, DueStatus  # noqa: E402
from worker.runner import Worker  # noqa: E402

SENDERS = 4
SEED = 20261126


def event_payloads(count: int, rng: random.Random) -> list[str]:
    employee_ids = list(
        StaffMember.objects.filter(is_active=True)
        .order_by("?")
        .values_list("employee_id", flat=True)[: count * 2]
    )
    triggers = list(
        TriggerType.objects.filter(creates_offers=True).values_list("code", flat=True)
    )
    today = timezone.localdate().isoformat()
    stamp = int(time.time())
    return [
        json.dumps(
            {
                "event_id": f"THROUGHPUT-{stamp}-{number}",
                "occurred_on": today,
                "trigger_type": rng.choice(triggers),
                "harm_level": "severe",
                "involved": [
                    {"employee_id": employee_ids[2 * number]},
                    {"employee_id": employee_ids[2 * number + 1]},
                ],
            }
        )
        for number in range(count)
    ]


def ingest(url: str, key: str, payloads: list[str]) -> dict:
    address = urlsplit(url)
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}

    def post(payload: str) -> int:
        connection = http.client.HTTPConnection(
            address.hostname, address.port, timeout=60
        )
        try:
            connection.request("POST", "/api/v1/events", payload, headers)
            response = connection.getresponse()
            response.read()
            return response.status
        finally:
            connection.close()

    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(SENDERS) as pool:
        statuses = list(pool.map(post, payloads))
    seconds = time.perf_counter() - started
    refused = [status for status in statuses if status not in (200, 201)]
    if refused:
        raise SystemExit(f"the API refused {len(refused)} events: {set(refused)}")
    return {"events": len(payloads), "seconds": seconds}


def reach_in(since) -> dict:
    """The worker making the offers for the events just sent."""
    tasks = BackgroundTask.objects.filter(
        kind="outreach.reach_in", created_at__gte=since
    )
    waiting = tasks.exclude(status=DueStatus.DONE).count()
    worker = Worker(worker_id="bench-throughput", recurring_tasks=[])
    started = time.perf_counter()
    while tasks.exclude(status=DueStatus.DONE).exists():
        if not worker.run_one_round():
            break
    return {"tasks": waiting, "seconds": time.perf_counter() - started}


def matching(rng: random.Random) -> dict:
    people = list(StaffMember.objects.filter(is_active=True).order_by("?")[:200])
    for person in people[:5]:
        match_supporters(MatchRequest(person=person))
    timings = []
    for person in people:
        request = MatchRequest(person=person, same_profession=rng.random() < 0.8)
        started = time.perf_counter()
        match_supporters(request)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return {
        "people": len(people),
        "p50_ms": statistics.median(timings),
        "p95_ms": timings[int(0.95 * (len(timings) - 1))],
    }


def main() -> None:
    url, key, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    rng = random.Random(SEED)
    since = timezone.now()
    results = {"ingest": ingest(url, key, event_payloads(count, rng))}
    results["reach_in"] = reach_in(since)
    results["matching"] = matching(rng)
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
