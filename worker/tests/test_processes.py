"""Real worker processes against the test database: signals, crashes, and two at once.

Each test starts ``python -m worker.tests.worker_process`` (which runs
``manage.py run_worker``) with the test database in DATABASE_URL. Rows are
committed (transaction=True) so the processes see them. Every wait has a
timeout; a failure shows the workers' logs.
"""

import collections
import datetime
import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from outbox.models import OutboundEmail
from outbox.services import email_queue
from worker.models import BackgroundTask, DueStatus, WorkerHeartbeat
from worker.recurring import RECURRING_TASKS
from worker.services import task_schedule
from worker.tests.worker_process import register_test_handlers

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

register_test_handlers()

TEST_KINDS = ("test.record_execution", "test.slow_on_first_attempt")
where_workers_can_race = pytest.mark.skipif(
    "connection.vendor != 'postgresql'",
    reason="SQLite lets one writer in at a time, so two workers cannot race there "
    "and the test would prove nothing; it runs on PostgreSQL.",
)
with_a_database_server = pytest.mark.skipif(
    "connection.vendor != 'postgresql'",
    reason="SQLite has no server connection to lose; this runs on PostgreSQL.",
)


@dataclass
class WorkerProcess:
    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self, timeout: float = 10) -> int:
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=timeout)


WORKER_APPLICATION = "alongside-test-worker"


def database_url_for_workers() -> str:

    database = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{database['NAME']}"
    user = quote(database["USER"] or "")
    if database["PASSWORD"]:
        user += ":" + quote(database["PASSWORD"])
    host = database["HOST"] or "localhost"
    if database["PORT"]:
        host += f":{database['PORT']}"
    # Named, so a test can cut off the workers' connections and nobody else's.
    return f"postgres://{user}@{host}/{database['NAME']}?application_name={WORKER_APPLICATION}"


@pytest.fixture
def start_worker(tmp_path):
    """Start worker processes; any still running at the end are killed."""
    started: list[WorkerProcess] = []

    def start(*arguments: str, **environment: str) -> WorkerProcess:
        log_path = tmp_path / f"worker-{len(started) + 1}.log"
        env = {
            **os.environ,
            "ALONGSIDE_MODE": "test",
            "DATABASE_URL": database_url_for_workers(),
            "WORKER_POLL_SECONDS": "1",
            "PYTHONUNBUFFERED": "1",
            **environment,
        }
        with open(log_path, "w") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "worker.tests.worker_process", *arguments],
                cwd=settings.BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        started.append(WorkerProcess(process, log_path))
        return started[-1]

    yield start
    for worker in started:
        if worker.process.poll() is None:
            worker.process.kill()
            worker.process.wait(timeout=10)


def wait_until(condition, *, what: str, timeout: float, workers=()) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            logs = "\n".join(f"--- {w.log_path.name}\n{w.log()}" for w in workers)
            raise AssertionError(
                f"Timed out after {timeout}s waiting for {what}.\n{logs}"
            )
        time.sleep(0.05)


def running_heartbeats() -> int:
    return WorkerHeartbeat.objects.filter(stopped_at__isnull=True).count()


def unfinished_test_tasks() -> int:
    return (
        BackgroundTask.objects.filter(kind__in=TEST_KINDS)
        .exclude(status=DueStatus.DONE)
        .count()
    )


def wait_for_start_up_maintenance(worker: WorkerProcess) -> None:
    """Wait until the worker has done the purges it schedules on start, and is idle."""
    wait_until(
        lambda: (
            BackgroundTask.objects.filter(status=DueStatus.DONE).count()
            == len(RECURRING_TASKS)
        ),
        what="the worker to finish its start-up maintenance",
        timeout=15,
        workers=[worker],
    )
    time.sleep(0.3)


def executions(record: Path) -> collections.Counter:
    return collections.Counter(int(line) for line in record.read_text().split())


