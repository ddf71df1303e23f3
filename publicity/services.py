"""Planning and logging outreach activities.

Only program staff do this (``policy.may_manage_publicity``). Each change
writes its audit event in the same transaction; the details name the channel,
status, date and audience, never the presenter.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from confidentiality import policy
from confidentiality.models import AuditAction, AuditAudience
from confidentiality.services import audit_event_record
from publicity.models import ActivityStatus, OutreachActivity

EARLIEST = datetime.date(2000, 1, 1)
YEARS_AHEAD = 3
EDITABLE_FIELDS = [
    "channel",
    "title",
    "held_on",
    "audience_size",
    "presenter",
    "materials",
    "notes",
]


def _require_manager(actor: User) -> None:
    if not policy.may_manage_publicity(actor):
        raise PermissionDenied("Only program staff plan and log publicity.")


def _details(activity: OutreachActivity, **extra) -> dict:
    return {
        "channel": activity.channel,
        "status": activity.status,
        "held_on": activity.held_on.isoformat(),
        "audience_size": activity.audience_size,
        **extra,
    }


def _check(
    activity: OutreachActivity, *, today: datetime.date, date_changed: bool
) -> None:
    """The rules a form cannot know: dates against today, the audience against the status."""
    errors: dict[str, str] = {}
    day = activity.held_on
    if day is not None and (
        day < EARLIEST or day > today + datetime.timedelta(days=365 * YEARS_AHEAD)
    ):
        errors["held_on"] = f"{day:%d %B %Y} is far from today: check the year."
    elif activity.status == ActivityStatus.DONE:
        if day is not None and day > today:
            errors["held_on"] = (
                f"{day:%d %B %Y} is still to come: an activity is marked held "
                "on the day or after."
            )
        if activity.audience_size is None:
            errors["audience_size"] = (
                "Say how many people it reached: an activity that has been held "
                "needs its audience size."
            )
    elif activity.status == ActivityStatus.PLANNED:
        if activity.audience_size is not None:
            errors["audience_size"] = (
                "Leave the audience empty until it has been held; give it when "
                "you mark it held."
            )
        if date_changed and day is not None and day < today:
            errors["held_on"] = (
                "A planned activity is dated today or later. To log one that "
                "has already been held, choose “Held” and give its audience."
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def activity_plan(
    *, actor: User, activity: OutreachActivity, today: datetime.date | None = None
) -> OutreachActivity:
    """Plan an activity, or log one already held (status "done" with its audience)."""
    _require_manager(actor)
    if activity.pk is not None:
        raise ValueError("activity_plan adds an activity; use activity_update.")
    if activity.status == ActivityStatus.CANCELLED:
        raise ValidationError("An activity is planned, or logged as held.")
    _check(activity, today=today or timezone.localdate(), date_changed=True)
    activity.created_by = actor
    activity.full_clean()
    activity.save()
    audit_event_record(
        actor=actor,
        action=AuditAction.PUBLICITY_PLANNED,
        obj=activity,
        audience=AuditAudience.PROGRAM,
        details=_details(activity),
    )
    return activity


@transaction.atomic
def activity_update(
    *, actor: User, activity: OutreachActivity, today: datetime.date | None = None
) -> OutreachActivity:
    """Save changes to an activity (the form has set its fields). Its status stays."""
    _require_manager(actor)
    before = OutreachActivity.objects.select_for_update().get(pk=activity.pk)
    if before.status == ActivityStatus.CANCELLED:
        raise ValidationError("A cancelled activity cannot be changed: plan a new one.")
    activity.status = before.status
    changed = [
        name
        for name in EDITABLE_FIELDS
        if getattr(before, name) != getattr(activity, name)
    ]
    if not changed:
        return activity
    _check(
        activity,
        today=today or timezone.localdate(),
        date_changed="held_on" in changed,
    )
    activity.full_clean()
    activity.save()
    audit_event_record(
        actor=actor,
        action=AuditAction.PUBLICITY_CHANGED,
        obj=activity,
        audience=AuditAudience.PROGRAM,
        details=_details(activity, fields=changed),
    )
    return activity


@transaction.atomic
def activity_mark_done(
    *,
    actor: User,
    activity: OutreachActivity,
    audience_size: int | None,
    held_on: datetime.date | None = None,
    today: datetime.date | None = None,
) -> OutreachActivity:
    """Record that a planned activity was held, with its audience (and its real date)."""
    _require_manager(actor)
    activity = OutreachActivity.objects.select_for_update().get(pk=activity.pk)
    if activity.status == ActivityStatus.DONE:
        raise ValidationError("It is already marked held; edit it to change it.")
    if activity.status == ActivityStatus.CANCELLED:
        raise ValidationError("It was cancelled. Plan it again, or log it as held.")
    activity.status = ActivityStatus.DONE
    activity.audience_size = audience_size
    if held_on is not None:
        activity.held_on = held_on
    _check(activity, today=today or timezone.localdate(), date_changed=True)
    activity.full_clean()
    activity.save()
    audit_event_record(
        actor=actor,
        action=AuditAction.PUBLICITY_HELD,
        obj=activity,
        audience=AuditAudience.PROGRAM,
        details=_details(activity),
    )
    return activity


@transaction.atomic
def activity_cancel(*, actor: User, activity: OutreachActivity) -> OutreachActivity:
    """Cancel a planned activity. It stays in the log, marked cancelled."""
    _require_manager(actor)
    activity = OutreachActivity.objects.select_for_update().get(pk=activity.pk)
    if activity.status == ActivityStatus.CANCELLED:
        return activity
    if activity.status == ActivityStatus.DONE:
        raise ValidationError("It has been held, so it cannot be cancelled.")
    activity.status = ActivityStatus.CANCELLED
    activity.save(update_fields=["status", "updated_at"])
    audit_event_record(
        actor=actor,
        action=AuditAction.PUBLICITY_CANCELLED,
        obj=activity,
        audience=AuditAudience.PROGRAM,
        details=_details(activity),
    )
    return activity
