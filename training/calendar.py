"""Training sessions as calendar events (iCalendar, RFC 5545; iTIP, RFC 5546).

One function builds the calendar object an invitation, an update or a
cancellation carries. Every message about a session has the same UID and the
session's current SEQUENCE, so a calendar client files an update over the
first invitation and removes the event on a cancellation, instead of adding
a second one.

Times are written in the organization's time zone (``settings.TIME_ZONE``)
with that zone's VTIMEZONE definition included, so a session at 10:00 in
New York shows at 10:00 New York time on either side of a daylight-saving
change, even in a client that does not know the zone's name.

The VTIMEZONE is written the way Google Calendar and Exchange write theirs:
one STANDARD and one DAYLIGHT part, each with a yearly RRULE ("second Sunday
of March"). icalendar's own generator lists each change as an RDATE instead;
that is valid RFC 5545, but Outlook misreads it and puts events an hour out,
and so does the ``ical`` parser. A zone whose changes follow no such rule
(or whose rule changes within a year of the session) falls back to
icalendar's RDATE form, which is still correct for every client that
follows the standard.

The event is about training only: nothing in it touches anyone's support
case or health.
"""

import datetime
import functools
from calendar import monthrange
from dataclasses import dataclass
from email.utils import parseaddr
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import (
    Alarm,
    Calendar,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vCalAddress,
)

from outbox.models import CalendarMethod
from training.models import Modality, TrainingSession

PRODID = "-//Alongside//Peer support training//EN"
REMINDER_BEFORE = datetime.timedelta(hours=1)


def session_uid(session: TrainingSession) -> str:
    """The session's identity in every calendar: the same for all its messages."""
    return f"{session.uid}@alongside"


def session_calendar(
    *,
    session: TrainingSession,
    attendee_email: str,
    attendee_name: str,
    method: str,
) -> str:
    """An iCalendar object inviting one attendee to a session, or cancelling it.

    ``method`` is REQUEST (an invitation, or an update when the session's
    sequence has been raised) or CANCEL. Attendees are not asked to reply
    (RSVP=FALSE): enrolment happens in Alongside, not in a calendar.
    """
    if method not in CalendarMethod.values:
        raise ValueError(f"A session calendar is sent as REQUEST or CANCEL: {method!r}")
    zone = timezone.get_default_timezone()
    starts_at = session.starts_at.astimezone(zone)
    ends_at = session.ends_at.astimezone(zone)

    event = Event()
    event.add("uid", session_uid(session))
    event.add("sequence", session.sequence)
    event.add("dtstamp", timezone.now().astimezone(datetime.UTC))
    event.add("dtstart", starts_at)
    event.add("dtend", ends_at)
    event.add("summary", session.title)
    event.add("description", _description(session))
    location = _location(session)
    if location:
        event.add("location", location)
    if session.modality == Modality.REMOTE and session.meeting_link:
        event.add("url", session.meeting_link)
    event.add("organizer", _organizer())
    event.add(
        "attendee",
        vCalAddress.new(
            attendee_email,
            cn=attendee_name,
            role="REQ-PARTICIPANT",
            partstat="NEEDS-ACTION",
            rsvp=False,
        ),
    )
    if method == CalendarMethod.REQUEST:
        event.add("status", "CONFIRMED")
        event.add_component(_reminder(session))
    else:
        event.add("status", "CANCELLED")

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    calendar.add_component(event)
    # Times in UTC (TIME_ZONE = "UTC") are written with "Z" and need none.
    for tzid in calendar.get_missing_tzids():
        calendar.subcomponents.insert(
            0, vtimezone(zone, tzid=tzid, year=starts_at.year)
        )
    return calendar.to_ical().decode()


def vtimezone(zone: datetime.tzinfo, *, tzid: str, year: int) -> Timezone:
    """A VTIMEZONE for ``zone``, right from a year before ``year`` onwards.

    Yearly rules when the zone's changes in the three years around ``year``
    follow one (see the module's docs); otherwise each change, listed.
    """
    first = datetime.date(year - 1, 1, 1)
    last = datetime.date(year + 2, 1, 1)
    key = getattr(zone, "key", None)
    changes = _changes(key, year) if isinstance(zone, ZoneInfo) and key else None
    if changes is None:
        return Timezone.from_tzinfo(zone, tzid=tzid, first_date=first, last_date=last)
    component = Timezone()
    component.add("tzid", tzid)
    if not changes:
        # No daylight saving: one observance since long before any session.
        offset = datetime.datetime.combine(first, datetime.time(), zone)
        observance = TimezoneStandard()
        observance.add("dtstart", datetime.datetime(1970, 1, 1))
        observance.add("tzoffsetfrom", offset.utcoffset())
        observance.add("tzoffsetto", offset.utcoffset())
        observance.add("tzname", offset.tzname() or tzid)
        component.add_component(observance)
        return component
    rules = _yearly_rules(changes, years=range(year - 1, year + 2))
    if rules is None:
        return Timezone.from_tzinfo(zone, tzid=tzid, first_date=first, last_date=last)
    for change, (month, weekday) in rules:
        observance = TimezoneDaylight() if change.is_dst else TimezoneStandard()
        observance.add("dtstart", change.onset)
        observance.add("rrule", {"freq": "yearly", "bymonth": month, "byday": weekday})
        observance.add("tzoffsetfrom", change.offset_from)
        observance.add("tzoffsetto", change.offset_to)
        observance.add("tzname", change.name)
        component.add_component(observance)
    return component


