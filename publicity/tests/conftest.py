"""Helpers for publicity's tests: activities, requests with their answer, new starters."""

import datetime

from django.utils import timezone

from alongside.testing.cast import make_staff_member
from outreach.models import HowHeard, Referral, ReferralKind
from publicity.models import ActivityStatus, OutreachActivity


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def make_activity(**fields) -> OutreachActivity:
    values = {
        "channel": "grand_rounds",
        "title": "Peer support after adverse events",
        "held_on": days_ago(10),
        "status": ActivityStatus.DONE,
        "audience_size": 80,
        "presenter": "Dr Dana Director",
    }
    values.update(fields)
    if values["status"] != ActivityStatus.DONE and "audience_size" not in fields:
        values["audience_size"] = None
    return OutreachActivity.objects.create(**values)


def make_requests(org, how_heard: str, count: int, *, when=None) -> list[Referral]:
    """``count`` requests whose answer to "how did you hear" is ``how_heard``."""
    person = make_staff_member(org)
    referrals = Referral.objects.bulk_create(
        Referral(
            kind=ReferralKind.SELF,
            person=person,
            referrer=person,
            how_heard=how_heard,
            good_times="",
            phone="",
        )
        for _ in range(count)
    )
    if when is not None:
        Referral.objects.filter(pk__in=[r.pk for r in referrals]).update(
            created_at=when
        )
    return referrals


def make_every_answer(org, count: int = 5, **counts: int) -> None:
    """``count`` requests for every answer (``not_said`` for none), except as given."""
    for code in [*HowHeard.values, "not_said"]:
        make_requests(org, "" if code == "not_said" else code, counts.get(code, count))


def new_starter(org, *, started_days_ago: int = 10, **fields):
    """Someone in the cast's scope (a physician) who started a few days ago."""
    return make_staff_member(org, start_date=days_ago(started_days_ago), **fields)
