"""Outreach: offers of support, their assignment, first-contact clocks and answers.

An offer moves through ``new → assigned → contacted → accepted / not now /
declined / no answer → in support → closed``. Every move is an ``OfferStep``
(the program staff's timeline) and an audit event, in one transaction. Clocks
are background tasks keyed by the offer, so moving an offer on simply
replaces or cancels them.
"""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, RoleAssignment, User
from accounts.selectors import role_holder_addresses
from confidentiality import policy
from confidentiality.models import AuditAction, AuditAudience
from confidentiality.services import audit_event_record
from events.models import HARM_ORDER, AdverseEvent, EventInvolvement, HarmLevel
from organization.models import StaffMember
from outbox.services import email_queue
from outreach.matching import MatchRequest, match_supporters
from outreach.models import (
    OPEN_STATES,
    CloseReason,
    OfferOrigin,
    OfferState,
    OfferStep,
    OutreachOffer,
    Referral,
    ReferralKind,
)
from program.selectors import program_settings
from scope.eligibility import eligible_staff_members, staff_member_is_eligible
from worker.models import BackgroundTask, DueStatus
from worker.services import task_schedule

ANSWER_LINK_VALID_FOR = datetime.timedelta(days=14)
FIRST_CONTACT_REMINDER_AT = 0.75  # of the clock, or 1 hour before, whichever is earlier

# Which moves a supporter or program staff may make from each state.
MOVES: dict[str, tuple[str, ...]] = {
    OfferState.NEW: (OfferState.ASSIGNED, OfferState.CLOSED),
    OfferState.ASSIGNED: (OfferState.CONTACTED, OfferState.CLOSED),
    OfferState.CONTACTED: (
        OfferState.ACCEPTED,
        OfferState.NOT_NOW,
        OfferState.DECLINED,
        OfferState.NO_ANSWER,
        OfferState.CLOSED,
    ),
    OfferState.NOT_NOW: (OfferState.CONTACTED, OfferState.ACCEPTED, OfferState.CLOSED),
    OfferState.ACCEPTED: (OfferState.IN_SUPPORT, OfferState.CLOSED),
    OfferState.IN_SUPPORT: (OfferState.CLOSED,),
    OfferState.DECLINED: (OfferState.CLOSED,),
    OfferState.NO_ANSWER: (OfferState.CONTACTED, OfferState.CLOSED),
    OfferState.CLOSED: (),
}


def _audit(actor, action, offer: OutreachOffer, **details) -> None:
    audit_event_record(
        actor=actor,
        action=action,
        obj=offer,
        subject=offer.person,
        audience=AuditAudience.PROGRAM,
        details=details,
    )


def _step(
    offer: OutreachOffer, to_state: str, *, actor: User | None, detail: str = ""
) -> OfferStep:
    now = timezone.now()
    step = OfferStep.objects.create(
        offer=offer,
        from_state=offer.state,
        to_state=to_state,
        at=now,
        actor=actor,
        detail=detail[:300],
    )
    offer.state = to_state
    offer.state_changed_at = now
    return step


# --- Creating offers ---------------------------------------------------------------------------


def _clock_hours(trigger_type, harm_level: str = "") -> int:
    hours = trigger_type.first_contact_hours if trigger_type else 24
    if harm_level == HarmLevel.DEATH:
        hours = min(hours, program_settings().first_contact_hours_after_death)
    return hours


def _offers_wanted(event: AdverseEvent) -> bool:
    trigger = event.trigger_type
    if not trigger.creates_offers:
        return False
    if trigger.minimum_harm_level and event.harm_level:
        return HARM_ORDER.index(event.harm_level) <= HARM_ORDER.index(
            trigger.minimum_harm_level
        )
    return True


