from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "conversations"
    verbose_name = "Support conversations"

    def ready(self) -> None:
        from conversations import tasks  # noqa: F401 - registers the task handlers
