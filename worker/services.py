"""Scheduling background tasks."""

import datetime

from django.db import transaction
from django.utils import timezone

from worker.models import BackgroundTask, DueStatus
from worker.registry import handler_for


@transaction.atomic
def task_schedule(
    *,
    kind: str,
    payload: dict | None = None,
    due_at: datetime.datetime | None = None,
    dedupe_key: str | None = None,
    max_attempts: int = 8,
) -> BackgroundTask:
    """Schedule ``kind`` to run at ``due_at`` (now by default).

    With a ``dedupe_key`` there is only ever one row for that key: scheduling
    it again moves the waiting row to the new time and payload, or, once the
    earlier run has finished, schedules it afresh.
    """
    handler_for(kind)  # fail now, not in the worker, on a typo
    due_at = due_at or timezone.now()
    payload = payload or {}
    if dedupe_key is None:
        return BackgroundTask.objects.create(
            kind=kind, payload=payload, due_at=due_at, max_attempts=max_attempts
        )
    task, created = BackgroundTask.objects.select_for_update().get_or_create(
        dedupe_key=dedupe_key,
        defaults={
            "kind": kind,
            "payload": payload,
            "due_at": due_at,
            "max_attempts": max_attempts,
        },
    )
    if created or task.status == DueStatus.RUNNING:
        return task
    task.kind, task.payload, task.due_at = kind, payload, due_at
    task.status, task.attempts, task.last_error, task.finished_at = (
        DueStatus.PENDING,
        0,
        "",
        None,
    )
    task.max_attempts = max_attempts
    task.save()
    return task


def task_cancel(*, dedupe_key: str) -> bool:
    """Cancel the waiting task with this key, if there is one."""
    return bool(
        BackgroundTask.objects.filter(
            dedupe_key=dedupe_key, status=DueStatus.PENDING
        ).update(status=DueStatus.CANCELLED, finished_at=timezone.now())
    )


def background_task_perform(task: BackgroundTask) -> None:
    """Run a claimed task's handler (called by the worker, inside its transaction)."""
    handler_for(task.kind)(task.payload)