def offer_create(
    *,
    person: StaffMember,
    origin: str,
    event: AdverseEvent | None = None,
    referral: Referral | None = None,
    trigger_type=None,
    first_contact_hours: int = 24,
    actor: User | None = None,
    reopened_from: OutreachOffer | None = None,
) -> OutreachOffer:
    """Create an offer and assign it at once if anyone can take it."""
    offer = OutreachOffer.objects.create(
        person=person,
        origin=origin,
        event=event,
        referral=referral,
        trigger_type=trigger_type,
        first_contact_hours=first_contact_hours,
        reopened_from=reopened_from,
        state_changed_at=timezone.now(),
    )
    OfferStep.objects.create(
        offer=offer, from_state="", to_state=OfferState.NEW, at=offer.state_changed_at
    )
    _audit(actor, AuditAction.OFFER_CREATED, offer, origin=origin)
    offer_assign(offer=offer, actor=None)
    return offer


def offers_for_event_create(*, event: AdverseEvent) -> int:
    """Reach in: an offer, matched to a supporter, for every eligible person involved.

    The worker calls it (``event_reach_in``) moments after an event is
    recorded; the demo and tests call it directly. How many offers it made.
    """
    return _offers_for_involved(event) + _cluster_debrief_offer(event)


def _offers_for_involved(event: AdverseEvent) -> int:
    if not _offers_wanted(event):
        return 0
    hours = _clock_hours(event.trigger_type, event.harm_level)
    involved_ids = EventInvolvement.objects.filter(event=event).values(
        "staff_member_id"
    )
    people = (
        eligible_staff_members(event.occurred_on)
        .filter(pk__in=involved_ids)
        .order_by("pk")
    )
    made = 0
    for person in people:
        offer_create(
            person=person,
            origin=OfferOrigin.EVENT,
            event=event,
            trigger_type=event.trigger_type,
            first_contact_hours=hours,
        )
        made += 1
    return made


@transaction.atomic
def event_reach_in(*, event_id: int) -> int:
    """The worker's half of machine ingest: make and match the event's offers, once.

    A task that runs again (the worker was killed after the work committed)
    finds the offers made and does nothing.
    """
    event = (
        AdverseEvent.objects.select_for_update(of=("self",))
        .select_related("trigger_type")
        .filter(pk=event_id)
        .first()
    )
    if event is None or OutreachOffer.objects.filter(event=event).exists():
        return 0
    return offers_for_event_create(event=event)


def _cluster_debrief_offer(event: AdverseEvent) -> int:
    """N events in one unit within D days: offer the unit's leader a group debrief, once."""
    if event.unit_id is None:
        return 0
    settings_row = program_settings()
    since = event.occurred_on - datetime.timedelta(days=settings_row.cluster_days)
    recent = AdverseEvent.objects.filter(unit_id=event.unit_id, occurred_on__gte=since)
    if recent.count() < settings_row.cluster_events:
        return 0
    already = OutreachOffer.objects.filter(
        origin=OfferOrigin.CLUSTER,
        event__unit_id=event.unit_id,
        created_at__date__gte=since,
    ).exists()
    if already:
        return 0
    leader = _unit_leader(recent)
    if leader is None:
        return 0
    offer_create(
        person=leader,
        origin=OfferOrigin.CLUSTER,
        event=event,
        trigger_type=event.trigger_type,
        first_contact_hours=48,
    )
    return 1


def _unit_leader(events) -> StaffMember | None:
    """The person most of the staff involved report to."""
    row = (
        EventInvolvement.objects.filter(
            event__in=events, staff_member__supervisor__isnull=False
        )
        .values("staff_member__supervisor")
        .annotate(n=Count("pk"))
        .order_by("-n", "staff_member__supervisor")
        .first()
    )
    if row is None:
        return None
    return StaffMember.objects.filter(
        pk=row["staff_member__supervisor"], is_active=True
    ).first()


