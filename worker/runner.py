"""The worker loop: claim due rows from every registered queue, perform them, repeat."""

import logging
import os
import socket
import threading
import uuid

from django.conf import settings
from django.db import DatabaseError, close_old_connections, transaction
from django.db.models import F
from django.utils import timezone

from worker import claiming
from worker.models import DueStatus, WorkerHeartbeat
from worker.registry import Queue, queues

logger = logging.getLogger("alongside.worker")


class LostClaim(Exception):
    """Another worker took this row over after our lease ran out."""


def new_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Worker:
    def __init__(
        self, *, worker_id: str | None = None, stop: threading.Event | None = None
    ):
        self.worker_id = worker_id or new_worker_id()
        self.stop = stop or threading.Event()
        self.lease_seconds = settings.WORKER_LEASE_SECONDS
        self.batch_size = settings.WORKER_BATCH_SIZE
        self.poll_seconds = settings.WORKER_POLL_SECONDS
        self.processed = 0

    def run(self, *, once: bool = False) -> int:
        """Work until asked to stop (or, with ``once``, until nothing is due)."""
        started_at = timezone.now()
        logger.info("worker %s started", self.worker_id)
        while not self.stop.is_set():
            try:
                self._beat(started_at)
                worked = self.run_one_round()
            except DatabaseError:
                logger.exception(
                    "database unavailable; retrying in %ss", self.poll_seconds
                )
                close_old_connections()
                worked = 0
            if once and not worked:
                break
            if not worked:
                self.stop.wait(self.poll_seconds)
        self._beat(started_at, stopped=True)
        logger.info("worker %s stopped after %s items", self.worker_id, self.processed)
        return self.processed

    def run_one_round(self) -> int:
        worked = 0
        for queue in queues():
            if self.stop.is_set():
                break
            rows = claiming.claim_batch(
                queue.model,
                worker_id=self.worker_id,
                lease_seconds=self.lease_seconds,
                limit=self.batch_size,
            )
            for position, row in enumerate(rows):
                if self.stop.is_set():
                    self._release(queue, rows[position:])
                    break
                self._perform(queue, row)
                worked += 1
        return worked

    def _perform(self, queue: Queue, row) -> None:
        if row.attempts > row.max_attempts:
            claiming.mark_failed_attempt(
                row,
                worker_id=self.worker_id,
                error=RuntimeError("gave up: the worker stopped during every attempt"),
            )
            return
        try:
            if queue.in_transaction:
                with transaction.atomic():
                    self._perform_and_finish(queue, row)
            else:
                self._perform_and_finish(queue, row)
        except LostClaim:
            logger.warning("%s: claim lost to another worker", row)
        except Exception as error:  # noqa: BLE001 - any failure of one row is recorded
            logger.warning("%s failed (attempt %s): %r", row, row.attempts, error)
            status = claiming.mark_failed_attempt(
                row, worker_id=self.worker_id, error=error
            )
            if status == DueStatus.FAILED:
                logger.error("%s failed for good after %s attempts", row, row.attempts)
        else:
            self.processed += 1

    def _perform_and_finish(self, queue: Queue, row) -> None:
        result = queue.perform(row) or {}
        if not claiming.mark_done(row, worker_id=self.worker_id, **result):
            raise LostClaim(str(row))

    def _release(self, queue: Queue, rows) -> None:
        """Hand back rows claimed but not started, so nobody waits for a lease."""
        queue.model.objects.filter(
            pk__in=[row.pk for row in rows],
            status=DueStatus.RUNNING,
            claimed_by=self.worker_id,
        ).update(
            status=DueStatus.PENDING, lease_expires_at=None, attempts=F("attempts") - 1
        )

    def _beat(self, started_at, *, stopped: bool = False) -> None:
        now = timezone.now()
        WorkerHeartbeat.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={
                "started_at": started_at,
                "last_seen_at": now,
                "processed": self.processed,
                "stopped_at": now if stopped else None,
            },
        )
