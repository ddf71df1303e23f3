"""Logging support conversations, the care check after each, debriefs and safety concerns."""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from accounts.selectors import role_holder_addresses
from confidentiality import policy
from confidentiality.models import AuditAction, AuditAudience
from confidentiality.services import audit_event_record
from conversations.models import (
    CareCheck,
    DebriefRequest,
    Encounter,
    EncounterModality,
    EncounterOutcome,
    SafetyConcern,
)
from outbox.services import email_queue
from outreach.models import CloseReason, OfferState, OutreachOffer
from outreach.services import offer_move
from program.selectors import program_settings

# An encounter may be logged once the person has been reached.
LOGGABLE_STATES = (OfferState.CONTACTED, OfferState.ACCEPTED, OfferState.IN_SUPPORT)
# The steps an offer takes to "in support" from where it is.
TO_IN_SUPPORT = {
    OfferState.CONTACTED: (OfferState.ACCEPTED, OfferState.IN_SUPPORT),
    OfferState.ACCEPTED: (OfferState.IN_SUPPORT,),
    OfferState.IN_SUPPORT: (),
}


@transaction.atomic
def encounter_log(
    *,
    actor: User,
    offer: OutreachOffer,
    occurred_on: datetime.date,
    duration_minutes: int,
    modality: str,
    outcome: str,
    note: str = "",
) -> Encounter:
    """The supporter logs one conversation; the offer moves to "in support" (or closes)."""
    offer = OutreachOffer.objects.select_for_update().get(pk=offer.pk)
    if not policy.may_log_encounter(actor, offer):
        raise PermissionDenied("Only the supporter assigned logs conversations.")
    _encounter_check(
        offer=offer,
        occurred_on=occurred_on,
        duration_minutes=duration_minutes,
        modality=modality,
        outcome=outcome,
        note=note,
    )
    encounter = Encounter.objects.create(
        offer=offer,
        supporter_id=actor.staff_member_id,
        occurred_on=occurred_on,
        duration_minutes=duration_minutes,
        modality=modality,
        outcome=outcome,
        note=note.strip(),
    )
    audit_event_record(
        actor=actor,
        action=AuditAction.ENCOUNTER_LOGGED,
        obj=encounter,
        subject=offer.person,
        audience=AuditAudience.PROGRAM,
        details={"minutes": duration_minutes, "modality": modality, "outcome": outcome},
    )
    for state in TO_IN_SUPPORT[offer.state]:
        offer = offer_move(
            actor=actor,
            offer=offer,
            to_state=state,
            detail="A conversation was logged.",
        )
    if outcome == EncounterOutcome.CLOSED:
        offer_move(
            actor=actor,
            offer=offer,
            to_state=OfferState.CLOSED,
            close_reason=CloseReason.SUPPORT_ENDED,
            detail="Support ended.",
        )
    return encounter


def _encounter_check(
    *,
    offer: OutreachOffer,
    occurred_on: datetime.date,
    duration_minutes: int,
    modality: str,
    outcome: str,
    note: str,
) -> None:
    errors = {}
    if offer.state not in LOGGABLE_STATES:
        errors["__all__"] = (
            f"This offer is {offer.get_state_display().lower()}: log a conversation "
            "once you have reached them."
        )
    if occurred_on > timezone.localdate():
        errors["occurred_on"] = "A conversation cannot be in the future."
    elif occurred_on < timezone.localdate(offer.created_at):
        errors["occurred_on"] = "This is before the offer was made; check the date."
    if not 1 <= duration_minutes <= 600:
        errors["duration_minutes"] = "Give the length in minutes, from 1 to 600."
    if modality not in EncounterModality.values:
        errors["modality"] = "Choose phone, video call or in person."
    if outcome not in EncounterOutcome.values:
        errors["outcome"] = "Choose what comes next."
    if note.strip() and not program_settings().encounter_notes_enabled:
        errors["note"] = "Notes are switched off for this program; leave it empty."
    if len(note) > 500:
        errors["note"] = "Keep a note under 500 characters."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def care_check_answer(
    *, actor: User, encounter: Encounter, heaviness: int, wants_debrief: bool
) -> CareCheck:
    """Two questions for the supporter about themselves, once per conversation."""
    if encounter.supporter_id != actor.staff_member_id:
        raise PermissionDenied("The care check is the supporter's own.")
    if CareCheck.objects.filter(encounter=encounter).exists():
        raise ValidationError("You have already answered for this conversation.")
    if not 1 <= heaviness <= 5:
        raise ValidationError({"heaviness": "Choose from 1 (light) to 5 (very heavy)."})
    check = CareCheck.objects.create(
        encounter=encounter, heaviness=heaviness, wants_debrief=wants_debrief
    )
    audit_event_record(
        actor=actor,
        action=AuditAction.CARE_CHECK_ANSWERED,
        obj=check,
        audience=AuditAudience.PROGRAM,
    )
    if wants_debrief:
        debrief_request(actor=actor)
    return check


