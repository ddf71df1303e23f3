"""Channels the program has not used for a while, and the reminder about them.

A channel is *due* when nothing is planned on it and it was last used (an
activity held) ``channel_reminder_days`` or more ago, or never. "Other" is a
catch-all and is never due. The worker's daily task e-mails the director and
the administrator about channels newly due; a channel is mentioned at most
once every ``channel_reminder_days``, however long it stays unused.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, Min, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.selectors import role_holder_addresses
from outbox.services import email_queue
from program.selectors import program_settings
from publicity.models import (
    REMINDED_CHANNELS,
    ActivityStatus,
    Channel,
    ChannelReminder,
    OutreachActivity,
)


@dataclass(frozen=True)
class ChannelStanding:
    channel: Channel
    last_held: datetime.date | None
    next_planned: datetime.date | None
    days_unused: int | None  # None: never used
    due: bool

    @property
    def text(self) -> str:
        if self.days_unused is None:
            return f"{self.channel.label}: never used"
        return f"{self.channel.label}: not used for {self.days_unused} days"


def channel_standings(
    activities: QuerySet[OutreachActivity],
    *,
    today: datetime.date,
    reminder_days: int,
) -> list[ChannelStanding]:
    """Every reminded channel: when it was last used, what is planned, whether it is due."""
    rows = {
        row["channel"]: row
        for row in activities.values("channel")
        .annotate(
            last_held=Max(
                "held_on",
                filter=Q(status=ActivityStatus.DONE, held_on__lte=today),
            ),
            next_planned=Min(
                "held_on",
                filter=Q(status=ActivityStatus.PLANNED, held_on__gte=today),
            ),
        )
        .order_by()
    }
    standings = []
    for channel in REMINDED_CHANNELS:
        row = rows.get(channel.value, {})
        last_held, next_planned = row.get("last_held"), row.get("next_planned")
        days_unused = (today - last_held).days if last_held else None
        due = next_planned is None and (
            days_unused is None or days_unused >= reminder_days
        )
        standings.append(
            ChannelStanding(channel, last_held, next_planned, days_unused, due)
        )
    return standings


def due_channels(
    activities: QuerySet[OutreachActivity],
    *,
    today: datetime.date,
    reminder_days: int,
) -> list[ChannelStanding]:
    return [
        standing
        for standing in channel_standings(
            activities, today=today, reminder_days=reminder_days
        )
        if standing.due
    ]


@transaction.atomic
def channel_reminders_send(*, today: datetime.date | None = None) -> int:
    """E-mail program staff about channels newly due. How many channels were mentioned.

    A ChannelReminder row per channel, unique per day, is written in the same
    transaction as the e-mails: a second run the same day, or on any day
    within the period, sends nothing more.
    """
    today = today or timezone.localdate()
    reminder_days = program_settings().channel_reminder_days
    recently = set(
        ChannelReminder.objects.filter(
            sent_on__gt=today - datetime.timedelta(days=reminder_days)
        ).values_list("channel", flat=True)
    )
    mentioned = []
    for standing in due_channels(
        OutreachActivity.objects.all(), today=today, reminder_days=reminder_days
    ):
        if standing.channel.value in recently:
            continue
        try:
            with transaction.atomic():
                ChannelReminder.objects.create(channel=standing.channel, sent_on=today)
        except IntegrityError:
            continue  # another run sent it a moment ago
        mentioned.append(standing)
    if mentioned:
        _reminder_send(mentioned, reminder_days=reminder_days)
    return len(mentioned)


def _reminder_send(standings: list[ChannelStanding], *, reminder_days: int) -> None:
    if len(standings) == 1:
        subject = f"Publicity: {standings[0].channel.label} has not been used lately"
    else:
        subject = f"Publicity: {len(standings)} channels have not been used lately"
    body = render_to_string(
        "publicity/email/channel_reminder.txt",
        {
            "standings": standings,
            "reminder_days": reminder_days,
            "link": settings.SITE_URL + reverse("publicity"),
        },
    )
    for address in sorted(
        role_holder_addresses(Role.PROGRAM_DIRECTOR, Role.PROGRAM_ADMINISTRATOR)
    ):
        email_queue(
            recipient=address,
            subject=subject,
            body_text=body,
            purpose="publicity_channel_reminder",
        )
