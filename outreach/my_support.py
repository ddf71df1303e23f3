"""The clinician's own side of outreach: their requests and offers, and withdrawing a request.

A request someone made for themselves is theirs to withdraw, and withdrawing
deletes it now: the offer, its timeline, any conversations logged and
referrals made, and the request with its contact details. What remains is an
audit event saying a request was withdrawn, with no details; the audit
events about the request forget whom they were about.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet

from accounts.models import User
from confidentiality import policy
from confidentiality.models import AuditAction, AuditAudience
from confidentiality.services import audit_event_record
from outbox.services import email_queue
from outreach.models import OPEN_STATES, OfferOrigin, OutreachOffer
from outreach.retention import cases_delete


def my_offers(user) -> QuerySet[OutreachOffer]:
    """The person's open offers and requests, newest first (never who referred them)."""
    return (
        policy.own_offers(user)
        .filter(state__in=OPEN_STATES)
        .select_related("supporter", "trigger_type", "event")
        .order_by("-created_at")
    )


@transaction.atomic
def own_request_withdraw(*, actor: User, offer: OutreachOffer) -> None:
    """Withdraw a request one made for oneself, and delete it and all that hangs on it."""
    offer = (
        OutreachOffer.objects.select_for_update(of=("self",))
        .select_related("supporter")
        .get(pk=offer.pk)
    )
    if actor.staff_member_id is None or offer.person_id != actor.staff_member_id:
        raise PermissionDenied("Only the person who asked may withdraw a request.")
    if offer.origin != OfferOrigin.SELF:
        raise ValidationError(
            "Only a request you made yourself can be withdrawn here; to turn down an "
            "offer, answer “No thanks” or tell your supporter."
        )
    supporter = offer.supporter if offer.is_open else None
    cases_delete(offer_ids=[offer.pk])
    audit_event_record(
        actor=actor,
        action=AuditAction.REQUEST_WITHDRAWN,
        audience=AuditAudience.PROGRAM,
    )
    if supporter is not None and supporter.work_email:
        email_queue(
            recipient=supporter.work_email,
            subject="An assignment was withdrawn",
            body_text=(
                "A colleague you were assigned to has withdrawn their request for "
                "support, and it has been deleted. There is nothing more to do.\n"
            ),
            purpose="outreach_request_withdrawn",
        )
