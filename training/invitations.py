"""E-mail about training sessions: invitations, updates, cancellations, reminders.

Each message is a short plain text saying what, when (local time, with the
time zone's abbreviation) and where, with a link to the supporter's own
training page. Invitations, updates and cancellations also carry the session
as a calendar object (see training.calendar), so the supporter's calendar
adds, moves or removes the event by itself.

A supporter with no work e-mail on the roster gets no message: these
functions return None and the session page is where they see it.
Messages are about training only; nothing in them touches a support case.
"""

import datetime

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import dateformat, timezone

from outbox.models import CalendarMethod, OutboundEmail
from outbox.services import email_queue
from training.calendar import session_calendar
from training.models import (
    Enrolment,
    EnrolmentStatus,
    Modality,
    SessionKind,
    TrainingSession,
)

KIND_PHRASES = {
    SessionKind.TRAINING: "a training session for peer supporters",
    SessionKind.ONGOING: "the regular meeting of peer supporters",
}


def session_invitation_queue(
    *,
    enrolment: Enrolment,
    method: str = "REQUEST",
    reason: str = "",
    update: bool = False,
) -> OutboundEmail | None:
    """Queue an invitation (REQUEST) or a cancellation (CANCEL) for one enrolment.

    A REQUEST with ``update`` goes to someone already invited after the
    session changed: its subject and text say the details changed, and its
    calendar replaces the earlier one (same UID, higher SEQUENCE). Someone
    enrolling after a change gets a plain invitation, with the current
    SEQUENCE all the same. A CANCEL for a cancelled session
    says so, with the reason when one is given; a CANCEL for a session still
    going ahead tells the supporter their place was released (they withdrew).

    Part of the caller's transaction, like every queued e-mail. Returns None,
    queuing nothing, when the supporter has no work e-mail.
    """
    if method not in CalendarMethod.values:
        raise ValueError(f"A session invitation is REQUEST or CANCEL: {method!r}")
    session = enrolment.session
    if method == CalendarMethod.REQUEST and session.is_cancelled:
        raise ValueError("A cancelled session can only be sent as CANCEL.")
    staff_member = enrolment.staff_member
    recipient = staff_member.work_email
    if not recipient:
        return None

    if method == CalendarMethod.CANCEL:
        label, purpose = "Cancelled", "training_cancellation"
        template = (
            "session_cancelled.txt" if session.is_cancelled else "session_released.txt"
        )
    elif update:
        label, purpose, template = "Updated", "training_update", "session_update.txt"
    else:
        label, purpose = "Invitation", "training_invitation"
        template = "session_invitation.txt"

    context = _context(enrolment) | {"reason": reason.strip()}
    return email_queue(
        recipient=recipient,
        subject=f"{label}: {_one_line(session.title)}, {_short_date(session)}",
        body_text=render_to_string(f"training/email/{template}", context),
        purpose=purpose,
        calendar=session_calendar(
            session=session,
            attendee_email=recipient,
            attendee_name=staff_member.full_name,
            method=method,
        ),
        calendar_method=method,
    )


def session_reminder_queue(*, enrolment: Enrolment) -> OutboundEmail | None:
    """Queue a reminder of a session to one enrolled supporter, without a calendar.

    Returns None, queuing nothing, when the supporter has no work e-mail, is
    not (or no longer) enrolled, or the session was cancelled: a reminder of
    something that is not happening would only confuse.
    """
    session = enrolment.session
    recipient = enrolment.staff_member.work_email
    if (
        not recipient
        or enrolment.status != EnrolmentStatus.ENROLLED
        or session.is_cancelled
    ):
        return None
    starts_at = _local(session.starts_at)
    return email_queue(
        recipient=recipient,
        subject=(
            f"Reminder: {_one_line(session.title)}, {_short_date(session)} "
            f"at {dateformat.format(starts_at, 'H:i T')}"
        ),
        body_text=render_to_string(
            "training/email/session_reminder.txt", _context(enrolment)
        ),
        purpose="training_reminder",
    )


def _context(enrolment: Enrolment) -> dict:
    session = enrolment.session
    return {
        "first_name": enrolment.staff_member.first_name,
        "title": _one_line(session.title),
        "kind_phrase": KIND_PHRASES.get(session.kind, "a peer support session"),
        "when": session_when(session),
        "where": session_where(session),
        "remote": session.modality == Modality.REMOTE,
        "modules": [module.title for module in session.modules.all()],
        "training_link": f"{settings.SITE_URL}/training/me/",
    }


def session_when(session: TrainingSession) -> str:
    """'Monday 15 March 2027, 10:00 to 12:00 EDT', in the organization's time zone."""
    starts_at, ends_at = _local(session.starts_at), _local(session.ends_at)
    day = dateformat.format(starts_at, "l j F Y")
    if starts_at.date() == ends_at.date():
        return (
            f"{day}, {dateformat.format(starts_at, 'H:i')} to "
            f"{dateformat.format(ends_at, 'H:i T')}"
        )
    return (
        f"{day}, {dateformat.format(starts_at, 'H:i T')} to "
        f"{dateformat.format(ends_at, 'l j F Y, H:i T')}"
    )


def session_where(session: TrainingSession) -> str:
    """The room, or the meeting link, or what is still to come."""
    if session.modality == Modality.REMOTE:
        if session.meeting_link:
            return f"Online: {session.meeting_link}"
        return "Online; the link will follow"
    return session.room or "In person; the room will follow"


def _local(moment: datetime.datetime) -> datetime.datetime:
    # The organization's zone, not whichever zone a request may have activated.
    return timezone.localtime(moment, timezone.get_default_timezone())


def _short_date(session: TrainingSession) -> str:
    return dateformat.format(_local(session.starts_at), "j M")


def _one_line(text: str) -> str:
    return " ".join(text.split())
