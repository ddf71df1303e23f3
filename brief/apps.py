from django.apps import AppConfig


class BriefConfig(AppConfig):
    name = "brief"
    verbose_name = "The case to leadership"

    def ready(self) -> None:
        from brief import tasks  # noqa: F401 - registers the task handlers
