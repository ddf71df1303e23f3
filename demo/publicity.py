"""The demo's publicity: a year of launching the program, and what is planned next.

Grand rounds and the quality and safety conference launched it; faculty
meetings, the newsletter and orientation kept it known. The medical staff
meeting was last used months ago, so the page has a channel to remind about.
The requests of the months before the demo's live ones have been deleted
under the retention schedule; the tally of how they heard remains, so the
channel chart has a year to show (the "Other" answers, too few, stay hidden).
Recent starters who came through the last orientation are recorded as told
there, a few later ones by e-mail; the newest wait on the onboarding list. Created once, when the demo has no activity, so
a repeat load changes nothing and whatever someone did in the demo is kept.
"""

import datetime

from django.db.models import Min
from django.utils import timezone

from accounts.models import User
from confidentiality import policy
from outreach.models import Referral
from program.selectors import program_settings
from publicity.models import (
    ActivityStatus,
    ChannelRequestCount,
    HowTold,
    OutreachActivity,
    RequestTallyProgress,
)
from publicity.onboarding import onboarding_told_record
from publicity.period import months_before
from publicity.services import activity_plan

MATERIALS = "Slides: Peer support after adverse events (v3)\nOne-page handout"

# (days ago, channel, title, audience, presenter); a negative "days ago" is planned.
ACTIVITIES = [
    (
        340,
        "grand_rounds",
        "Launch: when things go wrong, who looks after us?",
        120,
        "director",
    ),
    (
        300,
        "quality_safety_conference",
        "The second victim, and what we do now",
        65,
        "director",
    ),
    (
        270,
        "newsletter",
        "Introducing peer support",
        2400,
        "Office of Clinician Wellbeing",
    ),
    (230, "faculty_meeting", "Peer support in ten minutes: Surgery", 38, "director"),
    (210, "onboarding", "July residents' orientation", 54, "administrator"),
    (
        180,
        "faculty_meeting",
        "Peer support in ten minutes: Emergency Medicine",
        31,
        "director",
    ),
    (
        150,
        "medical_staff_meeting",
        "A year of peer support, and what comes next",
        90,
        "director",
    ),
    (
        120,
        "grand_rounds",
        "Stories from the first year (with two supporters)",
        140,
        "director",
    ),
    (
        90,
        "newsletter",
        "Six months of reaching in",
        2450,
        "Office of Clinician Wellbeing",
    ),
    (45, "onboarding", "New clinicians' orientation", 22, "administrator"),
    (20, "faculty_meeting", "Peer support in ten minutes: Pediatrics", 27, "director"),
    (-12, "onboarding", "New clinicians' orientation", None, "administrator"),
    (
        -30,
        "grand_rounds",
        "After the event: the research, and our results",
        None,
        "director",
    ),
]
LAST_ORIENTATION_DAYS_AGO = 45  # the orientation above
E_MAILED_AFTER_DAYS = 30  # later starters were e-mailed after their first month
# Requests from before the demo's live ones, already deleted under the retention
# schedule: what remains of them is the monthly tally of how they heard.
EARLIER_REQUESTS = {
    "grand_rounds": 14,
    "quality_safety_conference": 6,
    "faculty_meeting": 9,
    "medical_staff_meeting": 5,
    "onboarding": 7,
    "newsletter": 8,
    "other": 2,
    "colleague": 16,
    "reached_out": 11,
    "": 6,
}
TALLIED_MONTHS = 11


def demo_publicity_ensure(*, today: datetime.date, director: User) -> int:
    """Create the publicity log and onboarding records; how many activities (0: already there)."""
    if OutreachActivity.objects.exists():
        return 0
    names = {
        "director": director.staff_member.full_name,
        "administrator": "The program administrator",
    }
    for days_ago, channel, title, audience, presenter in ACTIVITIES:
        held = days_ago >= 0
        activity_plan(
            actor=director,
            activity=OutreachActivity(
                channel=channel,
                title=title,
                held_on=today - datetime.timedelta(days=days_ago),
                status=ActivityStatus.DONE if held else ActivityStatus.PLANNED,
                audience_size=audience if held else None,
                presenter=names.get(presenter, presenter),
                materials=MATERIALS if channel != "newsletter" else "",
            ),
            today=today,
        )
    _onboarding_told(today=today, director=director)
    _earlier_requests_tally(today=today)
    return len(ACTIVITIES)


def _earlier_requests_tally(*, today: datetime.date) -> None:
    """Spread the earlier requests over the eleven months before this one."""
    if ChannelRequestCount.objects.exists():
        return
    months = [months_before(today, n) for n in range(TALLIED_MONTHS, 0, -1)]
    rows: dict[tuple[datetime.date, str], int] = {}
    for offset, (code, total) in enumerate(EARLIER_REQUESTS.items()):
        for n in range(total):
            month = months[(offset + n * 3) % len(months)]
            rows[month, code] = rows.get((month, code), 0) + 1
    ChannelRequestCount.objects.bulk_create(
        ChannelRequestCount(month=month, how_heard=code, requests=requests)
        for (month, code), requests in sorted(rows.items())
    )
    # Every live request is newer than the tally: the worker counts them from here.
    earliest = Referral.objects.aggregate(earliest=Min("created_at"))["earliest"]
    now = timezone.now()
    RequestTallyProgress.objects.update_or_create(
        pk=1, defaults={"counted_before": min(earliest or now, now)}
    )


def _onboarding_told(*, today: datetime.date, director: User) -> None:
    """Starters before the last orientation were told there; some later ones by e-mail."""
    window = program_settings().onboarding_window_days
    starters = policy.onboarding_list_visible_to(
        director, today=today, window_days=window
    )
    orientation = today - datetime.timedelta(days=LAST_ORIENTATION_DAYS_AGO)
    e_mailed_by = today - datetime.timedelta(days=E_MAILED_AFTER_DAYS)
    groups = [
        (
            starters.filter(start_date__lte=orientation),
            HowTold.ORIENTATION,
            orientation,
        ),
        (
            starters.filter(start_date__gt=orientation, start_date__lte=e_mailed_by),
            HowTold.EMAIL,
            e_mailed_by,
        ),
    ]
    for people, how, told_on in groups:
        ids = list(people.values_list("pk", flat=True))
        if ids:
            onboarding_told_record(
                actor=director,
                staff_member_ids=ids,
                how=how,
                told_on=told_on,
                today=today,
            )
