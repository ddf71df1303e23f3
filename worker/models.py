"""Due work kept as rows: each has a due time, a status and a lease.

A worker claims a row with one conditional UPDATE (see worker.claiming); a
claim lasts for a lease, so work held by a worker that died comes back when
the lease runs out, and two workers can never hold the same row at once.
"""

from django.db import models
from django.utils import timezone


class DueStatus(models.TextChoices):
    PENDING = "pending", "Waiting"
    RUNNING = "running", "In progress"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


class DueWork(models.Model):
    """Fields every kind of due work shares. Claiming logic lives in worker.claiming."""

    due_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        max_length=16, choices=DueStatus.choices, default=DueStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    max_attempts = models.PositiveIntegerField(default=8)
    claimed_by = models.CharField(max_length=100, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        indexes = [models.Index(fields=["status", "due_at"])]


class BackgroundTask(DueWork):
    """A named piece of work (a reminder, an escalation, a purge) with a JSON payload.

    ``kind`` names a handler registered with worker.registry. ``dedupe_key``,
    when given, makes scheduling idempotent: there is at most one waiting row
    per key, and scheduling the key again moves that row (see
    worker.services.task_schedule). Rows of the key that are running or
    finished are left as they are.
    """

    kind = models.CharField(max_length=100)
    payload = models.JSONField(default=dict, blank=True)
    # NULL, not "", for "no key": keys are unique among waiting rows.
    dedupe_key = models.CharField(  # noqa: DJ001
        max_length=200, null=True, blank=True, db_index=True
    )

    class Meta(DueWork.Meta):
        indexes = [models.Index(fields=["status", "due_at"], name="backgroundtask_due")]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=models.Q(status=DueStatus.PENDING),
                name="backgroundtask_one_waiting_per_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"


class WorkerHeartbeat(models.Model):
    """One row per worker process, touched every loop, for the health page."""

    worker_id = models.CharField(max_length=100, unique=True)
    started_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    processed = models.PositiveIntegerField(default=0)
    stopped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_seen_at"]

    def __str__(self) -> str:
        return self.worker_id
