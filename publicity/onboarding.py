"""The onboarding list: new starters in the program's scope, and who has been told of it.

The roster (kept current by roster imports) says who started when; the list
shows everyone in scope who started within ``onboarding_window_days``, those
not yet told first. Recording that someone was told (at orientation, by
e-mail, in person) is audited. A record goes when the person leaves the
roster, or a year after they started: by then it has done its work.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from confidentiality import policy
from confidentiality.models import AuditAction, AuditAudience
from confidentiality.services import audit_event_record, audit_events_redact
from organization.models import StaffMember
from program.selectors import program_settings
from publicity.models import HowTold, OnboardingContact

KEPT_AFTER_START = datetime.timedelta(days=365)
PURPOSE = "Onboarding list"


@dataclass(frozen=True)
class OnboardingSummary:
    window_days: int
    starters: int
    told: int

    @property
    def not_told(self) -> int:
        return self.starters - self.told


def _told() -> Exists:
    return Exists(OnboardingContact.objects.filter(staff_member=OuterRef("pk")))


def onboarding_summary(user: User, *, today: datetime.date) -> OnboardingSummary:
    """How many new starters are on the list and how many were told: counts, no names."""
    window = program_settings().onboarding_window_days
    people = policy.onboarding_list_visible_to(user, today=today, window_days=window)
    figures = people.aggregate(
        starters=Count("pk"),
        told=Count("pk", filter=Q(onboarding_contact__isnull=False)),
    )
    return OnboardingSummary(window, figures["starters"], figures["told"])


def onboarding_list_open(
    user: User, *, today: datetime.date
) -> tuple[int, QuerySet[StaffMember]]:
    """The window and the list, not yet told first, newest starters first; witnessed."""
    window = program_settings().onboarding_window_days
    people = policy.access_onboarding_list(
        user, today=today, window_days=window, purpose=PURPOSE
    )
    return window, (
        people.annotate(told=_told())
        .select_related("profession", "department", "site", "onboarding_contact")
        .order_by("told", "-start_date", "last_name", "first_name", "pk")
    )


def _require_manager(actor: User) -> None:
    if not policy.may_manage_publicity(actor):
        raise PermissionDenied("Only program staff keep the onboarding list.")


@transaction.atomic
def onboarding_told_record(
    *,
    actor: User,
    staff_member_ids: list[int],
    how: str,
    told_on: datetime.date,
    today: datetime.date | None = None,
) -> int:
    """Record that these new starters were told of the program. How many were recorded.

    Recording again for someone replaces their record (a correction).
    """
    _require_manager(actor)
    today = today or timezone.localdate()
    errors = {}
    if not staff_member_ids:
        errors["people"] = "Choose who was told."
    if how not in HowTold.values:
        errors["how"] = "Say how they were told."
    if told_on > today:
        errors["told_on"] = (
            f"{told_on:%d %B %Y} is still to come: record it once they have been told."
        )
    if errors:
        raise ValidationError(errors)
    window = program_settings().onboarding_window_days
    people = list(
        policy.onboarding_list_visible_to(actor, today=today, window_days=window)
        .filter(pk__in=staff_member_ids)
        .order_by("pk")
    )
    if len(people) != len(set(staff_member_ids)):
        raise ValidationError(
            {
                "people": "Some of the people chosen are no longer on the onboarding "
                "list. Open the list again and choose once more."
            }
        )
    for person in people:
        contact, created = OnboardingContact.objects.update_or_create(
            staff_member=person,
            defaults={"told_on": told_on, "how": how, "recorded_by": actor},
        )
        audit_event_record(
            actor=actor,
            action=AuditAction.ONBOARDING_TOLD,
            obj=contact,
            subject=person,
            audience=AuditAudience.PROGRAM,
            details={"how": how, "told_on": told_on.isoformat(), "created": created},
        )
    return len(people)


@transaction.atomic
def onboarding_told_remove(*, actor: User, contact: OnboardingContact) -> None:
    """Take back a record made by mistake: the person shows as not yet told."""
    _require_manager(actor)
    audit_event_record(
        actor=actor,
        action=AuditAction.ONBOARDING_TOLD_REMOVED,
        obj=contact,
        subject=contact.staff_member,
        audience=AuditAudience.PROGRAM,
        details={"how": contact.how, "told_on": contact.told_on.isoformat()},
    )
    contact.delete()


@transaction.atomic
def onboarding_contacts_purge(*, today: datetime.date | None = None) -> int:
    """Delete the records of people who left the roster or started over a year ago.

    The audit events about them forget whom they were about (as a purged
    case's do). Audited with how many, never whose.
    """
    today = today or timezone.localdate()
    due = OnboardingContact.objects.filter(
        Q(staff_member__is_active=False)
        | Q(staff_member__start_date__isnull=True)
        | Q(staff_member__start_date__lt=today - KEPT_AFTER_START)
    )
    ids = list(due.values_list("pk", flat=True))
    if not ids:
        return 0
    audit_events_redact(model=OnboardingContact, object_ids=ids)
    OnboardingContact.objects.filter(pk__in=ids).delete()
    audit_event_record(
        actor=None,
        action=AuditAction.ONBOARDING_CONTACTS_PURGED,
        audience=AuditAudience.PROGRAM,
        details={"records": len(ids), "kept_days_after_start": KEPT_AFTER_START.days},
    )
    return len(ids)
