"""The brief's figures kept ready by the worker (see worker/recurring.py)."""

from django.utils import timezone

from brief.selectors import briefs_refresh
from worker.registry import task_handler


@task_handler("brief.figures_refresh")
def figures_refresh(payload: dict) -> None:
    briefs_refresh(today=timezone.localdate())
