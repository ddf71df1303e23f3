"""Recording adverse events, from the form or the API, and starting outreach from them."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from confidentiality import policy
from confidentiality.models import AuditAction, AuditAudience
from confidentiality.services import audit_event_record
from events.models import (
    AdverseEvent,
    EventInvolvement,
    HarmLevel,
    MatchedBy,
    TriggerType,
)
from events.selectors import active_trigger_types_forget, event_recorded_before
from organization.models import Department, Site, StaffMember
from worker.services import task_schedule

MANUAL_SOURCE = "manual"


@dataclass(frozen=True)
class EventRecorded:
    """``offers_created`` counts the offers made in the call: none when the worker reaches in."""

    event: AdverseEvent
    created: bool
    offers_created: int


def _check(
    *, occurred_on: datetime.date, trigger_type: TriggerType, harm_level: str
) -> None:
    errors = {}
    if occurred_on > timezone.localdate():
        errors["occurred_on"] = "An event cannot have happened in the future."
    if not trigger_type.is_active:
        errors["trigger_type"] = f"“{trigger_type}” is no longer in the catalogue."
    if harm_level and harm_level not in HarmLevel.values:
        errors["harm_level"] = (
            f"Unknown harm level “{harm_level}”: use one of {', '.join(HarmLevel.values)}."
        )
    if errors:
        raise ValidationError(errors)


def event_record(
    *,
    source: str,
    source_event_id: str,
    occurred_on: datetime.date,
    trigger_type: TriggerType,
    harm_level: str = "",
    unit: Department | None = None,
    site: Site | None = None,
    involved: list[tuple[StaffMember, str]] = (),
    unmatched_count: int = 0,
    recorded_by: User | None = None,
    api_key=None,
    reach_in_by_worker: bool = False,
) -> EventRecorded:
    """Record an event and offer support to everyone eligible involved in it.

    Idempotent on (source, source_event_id): a retry of an event already
    recorded returns it and changes nothing. ``involved`` pairs each person
    with how they were matched (``MatchedBy``). With ``reach_in_by_worker``
    (machine ingest) the offers are made and matched by the worker moments
    later, in its own transaction, so an incident system is never kept
    waiting on outreach; the task is scheduled in this transaction, so an
    event recorded is an event reached in on.
    """
    source_event_id = (source_event_id or "").strip()
    try:
        _check(
            occurred_on=occurred_on, trigger_type=trigger_type, harm_level=harm_level
        )
        # The unique index on (source, source_event_id) answers "seen before?":
        # one statement less on every new event than asking first.
        with transaction.atomic():
            event, offers = _event_create(
                source=source,
                source_event_id=source_event_id,
                occurred_on=occurred_on,
                trigger_type=trigger_type,
                harm_level=harm_level,
                unit=unit,
                site=site,
                involved=involved,
                unmatched_count=unmatched_count,
                recorded_by=recorded_by,
                api_key=api_key,
                reach_in_by_worker=reach_in_by_worker,
            )
    except (IntegrityError, ValidationError):
        # A retry is answered with the event even if the catalogue changed since.
        existing = event_recorded_before(source=source, source_event_id=source_event_id)
        if existing is None:
            raise
        return EventRecorded(event=existing, created=False, offers_created=0)
    return EventRecorded(event=event, created=True, offers_created=offers)


def _event_create(
    *, involved, recorded_by, reach_in_by_worker: bool, **fields
) -> tuple[AdverseEvent, int]:
    from outreach.services import offers_for_event_create

    event = AdverseEvent.objects.create(recorded_by=recorded_by, **fields)
    seen = set()
    involvements = []
    for staff_member, matched_by in involved:
        if staff_member.pk in seen:
            continue
        seen.add(staff_member.pk)
        involvements.append(
            EventInvolvement(
                event=event, staff_member=staff_member, matched_by=matched_by
            )
        )
    EventInvolvement.objects.bulk_create(involvements)
    audit_event_record(
        actor=recorded_by,
        action=AuditAction.EVENT_RECORDED,
        obj=event,
        audience=AuditAudience.PROGRAM,
        details={
            "source": event.source,
            "trigger": event.trigger_type.code,
            "involved": len(involvements),
            "unmatched": event.unmatched_count,
        },
    )
    if reach_in_by_worker:
        task_schedule(kind="outreach.reach_in", payload={"event_id": event.pk})
        return event, 0
    return event, offers_for_event_create(event=event)


@transaction.atomic
def event_record_manual(
    *,
    actor: User,
    occurred_on: datetime.date,
    trigger_type: TriggerType,
    harm_level: str,
    unit: Department | None,
    site: Site | None,
    involved: list[StaffMember],
) -> EventRecorded:
    """Risk & quality staff enter an event by hand, choosing people from the roster.

    Up to fifty people: the worker makes and matches their offers moments
    later, so saving the form never waits on matching.
    """
    if not policy.may_record_events(actor):
        raise PermissionDenied("Only risk & quality staff record adverse events.")
    if not involved:
        raise ValidationError(
            {"involved": "Add at least one member of staff involved."}
        )
    return event_record(
        source=MANUAL_SOURCE,
        source_event_id="",
        occurred_on=occurred_on,
        trigger_type=trigger_type,
        harm_level=harm_level,
        unit=unit,
        site=site,
        involved=[(person, MatchedBy.ROSTER) for person in involved],
        recorded_by=actor,
        reach_in_by_worker=True,
    )


@transaction.atomic
def event_litigation_notice(
    *, actor: User, event: AdverseEvent, noticed_on: datetime.date
) -> int:
    """Notice of litigation arrived: re-open support for everyone involved. How many offers."""
    from outreach.services import offers_reopen_for_litigation

    if not policy.may_record_events(actor):
        raise PermissionDenied("Only risk & quality staff record litigation notices.")
    if event.litigation_noticed_on is not None:
        raise ValidationError(
            "Notice of litigation was already recorded for this event."
        )
    if noticed_on > timezone.localdate():
        raise ValidationError({"noticed_on": "The notice cannot arrive in the future."})
    event.litigation_noticed_on = noticed_on
    event.save(update_fields=["litigation_noticed_on"])
    audit_event_record(
        actor=actor,
        action=AuditAction.EVENT_LITIGATION_NOTICED,
        obj=event,
        audience=AuditAudience.PROGRAM,
        details={"noticed_on": str(noticed_on)},
    )
    return offers_reopen_for_litigation(event=event)


@transaction.atomic
def trigger_type_save(*, actor: User, trigger_type: TriggerType) -> TriggerType:
    """The director configures which events offer support and how fast."""
    if not policy.may_configure_triggers(actor):
        raise PermissionDenied("Only the program director configures triggers.")
    trigger_type.full_clean()
    trigger_type.save()
    # Now for this process, and after commit so nobody caches the row before it.
    active_trigger_types_forget()
    transaction.on_commit(active_trigger_types_forget)
    audit_event_record(
        actor=actor,
        action=AuditAction.TRIGGER_TYPE_CHANGED,
        obj=trigger_type,
        audience=AuditAudience.PROGRAM,
        details={
            "code": trigger_type.code,
            "creates_offers": trigger_type.creates_offers,
            "minimum_harm_level": trigger_type.minimum_harm_level,
            "first_contact_hours": trigger_type.first_contact_hours,
        },
    )
    return trigger_type
