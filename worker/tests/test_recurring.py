import datetime

import pytest
from django.utils import timezone

from worker.models import BackgroundTask, DueStatus
from worker.recurring import (
    RECURRING_TASKS,
    RecurringTask,
    recurring_tasks_schedule,
)
from worker.registry import handler_for
from worker.runner import Worker

pytestmark = pytest.mark.django_db

HOURLY = RecurringTask(kind="tests.record", every=datetime.timedelta(hours=1))


def test_every_recurring_task_has_a_handler():
    for recurring in RECURRING_TASKS:
        assert handler_for(recurring.kind)


def test_the_maintenance_tasks_recur_on_their_schedule():
    assert {(r.kind, r.every) for r in RECURRING_TASKS} == {
        ("outbox.purge_sent", datetime.timedelta(days=1)),
        ("worker.purge_finished", datetime.timedelta(days=1)),
        ("selection.erase_nominators", datetime.timedelta(days=1)),
        ("training.refresh_standings", datetime.timedelta(days=1)),
        ("outreach.purge_closed_cases", datetime.timedelta(days=1)),
        ("surveys.restamp_open_waves", datetime.timedelta(days=1)),
        ("publicity.tally_requests", datetime.timedelta(days=1)),
        ("publicity.channel_reminders", datetime.timedelta(days=1)),
        ("publicity.purge_onboarding_contacts", datetime.timedelta(days=1)),
        ("reports.figures_refresh", datetime.timedelta(minutes=4)),
        ("brief.figures_refresh", datetime.timedelta(minutes=4)),
    }


def test_a_recurring_task_with_nothing_waiting_is_scheduled_now():
    before = timezone.now()
    [task] = recurring_tasks_schedule([HOURLY])
    assert task.kind == "tests.record"
    assert task.dedupe_key == "recurring:tests.record"
    assert before <= task.due_at <= timezone.now()


def test_a_recurring_task_already_waiting_is_left_alone():
    [task] = recurring_tasks_schedule([HOURLY])
    assert recurring_tasks_schedule([HOURLY]) == []
    assert BackgroundTask.objects.get().pk == task.pk


def test_a_recurring_task_that_is_running_is_left_alone():
    recurring_tasks_schedule([HOURLY])
    BackgroundTask.objects.update(status=DueStatus.RUNNING)
    assert recurring_tasks_schedule([HOURLY]) == []


def test_the_next_run_is_due_one_interval_after_the_last_one_finished():
    Worker(worker_id="test-worker", recurring_tasks=[HOURLY]).run(once=True)
    done = BackgroundTask.objects.get(status=DueStatus.DONE)
    following = BackgroundTask.objects.get(status=DueStatus.PENDING)
    assert following.dedupe_key == done.dedupe_key
    assert following.due_at == done.finished_at + HOURLY.every


def test_a_worker_starting_schedules_the_maintenance_tasks():
    Worker(worker_id="test-worker").run(once=True)
    waiting = BackgroundTask.objects.filter(status=DueStatus.PENDING)
    assert {task.kind for task in waiting} == {r.kind for r in RECURRING_TASKS}
    assert all(task.due_at > timezone.now() for task in waiting)
    assert BackgroundTask.objects.filter(status=DueStatus.DONE).count() == len(
        RECURRING_TASKS
    )
