from django.apps import AppConfig


class WorkerConfig(AppConfig):
    name = "worker"
    verbose_name = "Background work"

    def ready(self) -> None:
        from worker.models import BackgroundTask
        from worker.registry import Queue, register_queue
        from worker.services import background_task_perform

        register_queue(
            Queue(
                model=BackgroundTask,
                perform=background_task_perform,
                in_transaction=True,
            )
        )
