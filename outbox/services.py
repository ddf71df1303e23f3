"""Queuing and sending e-mail through the outbox."""

import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import make_msgid
from django.db import transaction
from django.utils import timezone

from outbox.models import OutboundEmail


@transaction.atomic
def email_queue(
    *,
    recipient: str,
    subject: str,
    body_text: str,
    purpose: str,
    body_html: str = "",
    due_at: datetime.datetime | None = None,
) -> OutboundEmail:
    """Put one message in the outbox; the worker sends it.

    Subjects are part of what a mail server, a phone's lock screen and a
    shared inbox show: callers must keep them neutral ("Touching base").
    """
    return OutboundEmail.objects.create(
        recipient=recipient,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        purpose=purpose,
        due_at=due_at or timezone.now(),
    )


def email_send(email: OutboundEmail) -> dict:
    """Send one claimed message. Returns the fields to store once it has gone.

    The body is cleared after sending: links in it (password resets, single-use
    survey links) should not outlive their delivery in our database.
    """
    message_id = make_msgid(domain=_sender_domain())
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.recipient],
        headers={"Message-ID": message_id, "Auto-Submitted": "auto-generated"},
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    message.send()
    return {
        "sent_at": timezone.now(),
        "message_id": message_id,
        "body_text": "",
        "body_html": "",
    }


def _sender_domain() -> str:
    address = settings.DEFAULT_FROM_EMAIL.rsplit("<", 1)[-1].rstrip(">")
    return address.rsplit("@", 1)[-1] or "localhost"