def offers_reopen_for_litigation(*, event: AdverseEvent) -> int:
    """A litigation milestone re-opens support for everyone the event reached.

    Each person's latest offer for the event is re-opened from. When retention
    has deleted those offers (litigation often comes a year or more later),
    the people involved in the event are reached again all the same: the
    event keeps who was involved. Nobody with an offer open gets a second one.
    """
    latest: dict[int, OutreachOffer] = {}
    for offer in (
        OutreachOffer.objects.filter(event=event)
        .exclude(origin=OfferOrigin.CLUSTER)
        .select_related("person")
        .order_by("created_at", "pk")
    ):
        latest[offer.person_id] = offer
    people = {person_id: offer.person for person_id, offer in latest.items()}
    if _offers_wanted(event):
        involved = EventInvolvement.objects.filter(event=event).values(
            "staff_member_id"
        )
        for person in eligible_staff_members(timezone.localdate()).filter(
            pk__in=involved
        ):
            people.setdefault(person.pk, person)
    busy = set(
        OutreachOffer.objects.filter(
            person_id__in=people, state__in=OPEN_STATES
        ).values_list("person_id", flat=True)
    )
    hours = _clock_hours(event.trigger_type, event.harm_level)
    reopened = 0
    for person_id in sorted(people.keys() - busy):
        previous = latest.get(person_id)
        offer_create(
            person=people[person_id],
            origin=OfferOrigin.REOPENED,
            event=event,
            trigger_type=event.trigger_type,
            first_contact_hours=previous.first_contact_hours if previous else hours,
            reopened_from=previous,
        )
        reopened += 1
    return reopened


# --- Referrals ---------------------------------------------------------------------------------


@transaction.atomic
def referral_make(
    *,
    kind: str,
    person: StaffMember,
    referrer: StaffMember | None,
    actor: User | None = None,
    **preferences,
) -> tuple[Referral, OutreachOffer | None]:
    """Someone asks for support for themselves or a colleague.

    An eligible person gets an offer (assigned at once when anyone can take
    it); anyone else is answered elsewhere and counted as unmet demand by the
    caller (``scope.services.demand_record``). Returns the offer, or None.
    """
    if kind not in ReferralKind.values:
        raise ValidationError({"kind": "Say who the support is for."})
    if kind != ReferralKind.SELF and referrer is not None and referrer.pk == person.pk:
        raise ValidationError("To ask for yourself, use “for me”.")
    if not person.is_active:
        raise ValidationError(f"{person} is no longer on the active roster.")
    referral = Referral(kind=kind, person=person, referrer=referrer, **preferences)
    referral.full_clean()
    referral.save()
    audit_event_record(
        actor=actor,
        action=AuditAction.REFERRAL_MADE,
        obj=referral,
        subject=person,
        audience=AuditAudience.PROGRAM,
        details={"kind": kind},
    )
    if not staff_member_is_eligible(person):
        return referral, None
    open_offer = OutreachOffer.objects.filter(
        person=person, state__in=OPEN_STATES
    ).first()
    if open_offer is not None:
        return referral, open_offer
    origin = {
        ReferralKind.SELF: OfferOrigin.SELF,
        ReferralKind.COLLEAGUE: OfferOrigin.COLLEAGUE,
        ReferralKind.LEADER: OfferOrigin.LEADER,
    }[kind]
    offer = offer_create(person=person, origin=origin, referral=referral, actor=actor)
    return referral, offer


# --- Assignment ----------------------------------------------------------------------------------


def _earlier_supporters(offer: OutreachOffer) -> frozenset[int]:
    """Who has had this offer: the supporter now, and those recorded at earlier assignments."""
    stored = offer.match_explanation.get("earlier_supporters", [])
    current = {offer.supporter_id} if offer.supporter_id else set()
    return frozenset(current | {int(pk) for pk in stored})


def offer_assign(
    *,
    offer: OutreachOffer,
    actor: User | None,
    supporter: StaffMember | None = None,
    reason: str = "",
) -> OutreachOffer:
    """Assign an offer: to the best match, or (an override) to the supporter chosen.

    Starts the first-contact clock. With nobody available the offer stays
    new and the program staff are told.
    """
    earlier = _earlier_supporters(offer)
    proposal = match_supporters(MatchRequest.for_offer(offer, exclude=earlier))
    overridden = supporter is not None
    chosen = supporter or (proposal.chosen.staff_member if proposal.chosen else None)
    explanation = {
        "explanation": proposal.explanation,
        "runners_up": [
            {"name": c.staff_member.full_name, "reasons": c.reasons}
            for c in proposal.runners_up
        ],
        "earlier_supporters": sorted(earlier),
    }
    if overridden:
        explanation["override"] = {
            "by": actor.display_name if actor else "",
            "reason": reason[:200],
        }
    offer.match_explanation = explanation
    if chosen is None:
        offer.save(update_fields=["match_explanation"])
        _staff_alert(offer, "nobody_available")
        return offer
    now = timezone.now()
    from_state = offer.state
    offer.supporter = chosen
    offer.assigned_at = now
    offer.first_contact_due_at = now + datetime.timedelta(
        hours=offer.first_contact_hours
    )
    detail = (
        f"Assigned to {chosen.full_name} by {actor.display_name}: {reason}"
        if overridden
        else proposal.explanation
    )
    if from_state == OfferState.NEW:
        _step(offer, OfferState.ASSIGNED, actor=actor, detail=detail)
    else:
        OfferStep.objects.create(
            offer=offer,
            from_state=from_state,
            to_state=from_state,
            at=now,
            actor=actor,
            detail=("Reassigned. " + detail)[:300],
        )
    offer.save()
    _audit(
        actor,
        AuditAction.OFFER_ASSIGNED,
        offer,
        supporter=chosen.pk,
        overridden=overridden,
    )
    _clock_start(offer)
    _assignment_notify(offer)
    return offer


