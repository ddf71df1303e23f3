"""Facilitated referral, closed loop: a warm handoff to a resource, and did they get there.

With the person's consent the supporter records which resource they handed
the person on to; nothing about the conversation is shared. After the
program's ``referral_follow_up_days`` the worker asks the supporter, or the
person if they agreed, whether they got there. The answers are counted for
the program by kind of resource.
"""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from confidentiality import policy
from confidentiality.models import AuditAction, AuditAudience
from confidentiality.services import audit_event_record
from conversations.models import FacilitatedReferral, FollowUpWith, ReferralOutcome
from conversations.services import LOGGABLE_STATES
from outbox.services import email_queue
from outreach.models import OutreachOffer
from program.selectors import program_settings
from resources.models import Resource
from worker.services import task_schedule

ANSWER_LINK_VALID_FOR = datetime.timedelta(days=14)
ANSWERS = (ReferralOutcome.REACHED, ReferralOutcome.NOT_YET, ReferralOutcome.NOT_GOING)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def facilitated_referral_make(
    *,
    actor: User,
    offer: OutreachOffer,
    resource: Resource,
    consent: bool,
    follow_up_with: str,
) -> FacilitatedReferral:
    """The supporter hands the person on to a resource, with their consent."""
    offer = OutreachOffer.objects.select_for_update().get(pk=offer.pk)
    if not policy.may_log_encounter(actor, offer):
        raise PermissionDenied("Only the supporter assigned makes a referral.")
    errors = {}
    if offer.state not in LOGGABLE_STATES:
        errors["__all__"] = "Make a referral once you have talked with them."
    if not consent:
        errors["consent"] = "Only with their consent: tick that they agreed to it."
    if not resource.is_active:
        errors["resource"] = f"“{resource}” is no longer in the directory."
    if follow_up_with not in FollowUpWith.values:
        errors["follow_up_with"] = "Choose who Alongside asks whether they got there."
    if errors:
        raise ValidationError(errors)
    today = timezone.localdate()
    days = program_settings().referral_follow_up_days
    referral = FacilitatedReferral.objects.create(
        offer=offer,
        resource=resource,
        supporter_id=actor.staff_member_id,
        made_on=today,
        follow_up_with=follow_up_with,
        follow_up_on=today + datetime.timedelta(days=days),
    )
    task_schedule(
        kind="conversations.referral_follow_up",
        payload={"referral_id": referral.pk},
        due_at=timezone.now() + datetime.timedelta(days=days),
    )
    audit_event_record(
        actor=actor,
        action=AuditAction.FACILITATED_REFERRAL_MADE,
        obj=referral,
        subject=offer.person,
        audience=AuditAudience.PROGRAM,
        details={"resource_kind": resource.kind, "follow_up_with": follow_up_with},
    )
    return referral


@transaction.atomic
def referral_follow_up_ask(*, referral_id: int) -> bool:
    """The worker's follow-up: ask the person (if they agreed) or the supporter."""
    referral = (
        FacilitatedReferral.objects.select_for_update(of=("self",))
        .select_related("offer__person", "resource", "supporter")
        .filter(pk=referral_id, outcome=ReferralOutcome.WAITING)
        .first()
    )
    if referral is None:
        return False
    person = referral.offer.person
    if referral.follow_up_with == FollowUpWith.PERSON and person.work_email:
        # The e-mail names no service: a work inbox is not private. The page does.
        token = secrets.token_urlsafe(32)
        referral.answer_token_hash = _token_hash(token)
        referral.answer_expires_at = timezone.now() + ANSWER_LINK_VALID_FOR
        referral.save(update_fields=["answer_token_hash", "answer_expires_at"])
        base = settings.SITE_URL + reverse("referral_answer", args=[token])
        email_queue(
            recipient=person.work_email,
            subject="Touching base",
            body_text=render_to_string(
                "conversations/email/referral_follow_up_person.txt",
                {
                    "first_name": person.first_name,
                    "links": {answer: f"{base}?answer={answer}" for answer in ANSWERS},
                    "organization_name": settings.ORGANIZATION_NAME,
                },
            ),
            purpose="referral_follow_up",
        )
    elif referral.supporter.work_email:
        email_queue(
            recipient=referral.supporter.work_email,
            subject="Did they get there?",
            body_text=render_to_string(
                "conversations/email/referral_follow_up_supporter.txt",
                {
                    "first_name": person.first_name,
                    "resource": referral.resource,
                    "link": settings.SITE_URL
                    + reverse("encounter_log", args=[referral.offer_id]),
                },
            ),
            purpose="referral_follow_up",
        )
    return True


@transaction.atomic
def facilitated_referral_record_outcome(
    *, actor: User, referral: FacilitatedReferral, outcome: str
) -> FacilitatedReferral:
    """The supporter says whether the person got there."""
    referral = FacilitatedReferral.objects.select_for_update().get(pk=referral.pk)
    if referral.supporter_id != actor.staff_member_id:
        raise PermissionDenied(
            "The supporter who made the referral records how it went."
        )
    return _outcome_record(referral, outcome, actor=actor)


def referral_for_answer_token(token: str) -> FacilitatedReferral | None:
    if not token:
        return None
    return (
        FacilitatedReferral.objects.select_related("resource", "offer__person")
        .filter(
            answer_token_hash=_token_hash(token),
            answer_expires_at__gt=timezone.now(),
            outcome=ReferralOutcome.WAITING,
        )
        .first()
    )


@transaction.atomic
def facilitated_referral_answer(*, token: str, outcome: str) -> FacilitatedReferral:
    """The person's own answer, from the follow-up e-mail (no sign-in, single use)."""
    referral = referral_for_answer_token(token)
    if referral is None:
        raise ValidationError("This link has expired or has already been used.")
    return _outcome_record(referral, outcome, actor=None)


def _outcome_record(referral, outcome: str, *, actor) -> FacilitatedReferral:
    if outcome not in ANSWERS:
        raise ValidationError({"outcome": "Choose one of the answers."})
    referral.outcome = outcome
    referral.outcome_at = timezone.now()
    referral.answer_token_hash = ""
    referral.answer_expires_at = None
    referral.save(
        update_fields=[
            "outcome",
            "outcome_at",
            "answer_token_hash",
            "answer_expires_at",
        ]
    )
    audit_event_record(
        actor=actor,
        action=AuditAction.FACILITATED_REFERRAL_ANSWERED,
        obj=referral,
        audience=AuditAudience.PROGRAM,
        details={"outcome": outcome},
    )
    return referral
