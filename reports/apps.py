from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Program dashboard"

    def ready(self) -> None:
        from reports import tasks  # noqa: F401 - registers the task handlers