@transaction.atomic
def offer_reassign(
    *, actor: User, offer: OutreachOffer, supporter: StaffMember, reason: str
) -> OutreachOffer:
    """The administrator overrides the match; the override and its reason are recorded."""
    if not policy.may_run_outreach(actor):
        raise PermissionDenied("Only program staff assign offers.")
    offer = OutreachOffer.objects.select_for_update().get(pk=offer.pk)
    if not offer.is_open or offer.state not in {OfferState.NEW, OfferState.ASSIGNED}:
        raise ValidationError("Only an offer not yet contacted can be reassigned.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why you chose this supporter."})
    holds_role = (
        RoleAssignment.objects.current()
        .filter(staff_member=supporter, role=Role.PEER_SUPPORTER)
        .exists()
    )
    if not holds_role:
        raise ValidationError({"supporter": f"{supporter} is not a peer supporter."})
    if supporter.pk == offer.person_id:
        raise ValidationError({"supporter": "Nobody supports themselves."})
    return offer_assign(offer=offer, actor=actor, supporter=supporter, reason=reason)


def _assignment_notify(offer: OutreachOffer) -> None:
    supporter = offer.supporter
    if not supporter.work_email:
        return
    email_queue(
        recipient=supporter.work_email,
        subject="A new assignment",
        body_text=render_to_string(
            "outreach/email/assignment.txt",
            {"offer": offer, "link": settings.SITE_URL + reverse("my_assignments")},
        ),
        purpose="outreach_assignment",
    )


def _staff_alert(offer: OutreachOffer, why: str) -> None:
    """Tell the director and administrators, by e-mail, that an offer needs them."""
    link = settings.SITE_URL + reverse("offer_detail", args=[offer.pk])
    body = render_to_string(
        "outreach/email/staff_alert.txt", {"why": why, "link": link}
    )
    for email in role_holder_addresses(
        Role.PROGRAM_DIRECTOR, Role.PROGRAM_ADMINISTRATOR
    ):
        email_queue(
            recipient=email,
            subject="An outreach offer needs you",
            body_text=body,
            purpose=f"outreach_alert_{why}",
        )


# --- Clocks --------------------------------------------------------------------------------------


def _key(kind: str, offer: OutreachOffer) -> str:
    return f"outreach.{kind}:{offer.pk}"


def _task_cancel(kind: str, offer: OutreachOffer) -> None:
    BackgroundTask.objects.filter(
        dedupe_key=_key(kind, offer), status=DueStatus.PENDING
    ).update(status=DueStatus.CANCELLED, finished_at=timezone.now())


def offer_tasks_cancel(*, offer_ids: list[int]) -> int:
    """Cancel every clock, reminder and second offer still waiting for these offers."""
    return BackgroundTask.objects.filter(
        status=DueStatus.PENDING,
        kind__startswith="outreach.",
        payload__offer_id__in=offer_ids,
    ).update(status=DueStatus.CANCELLED, finished_at=timezone.now())


