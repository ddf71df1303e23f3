"""Resilience: PostgreSQL restarted under load, the mail server down, the disk full.

The database tests start a throwaway PostgreSQL server of their own
(alongside/testing/pg_cluster.py), never the one the suite runs on: one is
stopped and started again while gunicorn answers events, the other keeps a
database on a small tmpfs that is filled before a roster import. They need
PostgreSQL's binaries and, for the tmpfs, root; CI has both. The worker
killed mid-batch is worker/tests/test_processes.py
(``test_a_worker_killed_mid_batch_loses_nothing``). Every wait is bounded.
"""

import collections
import http.client
import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection
from django.utils import timezone

from alongside.testing.pg_cluster import (
    Cluster,
    cluster_unavailable_reason,
    fill,
    free_port,
    root_unavailable_reason,
    small_tmpfs,
    throwaway_cluster,
)
from organization.tests.roster_builders import csv_bytes, person
from outbox.models import OutboundEmail
from outbox.services import email_queue
from worker.models import DueStatus
from worker.runner import Worker

pytestmark = pytest.mark.slow

TEMPLATE = "alongside_template"
NO_CLUSTER = cluster_unavailable_reason()
NO_ROOT = root_unavailable_reason()
in_the_postgresql_pass = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Starts a PostgreSQL server of its own; it runs once, in the PostgreSQL "
    "pass, since the SQLite pass would prove nothing more.",
)
with_a_throwaway_server = pytest.mark.skipif(
    NO_CLUSTER is not None, reason=f"No throwaway PostgreSQL server: {NO_CLUSTER}"
)
with_root = pytest.mark.skipif(NO_ROOT is not None, reason=str(NO_ROOT))

SETUP = """
from alongside.testing.cast import build_cast
from api.services import api_key_create
cast = build_cast()
_, key = api_key_create(source="resilience")
print(key)
print(cast.clinician.staff_member.employee_id)
"""


@dataclass
class Installation:
    """A database on the throwaway server with the cast and an API key in it."""

    cluster: Cluster
    database: str
    api_key: str
    employee_id: str

    @property
    def url(self) -> str:
        return self.cluster.url(self.database)

    def environment(self) -> dict[str, str]:
        return app_environment(self.url)

    def rows(self, statement: str) -> list[tuple]:
        return self.cluster.execute(statement, database=self.database)


def app_environment(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "ALONGSIDE_MODE": "test",
        "DATABASE_URL": database_url,
        "API_RATE_LIMIT_PER_MINUTE": "100000",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }


def manage(*arguments: str, env: dict, timeout: float = 120):
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture(scope="module")
def prepared_cluster():
    """One throwaway server for the module, with a migrated template database."""
    with throwaway_cluster() as cluster:
        cluster.create_database(TEMPLATE)
        env = app_environment(cluster.url(TEMPLATE))
        migrated = manage("migrate", "--verbosity=0", env=env)
        assert migrated.returncode == 0, migrated.stderr
        made = manage("shell", "--command", SETUP, env=env)
        assert made.returncode == 0, made.stderr
        key, employee_id = made.stdout.split()[-2:]
        yield cluster, key, employee_id


@pytest.fixture
def installation(prepared_cluster, request) -> Installation:
    """A fresh copy of the template, dropped at the end; ``tablespace`` via indirect use."""
    cluster, key, employee_id = prepared_cluster
    name = f"alongside_{request.node.name[:40].lower()}"
    options = getattr(request, "param", {})
    cluster.create_database(name, template=TEMPLATE, **options)
    yield Installation(cluster, name, key, employee_id)
    cluster.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- PostgreSQL restarted while events arrive -------------------------------------------

REQUEST_TIMEOUT = 10  # no answer may take longer, outage or not
OUTAGE_SECONDS = 2
SETTLED_AFTER = 2  # seconds after the restart by which every answer is a 2xx


@dataclass
class Answer:
    event_id: str
    status: int | str  # "timeout" or "no answer" when there was no HTTP answer
    sent_at: float
    seconds: float


def post_event(address, key: str, event_id: str, employee_id: str) -> Answer:
    body = json.dumps(
        {
            "event_id": event_id,
            "occurred_on": timezone.localdate().isoformat(),
            "trigger_type": "serious-safety-event",
            "harm_level": "moderate",
            "involved": [{"employee_id": employee_id}],
        }
    )
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    sent_at = time.monotonic()
    conversation = http.client.HTTPConnection(*address, timeout=REQUEST_TIMEOUT)
    try:
        conversation.request("POST", "/api/v1/events", body, headers)
        response = conversation.getresponse()
        response.read()
        status = response.status
    except TimeoutError:
        status = "timeout"
    except OSError:
        status = "no answer"
    finally:
        conversation.close()
    return Answer(event_id, status, sent_at, time.monotonic() - sent_at)


