from django.apps import AppConfig


class WorkerConfig(AppConfig):
    name = "worker"
    verbose_name = "Background work"

    def ready(self) -> None:
        from worker import tasks  # noqa: F401 - registers the worker's own handlers
        from worker.models import BackgroundTask
        from worker.registry import Queue, register_queue, task_runs_in_transaction
        from worker.services import background_task_perform

        register_queue(
            Queue(
                model=BackgroundTask,
                perform=background_task_perform,
                in_transaction=task_runs_in_transaction,
            )
        )
