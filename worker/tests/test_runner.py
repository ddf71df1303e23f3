import datetime
import threading
import time

import pytest
from django.core import mail
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from outbox.models import OutboundEmail
from outbox.services import email_queue
from worker import claiming, runner
from worker.models import BackgroundTask, DueStatus, WorkerHeartbeat
from worker.recurring import RecurringTask
from worker.runner import Worker
from worker.services import task_schedule
from worker.tests import handlers

pytestmark = pytest.mark.django_db


def make_worker(**options) -> Worker:
    return Worker(worker_id="test-worker", recurring_tasks=[], **options)


def queue_email() -> OutboundEmail:
    return email_queue(
        recipient="someone@hospital.test",
        subject="Touching base",
        body_text="Hello",
        purpose="test",
    )


def test_run_once_performs_due_tasks_and_sends_due_email():
    task = task_schedule(kind="tests.record", payload={"n": 1})
    email = queue_email()
    assert make_worker().run(once=True) == 2
    assert handlers.performed == [{"n": 1}]
    assert len(mail.outbox) == 1
    task.refresh_from_db()
    email.refresh_from_db()
    assert task.status == email.status == DueStatus.DONE


def test_run_once_leaves_work_that_is_not_yet_due():
    later = timezone.now() + datetime.timedelta(minutes=5)
    task_schedule(kind="tests.record", due_at=later)
    assert make_worker().run(once=True) == 0
    assert BackgroundTask.objects.get().status == DueStatus.PENDING


def test_a_failing_handler_is_retried_with_backoff_and_its_error_recorded():
    task = task_schedule(kind="tests.fail")
    before = timezone.now()
    assert make_worker().run(once=True) == 0
    task.refresh_from_db()
    assert task.status == DueStatus.PENDING
    assert task.attempts == 1
    assert task.last_error == "worker.tests.handlers.HandlerFailed: the handler failed"
    assert task.due_at - before >= datetime.timedelta(seconds=30)
    assert make_worker().run(once=True) == 0
    assert len(handlers.performed) == 1


def test_a_task_that_keeps_failing_fails_for_good():
    task = task_schedule(kind="tests.fail", max_attempts=2)
    for _ in range(2):
        BackgroundTask.objects.filter(pk=task.pk).update(due_at=timezone.now())
        make_worker().run(once=True)
    task.refresh_from_db()
    assert (task.status, task.attempts) == (DueStatus.FAILED, 2)


def test_a_task_claimed_more_often_than_allowed_is_given_up_without_running():
    task = task_schedule(kind="tests.record", max_attempts=2)
    BackgroundTask.objects.filter(pk=task.pk).update(attempts=2)
    make_worker().run(once=True)
    task.refresh_from_db()
    assert task.status == DueStatus.FAILED
    assert "the worker stopped during every attempt" in task.last_error
    assert handlers.performed == []


def test_the_worker_writes_a_heartbeat_and_marks_it_stopped():
    task_schedule(kind="tests.record")
    worker = make_worker()
    worker.run(once=True)
    heartbeat = WorkerHeartbeat.objects.get()
    assert heartbeat.worker_id == "test-worker"
    assert heartbeat.processed == 1
    assert heartbeat.stopped_at is not None
    assert heartbeat.started_at == worker.started_at


def test_the_heartbeat_stays_fresh_through_a_long_batch(monkeypatch):
    monkeypatch.setattr(runner, "HEARTBEAT_EVERY", datetime.timedelta(0))
    for _ in range(3):
        task_schedule(kind="tests.note_heartbeat")
    make_worker().run(once=True)
    assert handlers.performed == [{"processed": n} for n in range(3)]


def test_the_stop_event_ends_the_round_and_hands_back_unstarted_rows():
    stopper = task_schedule(kind="tests.stop_worker")
    waiting = [task_schedule(kind="tests.record", payload={"n": n}) for n in range(2)]
    processed = make_worker(stop=handlers.stop_requested).run()
    assert processed == 1
    stopper.refresh_from_db()
    assert stopper.status == DueStatus.DONE
    for task in waiting:
        task.refresh_from_db()
        assert (task.status, task.attempts, task.lease_expires_at) == (
            DueStatus.PENDING,
            0,
            None,
        )
    assert handlers.performed == [{}]
    assert WorkerHeartbeat.objects.get().stopped_at is not None


def test_a_waiting_worker_stops_as_soon_as_it_is_asked():
    stop = threading.Event()
    worker = make_worker(stop=stop)
    worker.poll_seconds = 30
    threading.Timer(0.2, stop.set).start()
    started = time.monotonic()
    worker.run()
    assert time.monotonic() - started < 5


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "failure",
    [OperationalError("server closed the connection"), InterfaceError("closed")],
)
def test_a_database_failure_is_logged_and_the_worker_carries_on(
    monkeypatch, caplog, failure
):
    task = task_schedule(kind="tests.stop_worker")
    claim_batch = claiming.claim_batch
    calls = []

    def fail_the_first_time(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise failure
        return claim_batch(*args, **kwargs)

    monkeypatch.setattr(claiming, "claim_batch", fail_the_first_time)
    worker = make_worker(stop=handlers.stop_requested)
    worker.poll_seconds = 0
    assert worker.run() == 1
    task.refresh_from_db()
    assert task.status == DueStatus.DONE
    assert "database unavailable" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_recurring_tasks_are_scheduled_once_the_database_is_back(monkeypatch):
    schedule = runner.recurring_tasks_schedule
    calls = []

    def fail_the_first_time(recurring_tasks):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("the database is starting up")
        return schedule(recurring_tasks)

    monkeypatch.setattr(runner, "recurring_tasks_schedule", fail_the_first_time)
    stopping = RecurringTask(
        kind="tests.stop_worker", every=datetime.timedelta(hours=1)
    )
    worker = Worker(stop=handlers.stop_requested, recurring_tasks=[stopping])
    worker.poll_seconds = 0
    give_up = threading.Timer(5, handlers.stop_requested.set)
    give_up.start()
    worker.run()
    give_up.cancel()
    assert handlers.performed == [{}]