@transaction.atomic
def debrief_request(*, actor: User) -> DebriefRequest:
    """A supporter asks the director for a debrief; the director is e-mailed."""
    if not policy.is_peer_supporter(actor):
        raise PermissionDenied("Debriefs are for peer supporters.")
    waiting = DebriefRequest.objects.filter(
        supporter_id=actor.staff_member_id, handled_at__isnull=True
    ).first()
    if waiting is not None:
        return waiting
    request = DebriefRequest.objects.create(supporter_id=actor.staff_member_id)
    audit_event_record(
        actor=actor,
        action=AuditAction.DEBRIEF_REQUESTED,
        obj=request,
        audience=AuditAudience.PROGRAM,
    )
    _program_staff_tell(
        roles=[Role.PROGRAM_DIRECTOR],
        subject="A peer supporter would like a debrief",
        template="conversations/email/debrief_requested.txt",
        purpose="debrief_requested",
        page="supporter_care",
        context={"supporter": actor.staff_member},
    )
    return request


@transaction.atomic
def debrief_handle(*, actor: User, request: DebriefRequest) -> DebriefRequest:
    if not policy.may_care_for_supporters(actor):
        raise PermissionDenied("The director handles debrief requests.")
    request = DebriefRequest.objects.select_for_update().get(pk=request.pk)
    if request.handled_at is None:
        request.handled_at = timezone.now()
        request.handled_by = actor
        request.save(update_fields=["handled_at", "handled_by"])
        audit_event_record(
            actor=actor,
            action=AuditAction.DEBRIEF_HANDLED,
            obj=request,
            audience=AuditAudience.PROGRAM,
        )
    return request


@transaction.atomic
def safety_concern_raise(*, actor: User) -> SafetyConcern:
    """Alert the director and administrator at once. Records that it happened and when."""
    if not policy.may_raise_safety_concern(actor):
        raise PermissionDenied("Safety concerns are raised by peer supporters.")
    concern = SafetyConcern.objects.create(raised_by_id=actor.staff_member_id)
    audit_event_record(
        actor=actor,
        action=AuditAction.SAFETY_CONCERN_RAISED,
        obj=concern,
        audience=AuditAudience.PROGRAM,
    )
    _program_staff_tell(
        roles=[Role.PROGRAM_DIRECTOR, Role.PROGRAM_ADMINISTRATOR],
        subject="Urgent: a peer supporter raised a safety concern",
        template="conversations/email/safety_concern.txt",
        purpose="safety_concern",
        page="home",
        context={"supporter": actor.staff_member, "concern": concern},
    )
    return concern


@transaction.atomic
def safety_concern_acknowledge(*, actor: User, concern: SafetyConcern) -> SafetyConcern:
    """Program staff have called the supporter back: the alert leaves the home page."""
    if not policy.may_acknowledge_safety_concerns(actor):
        raise PermissionDenied("Program staff acknowledge safety concerns.")
    concern = SafetyConcern.objects.select_for_update().get(pk=concern.pk)
    if concern.acknowledged_at is None:
        concern.acknowledged_at = timezone.now()
        concern.acknowledged_by = actor
        concern.save(update_fields=["acknowledged_at", "acknowledged_by"])
        audit_event_record(
            actor=actor,
            action=AuditAction.SAFETY_CONCERN_ACKNOWLEDGED,
            obj=concern,
            audience=AuditAudience.PROGRAM,
        )
    return concern


def _program_staff_tell(
    *,
    roles: list[Role],
    subject: str,
    template: str,
    purpose: str,
    page: str,
    context: dict,
) -> None:
    link = settings.SITE_URL + reverse(page)
    body = render_to_string(template, {**context, "link": link})
    for email in role_holder_addresses(*roles):
        email_queue(recipient=email, subject=subject, body_text=body, purpose=purpose)
