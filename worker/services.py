"""Scheduling background tasks."""

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from worker.models import BackgroundTask, DueStatus, DueWork, WorkerHeartbeat
from worker.registry import handler_for

FINISHED_KEPT_FOR = datetime.timedelta(days=30)
FAILED_KEPT_FOR = datetime.timedelta(days=90)


def task_schedule(
    *,
    kind: str,
    payload: dict | None = None,
    due_at: datetime.datetime | None = None,
    dedupe_key: str | None = None,
    max_attempts: int = 8,
) -> BackgroundTask:
    """Schedule ``kind`` to run at ``due_at`` (now by default).

    With a ``dedupe_key`` there is at most one waiting row for the key:
    scheduling the key again moves that row to the new time and payload, with
    its attempts counted afresh. Rows of the key that are running or finished
    are left alone, so the new schedule gets a row of its own; that is also
    how a handler schedules its own key's next run.
    """
    handler_for(kind)  # fail now, not in the worker, on a typo
    schedule = {
        "kind": kind,
        "payload": payload or {},
        "due_at": due_at or timezone.now(),
        "max_attempts": max_attempts,
    }
    if dedupe_key is None:
        return BackgroundTask.objects.create(**schedule)
    with transaction.atomic():
        task, created = BackgroundTask.objects.select_for_update().get_or_create(
            dedupe_key=dedupe_key, status=DueStatus.PENDING, defaults=schedule
        )
        if not created:
            _task_move(task, schedule)
    return task


def _task_move(task: BackgroundTask, schedule: dict) -> None:
    for field, value in {**schedule, "attempts": 0, "last_error": ""}.items():
        setattr(task, field, value)
    task.save(update_fields=[*schedule, "attempts", "last_error"])


def task_cancel(*, dedupe_key: str) -> bool:
    """Cancel the task with this key, unless its work has begun.

    A waiting row is cancelled, and so is one a worker has claimed but not
    started (the worker then leaves it alone). Work already under way is let
    finish; on PostgreSQL, cancelling waits for it. A handler must not cancel
    its own key (that would cancel, and roll back, the run in progress).
    """
    return bool(
        BackgroundTask.objects.filter(
            dedupe_key=dedupe_key, status__in=[DueStatus.PENDING, DueStatus.RUNNING]
        ).update(
            status=DueStatus.CANCELLED,
            finished_at=timezone.now(),
            lease_expires_at=None,
        )
    )


def background_task_perform(task: BackgroundTask) -> None:
    """Run a claimed task's handler (called by the worker, inside its transaction)."""
    handler_for(task.kind)(task.payload)


def due_work_purge(
    model: type[DueWork],
    *,
    now: datetime.datetime,
    finished_kept_for: datetime.timedelta = FINISHED_KEPT_FOR,
    failed_kept_for: datetime.timedelta = FAILED_KEPT_FOR,
) -> int:
    """Delete rows of due work finished long enough ago; returns how many."""
    deleted, _ = model.objects.filter(
        Q(
            status__in=[DueStatus.DONE, DueStatus.CANCELLED],
            finished_at__lt=now - finished_kept_for,
        )
        | Q(status=DueStatus.FAILED, finished_at__lt=now - failed_kept_for)
    ).delete()
    return deleted


def task_purge_finished(*, now: datetime.datetime | None = None) -> int:
    """Delete finished tasks after 30 days (failed ones after 90), and old heartbeats."""
    now = now or timezone.now()
    WorkerHeartbeat.objects.filter(last_seen_at__lt=now - FINISHED_KEPT_FOR).delete()
    return due_work_purge(BackgroundTask, now=now)
