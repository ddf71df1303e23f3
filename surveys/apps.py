from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = "Workforce surveys"

    def ready(self) -> None:
        from surveys import tasks  # noqa: F401 - registers the task handlers