@dataclass(frozen=True)
class _Change:
    """One change of a zone's offset. ``onset`` is local time before the change,
    as RFC 5545 wants a VTIMEZONE observance's DTSTART."""

    onset: datetime.datetime
    offset_from: datetime.timedelta
    offset_to: datetime.timedelta
    name: str
    is_dst: bool

    @property
    def kind(self) -> tuple:
        return (self.is_dst, self.offset_from, self.offset_to, self.name)


_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _yearly_rules(
    changes: tuple[_Change, ...], *, years: range
) -> list[tuple[_Change, tuple[int, str]]] | None:
    """Each kind of change with its yearly rule (month, BYDAY), if every kind
    happens once a year, every year, on the same weekday of the month."""
    kinds: dict[tuple, list[_Change]] = {}
    for change in changes:
        kinds.setdefault(change.kind, []).append(change)
    rules = []
    for same_kind in kinds.values():
        first = same_kind[0]
        rule = _nth_weekday(first.onset)
        if [change.onset.year for change in same_kind] != list(years):
            return None
        for change in same_kind:
            if (
                _nth_weekday(change.onset) != rule
                or change.onset.time() != first.onset.time()
            ):
                return None
        rules.append((first, rule))
    return rules


def _nth_weekday(moment: datetime.datetime) -> tuple[int, str]:
    """(month, BYDAY): "2SU" for the second Sunday, "-1SU" for the last one."""
    days_in_month = monthrange(moment.year, moment.month)[1]
    nth = -1 if moment.day > days_in_month - 7 else (moment.day - 1) // 7 + 1
    return moment.month, f"{nth}{_WEEKDAYS[moment.weekday()]}"


@functools.lru_cache(maxsize=32)
def _changes(key: str, year: int) -> tuple[_Change, ...]:
    """Every change of the zone's offset or name from the year before ``year``
    to the end of the year after, found by stepping a day at a time and then
    halving to the second."""
    zone = ZoneInfo(key)
    start = datetime.datetime(year - 1, 1, 1, tzinfo=datetime.UTC)
    end = datetime.datetime(year + 2, 1, 1, tzinfo=datetime.UTC)

    def state(seconds: int) -> tuple:
        local = datetime.datetime.fromtimestamp(seconds, zone)
        return (local.utcoffset(), bool(local.dst()), local.tzname())

    changes = []
    day = 24 * 60 * 60
    now, current = int(start.timestamp()), state(int(start.timestamp()))
    while now < end.timestamp():
        if state(now + day) == current:
            now += day
            continue
        low, high = now, now + day
        while high - low > 1:
            middle = (low + high) // 2
            if state(middle) == current:
                low = middle
            else:
                high = middle
        after = state(high)
        offset_from = current[0]
        changes.append(
            _Change(
                onset=datetime.datetime.fromtimestamp(high, datetime.UTC).replace(
                    tzinfo=None
                )
                + offset_from,
                offset_from=offset_from,
                offset_to=after[0],
                name=after[2] or "",
                is_dst=after[1],
            )
        )
        now, current = high, after
    return tuple(changes)


def _location(session: TrainingSession) -> str:
    if session.modality == Modality.REMOTE:
        return session.meeting_link
    return session.room


def _description(session: TrainingSession) -> str:
    paragraphs = [f"{session.get_kind_display()} of the peer support program."]
    modules = [module.title for module in session.modules.all()]
    if modules:
        paragraphs.append("Modules covered: " + "; ".join(modules) + ".")
    if session.modality == Modality.REMOTE:
        where = "Please join from a private setting, where nobody can overhear you"
        if session.meeting_link:
            where += f": {session.meeting_link}"
        paragraphs.append(where + ("" if session.meeting_link else "."))
    else:
        where = "In person, in a private setting"
        if session.room:
            where += f": {session.room}"
        paragraphs.append(where + ".")
    paragraphs.append(f"Your training: {settings.SITE_URL}/training/me/")
    return "\n\n".join(paragraphs)


def _organizer() -> vCalAddress:
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or settings.DEFAULT_FROM_EMAIL
    return vCalAddress.new(
        address, cn=f"{settings.ORGANIZATION_NAME} peer support program"
    )


def _reminder(session: TrainingSession) -> Alarm:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", f"{session.title} starts in an hour")
    alarm.add("trigger", -REMINDER_BEFORE)
    return alarm
