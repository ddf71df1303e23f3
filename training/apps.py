from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = "Supporter training"

    def ready(self) -> None:
        from training import tasks  # noqa: F401 - registers the task handlers
