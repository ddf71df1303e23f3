"""Queuing and sending e-mail through the outbox."""

import datetime
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import make_msgid
from django.db import transaction
from django.utils import timezone

from outbox.models import CalendarMethod, OutboundEmail
from worker.claiming import describe_error
from worker.services import due_work_purge

# With backoff capped at an hour, 30 attempts keep trying for about a day: a
# mail-server outage overnight delays messages but loses none.
EMAIL_MAX_ATTEMPTS = 30
SENT_KEPT_FOR = datetime.timedelta(days=30)
FAILED_KEPT_FOR = datetime.timedelta(days=90)


@transaction.atomic
def email_queue(
    *,
    recipient: str,
    subject: str,
    body_text: str,
    purpose: str,
    body_html: str = "",
    due_at: datetime.datetime | None = None,
    calendar: str = "",
    calendar_method: str = "",
) -> OutboundEmail:
    """Put one message in the outbox; the worker sends it.

    The message is part of the caller's transaction: if that rolls back,
    nothing is sent. A message that can never be sent (a malformed address,
    a subject on two lines) is refused here rather than retried for hours.

    Subjects are part of what a mail server, a phone's lock screen and a
    shared inbox show: callers must keep them neutral ("Touching base").

    ``calendar`` (an iCalendar object) and ``calendar_method`` (REQUEST or
    CANCEL, the iTIP method inside it) come together or not at all: the
    message then carries the calendar as an invitation (see email_send).
    """
    if "\n" in subject or "\r" in subject:
        raise ValidationError({"subject": "A subject must be a single line."})
    if calendar_method not in {"", *CalendarMethod.values}:
        raise ValidationError(
            {"calendar_method": "A calendar is sent as REQUEST or CANCEL."}
        )
    if bool(calendar) != bool(calendar_method):
        raise ValidationError(
            {"calendar_method": "A calendar and its method come together."}
        )
    email = OutboundEmail(
        recipient=recipient,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        purpose=purpose,
        calendar=calendar,
        calendar_method=calendar_method,
        due_at=due_at or timezone.now(),
        message_id=make_msgid(domain=_sender_domain()),
        max_attempts=EMAIL_MAX_ATTEMPTS,
    )
    email.full_clean()
    email.save()
    return email


def email_send(email: OutboundEmail) -> dict:
    """Send one claimed message. Returns the fields to store once it has gone.

    Every attempt sends the Message-ID chosen when the message was queued, so
    a message sent twice (its worker died before recording it as sent) can be
    recognised as one by the mail systems that receive it.

    The body is cleared after sending: links in it (password resets, single-use
    survey links) should not outlive their delivery in our database. So is
    the calendar, which names the recipient as an attendee.

    A calendar goes twice, the way Outlook, Google Calendar and Apple Mail
    send and expect an invitation: as a ``text/calendar; method=...``
    alternative to the text (what mail clients turn into an invitation with
    buttons) and as an ``invite.ics`` attachment (for clients that only
    offer attachments to open).
    """
    message_id = email.message_id or make_msgid(domain=_sender_domain())
    message = _OutboxMessage(
        subject=email.subject,
        body=email.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.recipient],
        headers={"Message-ID": message_id, "Auto-Submitted": "auto-generated"},
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    if email.calendar:
        message.calendar_method = email.calendar_method
        message.attach_alternative(email.calendar, "text/calendar")
        message.attach("invite.ics", email.calendar.encode(), "application/ics")
    try:
        message.send()
    except Exception as error:  # noqa: BLE001 - recorded without the address
        raise EmailNotSent(_without_recipient(error, email.recipient)) from None
    return {
        "sent_at": timezone.now(),
        "message_id": message_id,
        "body_text": "",
        "body_html": "",
        "calendar": "",
    }


class _OutboxMessage(EmailMultiAlternatives):
    """A message whose ``text/calendar`` alternative names its iTIP method.

    Django takes an alternative's type without parameters, but calendar
    clients look for ``method=REQUEST`` (or CANCEL) on the part's
    Content-Type before they treat it as an invitation; it is added here.
    """

    calendar_method = ""

    def message(self, **kwargs):
        msg = super().message(**kwargs)
        if self.calendar_method:
            for part in msg.walk():
                if (
                    part.get_content_type() == "text/calendar"
                    and not part.is_attachment()
                ):
                    part.replace_header(
                        "Content-Type",
                        f"text/calendar; method={self.calendar_method}; charset=utf-8",
                    )
        return msg


class EmailNotSent(Exception):
    """Sending failed; the message says why, with the recipient's address blanked.

    Mail servers quote the address they refused. The error is stored on the
    row and shown on the system status page, where an address next to a
    purpose (an outreach offer, say) would tell who is being supported.
    """


def _without_recipient(error: Exception, recipient: str) -> str:
    description = describe_error(error)
    return re.sub(re.escape(recipient), "<recipient>", description, flags=re.I)


def _sender_domain() -> str:
    address = settings.DEFAULT_FROM_EMAIL.rsplit("<", 1)[-1].rstrip(">")
    return address.rsplit("@", 1)[-1] or "localhost"


def email_purge_old(*, now: datetime.datetime | None = None) -> int:
    """Delete sent messages after 30 days and failed ones after 90; returns how many."""
    return due_work_purge(
        OutboundEmail,
        now=now or timezone.now(),
        finished_kept_for=SENT_KEPT_FOR,
        failed_kept_for=FAILED_KEPT_FOR,
    )