def read_folder(folder: Path) -> str:
    return "".join(path.read_text() for path in sorted(folder.iterdir()))


def schedule_recorded_tasks(record: Path, count: int, **payload) -> None:
    for n in range(count):
        task_schedule(
            kind="test.record_execution",
            payload={"record_to": str(record), "n": n, **payload},
        )


def test_sigterm_wakes_a_sleeping_worker_and_it_stops_cleanly(start_worker):
    worker = start_worker(WORKER_POLL_SECONDS="60")
    wait_for_start_up_maintenance(worker)
    stopping_since = time.monotonic()
    assert worker.stop(timeout=10) == 0
    assert time.monotonic() - stopping_since < 3
    heartbeat = WorkerHeartbeat.objects.get()
    assert heartbeat.stopped_at is not None
    assert "Worker stopped cleanly" in worker.log()


def test_sigterm_during_a_task_lets_it_finish_and_hands_back_the_rest(
    start_worker, tmp_path
):
    record, marker = tmp_path / "executions", tmp_path / "started"
    slow = task_schedule(
        kind="test.slow_on_first_attempt",
        payload={"record_to": str(record), "n": 100, "marker": str(marker), "sleep": 1},
        due_at=timezone.now() - datetime.timedelta(minutes=1),
    )
    schedule_recorded_tasks(record, 3)
    worker = start_worker()
    wait_until(
        marker.exists, what="the slow task to start", timeout=15, workers=[worker]
    )
    assert worker.stop(timeout=10) == 0
    slow.refresh_from_db()
    assert (slow.status, slow.attempts) == (DueStatus.DONE, 1)
    assert executions(record) == {100: 1}
    handed_back = BackgroundTask.objects.filter(kind="test.record_execution")
    assert {(t.status, t.attempts) for t in handed_back} == {(DueStatus.PENDING, 0)}
    assert WorkerHeartbeat.objects.get().stopped_at is not None


def test_a_worker_killed_mid_batch_loses_nothing(start_worker, tmp_path):
    record, marker = tmp_path / "executions", tmp_path / "started"
    task_schedule(
        kind="test.slow_on_first_attempt",
        payload={
            "record_to": str(record),
            "n": 100,
            "marker": str(marker),
            "sleep": 60,
        },
        due_at=timezone.now() - datetime.timedelta(minutes=1),
    )
    schedule_recorded_tasks(record, 4)
    short_lease = {"WORKER_LEASE_SECONDS": "2", "WORKER_BATCH_SIZE": "10"}

    first = start_worker(**short_lease)
    wait_until(
        marker.exists, what="the slow task to start", timeout=15, workers=[first]
    )
    claimed = BackgroundTask.objects.filter(
        kind__in=TEST_KINDS, status=DueStatus.RUNNING
    )
    assert claimed.count() == 5
    first.process.kill()
    first.process.wait(timeout=10)

    second = start_worker(**short_lease)
    wait_until(
        lambda: unfinished_test_tasks() == 0,
        what="the second worker to take the killed worker's batch over",
        timeout=20,
        workers=[first, second],
    )
    assert second.stop() == 0
    assert executions(record) == dict.fromkeys([100, 0, 1, 2, 3], 1)
    attempts = BackgroundTask.objects.filter(kind__in=TEST_KINDS).values_list(
        "attempts", flat=True
    )
    assert list(attempts) == [2] * 5


