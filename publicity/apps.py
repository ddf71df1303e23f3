from django.apps import AppConfig


class PublicityConfig(AppConfig):
    name = "publicity"
    verbose_name = "Publicity"

    def ready(self) -> None:
        from publicity import tasks  # noqa: F401 - registers the task handlers
