"""The demo's conversations: one or two on each case that reached support, with care checks."""

import datetime
import random

from conversations.models import (
    CareCheck,
    Encounter,
    EncounterModality,
    EncounterOutcome,
    FacilitatedReferral,
    FollowUpWith,
    ReferralOutcome,
)
from outreach.models import OfferState, OutreachOffer
from resources.models import Resource

SEED = 20261126


def demo_conversations_ensure(*, today: datetime.date) -> int:
    """Conversations on the demo's cases in support or closed; how many (0: already there)."""
    if Encounter.objects.exists():
        return 0
    rng = random.Random(SEED)  # noqa: S311 - a reproducible demo, nothing secret
    made = 0
    offers = OutreachOffer.objects.filter(
        state__in=[OfferState.IN_SUPPORT, OfferState.CLOSED],
        supporter__isnull=False,
    ).order_by("pk")
    for offer in offers:
        started = max(offer.created_at.date(), today - datetime.timedelta(days=60))
        outcomes = (
            [EncounterOutcome.CONTINUING, EncounterOutcome.CLOSED]
            if offer.state == OfferState.CLOSED
            else [EncounterOutcome.CONTINUING]
        )
        for number, outcome in enumerate(outcomes):
            encounter = Encounter.objects.create(
                offer=offer,
                supporter_id=offer.supporter_id,
                occurred_on=min(
                    started + datetime.timedelta(days=1 + 7 * number), today
                ),
                duration_minutes=rng.choice([25, 30, 40, 45, 60]),
                modality=rng.choice(EncounterModality.values),
                outcome=outcome,
            )
            CareCheck.objects.create(
                encounter=encounter,
                heaviness=rng.randint(1, 4),
                wants_debrief=False,
            )
            made += 1
    _referrals(today)
    return made


def _referrals(today: datetime.date) -> None:
    """One closed case was referred to the EAP and got there; one in support waits."""
    eap = Resource.objects.filter(kind="eap", is_active=True).first()
    if eap is None:
        return
    cases = [
        OutreachOffer.objects.filter(state=state, supporter__isnull=False)
        .order_by("pk")
        .first()
        for state in (OfferState.CLOSED, OfferState.IN_SUPPORT)
    ]
    for case, outcome in zip(
        cases, (ReferralOutcome.REACHED, ReferralOutcome.WAITING), strict=True
    ):
        if case is None:
            continue
        made_on = max(case.created_at.date(), today - datetime.timedelta(days=20))
        FacilitatedReferral.objects.create(
            offer=case,
            resource=eap,
            supporter_id=case.supporter_id,
            made_on=made_on,
            follow_up_with=FollowUpWith.SUPPORTER,
            follow_up_on=made_on + datetime.timedelta(days=14),
            outcome=outcome,
        )
