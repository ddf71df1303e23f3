"""The dashboard's figures kept ready by the worker (see worker/recurring.py)."""

from reports.dashboard import dashboards_refresh
from worker.registry import task_handler


@task_handler("reports.figures_refresh")
def figures_refresh(payload: dict) -> None:
    dashboards_refresh()
