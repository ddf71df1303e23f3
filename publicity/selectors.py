"""Reading outreach activities, already scoped by policy."""

import datetime

from django.db.models import QuerySet

from accounts.models import User
from confidentiality import policy
from publicity.models import ActivityStatus, OutreachActivity
from publicity.period import Period


def _activities(user: User, channel: str | None) -> QuerySet[OutreachActivity]:
    activities = policy.outreach_activities_visible_to(user)
    if channel:
        activities = activities.filter(channel=channel)
    return activities


def upcoming_activities(
    user: User, *, today: datetime.date, channel: str | None = None
) -> QuerySet[OutreachActivity]:
    """Planned from today on, soonest first."""
    return (
        _activities(user, channel)
        .filter(status=ActivityStatus.PLANNED, held_on__gte=today)
        .order_by("held_on", "pk")
    )


def activities_to_log(
    user: User, *, today: datetime.date
) -> QuerySet[OutreachActivity]:
    """Planned for a day now past: held (mark them so) or not (cancel them)?"""
    return (
        _activities(user, None)
        .filter(status=ActivityStatus.PLANNED, held_on__lt=today)
        .order_by("held_on", "pk")
    )


def past_activities(
    user: User, *, period: Period, channel: str | None = None
) -> QuerySet[OutreachActivity]:
    """Held or cancelled in the period, latest first."""
    return (
        _activities(user, channel)
        .filter(
            status__in=[ActivityStatus.DONE, ActivityStatus.CANCELLED],
            held_on__gte=period.start,
            held_on__lte=period.end,
        )
        .order_by("-held_on", "-pk")
    )


def activities_for_export(
    user: User, *, period: Period, channel: str | None = None
) -> QuerySet[OutreachActivity]:
    """Everything dated in the period or later (planned ones too), by date."""
    return (
        _activities(user, channel)
        .filter(held_on__gte=period.start)
        .order_by("held_on", "pk")
    )