def _clock_start(offer: OutreachOffer) -> None:
    window = offer.first_contact_due_at - offer.assigned_at
    remind_at = min(
        offer.assigned_at + window * FIRST_CONTACT_REMINDER_AT,
        offer.first_contact_due_at - datetime.timedelta(hours=1),
    )
    payload = {"offer_id": offer.pk, "assigned_at": offer.assigned_at.isoformat()}
    task_schedule(
        kind="outreach.first_contact_reminder",
        payload=payload,
        due_at=max(remind_at, offer.assigned_at),
        dedupe_key=_key("reminder", offer),
    )
    task_schedule(
        kind="outreach.first_contact_expired",
        payload=payload,
        due_at=offer.first_contact_due_at,
        dedupe_key=_key("expired", offer),
    )


def _clock_stop(offer: OutreachOffer) -> None:
    _task_cancel("reminder", offer)
    _task_cancel("expired", offer)


def _still_waiting(offer_id: int, assigned_at: str) -> OutreachOffer | None:
    offer = OutreachOffer.objects.select_for_update().filter(pk=offer_id).first()
    if offer is None or offer.state != OfferState.ASSIGNED or offer.assigned_at is None:
        return None
    if offer.assigned_at.isoformat() != assigned_at:
        return None  # reassigned since: that assignment has its own clock
    return offer


@transaction.atomic
def first_contact_remind(*, offer_id: int, assigned_at: str) -> bool:
    offer = _still_waiting(offer_id, assigned_at)
    if offer is None or not offer.supporter.work_email:
        return False
    email_queue(
        recipient=offer.supporter.work_email,
        subject="A reminder: first contact due soon",
        body_text=render_to_string(
            "outreach/email/first_contact_reminder.txt",
            {"offer": offer, "link": settings.SITE_URL + reverse("my_assignments")},
        ),
        purpose="outreach_first_contact_reminder",
    )
    return True


@transaction.atomic
def first_contact_expire(*, offer_id: int, assigned_at: str) -> bool:
    """The clock ran out without contact: alert the staff and reassign to the next."""
    offer = _still_waiting(offer_id, assigned_at)
    if offer is None:
        return False
    missed = offer.supporter
    offer.match_explanation = {
        **offer.match_explanation,
        "earlier_supporters": sorted(_earlier_supporters(offer)),
    }
    OfferStep.objects.create(
        offer=offer,
        from_state=offer.state,
        to_state=offer.state,
        at=timezone.now(),
        detail=f"First contact was due by {timezone.localtime(offer.first_contact_due_at):%-d %b %H:%M} "
        f"and {missed.full_name} had not made it; escalated.",
    )
    _staff_alert(offer, "first_contact_missed")
    offer_assign(offer=offer, actor=None)
    return True


# --- Moving on -----------------------------------------------------------------------------------


def _may_move(actor: User, offer: OutreachOffer) -> bool:
    return policy.may_run_outreach(actor) or (
        actor.staff_member_id is not None
        and actor.staff_member_id == offer.supporter_id
    )


@transaction.atomic
def offer_move(
    *,
    actor: User | None,
    offer: OutreachOffer,
    to_state: str,
    close_reason: str = "",
    detail: str = "",
) -> OutreachOffer:
    """Move an offer on (the supporter logs what happened, or staff close it)."""
    if actor is not None and not _may_move(actor, offer):
        raise PermissionDenied(
            "Only the assigned supporter or program staff move an offer."
        )
    offer = OutreachOffer.objects.select_for_update().get(pk=offer.pk)
    if to_state not in MOVES[offer.state]:
        raise ValidationError(
            f"This offer is {offer.get_state_display().lower()}; it cannot become "
            f"“{OfferState(to_state).label.lower()}” from there."
        )
    if to_state == OfferState.CLOSED and close_reason not in CloseReason.values:
        raise ValidationError({"close_reason": "Choose why the offer is closing."})
    _step(offer, to_state, actor=actor, detail=detail)
    now = timezone.now()
    if to_state == OfferState.CONTACTED and offer.contacted_at is None:
        offer.contacted_at = now
        _clock_stop(offer)
    if to_state == OfferState.CLOSED:
        offer.close_reason = close_reason
        offer.closed_at = now
        _clock_stop(offer)
        _task_cancel("second_offer", offer)
    if to_state in {OfferState.ACCEPTED, OfferState.NOT_NOW, OfferState.DECLINED}:
        offer.answer_token_hash = ""
        offer.answer_expires_at = None
    offer.save()
    if to_state == OfferState.NOT_NOW and not offer.second_offer_sent:
        days = program_settings().second_offer_after_days
        task_schedule(
            kind="outreach.second_offer",
            payload={"offer_id": offer.pk},
            due_at=now + datetime.timedelta(days=days),
            dedupe_key=_key("second_offer", offer),
        )
    if to_state == OfferState.ACCEPTED:
        _check_ins_schedule(offer)
    _audit(actor, AuditAction.OFFER_MOVED, offer, to=to_state, reason=close_reason)
    return offer


