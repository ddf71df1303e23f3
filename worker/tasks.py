"""The worker's own background tasks (registered when the app is ready)."""

from worker.registry import task_handler
from worker.services import task_purge_finished


@task_handler("worker.purge_finished")
def purge_finished(payload: dict) -> None:
    task_purge_finished()
