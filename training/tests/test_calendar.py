"""Training sessions as iCalendar objects, read back with an independent parser."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from ical.calendar import Calendar
from ical.calendar_stream import IcsCalendarStream
from ical.event import EventStatus
from ical.timezone import IcsTimezoneInfo

from alongside.testing.cast import make_staff_member
from training.calendar import PRODID, session_calendar
from training.models import Modality, TrainingModule, TrainingSession

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")
UTC = datetime.UTC
ATTENDEE = "priya.supporter@hospital.test"


def make_session(
    cast,
    *,
    starts_at: datetime.datetime | None = None,
    length: datetime.timedelta = datetime.timedelta(hours=2),
    modules: int = 2,
    **fields,
) -> TrainingSession:
    """A session built directly, by default in person at 10:00 New York time."""
    starts_at = starts_at or datetime.datetime(2027, 3, 15, 10, tzinfo=NEW_YORK)
    values = {
        "title": "Listening after a hard day",
        "starts_at": starts_at,
        "ends_at": starts_at + length,
        "modality": Modality.IN_PERSON,
        "room": "Room 4B, North Hospital",
        "private_setting_confirmed": True,
        "facilitator": make_staff_member(
            cast.org, first_name="Fran", last_name="Facilitator"
        ),
        "created_by": cast.director,
    }
    session = TrainingSession.objects.create(**(values | fields))
    session.modules.set(TrainingModule.objects.order_by("sort_order")[:modules])
    return session


def ics_for(session, method="REQUEST") -> str:
    return session_calendar(
        session=session,
        attendee_email=ATTENDEE,
        attendee_name="Priya Supporter",
        method=method,
    )


def parse(ics: str) -> Calendar:
    return IcsCalendarStream.calendar_from_ics(ics)


def test_an_invitation_parses_with_the_sessions_details(cast, settings):
    session = make_session(cast)
    before = datetime.datetime.now(UTC).replace(microsecond=0)
    calendar = parse(ics_for(session))
    assert calendar.prodid == PRODID == "-//Alongside//Peer support training//EN"
    assert calendar.version == "2.0"
    assert calendar.method == "REQUEST"
    [event] = calendar.events
    assert event.uid == f"{session.uid}@alongside"
    assert event.sequence == 0
    assert event.status == EventStatus.CONFIRMED
    assert event.summary == "Listening after a hard day"
    assert event.location == "Room 4B, North Hospital"
    assert event.url is None
    assert event.dtend - event.dtstart == datetime.timedelta(hours=2)
    assert before <= event.dtstamp <= datetime.datetime.now(UTC)
    for module in session.modules.all():
        assert module.title in event.description
    assert "a private setting" in event.description
    assert f"{settings.SITE_URL}/training/me/" in event.description


def test_the_stamp_is_written_in_utc(cast):
    [stamp] = [
        line for line in ics_for(make_session(cast)).splitlines() if "DTSTAMP" in line
    ]
    assert stamp.startswith("DTSTAMP:")
    assert stamp.endswith("Z")


def test_the_attendee_is_a_required_participant_not_asked_to_reply(cast):
    [event] = parse(ics_for(make_session(cast))).events
    [attendee] = event.attendees
    assert attendee.uri == f"mailto:{ATTENDEE}"
    assert attendee.common_name == "Priya Supporter"
    assert attendee.role == "REQ-PARTICIPANT"
    assert attendee.status == "NEEDS-ACTION"
    assert attendee.rsvp is False


def test_the_organizer_is_the_programs_sending_address(cast, settings):
    settings.DEFAULT_FROM_EMAIL = "Peer support <peer.support@hospital.test>"
    settings.ORGANIZATION_NAME = "Riverside Health"
    [event] = parse(ics_for(make_session(cast))).events
    assert event.organizer.uri == "mailto:peer.support@hospital.test"
    assert event.organizer.common_name == "Riverside Health peer support program"


def test_an_invitation_reminds_an_hour_before(cast):
    [event] = parse(ics_for(make_session(cast))).events
    [alarm] = event.alarm
    assert alarm.action == "DISPLAY"
    assert alarm.trigger == -datetime.timedelta(hours=1)
    assert alarm.description


@pytest.mark.parametrize(
    ("local_start", "utc_start"),
    [
        pytest.param(
            datetime.datetime(2027, 3, 12, 10),
            datetime.datetime(2027, 3, 12, 15),
            id="friday-before-spring-forward-EST",
        ),
        pytest.param(
            datetime.datetime(2027, 3, 15, 10),
            datetime.datetime(2027, 3, 15, 14),
            id="monday-after-spring-forward-EDT",
        ),
        pytest.param(
            datetime.datetime(2027, 11, 5, 10),
            datetime.datetime(2027, 11, 5, 14),
            id="friday-before-fall-back-EDT",
        ),
        pytest.param(
            datetime.datetime(2027, 11, 8, 10),
            datetime.datetime(2027, 11, 8, 15),
            id="monday-after-fall-back-EST",
        ),
    ],
)
def test_a_session_at_ten_in_new_york_is_at_the_right_instant_around_dst(
    cast, local_start, utc_start
):
    session = make_session(cast, starts_at=local_start.replace(tzinfo=NEW_YORK))
    ics = ics_for(session)
    stamp = local_start.strftime("%Y%m%dT%H%M%S")
    assert f"DTSTART;TZID=America/New_York:{stamp}" in ics.splitlines()
    [event] = parse(ics).events
    assert event.dtstart.astimezone(UTC) == utc_start.replace(tzinfo=UTC)
    assert event.dtend.astimezone(UTC) == (
        utc_start + datetime.timedelta(hours=2)
    ).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "local_start", "utc_start"),
    [
        ("America/New_York", "2027-01-15T10:00", "2027-01-15T15:00"),
        ("America/New_York", "2027-03-12T10:00", "2027-03-12T15:00"),
        ("America/New_York", "2027-03-15T10:00", "2027-03-15T14:00"),
        ("America/New_York", "2027-11-05T10:00", "2027-11-05T14:00"),
        ("America/New_York", "2027-11-08T10:00", "2027-11-08T15:00"),
        ("America/New_York", "2027-12-30T10:00", "2027-12-30T15:00"),
        ("Europe/Berlin", "2027-03-26T09:00", "2027-03-26T08:00"),
        ("Europe/Berlin", "2027-03-29T09:00", "2027-03-29T07:00"),
        ("Australia/Sydney", "2027-04-02T09:00", "2027-04-01T22:00"),
        ("Australia/Sydney", "2027-04-05T09:00", "2027-04-04T23:00"),
    ],
)
def test_the_vtimezone_alone_places_the_session_at_the_right_instant(
    cast, settings, zone, local_start, utc_start
):
    """What a client that does not know the zone's name sees: it has only the VTIMEZONE."""
    settings.TIME_ZONE = zone
    starts_at = datetime.datetime.fromisoformat(local_start).replace(
        tzinfo=ZoneInfo(zone)
    )
    ics = ics_for(make_session(cast, starts_at=starts_at))
    calendar = parse(ics.replace(zone, "Program-Local-Time"))
    [vtimezone] = calendar.timezones
    assert vtimezone.tz_id == "Program-Local-Time"
    [event] = calendar.events
    assert isinstance(event.dtstart.tzinfo, IcsTimezoneInfo)
    expected = datetime.datetime.fromisoformat(utc_start).replace(tzinfo=UTC)
    assert event.dtstart.astimezone(UTC) == expected
    assert event.dtend.astimezone(UTC) == expected + datetime.timedelta(hours=2)


