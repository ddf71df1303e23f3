"""Referrals from the people who ask: for themselves, for a colleague, without signing in."""

import hashlib

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.models import User
from organization.models import StaffMember
from outbox.services import email_queue
from outreach.models import OutreachOffer, ReferralKind
from outreach.services import referral_make
from scope.services import demand_record


@transaction.atomic
def self_refer(
    *, person: StaffMember, preferences: dict, actor: User | None
) -> tuple[OutreachOffer | None, bool]:
    """Count the request, and offer support when the program serves the person.

    Returns (the offer or None, whether the person is in scope).
    """
    record = demand_record(staff_member=person)
    if not record.in_scope:
        return None, False
    _, offer = referral_make(
        kind=ReferralKind.SELF,
        person=person,
        referrer=person,
        actor=actor,
        **preferences,
    )
    return offer, True


@transaction.atomic
def colleague_refer(
    *, user: User, colleague: StaffMember, kind: str, how_heard: str = ""
) -> OutreachOffer | None:
    """Refer a colleague (or, as their leader, a team member). None: outside the scope.

    The referrer is recorded for program staff and never shown to the
    colleague or to their supporter.
    """
    record = demand_record(staff_member=colleague)
    if not record.in_scope:
        return None
    _, offer = referral_make(
        kind=kind,
        person=colleague,
        referrer=user.staff_member,
        actor=user,
        how_heard=how_heard,
    )
    return offer


PUBLIC_REQUEST_LINK_EVERY = 10 * 60  # seconds between links to one address


def public_request_link_send(*, email: str, salt: str) -> bool:
    """E-mail a link to an active roster address; do nothing (silently) for any other.

    One link per address every ten minutes, so the form cannot be used to
    flood a colleague's inbox.
    """
    person = StaffMember.objects.filter(
        is_active=True, work_email__iexact=email
    ).first()
    if person is None:
        return False
    throttle = (
        "outreach.public_request:"
        + hashlib.sha256(person.work_email.lower().encode()).hexdigest()
    )
    if not cache.add(throttle, 1, timeout=PUBLIC_REQUEST_LINK_EVERY):
        return False
    token = signing.dumps({"email": person.work_email.lower()}, salt=salt)
    email_queue(
        recipient=person.work_email,
        subject="Your request to the peer support program",
        body_text=render_to_string(
            "outreach/email/public_request.txt",
            {
                "first_name": person.first_name,
                "link": settings.SITE_URL
                + reverse("public_request_confirm", args=[token]),
            },
        ),
        purpose="outreach_public_request",
    )
    return True
