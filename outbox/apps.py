from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "outbox"
    verbose_name = "Outbox"

    def ready(self) -> None:
        from outbox import tasks  # noqa: F401 - registers the outbox's handlers
        from outbox.models import OutboundEmail
        from outbox.services import email_send
        from worker.registry import Queue, register_queue

        register_queue(
            Queue(
                model=OutboundEmail,
                perform=email_send,
                in_transaction=lambda email: False,
            )
        )
