"""Claiming, finishing and retrying rows of due work, for any DueWork model.

A claim is a conditional UPDATE that matches only while the row is still
claimable (waiting and due, or running with a lease that has run out); the
database applies it for at most one worker. Every later step (starting,
finishing, failing, handing back) matches on the claimant too, so a worker
that lost its claim cannot overwrite the outcome of the one that took over.
"""

import datetime
import random
import traceback

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from worker.models import DueStatus, DueWork

BACKOFF_BASE_SECONDS = 30
BACKOFF_CAP_SECONDS = 3600


def claimable_q(now: datetime.datetime) -> Q:
    waiting = Q(status=DueStatus.PENDING, due_at__lte=now)
    abandoned = Q(status=DueStatus.RUNNING, lease_expires_at__lt=now)
    return waiting | abandoned


def claim_batch(
    model: type[DueWork], *, worker_id: str, lease_seconds: int, limit: int
) -> list[DueWork]:
    """Claim up to ``limit`` due rows of ``model`` for this worker.

    Each claim counts as an attempt, so a row whose work keeps killing its
    worker still runs out of attempts.
    """
    now = timezone.now()
    claim = {
        "status": DueStatus.RUNNING,
        "claimed_by": worker_id,
        "lease_expires_at": now + datetime.timedelta(seconds=lease_seconds),
        "attempts": F("attempts") + 1,
    }
    due = model.objects.filter(claimable_q(now)).order_by("due_at", "pk")
    if connection.features.has_select_for_update_skip_locked:
        claimed_ids = _claim_skipping_locked(due, limit=limit, claim=claim)
    else:
        claimed_ids = _claim_one_by_one(due, limit=limit, claim=claim, now=now)
    if not claimed_ids:
        return []
    return list(model.objects.filter(pk__in=claimed_ids).order_by("due_at", "pk"))


def _claim_skipping_locked(due, *, limit: int, claim: dict) -> list[int]:
    """PostgreSQL: lock a batch nobody else holds, then claim it in one UPDATE.

    Concurrent workers get disjoint batches instead of racing for the same
    rows, and never wait for a row another worker is busy with.
    """
    with transaction.atomic():
        ids = list(
            due.select_for_update(skip_locked=True).values_list("pk", flat=True)[:limit]
        )
        due.model.objects.filter(pk__in=ids).update(**claim)
    return ids


def _claim_one_by_one(due, *, limit: int, claim: dict, now) -> list[int]:
    """Other databases: one conditional UPDATE per candidate; 1 row means ours."""
    candidates = list(due.values_list("pk", flat=True)[:limit])
    model = due.model
    return [
        pk
        for pk in candidates
        if model.objects.filter(claimable_q(now), pk=pk).update(**claim)
    ]


def _mine(row: DueWork, worker_id: str):
    return type(row).objects.filter(
        pk=row.pk, status=DueStatus.RUNNING, claimed_by=worker_id
    )


def renew_claim(row: DueWork, *, worker_id: str, lease_seconds: int) -> bool:
    """Start work on a claimed row: give it a fresh lease, if it is still ours.

    False when the row was cancelled, rescheduled or taken over after its
    lease ran out while it waited in the batch. Inside a transaction this
    also locks the row, on PostgreSQL, until the work commits.
    """
    lease_expires_at = timezone.now() + datetime.timedelta(seconds=lease_seconds)
    return bool(_mine(row, worker_id).update(lease_expires_at=lease_expires_at))


def mark_done(row: DueWork, *, worker_id: str, **fields) -> bool:
    now = timezone.now()
    return bool(
        _mine(row, worker_id).update(
            status=DueStatus.DONE, finished_at=now, lease_expires_at=None, **fields
        )
    )


def mark_failed_attempt(
    row: DueWork, *, worker_id: str, error: BaseException
) -> str | None:
    """Schedule a retry with exponential backoff, or give up after max_attempts.

    Returns the status the row was left in, or None when it was no longer
    this worker's to record.
    """
    now = timezone.now()
    if row.attempts >= row.max_attempts:
        status = DueStatus.FAILED
        changes = {"finished_at": now}
    else:
        status = DueStatus.PENDING
        changes = {"due_at": now + backoff_delay(row.attempts)}
    recorded = _mine(row, worker_id).update(
        status=status,
        last_error=describe_error(error),
        lease_expires_at=None,
        **changes,
    )
    return status if recorded else None


def release(model: type[DueWork], rows: list[DueWork], *, worker_id: str) -> int:
    """Hand back claimed rows that were never started, without using an attempt."""
    return model.objects.filter(
        pk__in=[row.pk for row in rows],
        status=DueStatus.RUNNING,
        claimed_by=worker_id,
    ).update(
        status=DueStatus.PENDING, lease_expires_at=None, attempts=F("attempts") - 1
    )


def describe_error(error: BaseException) -> str:
    """The error's type and first line only.

    Database errors put the offending values on later lines (PostgreSQL's
    DETAIL), and the IT administrator who reads this must not see data.
    """
    lines = traceback.format_exception_only(type(error), error)
    return lines[0].strip().splitlines()[0][:500] if lines else type(error).__name__


def backoff_delay(attempts: int) -> datetime.timedelta:
    """30 s, 60 s, 120 s … capped at an hour, plus up to 10 % jitter."""
    seconds = min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_CAP_SECONDS)
    return datetime.timedelta(seconds=seconds * (1 + random.random() / 10))  # noqa: S311 - jitter