def test_the_vtimezone_gives_yearly_rules_as_outlook_expects(cast):
    """Outlook misreads changes listed one by one (RDATE); it reads yearly rules."""
    ics = ics_for(make_session(cast))
    vtimezone = ics[ics.index("BEGIN:VTIMEZONE") : ics.index("END:VTIMEZONE")]
    assert "RDATE" not in vtimezone
    assert "RRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3" in vtimezone.splitlines()
    assert "RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11" in vtimezone.splitlines()
    # RFC 5545: an observance starts at the local time before the change.
    assert "DTSTART:20260308T020000" in vtimezone.splitlines()
    assert "DTSTART:20261101T020000" in vtimezone.splitlines()


def test_a_zone_whose_changes_follow_no_yearly_rule_lists_them_instead(cast, settings):
    """Israel moves its clocks on the Friday before the last Sunday of March."""
    settings.TIME_ZONE = "Asia/Jerusalem"
    starts_at = datetime.datetime(2027, 3, 29, 9, tzinfo=ZoneInfo("Asia/Jerusalem"))
    ics = ics_for(make_session(cast, starts_at=starts_at))
    vtimezone = ics[ics.index("BEGIN:VTIMEZONE") : ics.index("END:VTIMEZONE")]
    assert "TZID:Asia/Jerusalem" in vtimezone.splitlines()
    assert "RRULE" not in vtimezone
    assert "RDATE" in vtimezone
    [event] = parse(ics).events
    assert event.dtstart.astimezone(UTC) == datetime.datetime(
        2027, 3, 29, 6, tzinfo=UTC
    )


