"""E-mail about training sessions: invitations, updates, cancellations and reminders."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone
from ical.calendar_stream import IcsCalendarStream
from ical.event import EventStatus

from alongside.testing.cast import make_staff_member
from outbox.models import OutboundEmail
from training.invitations import session_invitation_queue, session_reminder_queue
from training.models import Enrolment, EnrolmentStatus, Modality, SessionStatus
from training.tests.test_calendar import make_session
from worker.models import DueStatus
from worker.runner import Worker

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")
TRAINING_PAGE = "http://alongside.test/training/me/"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "http://alongside.test"
    settings.TIME_ZONE = "America/New_York"


@pytest.fixture
def enrolment(cast):
    return Enrolment.objects.create(
        session=make_session(cast), staff_member=cast.supporter.staff_member
    )


def parse(email: OutboundEmail):
    return IcsCalendarStream.calendar_from_ics(email.calendar)


def change(session, **fields) -> None:
    """What training.services does to a session before telling people: a new sequence."""
    for name, value in fields.items():
        setattr(session, name, value)
    session.sequence += 1
    session.save()


def test_an_invitation_goes_to_the_supporters_work_email_with_the_session(
    cast, enrolment
):
    email = session_invitation_queue(enrolment=enrolment)
    supporter = cast.supporter.staff_member
    assert email.recipient == supporter.work_email
    assert email.subject == "Invitation: Listening after a hard day, 15 Mar"
    assert email.purpose == "training_invitation"
    assert email.status == DueStatus.PENDING
    assert f"Dear {supporter.first_name}," in email.body_text
    assert "When: Monday 15 March 2027, 10:00 to 12:00 EDT" in email.body_text
    assert "Where: Room 4B, North Hospital" in email.body_text
    assert TRAINING_PAGE in email.body_text
    for module in enrolment.session.modules.all():
        assert module.title in email.body_text


def test_an_invitation_carries_the_session_as_a_calendar_request(cast, enrolment):
    email = session_invitation_queue(enrolment=enrolment)
    assert email.calendar_method == "REQUEST"
    calendar = parse(email)
    assert calendar.method == "REQUEST"
    [event] = calendar.events
    assert event.uid == f"{enrolment.session.uid}@alongside"
    assert event.sequence == 0
    assert event.dtstart.astimezone(datetime.UTC) == datetime.datetime(
        2027, 3, 15, 14, tzinfo=datetime.UTC
    )
    [attendee] = event.attendees
    supporter = cast.supporter.staff_member
    assert attendee.uri == f"mailto:{supporter.work_email}"
    assert attendee.common_name == supporter.full_name


def test_a_session_just_before_the_spring_change_is_in_eastern_standard_time(cast):
    session = make_session(
        cast, starts_at=datetime.datetime(2027, 3, 12, 10, tzinfo=NEW_YORK)
    )
    enrolment = Enrolment.objects.create(
        session=session, staff_member=cast.supporter.staff_member
    )
    email = session_invitation_queue(enrolment=enrolment)
    assert email.subject == "Invitation: Listening after a hard day, 12 Mar"
    assert "When: Friday 12 March 2027, 10:00 to 12:00 EST" in email.body_text
    [event] = parse(email).events
    assert event.dtstart.astimezone(datetime.UTC) == datetime.datetime(
        2027, 3, 12, 15, tzinfo=datetime.UTC
    )


def test_an_update_says_the_details_changed_and_raises_the_sequence(enrolment):
    first = session_invitation_queue(enrolment=enrolment)
    change(enrolment.session, room="Room 7, South Hospital")
    update = session_invitation_queue(enrolment=enrolment, update=True)
    assert update.subject == "Updated: Listening after a hard day, 15 Mar"
    assert update.purpose == "training_update"
    assert "have changed" in update.body_text
    assert "Where: Room 7, South Hospital" in update.body_text
    assert update.calendar_method == "REQUEST"
    [before], [after] = parse(first).events, parse(update).events
    assert after.uid == before.uid
    assert (before.sequence, after.sequence) == (0, 1)
    assert after.location == "Room 7, South Hospital"
    assert after.status == EventStatus.CONFIRMED


def test_a_cancellation_keeps_the_uid_and_cancels_the_event_with_the_reason(
    enrolment,
):
    invitation = session_invitation_queue(enrolment=enrolment)
    change(enrolment.session, title="Listening after a hard day, part 1")
    update = session_invitation_queue(enrolment=enrolment, update=True)
    change(enrolment.session, status=SessionStatus.CANCELLED)
    cancellation = session_invitation_queue(
        enrolment=enrolment, method="CANCEL", reason="The facilitator is unwell."
    )
    assert cancellation.subject == (
        "Cancelled: Listening after a hard day, part 1, 15 Mar"
    )
    assert cancellation.purpose == "training_cancellation"
    assert "has been cancelled" in cancellation.body_text
    assert "The facilitator is unwell." in cancellation.body_text
    assert cancellation.calendar_method == "CANCEL"
    calendar = parse(cancellation)
    assert calendar.method == "CANCEL"
    [event] = calendar.events
    assert event.status == EventStatus.CANCELLED
    uids = {parse(email).events[0].uid for email in (invitation, update, cancellation)}
    assert uids == {f"{enrolment.session.uid}@alongside"}
    sequences = [
        parse(email).events[0].sequence for email in (invitation, update, cancellation)
    ]
    assert sequences == [0, 1, 2]


def test_a_cancellation_without_a_reason_just_says_so(enrolment):
    change(enrolment.session, status=SessionStatus.CANCELLED)
    email = session_invitation_queue(enrolment=enrolment, method="CANCEL")
    assert "has been cancelled.\n\nThe attached cancellation" in email.body_text


def test_a_supporter_who_gives_up_their_place_is_told_the_session_goes_ahead(
    enrolment,
):
    enrolment.status = EnrolmentStatus.WITHDRAWN
    enrolment.save()
    email = session_invitation_queue(enrolment=enrolment, method="CANCEL")
    assert email.subject == "Cancelled: Listening after a hard day, 15 Mar"
    assert "has been given up" in email.body_text
    assert "goes ahead" in email.body_text
    assert "has been cancelled" not in email.body_text
    calendar = parse(email)
    assert calendar.method == "CANCEL"
    assert calendar.events[0].status == EventStatus.CANCELLED


def test_a_remote_session_gives_its_meeting_link_and_asks_for_a_private_place(cast):
    link = "https://meet.hospital.test/peer-training-42"
    session = make_session(cast, modality=Modality.REMOTE, room="", meeting_link=link)
    enrolment = Enrolment.objects.create(
        session=session, staff_member=cast.supporter.staff_member
    )
    email = session_invitation_queue(enrolment=enrolment)
    assert f"Where: Online: {link}" in email.body_text
    assert "private place" in email.body_text
    assert parse(email).events[0].location == link


def test_a_supporter_without_a_work_email_gets_nothing_queued(cast):
    staff_member = make_staff_member(cast.org, work_email="")
    enrolment = Enrolment.objects.create(
        session=make_session(cast), staff_member=staff_member
    )
    assert session_invitation_queue(enrolment=enrolment) is None
    assert session_reminder_queue(enrolment=enrolment) is None
    change(enrolment.session, status=SessionStatus.CANCELLED)
    assert session_invitation_queue(enrolment=enrolment, method="CANCEL") is None
    assert not OutboundEmail.objects.exists()


def test_an_invitation_to_a_cancelled_session_is_refused(enrolment):
    change(enrolment.session, status=SessionStatus.CANCELLED)
    with pytest.raises(ValueError, match="CANCEL"):
        session_invitation_queue(enrolment=enrolment)
    assert not OutboundEmail.objects.exists()


def test_another_method_is_refused(enrolment):
    with pytest.raises(ValueError, match="REQUEST or CANCEL"):
        session_invitation_queue(enrolment=enrolment, method="PUBLISH")


def test_a_reminder_says_when_and_where_without_a_calendar(enrolment):
    email = session_reminder_queue(enrolment=enrolment)
    assert email.subject == "Reminder: Listening after a hard day, 15 Mar at 10:00 EDT"
    assert email.purpose == "training_reminder"
    assert "When: Monday 15 March 2027, 10:00 to 12:00 EDT" in email.body_text
    assert "Where: Room 4B, North Hospital" in email.body_text
    assert TRAINING_PAGE in email.body_text
    assert (email.calendar, email.calendar_method) == ("", "")


def test_no_reminder_goes_for_a_cancelled_session_or_a_place_given_up(cast, enrolment):
    enrolment.status = EnrolmentStatus.WITHDRAWN
    enrolment.save()
    assert session_reminder_queue(enrolment=enrolment) is None
    waiting = Enrolment.objects.create(
        session=enrolment.session,
        staff_member=cast.other_supporter.staff_member,
        status=EnrolmentStatus.WAITING,
    )
    assert session_reminder_queue(enrolment=waiting) is None
    waiting.status = EnrolmentStatus.ENROLLED
    waiting.save()
    change(enrolment.session, status=SessionStatus.CANCELLED)
    assert session_reminder_queue(enrolment=waiting) is None
    assert not OutboundEmail.objects.exists()


def test_times_are_the_organizations_even_when_another_zone_is_active(enrolment):
    with timezone.override(ZoneInfo("Asia/Tokyo")):
        email = session_invitation_queue(enrolment=enrolment)
        reminder = session_reminder_queue(enrolment=enrolment)
    assert "10:00 to 12:00 EDT" in email.body_text
    assert reminder.subject.endswith("15 Mar at 10:00 EDT")
    assert "DTSTART;TZID=America/New_York:20270315T100000" in email.calendar


def test_a_title_on_two_lines_still_makes_a_one_line_subject(cast):
    session = make_session(cast, title="Listening\nafter a hard day")
    enrolment = Enrolment.objects.create(
        session=session, staff_member=cast.supporter.staff_member
    )
    email = session_invitation_queue(enrolment=enrolment)
    assert email.subject == "Invitation: Listening after a hard day, 15 Mar"


def test_the_queued_invitation_is_sent_with_its_calendar_part_and_attachment(
    enrolment,
):
    queued = session_invitation_queue(enrolment=enrolment)
    assert Worker(worker_id="test-worker", recurring_tasks=[]).run(once=True) == 1
    [sent] = mail.outbox
    assert sent.to == [queued.recipient]
    assert sent.subject == "Invitation: Listening after a hard day, 15 Mar"
    parts = {part.get_content_type(): part for part in sent.message().walk()}
    invitation = parts["text/calendar"]
    assert invitation["Content-Type"].params["method"] == "REQUEST"
    calendar = IcsCalendarStream.calendar_from_ics(invitation.get_content())
    assert calendar.events[0].uid == f"{enrolment.session.uid}@alongside"
    attachment = parts["application/ics"]
    assert attachment.get_filename() == "invite.ics"
    assert attachment.get_content().decode() == queued.calendar
    queued.refresh_from_db()
    assert (queued.status, queued.calendar, queued.body_text) == (
        DueStatus.DONE,
        "",
        "",
    )


def test_the_queued_cancellation_is_sent_with_method_cancel(enrolment):
    change(enrolment.session, status=SessionStatus.CANCELLED)
    session_invitation_queue(enrolment=enrolment, method="CANCEL")
    Worker(worker_id="test-worker", recurring_tasks=[]).run(once=True)
    [sent] = mail.outbox
    parts = {part.get_content_type(): part for part in sent.message().walk()}
    assert parts["text/calendar"]["Content-Type"].params["method"] == "CANCEL"
    assert "METHOD:CANCEL" in parts["text/calendar"].get_content()


def test_someone_enrolling_after_a_change_gets_a_plain_invitation(enrolment):
    session = enrolment.session
    session.sequence = 2
    session.save()
    invitation = session_invitation_queue(enrolment=enrolment)
    assert invitation.subject.startswith("Invitation: ")
    assert parse(invitation).events[0].sequence == 2
