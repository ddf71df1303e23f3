"""The roster import's background task, registered from OrganizationConfig.ready()."""

from organization.roster_import import ROSTER_IMPORT_TASK, roster_import_queued_run
from worker.registry import task_handler


@task_handler(ROSTER_IMPORT_TASK, in_transaction=False)
def roster_import_task(payload: dict) -> None:
    """Outside the worker's transaction: an import commits its progress as it goes."""
    roster_import_queued_run(import_id=payload["import_id"])
