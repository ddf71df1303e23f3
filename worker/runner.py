"""The worker loop: claim due rows from every registered queue, perform them, repeat."""

import datetime
import logging
import os
import socket
import threading
import uuid

from django.conf import settings
from django.db import DatabaseError, InterfaceError, close_old_connections, transaction
from django.utils import timezone

from worker import claiming
from worker.models import DueStatus, WorkerHeartbeat
from worker.recurring import RECURRING_TASKS, RecurringTask, recurring_tasks_schedule
from worker.registry import Queue, queues

logger = logging.getLogger("alongside.worker")

# Any failure to reach the database; InterfaceError (a closed connection) is
# not a DatabaseError in Django's hierarchy.
DATABASE_FAILURES = (DatabaseError, InterfaceError)

HEARTBEAT_EVERY = datetime.timedelta(seconds=30)


class LostClaim(Exception):
    """The row stopped being this worker's: cancelled, rescheduled or taken over."""


def new_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Worker:
    def __init__(
        self,
        *,
        worker_id: str | None = None,
        stop: threading.Event | None = None,
        recurring_tasks: list[RecurringTask] = RECURRING_TASKS,
    ):
        self.worker_id = worker_id or new_worker_id()
        self.stop = stop or threading.Event()
        self.recurring_tasks = recurring_tasks
        self.lease_seconds = settings.WORKER_LEASE_SECONDS
        self.batch_size = settings.WORKER_BATCH_SIZE
        self.poll_seconds = settings.WORKER_POLL_SECONDS
        self.processed = 0
        self.started_at = timezone.now()
        self.last_beat_at = None

    def run(self, *, once: bool = False) -> int:
        """Work until asked to stop (or, with ``once``, until nothing is due).

        Recurring tasks get their next run when the worker starts and after
        every round that did some work (one of them may have been it).
        """
        logger.info("worker %s started", self.worker_id)
        schedule_recurring = True
        while not self.stop.is_set():
            try:
                self._beat()
                if schedule_recurring:
                    recurring_tasks_schedule(self.recurring_tasks)
                worked = self.run_one_round()
                schedule_recurring = worked > 0
            except DATABASE_FAILURES:
                logger.exception(
                    "database unavailable; retrying in %ss", self.poll_seconds
                )
                close_old_connections()
                worked = 0
            if once and not worked:
                break
            if not worked:
                self.stop.wait(self.poll_seconds)
        self._beat_last()
        logger.info("worker %s stopped after %s items", self.worker_id, self.processed)
        return self.processed

    def run_one_round(self) -> int:
        """Claim and perform one batch from each queue; returns how many were tried."""
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
                    claiming.release(
                        queue.model, rows[position:], worker_id=self.worker_id
                    )
                    break
                self._perform(queue, row)
                self._beat_if_due()
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
            if queue.in_transaction(row):
                with transaction.atomic():
                    self._perform_and_finish(queue, row)
            else:
                self._perform_and_finish(queue, row)
        except LostClaim:
            logger.warning("%s is no longer this worker's; left alone", row)
        except Exception as error:  # noqa: BLE001 - any failure of one row is recorded
            self._record_failure(row, error)
        else:
            self.processed += 1

    def _perform_and_finish(self, queue: Queue, row) -> None:
        if not claiming.renew_claim(
            row, worker_id=self.worker_id, lease_seconds=self.lease_seconds
        ):
            raise LostClaim(str(row))
        result = queue.perform(row) or {}
        if not claiming.mark_done(row, worker_id=self.worker_id, **result):
            raise LostClaim(str(row))

    def _record_failure(self, row, error: Exception) -> None:
        logger.warning(
            "%s failed (attempt %s): %s",
            row,
            row.attempts,
            claiming.describe_error(error),
        )
        status = claiming.mark_failed_attempt(
            row, worker_id=self.worker_id, error=error
        )
        if status == DueStatus.FAILED:
            logger.error("%s failed for good after %s attempts", row, row.attempts)

    def _beat(self, *, stopped: bool = False) -> None:
        now = timezone.now()
        WorkerHeartbeat.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={
                "started_at": self.started_at,
                "last_seen_at": now,
                "processed": self.processed,
                "stopped_at": now if stopped else None,
            },
        )
        self.last_beat_at = now

    def _beat_if_due(self) -> None:
        """Keep the heartbeat fresh through a long batch (slow mail server)."""
        if (
            self.last_beat_at is None
            or timezone.now() - self.last_beat_at >= HEARTBEAT_EVERY
        ):
            self._beat()

    def _beat_last(self) -> None:
        try:
            self._beat(stopped=True)
        except DATABASE_FAILURES:
            logger.exception("could not record that worker %s stopped", self.worker_id)