def get_status(address, path: str) -> int | str:
    conversation = http.client.HTTPConnection(*address, timeout=REQUEST_TIMEOUT)
    try:
        conversation.request("GET", path)
        response = conversation.getresponse()
        response.read()
        return response.status
    except OSError:
        return "no answer"
    finally:
        conversation.close()


class Gunicorn:
    """gunicorn with two workers on a free loopback port; stopped at the end."""

    def __init__(self, env: dict, log_path: Path):
        self.address = ("127.0.0.1", free_port())
        self.log_path = log_path
        with open(log_path, "w") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "alongside.wsgi",
                    "--workers=2",
                    f"--bind={self.address[0]}:{self.address[1]}",
                    "--timeout=30",
                ],
                cwd=settings.BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 30
        while get_status(self.address, "/healthz") != 200:
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.stop()
                raise AssertionError(f"gunicorn did not start:\n{self.log()}")
            time.sleep(0.2)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


class EventLoad:
    """Threads posting new events, each with its own id, until stopped."""

    def __init__(self, address, installation: Installation, senders: int = 3):
        self.answers: list[Answer] = []
        self.health: list[tuple[float, int | str]] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [
            threading.Thread(
                target=self._send, args=(address, installation, n), daemon=True
            )
            for n in range(senders)
        ] + [threading.Thread(target=self._watch, args=(address,), daemon=True)]

    def __enter__(self):
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc_info):
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=REQUEST_TIMEOUT + 5)

    def _send(self, address, installation: Installation, sender: int) -> None:
        number = 0
        while not self._stop.is_set():
            number += 1
            answer = post_event(
                address,
                installation.api_key,
                f"LOAD-{sender}-{number}",
                installation.employee_id,
            )
            with self._lock:
                self.answers.append(answer)
            time.sleep(0.02)

    def _watch(self, address) -> None:
        while not self._stop.is_set():
            self.health.append((time.monotonic(), get_status(address, "/healthz")))
            time.sleep(0.1)

    def recorded(self) -> int:
        with self._lock:
            return sum(answer.status in (200, 201) for answer in self.answers)


