"""The channel table: activities and audience from the log, requests from people's answers."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from outreach.models import Referral
from publicity.effectiveness import channel_table
from publicity.models import ActivityStatus, OutreachActivity
from publicity.period import period_from
from publicity.tally import requests_tally
from publicity.tests.conftest import (
    days_ago,
    make_activity,
    make_every_answer,
    make_requests,
)


def table(months: int = 12):
    return channel_table(
        OutreachActivity.objects.all(),
        period_from(months, today=timezone.localdate()),
    )


def row(result, code: str):
    return next(r for r in result.rows if r.code == code)


def test_activities_held_and_their_audience_are_counted_by_channel(cast):
    make_activity(channel="grand_rounds", audience_size=80)
    make_activity(channel="grand_rounds", audience_size=45, held_on=days_ago(40))
    make_activity(channel="newsletter", audience_size=2400)
    make_activity(
        channel="grand_rounds", status=ActivityStatus.PLANNED, held_on=days_ago(-5)
    )
    make_activity(channel="grand_rounds", status=ActivityStatus.CANCELLED)

    result = table()

    grand_rounds = row(result, "grand_rounds")
    assert (grand_rounds.activities, grand_rounds.audience) == (2, 125)
    assert (
        row(result, "newsletter").activities,
        row(result, "newsletter").audience,
    ) == (1, 2400)
    assert (
        row(result, "faculty_meeting").activities,
        row(result, "faculty_meeting").audience,
    ) == (0, 0)
    assert (result.activities, result.audience) == (3, 2525)


def test_activities_before_the_period_are_left_out(cast):
    today = timezone.localdate()
    start = period_from(3, today=today).start
    make_activity(held_on=start - datetime.timedelta(days=1), audience_size=99)
    make_activity(held_on=start, audience_size=10)

    assert row(table(3), "grand_rounds").audience == 10


def test_requests_are_joined_to_the_channel_their_answer_names(cast):
    make_every_answer(cast.org, grand_rounds=7, newsletter=6, colleague=9)

    result = table()

    assert row(result, "grand_rounds").requests.value == 7
    assert row(result, "newsletter").requests.value == 6
    assert row(result, "faculty_meeting").requests.value == 5
    assert row(result, "colleague").requests.value == 9
    assert row(result, "").requests.value == 5
    assert result.requests.value == 7 + 6 + 9 + 5 * 7
    assert not row(result, "colleague").is_channel
    assert row(result, "colleague").activities is None


def test_a_small_count_is_hidden_with_the_next_smallest_so_the_total_cannot_give_it_away(
    cast,
):
    make_every_answer(cast.org, 8, grand_rounds=30, newsletter=2, onboarding=6)

    result = table()

    assert row(result, "newsletter").requests.suppressed
    assert row(result, "onboarding").requests.suppressed  # the complementary cell
    assert row(result, "grand_rounds").requests.value == 30
    assert result.requests.value == 30 + 2 + 6 + 8 * 7
    shown = sum(r.requests.value for r in result.rows if not r.requests.suppressed)
    assert result.requests.value - shown >= result.k
    assert result.any_hidden


def test_channels_nobody_named_are_hidden_too(cast):
    """Zero is under k: if zeros showed, a dash would mean "somebody"."""
    make_requests(cast.org, "grand_rounds", 12)
    make_requests(cast.org, "colleague", 20)
    make_requests(cast.org, "onboarding", 6)

    result = table()

    assert row(result, "faculty_meeting").requests.suppressed
    # The zeros hold nothing, so the next smallest is hidden with them.
    assert row(result, "onboarding").requests.suppressed
    assert row(result, "grand_rounds").requests.value == 12
    assert row(result, "colleague").requests.value == 20
    assert result.requests.value == 38


def test_with_no_requests_at_all_every_count_and_the_total_are_hidden(cast):
    make_activity()

    result = table()

    assert all(r.requests.suppressed for r in result.rows)
    assert result.requests.suppressed
    assert row(result, "grand_rounds").requests_per_100_reached is None


def test_requests_per_hundred_reached_uses_shown_figures_only(cast):
    make_activity(audience_size=80)
    make_every_answer(cast.org, grand_rounds=8)

    result = table()

    assert str(row(result, "grand_rounds").requests_per_100_reached) == "10.0"
    assert row(result, "newsletter").requests_per_100_reached is None  # no audience


def test_requests_before_the_period_are_left_out(cast):
    today = timezone.localdate()
    start = period_from(3, today=today).start
    before = timezone.make_aware(
        datetime.datetime.combine(start - datetime.timedelta(days=1), datetime.time(12))
    )
    make_requests(cast.org, "grand_rounds", 9, when=before)
    make_every_answer(cast.org, grand_rounds=6)

    assert row(table(3), "grand_rounds").requests.value == 6
    assert row(table(12), "grand_rounds").requests.value == 15


def test_requests_still_count_after_retention_deletes_them(cast):
    """The tally keeps the answer; the request itself can go."""
    with time_machine.travel(timezone.now() - datetime.timedelta(days=100)):
        make_every_answer(cast.org, grand_rounds=7, colleague=9)
    assert requests_tally() == 7 + 9 + 5 * 8

    Referral.objects.all().delete()
    make_requests(cast.org, "grand_rounds", 3)  # made after the tally ran

    result = table()
    assert row(result, "grand_rounds").requests.value == 10
    assert row(result, "colleague").requests.value == 9
    assert row(result, "").requests.value == 5


def test_the_tally_counts_each_request_once_however_often_it_runs(cast):
    start = timezone.now() - datetime.timedelta(days=3)
    with time_machine.travel(start, tick=False):
        make_every_answer(cast.org)
    with time_machine.travel(start + datetime.timedelta(days=1), tick=False):
        assert requests_tally() == 50
        assert requests_tally() == 0
        make_requests(cast.org, "newsletter", 2)
    with time_machine.travel(start + datetime.timedelta(days=2), tick=False):
        assert requests_tally() == 2
    assert row(table(), "newsletter").requests.value == 7
    assert table().requests.value == 52


def test_the_tally_leaves_the_last_hour_for_its_next_run(cast):
    make_every_answer(cast.org)

    assert requests_tally() == 0
    assert row(table(), "newsletter").requests.value == 5


@pytest.mark.parametrize("months", [3, 6, 12, 24])
def test_periods_start_on_the_first_of_a_month(months):
    today = datetime.date(2026, 3, 15)

    period = period_from(months, today=today)

    assert period.start.day == 1
    assert period.end == today
    assert (today.year * 12 + today.month) - (
        period.start.year * 12 + period.start.month
    ) == months - 1


@pytest.mark.parametrize("value", [None, "", "7", "twelve"])
def test_an_unknown_period_means_the_last_twelve_months(value):
    assert period_from(value, today=datetime.date(2026, 3, 15)).months == 12
