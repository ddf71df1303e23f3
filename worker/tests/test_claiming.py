import datetime

import pytest
from django.utils import timezone

from outbox.models import OutboundEmail
from worker import claiming
from worker.claiming import BACKOFF_CAP_SECONDS
from worker.models import BackgroundTask, DueStatus

pytestmark = pytest.mark.django_db

LEASE = 60


def make_task(**fields) -> BackgroundTask:
    return BackgroundTask.objects.create(kind="tests.record", **fields)


def claim(worker_id: str, model=BackgroundTask, limit: int = 10):
    return claiming.claim_batch(
        model, worker_id=worker_id, lease_seconds=LEASE, limit=limit
    )


def expire_lease(row) -> None:
    type(row).objects.filter(pk=row.pk).update(
        lease_expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )


def make_due_again(row) -> None:
    type(row).objects.filter(pk=row.pk).update(due_at=timezone.now())


def test_a_due_row_is_claimed_once_with_a_lease():
    task = make_task()
    before = timezone.now()
    [claimed] = claim("worker-a")
    assert claimed.pk == task.pk
    assert claimed.status == DueStatus.RUNNING
    assert claimed.claimed_by == "worker-a"
    lease = claimed.lease_expires_at - before
    assert (
        datetime.timedelta(seconds=LEASE)
        <= lease
        < datetime.timedelta(seconds=LEASE + 5)
    )


def test_a_second_claim_of_the_same_row_gets_nothing():
    make_task()
    assert len(claim("worker-a")) == 1
    assert claim("worker-b") == []
    assert claim("worker-a") == []


def test_rows_not_yet_due_are_not_claimed():
    make_task(due_at=timezone.now() + datetime.timedelta(minutes=1))
    assert claim("worker-a") == []


def test_finished_rows_are_never_claimed():
    for status in (DueStatus.DONE, DueStatus.FAILED, DueStatus.CANCELLED):
        make_task(status=status)
    assert claim("worker-a") == []


def test_a_batch_is_claimed_in_due_order_up_to_the_limit():
    now = timezone.now()
    late = make_task(due_at=now - datetime.timedelta(minutes=1))
    early = make_task(due_at=now - datetime.timedelta(minutes=2))
    make_task(due_at=now)
    claimed = claim("worker-a", limit=2)
    assert [row.pk for row in claimed] == [early.pk, late.pk]
    assert BackgroundTask.objects.filter(status=DueStatus.PENDING).count() == 1


def test_an_expired_lease_is_reclaimed_and_the_old_claimant_is_refused():
    make_task()
    [first] = claim("worker-a")
    expire_lease(first)
    [second] = claim("worker-b")
    assert second.claimed_by == "worker-b"
    assert second.attempts == 2
    assert not claiming.renew_claim(first, worker_id="worker-a", lease_seconds=LEASE)
    assert not claiming.mark_done(first, worker_id="worker-a")
    assert (
        claiming.mark_failed_attempt(
            first, worker_id="worker-a", error=ValueError("late")
        )
        is None
    )
    assert claiming.mark_done(second, worker_id="worker-b")
    task = BackgroundTask.objects.get()
    assert task.status == DueStatus.DONE
    assert task.last_error == ""


def test_a_lease_that_has_not_expired_is_not_reclaimed():
    make_task()
    claim("worker-a")
    assert claim("worker-b") == []


def test_renewing_a_claim_extends_its_lease():
    make_task()
    [row] = claim("worker-a")
    expire_lease(row)
    assert claiming.renew_claim(row, worker_id="worker-a", lease_seconds=LEASE)
    assert claim("worker-b") == []


def test_attempts_are_counted_at_claim_time():
    make_task()
    [row] = claim("worker-a")
    assert row.attempts == 1
    assert BackgroundTask.objects.get().attempts == 1


def test_a_failed_attempt_is_retried_later_with_backoff():
    make_task()
    [row] = claim("worker-a")
    before = timezone.now()
    status = claiming.mark_failed_attempt(
        row, worker_id="worker-a", error=ValueError("mail server said no")
    )
    task = BackgroundTask.objects.get()
    assert status == task.status == DueStatus.PENDING
    assert task.last_error == "ValueError: mail server said no"
    assert task.lease_expires_at is None
    delay = task.due_at - before
    assert datetime.timedelta(seconds=30) <= delay < datetime.timedelta(seconds=34)
    assert claim("worker-a") == []


def test_backoff_grows_and_caps():
    delays = [
        claiming.backoff_delay(attempts).total_seconds() for attempts in range(1, 13)
    ]
    floors = [min(30 * 2 ** (n - 1), BACKOFF_CAP_SECONDS) for n in range(1, 13)]
    for delay, floor in zip(delays, floors, strict=True):
        assert floor <= delay <= floor * 1.1
    assert floors[:4] == [30, 60, 120, 240]
    assert floors[-1] == BACKOFF_CAP_SECONDS


def test_a_row_fails_for_good_after_max_attempts_with_its_last_error():
    make_task(max_attempts=3)
    statuses = []
    for attempt in range(1, 4):
        [row] = claim("worker-a")
        assert row.attempts == attempt
        statuses.append(
            claiming.mark_failed_attempt(
                row, worker_id="worker-a", error=ValueError(f"failure {attempt}")
            )
        )
        make_due_again(row)
    assert statuses == [DueStatus.PENDING, DueStatus.PENDING, DueStatus.FAILED]
    task = BackgroundTask.objects.get()
    assert task.status == DueStatus.FAILED
    assert task.attempts == 3
    assert task.last_error == "ValueError: failure 3"
    assert task.finished_at is not None
    assert claim("worker-a") == []


def test_releasing_hands_rows_back_without_using_an_attempt():
    make_task()
    make_task()
    rows = claim("worker-a")
    assert claiming.release(BackgroundTask, rows, worker_id="worker-a") == 2
    assert set(BackgroundTask.objects.values_list("status", "attempts")) == {
        (DueStatus.PENDING, 0)
    }
    assert len(claim("worker-b")) == 2


def test_a_worker_cannot_release_rows_it_does_not_hold():
    make_task()
    rows = claim("worker-a")
    assert claiming.release(BackgroundTask, rows, worker_id="worker-b") == 0
    assert BackgroundTask.objects.get().status == DueStatus.RUNNING


def test_every_kind_of_due_work_is_claimed_the_same_way():
    OutboundEmail.objects.create(
        recipient="someone@hospital.test",
        subject="Touching base",
        body_text="Hello",
        purpose="test",
    )
    [email] = claim("worker-a", model=OutboundEmail)
    assert claim("worker-b", model=OutboundEmail) == []
    assert claiming.mark_done(email, worker_id="worker-a", body_text="")
    assert OutboundEmail.objects.get().status == DueStatus.DONE
