"""What the IT administrator sees of background work: counts and failures, never content."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from outbox.models import OutboundEmail
from worker.models import BackgroundTask, DueStatus, WorkerHeartbeat

HEARTBEAT_STALE_AFTER = datetime.timedelta(minutes=2)


@dataclass(frozen=True)
class QueueSummary:
    label: str
    waiting: int
    overdue: int
    running: int
    failed: int


@dataclass(frozen=True)
class BackgroundWorkSummary:
    queues: list[QueueSummary]
    last_heartbeat: WorkerHeartbeat | None
    worker_alive: bool


def _queue_summary(label, model, now) -> QueueSummary:
    counts = model.objects.aggregate(
        waiting=Count("pk", filter=Q(status=DueStatus.PENDING)),
        overdue=Count(
            "pk",
            filter=Q(
                status=DueStatus.PENDING, due_at__lt=now - datetime.timedelta(minutes=5)
            ),
        ),
        running=Count("pk", filter=Q(status=DueStatus.RUNNING)),
        failed=Count("pk", filter=Q(status=DueStatus.FAILED)),
    )
    return QueueSummary(label=label, **counts)


def background_work_summary() -> BackgroundWorkSummary:
    now = timezone.now()
    heartbeat = WorkerHeartbeat.objects.filter(stopped_at__isnull=True).first()
    return BackgroundWorkSummary(
        queues=[
            _queue_summary("E-mail", OutboundEmail, now),
            _queue_summary("Scheduled tasks", BackgroundTask, now),
        ],
        last_heartbeat=heartbeat,
        worker_alive=bool(
            heartbeat and now - heartbeat.last_seen_at < HEARTBEAT_STALE_AFTER
        ),
    )


def recent_failures(limit: int = 20) -> list[dict]:
    """Failed work with its error, without recipients, subjects or payloads."""
    emails = (
        OutboundEmail.objects.filter(status=DueStatus.FAILED)
        .order_by("-finished_at")
        .values("pk", "purpose", "attempts", "last_error", "finished_at")[:limit]
    )
    tasks = (
        BackgroundTask.objects.filter(status=DueStatus.FAILED)
        .order_by("-finished_at")
        .values("pk", "kind", "attempts", "last_error", "finished_at")[:limit]
    )
    rows = [{"queue": "E-mail", "what": e["purpose"], **e} for e in emails]
    rows += [{"queue": "Scheduled tasks", "what": t["kind"], **t} for t in tasks]
    return sorted(
        rows, key=lambda row: row["finished_at"] or timezone.now(), reverse=True
    )[:limit]