def wait_for(condition, *, what: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out after {timeout}s waiting for {what}.")
        time.sleep(0.05)


@in_the_postgresql_pass
@with_a_throwaway_server
def test_postgresql_restarted_under_load_answers_503_then_recovers_losing_nothing(
    installation, tmp_path
):
    server = Gunicorn(installation.environment(), tmp_path / "gunicorn.log")
    try:
        with EventLoad(server.address, installation) as load:
            wait_for(lambda: load.recorded() >= 20, what="events to flow", timeout=30)
            installation.cluster.stop()
            stopped_at = time.monotonic()
            time.sleep(OUTAGE_SECONDS)
            starting_at = time.monotonic()
            installation.cluster.start()
            started_at = time.monotonic()
            wait_for(
                lambda: time.monotonic() > started_at + SETTLED_AFTER + 2,
                what="the load to go on after the restart",
                timeout=15,
            )
        retried = [
            post_event(
                server.address,
                installation.api_key,
                a.event_id,
                installation.employee_id,
            )
            for a in load.answers
            if a.status == 503
        ]
    finally:
        server.stop()
    log = server.log()

    statuses = collections.Counter(answer.status for answer in load.answers)
    assert set(statuses) <= {201, 503}, f"{statuses}\n{log}"
    assert max(answer.seconds for answer in load.answers) < REQUEST_TIMEOUT
    # Sent while the server was down, and answered before it was started again.
    during_outage = [
        a for a in load.answers if stopped_at < a.sent_at < starting_at - 0.5
    ]
    assert during_outage and {a.status for a in during_outage} == {503}
    settled = [a for a in load.answers if a.sent_at > started_at + SETTLED_AFTER]
    assert settled and {a.status for a in settled} == {201}
    health_in_outage = {s for t, s in load.health if stopped_at < t < starting_at}
    assert health_in_outage == {503}
    assert load.health[-1][1] == 200

    stored = {
        row[0]
        for row in installation.rows("SELECT source_event_id FROM events_adverseevent")
    }
    answered = {a.event_id for a in load.answers if a.status == 201}
    assert answered <= stored, "an event answered 201 is missing"
    assert {answer.status for answer in retried} <= {200, 201}
    assert stored == {answer.event_id for answer in load.answers}
    assert "Database unavailable during POST /api/v1/events" in log
    assert "Internal Server Error" not in log


# --- The disk full during a roster import --------------------------------------------------

ROSTER_ROWS = 3000
LEFT_FREE = 256 * 1024


@pytest.fixture
def small_tablespace(prepared_cluster):
    """A tablespace on a 48 MB tmpfs, for a database that can run out of disk."""
    cluster = prepared_cluster[0]
    with small_tmpfs(48) as folder:
        cluster.execute(f"CREATE TABLESPACE small LOCATION '{folder}'")
        try:
            yield folder
        finally:
            cluster.execute("DROP TABLESPACE IF EXISTS small")


@pytest.fixture
def installation_on_a_small_disk(small_tablespace, prepared_cluster, request):
    cluster, key, employee_id = prepared_cluster
    name = "alongside_small_disk"
    cluster.create_database(name, template=TEMPLATE, tablespace="small")
    yield Installation(cluster, name, key, employee_id), small_tablespace
    cluster.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@in_the_postgresql_pass
@with_a_throwaway_server
@with_root
def test_a_roster_import_on_a_full_disk_says_so_and_imports_nothing(
    installation_on_a_small_disk, tmp_path
):
    installation, disk = installation_on_a_small_disk
    roster = tmp_path / "roster.csv"
    roster.write_bytes(csv_bytes(*(person(f"F{n:05d}") for n in range(ROSTER_ROWS))))
    staff_before = installation.rows("SELECT count(*) FROM organization_staffmember")

    filler = fill(disk, leave_bytes=LEFT_FREE)
    full = manage("import_roster", str(roster), env=installation.environment())
    filler.unlink()

    assert full.returncode == 1, full.stdout + full.stderr
    assert "The database ran out of disk space" in full.stdout + full.stderr
    assert "No space left on device" in installation.cluster.server_log()
    assert installation.rows("SELECT count(*) FROM organization_staffmember") == (
        staff_before
    )
    [(status, failure)] = installation.rows(
        "SELECT status, failure FROM organization_rosterimport"
    )
    assert status == "failed"
    assert failure.startswith("The database ran out of disk space, so nothing")

    again = manage("import_roster", str(roster), env=installation.environment())
    assert again.returncode == 0, again.stdout + again.stderr
    assert f"{ROSTER_ROWS} created" in again.stdout
    [(count,)] = installation.rows("SELECT count(*) FROM organization_staffmember")
    assert count == staff_before[0][0] + ROSTER_ROWS


# --- The mail server down ------------------------------------------------------------------


class Inbox:
    """aiosmtpd's handler: keeps every message it is given."""

    def __init__(self):
        self.messages: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.content)
        return "250 OK"


def smtp_to(port: int) -> dict:
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": "127.0.0.1",
                "port": port,
                "use_tls": False,
                "use_ssl": False,
                "timeout": 5,
            },
        }
    }


def run_worker_once() -> int:
    return Worker(worker_id="resilience", recurring_tasks=[]).run(once=True)


@pytest.mark.django_db
def test_with_the_mail_server_down_messages_wait_and_each_goes_once_it_is_back(
    settings,
):
    port = free_port()
    settings.MAILERS = smtp_to(port)
    for n in range(5):
        email_queue(
            recipient=f"person{n}@hospital.test",
            subject="Touching base",
            body_text="A colleague would like to check in.",
            purpose="test",
        )

    assert run_worker_once() == 0
    waiting = OutboundEmail.objects.all()
    assert {(e.status, e.attempts) for e in waiting} == {(DueStatus.PENDING, 1)}
    assert all("Connection refused" in e.last_error for e in waiting)
    assert all(e.due_at > timezone.now() for e in waiting)

    inbox = Inbox()
    server = Controller(inbox, hostname="127.0.0.1", port=port)
    server.start()
    try:
        assert run_worker_once() == 0, "sent before the retry was due"
        OutboundEmail.objects.update(due_at=timezone.now())
        assert run_worker_once() == 5
        assert run_worker_once() == 0
    finally:
        server.stop()

    sent = OutboundEmail.objects.all()
    assert {(e.status, e.attempts) for e in sent} == {(DueStatus.DONE, 2)}
    delivered = collections.Counter(
        line.split(b":", 1)[1].strip().decode()
        for message in inbox.messages
        for line in message.splitlines()
        if line.lower().startswith(b"message-id:")
    )
    assert delivered == dict.fromkeys(sent.values_list("message_id", flat=True), 1)