def _check_ins_schedule(offer: OutreachOffer) -> None:
    for days in _check_in_days():
        task_schedule(
            kind="outreach.check_in",
            payload={"offer_id": offer.pk, "days": days},
            due_at=timezone.now() + datetime.timedelta(days=days),
            dedupe_key=f"{_key('check_in', offer)}:{days}",
        )


def _check_in_days() -> list[int]:
    days = []
    for part in program_settings().check_in_days.split(","):
        part = part.strip()
        if part.isdigit() and int(part) > 0:
            days.append(int(part))
    return sorted(set(days))


@transaction.atomic
def check_in_remind(*, offer_id: int, days: int) -> bool:
    """A milestone after an accepted offer: remind the supporter to check in."""
    offer = (
        OutreachOffer.objects.select_related("supporter", "person")
        .filter(pk=offer_id)
        .first()
    )
    if offer is None or not offer.is_open or offer.supporter is None:
        return False
    OfferStep.objects.create(
        offer=offer,
        from_state=offer.state,
        to_state=offer.state,
        at=timezone.now(),
        detail=f"Check-in due ({days} days after they accepted).",
    )
    if offer.supporter.work_email:
        email_queue(
            recipient=offer.supporter.work_email,
            subject="Time to check in",
            body_text=render_to_string(
                "outreach/email/check_in.txt",
                {
                    "offer": offer,
                    "days": days,
                    "link": settings.SITE_URL + reverse("my_assignments"),
                },
            ),
            purpose="outreach_check_in",
        )
    return True


# --- The first message and the person's answer ---------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def first_message_send(*, actor: User, offer: OutreachOffer) -> OutreachOffer:
    """E-mail the person: a neutral "Touching base" with yes / not now / no thanks links.

    The subject and text say nothing about any event. The links carry a
    random token (only its hash is stored), work once, and expire.
    """
    if not _may_move(actor, offer):
        raise PermissionDenied("Only the assigned supporter or program staff send it.")
    offer = (
        OutreachOffer.objects.select_for_update(of=("self",))
        .select_related("person", "supporter")
        .get(pk=offer.pk)
    )
    if offer.state not in {
        OfferState.ASSIGNED,
        OfferState.NO_ANSWER,
        OfferState.NOT_NOW,
    }:
        raise ValidationError("The first message goes out before anyone has answered.")
    if not offer.person.work_email:
        raise ValidationError(
            f"{offer.person} has no work e-mail on the roster: call them instead."
        )
    _answer_message_queue(offer, second=False)
    return offer_move(
        actor=actor,
        offer=offer,
        to_state=OfferState.CONTACTED,
        detail="“Touching base” e-mail sent.",
    )


def _answer_message_queue(offer: OutreachOffer, *, second: bool) -> None:
    token = secrets.token_urlsafe(32)
    offer.answer_token_hash = _token_hash(token)
    offer.answer_expires_at = timezone.now() + ANSWER_LINK_VALID_FOR
    offer.save(update_fields=["answer_token_hash", "answer_expires_at"])
    base = settings.SITE_URL + reverse("offer_answer", args=[token])
    email_queue(
        recipient=offer.person.work_email,
        subject="Touching base",
        body_text=render_to_string(
            "outreach/email/touching_base.txt",
            {
                "first_name": offer.person.first_name,
                "supporter": offer.supporter,
                "second": second,
                "yes": f"{base}?answer=yes",
                "not_now": f"{base}?answer=not_now",
                "no_thanks": f"{base}?answer=no",
                "organization_name": settings.ORGANIZATION_NAME,
            },
        ),
        purpose="outreach_touching_base",
    )


