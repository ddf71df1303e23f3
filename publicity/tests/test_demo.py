"""The demo's publicity log: a year of activities, some planned, loaded once."""

from django.utils import timezone

from demo.publicity import ACTIVITIES, EARLIER_REQUESTS, demo_publicity_ensure
from publicity.effectiveness import channel_table
from publicity.models import (
    ActivityStatus,
    HowTold,
    OnboardingContact,
    OutreachActivity,
)
from publicity.period import period_from
from publicity.reminders import channel_standings
from publicity.tests.conftest import new_starter


def test_the_demo_logs_a_year_of_publicity_once(cast):
    today = timezone.localdate()
    at_orientation = new_starter(cast.org, started_days_ago=50)
    e_mailed = new_starter(cast.org, started_days_ago=35)
    newest = new_starter(cast.org, started_days_ago=20)

    assert demo_publicity_ensure(today=today, director=cast.director) == len(ACTIVITIES)
    assert demo_publicity_ensure(today=today, director=cast.director) == 0

    assert OutreachActivity.objects.count() == len(ACTIVITIES)
    assert OutreachActivity.objects.filter(status=ActivityStatus.PLANNED).count() == 2
    table = channel_table(OutreachActivity.objects.all(), period_from(12, today=today))
    assert table.activities == len(ACTIVITIES) - 2
    assert table.requests.value == sum(EARLIER_REQUESTS.values())
    shown = {row.code: row.requests for row in table.rows}
    assert shown["grand_rounds"].value == EARLIER_REQUESTS["grand_rounds"]
    assert shown["other"].suppressed  # two: too few to show
    standings = {
        s.channel.value: s
        for s in channel_standings(
            OutreachActivity.objects.all(), today=today, reminder_days=90
        )
    }
    assert standings["medical_staff_meeting"].due
    assert not standings["grand_rounds"].due
    contacts = {c.staff_member: c.how for c in OnboardingContact.objects.all()}
    assert contacts == {at_orientation: HowTold.ORIENTATION, e_mailed: HowTold.EMAIL}
    assert newest not in contacts
