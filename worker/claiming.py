"""Claiming, finishing and retrying rows of due work, for any DueWork model.

A claim is one conditional UPDATE that matches only while the row is still
claimable; the database applies it to at most one worker. Finishing matches
on the claimant too, so a worker whose lease ran out cannot overwrite the
outcome of the worker that took the row over.
"""

import datetime
import random
import traceback

from django.db.models import F, Q
from django.utils import timezone

from worker.models import DueStatus, DueWork

BACKOFF_BASE_SECONDS = 30
BACKOFF_CAP_SECONDS = 3600


def claimable_q(now: datetime.datetime) -> Q:
    pending = Q(status=DueStatus.PENDING, due_at__lte=now)
    abandoned = Q(status=DueStatus.RUNNING, lease_expires_at__lt=now)
    return pending | abandoned


def claim_batch(
    model: type[DueWork], *, worker_id: str, lease_seconds: int, limit: int
) -> list[DueWork]:
    """Claim up to ``limit`` due rows of ``model`` for this worker."""
    now = timezone.now()
    candidates = list(
        model.objects.filter(claimable_q(now))
        .order_by("due_at", "pk")
        .values_list("pk", "status", "lease_expires_at")[:limit]
    )
    claimed_ids = []
    lease_expires_at = now + datetime.timedelta(seconds=lease_seconds)
    for pk, status, previous_lease in candidates:
        won = model.objects.filter(
            pk=pk, status=status, lease_expires_at=previous_lease
        ).update(
            status=DueStatus.RUNNING,
            claimed_by=worker_id,
            lease_expires_at=lease_expires_at,
            attempts=F("attempts") + 1,
        )
        if won:
            claimed_ids.append(pk)
    if not claimed_ids:
        return []
    return list(model.objects.filter(pk__in=claimed_ids).order_by("due_at", "pk"))


def mark_done(row: DueWork, *, worker_id: str, **fields) -> bool:
    now = timezone.now()
    return bool(
        type(row)
        .objects.filter(pk=row.pk, status=DueStatus.RUNNING, claimed_by=worker_id)
        .update(status=DueStatus.DONE, finished_at=now, lease_expires_at=None, **fields)
    )


def mark_failed_attempt(row: DueWork, *, worker_id: str, error: BaseException) -> str:
    """Schedule a retry with exponential backoff, or give up after max_attempts.

    Attempts are counted when a row is claimed, so a row that keeps killing
    its worker also runs out of attempts.

    Returns the status the row was left in.
    """
    now = timezone.now()
    message = "".join(traceback.format_exception_only(type(error), error)).strip()[
        :2000
    ]
    if row.attempts >= row.max_attempts:
        status = DueStatus.FAILED
        changes = {"finished_at": now, "due_at": row.due_at}
    else:
        status = DueStatus.PENDING
        changes = {"due_at": now + backoff_delay(row.attempts)}
    type(row).objects.filter(
        pk=row.pk, status=DueStatus.RUNNING, claimed_by=worker_id
    ).update(status=status, last_error=message, lease_expires_at=None, **changes)
    return status


def backoff_delay(attempts: int) -> datetime.timedelta:
    """30 s, 60 s, 120 s … capped at an hour, with up to 10 % jitter."""
    seconds = min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_CAP_SECONDS)
    return datetime.timedelta(seconds=seconds * (1 + random.random() / 10))  # noqa: S311 - jitter
