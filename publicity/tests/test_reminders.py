"""Reminders when a channel has not been used: on the page, and once a period by e-mail."""

import datetime

import time_machine
from django.utils import timezone

from outbox.models import OutboundEmail
from program.selectors import program_settings
from publicity.models import ActivityStatus, ChannelReminder, OutreachActivity
from publicity.reminders import channel_reminders_send, channel_standings
from publicity.tests.conftest import days_ago, make_activity
from worker.runner import Worker


def standings_today(reminder_days: int = 90) -> dict:
    return {
        s.channel.value: s
        for s in channel_standings(
            OutreachActivity.objects.all(),
            today=timezone.localdate(),
            reminder_days=reminder_days,
        )
    }


def use_every_channel_but(*unused: str, days: int = 5) -> None:
    for standing in standings_today().values():
        if standing.channel.value not in unused:
            make_activity(channel=standing.channel.value, held_on=days_ago(days))


def test_a_channel_unused_for_the_period_is_due_and_says_for_how_long(db):
    make_activity(channel="newsletter", held_on=days_ago(134))
    make_activity(channel="grand_rounds", held_on=days_ago(20))

    standings = standings_today()

    assert standings["newsletter"].due
    assert standings["newsletter"].text == "Newsletter: not used for 134 days"
    assert not standings["grand_rounds"].due
    assert standings["faculty_meeting"].text == "Faculty meeting: never used"
    assert standings["faculty_meeting"].due
    assert "other" not in standings


def test_a_channel_with_something_planned_is_not_due(db):
    make_activity(channel="newsletter", held_on=days_ago(200))
    make_activity(
        channel="newsletter", status=ActivityStatus.PLANNED, held_on=days_ago(-10)
    )

    assert not standings_today()["newsletter"].due


def test_planned_or_cancelled_activities_are_not_use(db):
    make_activity(channel="newsletter", status=ActivityStatus.CANCELLED)
    make_activity(
        channel="newsletter", status=ActivityStatus.PLANNED, held_on=days_ago(3)
    )

    assert standings_today()["newsletter"].text == "Newsletter: never used"


def test_the_period_is_the_programs_setting(db):
    make_activity(channel="newsletter", held_on=days_ago(40))

    assert not standings_today(90)["newsletter"].due
    assert standings_today(30)["newsletter"].due


def test_program_staff_are_e_mailed_once_about_the_channels_due(cast):
    use_every_channel_but("newsletter", "faculty_meeting")
    make_activity(channel="newsletter", held_on=days_ago(134))

    assert channel_reminders_send() == 2

    mails = OutboundEmail.objects.order_by("recipient")
    assert {mail.recipient for mail in mails} == {
        cast.director.email,
        cast.administrator.email,
    }
    body = mails[0].body_text
    assert "- Newsletter: not used for 134 days" in body
    assert "- Faculty meeting: never used" in body
    assert "/publicity/" in body
    assert mails[0].subject == "Publicity: 2 channels have not been used lately"
    assert channel_reminders_send() == 0
    assert OutboundEmail.objects.count() == 2


def test_nothing_is_sent_when_every_channel_is_in_use(cast):
    use_every_channel_but()

    assert channel_reminders_send() == 0
    assert not OutboundEmail.objects.exists()


def test_the_daily_task_mails_once_per_channel_per_period(cast):
    """A month of daily runs, then the period passes and the reminder comes again."""
    settings_row = program_settings()
    settings_row.channel_reminder_days = 30
    settings_row.save()
    use_every_channel_but("newsletter")
    start = timezone.now()

    def run_on(day: int) -> int:
        with time_machine.travel(start + datetime.timedelta(days=day), tick=False):
            before = OutboundEmail.objects.count()
            Worker(worker_id="publicity-test").run(once=True)
            return OutboundEmail.objects.count() - before

    sent = [run_on(day) for day in range(30)]

    # Day 0: the newsletter (never used). Day 25: the others, five days after
    # their last use passed 30 days. Then nothing until the period passes.
    assert sent[0] == 2
    assert sent[25] == 2
    assert sum(sent) == 4
    assert run_on(30) == 2  # the newsletter's second reminder, 30 days on
    assert ChannelReminder.objects.filter(channel="newsletter").count() == 2


def test_a_channel_used_again_is_reminded_about_a_period_after_that_use(cast):
    use_every_channel_but("newsletter")
    today = timezone.localdate()
    ChannelReminder.objects.create(channel="newsletter", sent_on=days_ago(100))
    make_activity(channel="newsletter", held_on=days_ago(95))

    assert channel_reminders_send(today=today) == 1
    assert ChannelReminder.objects.filter(sent_on=today).count() == 1


def test_a_single_channel_gets_a_subject_of_its_own(cast):
    use_every_channel_but("grand_rounds")

    channel_reminders_send()

    subjects = set(OutboundEmail.objects.values_list("subject", flat=True))
    assert subjects == {"Publicity: Grand rounds has not been used lately"}
