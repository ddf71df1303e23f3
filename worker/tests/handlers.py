"""Task handlers for the worker's in-process tests; each notes what it did in ``performed``."""

import datetime
import threading

from django.utils import timezone

from worker.models import WorkerHeartbeat
from worker.registry import task_handler
from worker.services import task_cancel, task_schedule

performed: list[dict] = []
stop_requested = threading.Event()


class HandlerFailed(Exception):
    pass


@task_handler("tests.record")
def record(payload: dict) -> None:
    performed.append(payload)


@task_handler("tests.fail")
def fail(payload: dict) -> None:
    performed.append(payload)
    raise HandlerFailed("the handler failed")


@task_handler("tests.schedule_follow_up_then_fail")
def schedule_follow_up_then_fail(payload: dict) -> None:
    task_schedule(kind="tests.record", dedupe_key="follow-up")
    raise HandlerFailed("failed after scheduling a follow-up")


@task_handler("tests.stop_worker")
def stop_worker(payload: dict) -> None:
    performed.append(payload)
    stop_requested.set()


@task_handler("tests.cancel")
def cancel(payload: dict) -> None:
    performed.append(payload)
    task_cancel(dedupe_key=payload["key"])


@task_handler("tests.schedule_itself")
def schedule_itself(payload: dict) -> None:
    performed.append(payload)
    task_schedule(
        kind="tests.schedule_itself",
        payload=payload,
        dedupe_key=payload["key"],
        due_at=timezone.now() + datetime.timedelta(hours=1),
    )


@task_handler("tests.note_heartbeat")
def note_heartbeat(payload: dict) -> None:
    performed.append({"processed": WorkerHeartbeat.objects.get().processed})


@task_handler("tests.schedule_follow_up_then_fail_outside", in_transaction=False)
def schedule_follow_up_then_fail_outside(payload: dict) -> None:
    task_schedule(kind="tests.record", dedupe_key="follow-up-outside")
    raise HandlerFailed("failed after scheduling a follow-up, outside a transaction")
