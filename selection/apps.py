from django.apps import AppConfig


class SelectionConfig(AppConfig):
    name = "selection"
    verbose_name = "Selecting peer supporters"

    def ready(self) -> None:
        from selection import tasks  # noqa: F401 - registers the task handlers
