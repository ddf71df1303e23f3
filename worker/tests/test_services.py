import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from worker import claiming
from worker.models import BackgroundTask, DueStatus, WorkerHeartbeat
from worker.runner import Worker
from worker.services import task_cancel, task_purge_finished, task_schedule
from worker.tests import handlers

pytestmark = pytest.mark.django_db

IN_AN_HOUR = datetime.timedelta(hours=1)


def run_worker_once() -> int:
    return Worker(worker_id="test-worker", recurring_tasks=[]).run(once=True)


def test_scheduling_an_unknown_kind_fails_at_scheduling_time():
    with pytest.raises(LookupError, match=r"tests\.no_such_kind"):
        task_schedule(kind="tests.no_such_kind")
    assert not BackgroundTask.objects.exists()


def test_a_task_is_due_now_unless_told_otherwise():
    before = timezone.now()
    task = task_schedule(kind="tests.record", payload={"case": 7})
    assert task.status == DueStatus.PENDING
    assert before <= task.due_at <= timezone.now()
    assert task.payload == {"case": 7}


def test_a_scheduled_task_belongs_to_the_callers_transaction():
    with pytest.raises(RuntimeError), transaction.atomic():
        task_schedule(kind="tests.record")
        raise RuntimeError("the caller changed its mind")
    assert not BackgroundTask.objects.exists()


def test_scheduling_a_key_again_moves_the_waiting_task():
    first = task_schedule(kind="tests.record", payload={"n": 1}, dedupe_key="case-7")
    later = timezone.now() + IN_AN_HOUR
    again = task_schedule(
        kind="tests.record", payload={"n": 2}, dedupe_key="case-7", due_at=later
    )
    assert again.pk == first.pk
    task = BackgroundTask.objects.get()
    assert (task.payload, task.due_at) == ({"n": 2}, later)


def test_a_moved_task_counts_its_attempts_afresh():
    task_schedule(kind="tests.record", dedupe_key="case-7")
    [row] = claiming.claim_batch(
        BackgroundTask, worker_id="w", lease_seconds=60, limit=1
    )
    claiming.mark_failed_attempt(row, worker_id="w", error=ValueError("no"))
    task_schedule(kind="tests.record", dedupe_key="case-7")
    task = BackgroundTask.objects.get()
    assert (task.status, task.attempts, task.last_error) == (DueStatus.PENDING, 0, "")


def test_after_its_task_is_done_a_key_is_scheduled_afresh():
    done = task_schedule(kind="tests.record", dedupe_key="case-7")
    run_worker_once()
    again = task_schedule(kind="tests.record", dedupe_key="case-7")
    assert again.pk != done.pk
    assert BackgroundTask.objects.get(pk=done.pk).status == DueStatus.DONE
    assert again.status == DueStatus.PENDING
    run_worker_once()
    assert len(handlers.performed) == 2


def test_a_key_scheduled_while_its_task_is_claimed_gets_a_waiting_task_of_its_own():
    claimed = task_schedule(kind="tests.record", dedupe_key="case-7")
    claiming.claim_batch(BackgroundTask, worker_id="w", lease_seconds=60, limit=1)
    waiting = task_schedule(
        kind="tests.record", dedupe_key="case-7", due_at=timezone.now() + IN_AN_HOUR
    )
    assert waiting.pk != claimed.pk
    assert BackgroundTask.objects.get(pk=claimed.pk).status == DueStatus.RUNNING
    assert waiting.status == DueStatus.PENDING


def test_a_handler_can_schedule_its_own_key_for_its_next_run():
    task_schedule(
        kind="tests.schedule_itself", payload={"key": "daily"}, dedupe_key="daily"
    )
    assert run_worker_once() == 1
    statuses = BackgroundTask.objects.order_by("pk").values_list("status", flat=True)
    assert list(statuses) == [DueStatus.DONE, DueStatus.PENDING]
    assert BackgroundTask.objects.get(status=DueStatus.PENDING).due_at > timezone.now()


def test_task_cancel_cancels_the_waiting_task():
    task_schedule(kind="tests.record", dedupe_key="case-7")
    assert task_cancel(dedupe_key="case-7")
    assert BackgroundTask.objects.get().status == DueStatus.CANCELLED
    assert run_worker_once() == 0
    assert handlers.performed == []


def test_task_cancel_without_a_waiting_task_cancels_nothing():
    task_schedule(kind="tests.record", dedupe_key="case-7")
    run_worker_once()
    assert not task_cancel(dedupe_key="case-7")
    assert not task_cancel(dedupe_key="no-such-key")
    assert BackgroundTask.objects.get().status == DueStatus.DONE


def test_task_cancel_stops_a_claimed_task_that_has_not_started():
    task_schedule(kind="tests.cancel", payload={"key": "case-7"})
    task_schedule(kind="tests.record", payload={"n": 2}, dedupe_key="case-7")
    assert run_worker_once() == 1
    assert handlers.performed == [{"key": "case-7"}]
    cancelled = BackgroundTask.objects.get(dedupe_key="case-7")
    assert cancelled.status == DueStatus.CANCELLED


def test_a_handler_runs_inside_a_transaction_with_the_end_of_its_task():
    task = task_schedule(kind="tests.schedule_follow_up_then_fail")
    assert run_worker_once() == 0
    assert not BackgroundTask.objects.filter(dedupe_key="follow-up").exists()
    task.refresh_from_db()
    assert task.status == DueStatus.PENDING
    assert task.attempts == 1
    assert task.due_at > timezone.now()
    assert "failed after scheduling a follow-up" in task.last_error


def test_a_handler_outside_a_transaction_keeps_what_it_committed_and_is_retried():
    task = task_schedule(kind="tests.schedule_follow_up_then_fail_outside")
    run_worker_once()

    assert BackgroundTask.objects.filter(dedupe_key="follow-up-outside").exists()
    task.refresh_from_db()
    assert (task.status, task.attempts) == (DueStatus.PENDING, 1)


def test_purging_deletes_old_finished_tasks_and_heartbeats_only():

    now = timezone.now()
    days = datetime.timedelta(days=1)

    def finished(status, age):
        return BackgroundTask.objects.create(
            kind="tests.record", status=status, finished_at=now - age
        ).pk

    kept = {
        finished(DueStatus.DONE, 29 * days),
        finished(DueStatus.FAILED, 89 * days),
        BackgroundTask.objects.create(kind="tests.record", due_at=now - 400 * days).pk,
    }
    finished(DueStatus.DONE, 31 * days)
    finished(DueStatus.CANCELLED, 31 * days)
    finished(DueStatus.FAILED, 91 * days)
    for worker_id, age in (("recent", days), ("gone", 31 * days)):
        WorkerHeartbeat.objects.create(
            worker_id=worker_id, started_at=now - age, last_seen_at=now - age
        )
    assert task_purge_finished(now=now) == 3
    assert set(BackgroundTask.objects.values_list("pk", flat=True)) == kept
    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == [
        "recent"
    ]