def test_a_task_that_outlasts_its_lease_is_not_started_again_meanwhile(
    start_worker, tmp_path
):
    record, marker = tmp_path / "executions", tmp_path / "started"
    slow = task_schedule(
        kind="test.slow_on_first_attempt",
        payload={"record_to": str(record), "n": 100, "marker": str(marker), "sleep": 4},
    )
    short_lease = {"WORKER_LEASE_SECONDS": "1"}
    first = start_worker(**short_lease)
    wait_until(
        marker.exists, what="the slow task to start", timeout=15, workers=[first]
    )
    slow.refresh_from_db()
    looked_again_by = slow.lease_expires_at + datetime.timedelta(seconds=1.5)
    second = start_worker(**short_lease)
    wait_until(
        lambda: "running" in second.log() and timezone.now() > looked_again_by,
        what="a second worker to look for work after the lease ran out",
        timeout=15,
        workers=[first, second],
    )
    slow.refresh_from_db()
    assert slow.status == DueStatus.RUNNING
    wait_until(
        lambda: unfinished_test_tasks() == 0,
        what="the slow task to finish",
        timeout=15,
        workers=[first, second],
    )
    assert [worker.stop() for worker in (first, second)] == [0, 0]
    slow.refresh_from_db()
    assert (slow.attempts, slow.claimed_by) == (1, worker_id_of(first))
    assert executions(record) == {100: 1}


def worker_id_of(worker: WorkerProcess) -> str:
    return re.search(r"Worker (\S+) running", worker.log()).group(1)


@where_workers_can_race
def test_two_workers_never_perform_the_same_task_twice(start_worker, tmp_path):
    record = tmp_path / "executions"
    workers = [start_worker(), start_worker()]
    wait_until(
        lambda: running_heartbeats() == 2,
        what="both workers to start",
        timeout=15,
        workers=workers,
    )
    BackgroundTask.objects.bulk_create(
        BackgroundTask(
            kind="test.record_execution",
            payload={"record_to": str(record), "n": n, "pause": 0.005},
        )
        for n in range(300)
    )
    wait_until(
        lambda: unfinished_test_tasks() == 0,
        what="300 tasks to be done",
        timeout=30,
        workers=workers,
    )
    assert [worker.stop() for worker in workers] == [0, 0]
    assert executions(record) == dict.fromkeys(range(300), 1)
    performers = BackgroundTask.objects.filter(kind="test.record_execution")
    assert len(set(performers.values_list("claimed_by", flat=True))) == 2


@where_workers_can_race
def test_two_workers_never_send_the_same_email_twice(start_worker, tmp_path):
    mail_folder = tmp_path / "mail"
    workers = [start_worker(ALONGSIDE_TEST_MAIL_DIR=str(mail_folder)) for _ in range(2)]
    wait_until(
        lambda: running_heartbeats() == 2,
        what="both workers to start",
        timeout=15,
        workers=workers,
    )
    with transaction.atomic():
        for n in range(100):
            email_queue(
                recipient=f"person{n}@hospital.test",
                subject="Touching base",
                body_text="Hello",
                purpose="test",
            )
    wait_until(
        lambda: not OutboundEmail.objects.exclude(status=DueStatus.DONE).exists(),
        what="100 messages to be sent",
        timeout=30,
        workers=workers,
    )
    assert [worker.stop() for worker in workers] == [0, 0]
    written = collections.Counter(
        re.findall(r"^Message-ID: (\S+)$", read_folder(mail_folder), re.MULTILINE)
    )
    assert set(written.values()) == {1}
    assert set(written) == set(
        OutboundEmail.objects.values_list("message_id", flat=True)
    )
    assert len(written) == 100
    senders = OutboundEmail.objects.values_list("claimed_by", flat=True)
    assert len(set(senders)) == 2


@with_a_database_server
def test_a_worker_carries_on_after_losing_its_database_connection(
    start_worker, tmp_path
):
    record = tmp_path / "executions"
    worker = start_worker()
    wait_for_start_up_maintenance(worker)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND application_name = %s",
            [WORKER_APPLICATION],
        )
    schedule_recorded_tasks(record, 1)
    wait_until(
        lambda: unfinished_test_tasks() == 0,
        what="the task to be done after the connection was lost",
        timeout=15,
        workers=[worker],
    )
    assert worker.stop() == 0
    assert executions(record) == {0: 1}
    assert "database unavailable" in worker.log()