def test_a_zone_without_daylight_saving_has_one_standard_observance(cast, settings):
    settings.TIME_ZONE = "Asia/Tokyo"
    starts_at = datetime.datetime(2027, 3, 15, 9, tzinfo=ZoneInfo("Asia/Tokyo"))
    ics = ics_for(make_session(cast, starts_at=starts_at))
    vtimezone = ics[ics.index("BEGIN:VTIMEZONE") : ics.index("END:VTIMEZONE")]
    assert vtimezone.count("BEGIN:") == 2
    assert "BEGIN:STANDARD" in vtimezone
    assert "TZOFFSETFROM:+0900" in vtimezone.splitlines()
    assert "TZOFFSETTO:+0900" in vtimezone.splitlines()
    [event] = parse(ics).events
    assert event.dtstart.astimezone(UTC) == datetime.datetime(
        2027, 3, 15, 0, tzinfo=UTC
    )


def test_times_in_utc_need_no_vtimezone(cast, settings):
    settings.TIME_ZONE = "UTC"
    starts_at = datetime.datetime(2027, 3, 15, 14, tzinfo=UTC)
    ics = ics_for(make_session(cast, starts_at=starts_at))
    assert "DTSTART:20270315T140000Z" in ics.splitlines()
    assert "BEGIN:VTIMEZONE" not in ics
    [event] = parse(ics).events
    assert event.dtstart == starts_at


def test_the_calendar_carries_a_vtimezone_for_the_zone_it_uses(cast):
    ics = ics_for(make_session(cast))
    lines = ics.splitlines()
    assert lines.index("BEGIN:VTIMEZONE") < lines.index("BEGIN:VEVENT")
    [zone] = parse(ics).timezones
    assert zone.tz_id == "America/New_York"
    assert {"EST", "EDT"} <= {
        name for part in zone.standard + zone.daylight for name in part.tz_name
    }


def test_times_follow_the_configured_time_zone(cast, settings):
    settings.TIME_ZONE = "Europe/Berlin"
    berlin = ZoneInfo("Europe/Berlin")
    session = make_session(
        cast, starts_at=datetime.datetime(2027, 3, 29, 9, tzinfo=berlin)
    )
    ics = ics_for(session)
    assert "DTSTART;TZID=Europe/Berlin:20270329T090000" in ics.splitlines()
    [zone] = parse(ics).timezones
    assert zone.tz_id == "Europe/Berlin"
    [event] = parse(ics).events
    assert event.dtstart.astimezone(UTC) == datetime.datetime(
        2027, 3, 29, 7, tzinfo=UTC
    )


def test_the_uid_stays_while_the_sequence_rises_to_the_cancellation(cast):
    session = make_session(cast)
    [invitation] = parse(ics_for(session)).events
    session.sequence = 1
    session.save()
    [update] = parse(ics_for(session)).events
    session.sequence = 2
    session.save()
    cancellation = parse(ics_for(session, method="CANCEL"))

    [cancelled] = cancellation.events
    assert invitation.uid == update.uid == cancelled.uid == f"{session.uid}@alongside"
    assert (invitation.sequence, update.sequence, cancelled.sequence) == (0, 1, 2)
    assert cancellation.method == "CANCEL"
    assert cancelled.status == EventStatus.CANCELLED
    assert cancelled.alarm == []


def test_a_remote_session_gives_its_meeting_link_as_location_and_url(cast):
    link = "https://meet.hospital.test/peer-training-42"
    session = make_session(cast, modality=Modality.REMOTE, room="", meeting_link=link)
    [event] = parse(ics_for(session)).events
    assert event.location == link
    assert event.url == link
    assert link in event.description
    assert "a private setting" in event.description


def test_a_meeting_without_modules_leaves_them_out_of_the_description(cast):
    [event] = parse(ics_for(make_session(cast, modules=0))).events
    assert "Modules" not in event.description


def test_another_method_is_refused(cast):
    with pytest.raises(ValueError, match="REQUEST or CANCEL"):
        ics_for(make_session(cast), method="PUBLISH")
