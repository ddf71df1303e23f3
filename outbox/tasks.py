"""The outbox's background tasks (registered when the app is ready)."""

from outbox.services import email_purge_old
from worker.registry import task_handler


@task_handler("outbox.purge_sent")
def purge_sent(payload: dict) -> None:
    email_purge_old()
