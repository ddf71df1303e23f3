import datetime
import smtplib

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.utils import timezone

from outbox.models import OutboundEmail
from outbox.services import email_purge_old, email_queue, email_send
from worker import claiming
from worker.models import DueStatus
from worker.runner import Worker
from worker.selectors import recent_failures

pytestmark = pytest.mark.django_db

RECIPIENT = "Dr.Private@Hospital.test"
SUBJECT = "Touching base"


class MailServerDown(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError(111, "Connection refused")


class MailServerRefusesRecipient(BaseEmailBackend):
    def send_messages(self, email_messages):
        recipient = email_messages[0].to[0].lower()
        raise smtplib.SMTPRecipientsRefused({recipient: (550, b"No such user")})


@pytest.fixture
def mail_server_down(settings):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.MailServerDown"}}


@pytest.fixture
def mail_server_refusing_recipient(settings):
    settings.MAILERS = {
        "default": {"BACKEND": f"{__name__}.MailServerRefusesRecipient"}
    }


def queue(**fields) -> OutboundEmail:
    message = {
        "recipient": RECIPIENT,
        "subject": SUBJECT,
        "body_text": "A colleague would like to check in. https://example.test/t/abc",
        "purpose": "outreach_offer",
    }
    return email_queue(**{**message, **fields})


def run_worker_once() -> int:
    return Worker(worker_id="test-worker", recurring_tasks=[]).run(once=True)


def make_due_again(email: OutboundEmail) -> None:
    OutboundEmail.objects.filter(pk=email.pk).update(due_at=timezone.now())


def test_email_queue_adds_a_waiting_message_with_its_message_id():
    email = queue()
    assert email.status == DueStatus.PENDING
    assert email.due_at <= timezone.now()
    assert email.message_id.endswith("@localhost>")
    assert mail.outbox == []


def test_a_message_queued_in_a_rolled_back_transaction_is_never_sent():
    with pytest.raises(RuntimeError), transaction.atomic():
        queue()
        raise RuntimeError("the caller changed its mind")
    assert not OutboundEmail.objects.exists()
    run_worker_once()
    assert mail.outbox == []


@pytest.mark.parametrize(
    "fields",
    [{"recipient": "not an address"}, {"subject": "Line one\nBcc: x@example.test"}],
)
def test_email_queue_refuses_a_message_that_could_never_be_sent(fields):
    with pytest.raises(ValidationError):
        queue(**fields)
    assert not OutboundEmail.objects.exists()


def test_the_worker_sends_a_message_through_djangos_mailer(settings):
    email = queue(body_html="<p>A colleague would like to check in.</p>")
    before = timezone.now()
    assert run_worker_once() == 1
    [sent] = mail.outbox
    assert sent.subject == SUBJECT
    assert sent.from_email == settings.DEFAULT_FROM_EMAIL
    assert sent.to == [RECIPIENT]
    assert "check in" in sent.body
    assert sent.alternatives[0].mimetype == "text/html"
    email.refresh_from_db()
    assert email.status == DueStatus.DONE
    assert email.message_id == sent.extra_headers["Message-ID"]
    assert email.message_id.endswith("@localhost>")
    assert before <= email.sent_at <= timezone.now()
    assert (email.body_text, email.body_html) == ("", "")


CALENDAR = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\nMETHOD:{method}\r\n"
    "BEGIN:VEVENT\r\nUID:session-1@alongside\r\nDTSTAMP:20270301T120000Z\r\n"
    "DTSTART:20270315T140000Z\r\nSUMMARY:Listening, with care\r\n"
    "END:VEVENT\r\nEND:VCALENDAR\r\n"
)


def mime_parts(sent) -> dict[str, object]:
    """The sent message as MIME, its parts by content type."""
    return {part.get_content_type(): part for part in sent.message().walk()}


@pytest.mark.parametrize("method", ["REQUEST", "CANCEL"])
def test_a_calendar_goes_as_an_invitation_part_and_an_ics_attachment(method):
    calendar = CALENDAR.format(method=method)
    queue(
        subject="Invitation: Listening, 15 Mar",
        purpose="training_invitation",
        calendar=calendar,
        calendar_method=method,
    )
    assert run_worker_once() == 1
    [sent] = mail.outbox
    parts = mime_parts(sent)
    assert list(parts) == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "text/calendar",
        "application/ics",
    ]
    invitation = parts["text/calendar"]
    assert invitation["Content-Type"].params == {"method": method, "charset": "utf-8"}
    assert not invitation.is_attachment()
    assert invitation.get_content().replace("\r\n", "\n") == calendar.replace(
        "\r\n", "\n"
    )
    attachment = parts["application/ics"]
    assert attachment.is_attachment()
    assert attachment.get_filename() == "invite.ics"
    assert attachment.get_content() == calendar.encode()
    assert "check in" in sent.body


