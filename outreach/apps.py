from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "outreach"
    verbose_name = "Referrals and outreach"

    def ready(self) -> None:
        from outreach import tasks  # noqa: F401 - registers the task handlers