def offer_for_answer_token(token: str) -> OutreachOffer | None:
    if not token:
        return None
    return (
        OutreachOffer.objects.select_related("supporter", "person")
        .filter(
            answer_token_hash=_token_hash(token),
            answer_expires_at__gt=timezone.now(),
            state__in=[OfferState.CONTACTED, OfferState.NO_ANSWER, OfferState.NOT_NOW],
        )
        .first()
    )


ANSWERS = {
    "yes": OfferState.ACCEPTED,
    "not_now": OfferState.NOT_NOW,
    "no": OfferState.DECLINED,
}


@transaction.atomic
def offer_answer(*, token: str, answer: str) -> OutreachOffer:
    """The person's own answer, from the link in the e-mail (no sign-in)."""
    offer = offer_for_answer_token(token)
    if offer is None or answer not in ANSWERS:
        raise ValidationError("This link has expired or has already been used.")
    if offer.state == OfferState.NO_ANSWER:
        offer = offer_move(
            actor=None,
            offer=offer,
            to_state=OfferState.CONTACTED,
            detail="They answered.",
        )
    moved = offer_move(
        actor=None,
        offer=offer,
        to_state=ANSWERS[answer],
        detail="Answered from the e-mail.",
    )
    if answer != "no" and moved.supporter and moved.supporter.work_email:
        email_queue(
            recipient=moved.supporter.work_email,
            subject="An answer from a colleague",
            body_text=render_to_string(
                "outreach/email/answered.txt",
                {
                    "offer": moved,
                    "answer": answer,
                    "link": settings.SITE_URL + reverse("my_assignments"),
                },
            ),
            purpose="outreach_answered",
        )
    return moved


@transaction.atomic
def second_offer_send(*, offer_id: int) -> bool:
    """One gentle second offer after "not now"; never a third."""
    offer = (
        OutreachOffer.objects.select_for_update(of=("self",))
        .select_related("person", "supporter")
        .filter(pk=offer_id)
        .first()
    )
    if offer is None or offer.state != OfferState.NOT_NOW or offer.second_offer_sent:
        return False
    offer.second_offer_sent = True
    offer.save(update_fields=["second_offer_sent"])
    if offer.person.work_email:
        _answer_message_queue(offer, second=True)
    offer_move(
        actor=None,
        offer=offer,
        to_state=OfferState.CONTACTED,
        detail="The one gentle second offer was sent.",
    )
    return True


# --- On call and profile -------------------------------------------------------------------------


@transaction.atomic
def on_call_window_add(*, user: User, starts_at, ends_at):
    from outreach.models import OnCallWindow

    if not policy.is_peer_supporter(user):
        raise PermissionDenied("Only peer supporters go on call.")
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": "The window must end after it starts."})
    window = OnCallWindow.objects.create(
        supporter=user.staff_member, starts_at=starts_at, ends_at=ends_at
    )
    audit_event_record(
        actor=user,
        action=AuditAction.ON_CALL_CHANGED,
        obj=window,
        subject=user.staff_member,
        audience=AuditAudience.PROGRAM,
        details={"change": "added"},
    )
    return window


@transaction.atomic
def on_call_window_remove(*, user: User, window) -> None:
    if window.supporter_id != user.staff_member_id:
        raise PermissionDenied("Only your own on-call windows.")
    audit_event_record(
        actor=user,
        action=AuditAction.ON_CALL_CHANGED,
        obj=window,
        subject=user.staff_member,
        audience=AuditAudience.PROGRAM,
        details={"change": "removed"},
    )
    window.delete()


@transaction.atomic
def supporter_profile_save(*, user: User, profile):
    if profile.staff_member_id != user.staff_member_id:
        raise PermissionDenied("Only your own profile.")
    profile.full_clean()
    profile.save()
    audit_event_record(
        actor=user,
        action=AuditAction.SUPPORTER_PROFILE_CHANGED,
        obj=profile,
        subject=user.staff_member,
        audience=AuditAudience.PROGRAM,
    )
    return profile
