from django.apps import AppConfig


class OrganizationConfig(AppConfig):
    name = "organization"

    def ready(self) -> None:
        from organization import tasks  # noqa: F401 - registers the task handlers
