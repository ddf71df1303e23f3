"""Selection's background tasks (registered when the app is ready)."""

from selection.services import nominators_erase_due
from worker.registry import task_handler


@task_handler("selection.erase_nominators")
def erase_nominators(payload: dict) -> None:
    nominators_erase_due()
