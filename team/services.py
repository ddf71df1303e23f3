"""Logging and removing program hours. Each change is audited in its own transaction."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from accounts.models import User
from confidentiality import policy
from confidentiality.models import AuditAction, AuditAudience
from confidentiality.services import audit_event_record
from team.models import MAX_HOURS, Activity, HoursEntry


@transaction.atomic
def hours_log(
    *,
    actor: User,
    worked_on: datetime.date,
    hours: Decimal,
    activity: Activity | str,
    note: str = "",
) -> HoursEntry:
    """Record hours the director or administrator gave the program, for themselves.

    Not for days still to come, and never more than 24 hours in one day.
    """
    if not policy.may_log_hours(actor):
        raise PermissionDenied(
            "Only the program director and administrator log program hours."
        )
    if worked_on > timezone.localdate():
        raise ValidationError(
            {
                "worked_on": "Hours can be logged for today or earlier, not for later days."
            }
        )
    entry = HoursEntry(
        staff_member_id=actor.staff_member_id,
        worked_on=worked_on,
        hours=Decimal(hours),
        activity=activity,
        note=note.strip(),
        created_by=actor,
    )
    entry.full_clean()
    already = HoursEntry.objects.filter(
        staff_member_id=actor.staff_member_id, worked_on=worked_on
    ).aggregate(total=Sum("hours"))["total"] or Decimal(0)
    if already + entry.hours > MAX_HOURS:
        raise ValidationError(
            {
                "hours": (
                    f"That would make more than 24 hours on {worked_on:%-d %B}: "
                    f"{already:g} hours are already logged for that day."
                )
            }
        )
    entry.save()
    audit_event_record(
        actor=actor,
        action=AuditAction.HOURS_LOGGED,
        obj=entry,
        subject=actor.staff_member,
        audience=AuditAudience.PROGRAM,
        details=_details(entry),
    )
    return entry


@transaction.atomic
def hours_remove(*, actor: User, entry: HoursEntry) -> None:
    """Remove one of one's own hours entries (a mistake, or a double entry)."""
    if not policy.may_log_hours(actor):
        raise PermissionDenied("Only the program director and administrator log hours.")
    if entry.staff_member_id != actor.staff_member_id:
        raise PermissionDenied("You can only remove your own hours.")
    audit_event_record(
        actor=actor,
        action=AuditAction.HOURS_REMOVED,
        obj=entry,
        subject=actor.staff_member,
        audience=AuditAudience.PROGRAM,
        details=_details(entry),
    )
    entry.delete()


def _details(entry: HoursEntry) -> dict:
    """What the audit keeps: the date, the hours and the kind of work; never the note."""
    return {
        "worked_on": str(entry.worked_on),
        "hours": str(Decimal(entry.hours).quantize(Decimal("0.01"))),
        "activity": entry.activity,
    }
