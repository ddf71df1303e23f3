"""The outbox: one row per e-mail message, sent by the worker.

Queuing a message is part of the transaction that decided to send it, so a
rolled-back change sends nothing, and a message that could not be sent stays
here to be retried rather than being lost.
"""

from django.db import models

from worker.models import DueWork


class CalendarMethod(models.TextChoices):
    """The iTIP methods (RFC 5546) the outbox sends: an invitation or update, or
    a cancellation. Replies are not asked for (attendees get RSVP=FALSE)."""

    REQUEST = "REQUEST", "Invitation or update"
    CANCEL = "CANCEL", "Cancellation"


class OutboundEmail(DueWork):
    """One message. Its text shows who it is for and why, so it is never logged;
    the worker's logs and the status page name a message by purpose and number.
    """

    recipient = models.EmailField()
    subject = models.CharField(max_length=200)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    calendar = models.TextField(
        blank=True,
        help_text="An iCalendar object (RFC 5545) sent as an invitation; "
        "cleared after sending.",
    )
    calendar_method = models.CharField(
        max_length=16,
        choices=CalendarMethod.choices,
        blank=True,
        help_text="The iTIP method of the calendar part (RFC 5546).",
    )
    purpose = models.CharField(
        max_length=64, help_text="Why this message exists, e.g. password_reset."
    )
    message_id = models.CharField(max_length=200, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta(DueWork.Meta):
        indexes = [models.Index(fields=["status", "due_at"], name="outboundemail_due")]

    def __str__(self) -> str:
        return f"{self.purpose} e-mail #{self.pk}"
