"""Maintenance that recurs (purges), kept going by the worker.

Each recurring task is an ordinary BackgroundTask with a fixed dedupe_key.
The worker calls recurring_tasks_schedule() when it starts and after every
round that did work: any recurring task with no waiting or running row gets
its next run, one interval after its last run finished (or now, the first
time). Two workers doing this at once still leave one waiting row per task,
because task_schedule keeps one waiting row per key.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Max
from django.utils import timezone

from worker.models import BackgroundTask, DueStatus
from worker.services import task_schedule


@dataclass(frozen=True)
class RecurringTask:
    kind: str
    every: datetime.timedelta

    @property
    def dedupe_key(self) -> str:
        return f"recurring:{self.kind}"


RECURRING_TASKS = [
    RecurringTask(kind="outbox.purge_sent", every=datetime.timedelta(days=1)),
    RecurringTask(kind="worker.purge_finished", every=datetime.timedelta(days=1)),
    RecurringTask(kind="selection.erase_nominators", every=datetime.timedelta(days=1)),
    RecurringTask(kind="training.refresh_standings", every=datetime.timedelta(days=1)),
    RecurringTask(kind="outreach.purge_closed_cases", every=datetime.timedelta(days=1)),
    RecurringTask(kind="surveys.restamp_open_waves", every=datetime.timedelta(days=1)),
    RecurringTask(kind="publicity.tally_requests", every=datetime.timedelta(days=1)),
    RecurringTask(kind="publicity.channel_reminders", every=datetime.timedelta(days=1)),
    RecurringTask(
        kind="publicity.purge_onboarding_contacts", every=datetime.timedelta(days=1)
    ),
    # Sooner than reports.figures_cache lets a running period's figures go stale.
    RecurringTask(kind="reports.figures_refresh", every=datetime.timedelta(minutes=4)),
    RecurringTask(kind="brief.figures_refresh", every=datetime.timedelta(minutes=4)),
]


def recurring_tasks_schedule(
    recurring_tasks: list[RecurringTask] = RECURRING_TASKS,
) -> list[BackgroundTask]:
    """Give each recurring task that has nothing waiting or running its next run."""
    scheduled = [recurring_task_schedule(recurring) for recurring in recurring_tasks]
    return [task for task in scheduled if task is not None]


def recurring_task_schedule(recurring: RecurringTask) -> BackgroundTask | None:
    rows = BackgroundTask.objects.filter(dedupe_key=recurring.dedupe_key)
    if rows.filter(status__in=[DueStatus.PENDING, DueStatus.RUNNING]).exists():
        return None
    last_finished_at = rows.aggregate(last=Max("finished_at"))["last"]
    due_at = last_finished_at + recurring.every if last_finished_at else None
    return task_schedule(
        kind=recurring.kind,
        dedupe_key=recurring.dedupe_key,
        due_at=due_at or timezone.now(),
    )