def test_a_message_without_a_calendar_has_no_calendar_part():
    queue()
    run_worker_once()
    [sent] = mail.outbox
    assert sent.attachments == []
    assert "text/calendar" not in mime_parts(sent)


def test_the_calendar_is_cleared_with_the_bodies_after_sending():
    email = queue(calendar=CALENDAR.format(method="REQUEST"), calendar_method="REQUEST")
    assert email.calendar.startswith("BEGIN:VCALENDAR")
    run_worker_once()
    email.refresh_from_db()
    assert email.status == DueStatus.DONE
    assert (email.body_text, email.body_html, email.calendar) == ("", "", "")
    assert email.calendar_method == "REQUEST"


@pytest.mark.parametrize(
    "fields",
    [
        {"calendar": CALENDAR.format(method="PUBLISH"), "calendar_method": "PUBLISH"},
        {"calendar": CALENDAR.format(method="REQUEST"), "calendar_method": "request"},
        {"calendar": CALENDAR.format(method="REQUEST")},
        {"calendar_method": "CANCEL"},
    ],
)
def test_email_queue_refuses_a_calendar_without_request_or_cancel_as_its_method(
    fields,
):
    with pytest.raises(ValidationError) as refused:
        queue(**fields)
    assert "calendar_method" in refused.value.message_dict
    assert not OutboundEmail.objects.exists()


def test_when_the_mail_server_is_down_the_message_waits_and_is_retried(
    settings, mail_server_down
):
    email = queue()
    before = timezone.now()
    assert run_worker_once() == 0
    email.refresh_from_db()
    assert email.status == DueStatus.PENDING
    assert email.attempts == 1
    assert email.due_at - before >= datetime.timedelta(seconds=30)
    assert "Connection refused" in email.last_error
    assert "check in" in email.body_text

    settings.MAILERS = {
        "default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    }
    assert run_worker_once() == 0
    make_due_again(email)
    assert run_worker_once() == 1
    assert len(mail.outbox) == 1
    message_id = email.message_id
    email.refresh_from_db()
    assert (email.status, email.attempts) == (DueStatus.DONE, 2)
    assert email.message_id == message_id


def test_a_message_that_keeps_failing_is_shown_without_recipient_or_subject(
    mail_server_refusing_recipient,
):
    email = queue()
    OutboundEmail.objects.filter(pk=email.pk).update(max_attempts=2)
    for _ in range(2):
        make_due_again(email)
        run_worker_once()
    email.refresh_from_db()
    assert email.status == DueStatus.FAILED
    assert email.finished_at is not None
    assert "SMTPRecipientsRefused" in email.last_error
    assert "<recipient>" in email.last_error
    [failure] = recent_failures()
    assert (failure["queue"], failure["what"], failure["attempts"]) == (
        "E-mail",
        "outreach_offer",
        2,
    )
    shown = repr(failure).lower()
    assert RECIPIENT.lower() not in shown
    assert SUBJECT.lower() not in shown


def test_a_message_whose_worker_died_after_sending_goes_again_with_its_message_id():
    queue()
    [claimed] = claiming.claim_batch(
        OutboundEmail, worker_id="dead-worker", lease_seconds=60, limit=1
    )
    email_send(claimed)
    OutboundEmail.objects.update(lease_expires_at=timezone.now())
    assert run_worker_once() == 1
    first, second = mail.outbox
    assert first.extra_headers["Message-ID"] == second.extra_headers["Message-ID"]
    assert OutboundEmail.objects.get().status == DueStatus.DONE


def test_a_message_is_named_in_logs_without_its_recipient():
    email = queue()
    assert str(email) == f"outreach_offer e-mail #{email.pk}"


def test_purging_deletes_old_sent_and_failed_messages_only():
    now = timezone.now()
    days = datetime.timedelta(days=1)

    def finished(status, age):
        email = queue()
        OutboundEmail.objects.filter(pk=email.pk).update(
            status=status, finished_at=now - age
        )
        return email.pk

    kept = {
        finished(DueStatus.DONE, 29 * days),
        finished(DueStatus.FAILED, 89 * days),
        queue(due_at=now - 400 * days).pk,
    }
    finished(DueStatus.DONE, 31 * days)
    finished(DueStatus.FAILED, 91 * days)
    assert email_purge_old(now=now) == 2
    assert set(OutboundEmail.objects.values_list("pk", flat=True)) == kept


def test_the_purge_runs_as_a_daily_background_task():
    old = queue()
    OutboundEmail.objects.filter(pk=old.pk).update(
        status=DueStatus.DONE, finished_at=timezone.now() - datetime.timedelta(days=31)
    )
    Worker(worker_id="test-worker").run(once=True)
    assert not OutboundEmail.objects.exists()
