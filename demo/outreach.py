"""The demo program's outreach: events from risk staff and the incident system, referrals,
and offers at every stage, so every screen has something true to show.

Created once, when the demo has no adverse events. Offers are made by the
real services (matching, clocks, e-mail), then their history is moved back to
the day of their event so the timelines read naturally.
"""

import datetime
import random

from django.db.models import F
from django.utils import timezone

from accounts.models import User
from events.models import AdverseEvent, MatchedBy, TriggerType
from events.services import event_record
from organization.models import StaffMember
from outreach import services
from outreach.models import (
    CloseReason,
    OfferState,
    OfferStep,
    OnCallWindow,
    OutreachOffer,
    ReferralKind,
)
from program.selectors import program_settings
from scope.eligibility import eligible_staff_members

SEED = 5151
# A small team carries a little more than the default three each.
DEMO_CASELOAD_CAP = 5
INCIDENT_SYSTEM = "riverside-incident-reporting"
# days ago, trigger code, harm level, how many people, how far the offers got
EVENTS = [
    (58, "serious-safety-event", "severe", 2, "closed"),
    (51, "unexpected-death", "", 3, "closed"),
    (44, "aggression", "", 1, "declined"),
    (37, "first-patient-death", "", 1, "closed"),
    (30, "pediatric-event", "moderate", 2, "closed"),
    (24, "serious-safety-event", "death", 2, "in_support"),
    (17, "litigation", "", 1, "not_now"),
    (12, "colleague-death", "", 2, "accepted"),
    (8, "serious-safety-event", "mild", 1, "contacted"),
    (4, "unexpected-death", "", 1, "contacted"),
    (1, "aggression", "", 1, "assigned"),
    (0, "serious-safety-event", "moderate", 1, "assigned"),
]
PATHS = {
    "assigned": [],
    "contacted": [OfferState.CONTACTED],
    "not_now": [OfferState.CONTACTED, OfferState.NOT_NOW],
    "declined": [OfferState.CONTACTED, OfferState.DECLINED],
    "accepted": [OfferState.CONTACTED, OfferState.ACCEPTED],
    "in_support": [OfferState.CONTACTED, OfferState.ACCEPTED, OfferState.IN_SUPPORT],
    "closed": [
        OfferState.CONTACTED,
        OfferState.ACCEPTED,
        OfferState.IN_SUPPORT,
        OfferState.CLOSED,
    ],
}


def demo_outreach_ensure(
    *, today: datetime.date, named: dict[str, StaffMember], risk: User
) -> int:
    """Create events, referrals and offers; returns how many events (0: already there)."""
    if AdverseEvent.objects.exists():
        return 0
    rng = random.Random(SEED)  # noqa: S311 - a reproducible demo, nothing secret
    settings_row = program_settings()
    settings_row.supporter_caseload_cap = DEMO_CASELOAD_CAP
    settings_row.save()
    _on_call(named)
    excluded = {person.pk for person in named.values()}
    clinicians = list(
        eligible_staff_members(today).exclude(pk__in=excluded).order_by("pk")
    )
    nurses = list(
        StaffMember.objects.filter(is_active=True, profession__code="nurse").order_by(
            "pk"
        )
    )
    for number, (days_ago, trigger, harm, people, stage) in enumerate(EVENTS, 1):
        involved = rng.sample(clinicians, people)
        if rng.random() < 0.5:
            involved.append(rng.choice(nurses))  # outside the scope: no offer
        from_system = number % 3 != 0
        recorded = event_record(
            source=INCIDENT_SYSTEM if from_system else "manual",
            source_event_id=f"INC-2026-{4000 + number}" if from_system else "",
            occurred_on=today - datetime.timedelta(days=days_ago),
            trigger_type=TriggerType.objects.get(code=trigger),
            harm_level=harm,
            unit=involved[0].department,
            site=involved[0].site,
            involved=[
                (p, MatchedBy.EMPLOYEE_ID if from_system else MatchedBy.ROSTER)
                for p in involved
            ],
            unmatched_count=1 if from_system and number % 4 == 0 else 0,
            recorded_by=None if from_system else risk,
        )
        for offer in recorded.event.offers.all():
            # Offers still waiting for first contact keep their live clocks.
            _advance(
                offer, PATHS[stage], days_ago=0 if stage == "assigned" else days_ago
            )
    _referrals(today, named, clinicians, rng)
    return len(EVENTS)


def _on_call(named: dict[str, StaffMember]) -> None:
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    for key, hours in (("supporter1", 0), ("supporter2", 24)):
        if key in named:
            OnCallWindow.objects.create(
                supporter=named[key],
                starts_at=now + datetime.timedelta(hours=hours - 6),
                ends_at=now + datetime.timedelta(hours=hours + 18),
            )


def _actor_for(offer: OutreachOffer) -> User | None:
    return User.objects.filter(staff_member_id=offer.supporter_id).first()


def _advance(offer: OutreachOffer, path: list[str], *, days_ago: int) -> None:
    """Move an offer along ``path`` as its supporter, then date its story back."""
    offer.refresh_from_db()
    if offer.supporter_id is None:
        return
    actor = _actor_for(offer)
    for state in path:
        services.offer_move(
            actor=actor,
            offer=offer,
            to_state=state,
            close_reason=CloseReason.SUPPORT_ENDED
            if state == OfferState.CLOSED
            else "",
            detail="Logged by the supporter.",
        )
        offer.refresh_from_db()
    if not days_ago:
        return
    shift = datetime.timedelta(days=days_ago)
    OutreachOffer.objects.filter(pk=offer.pk).update(
        created_at=F("created_at") - shift,
        state_changed_at=F("state_changed_at") - shift,
        assigned_at=F("assigned_at") - shift,
        first_contact_due_at=F("first_contact_due_at") - shift,
    )
    if offer.contacted_at:
        OutreachOffer.objects.filter(pk=offer.pk).update(
            contacted_at=F("contacted_at") - shift + datetime.timedelta(hours=3)
        )
    for position, step in enumerate(
        OfferStep.objects.filter(offer=offer).order_by("pk")
    ):
        OfferStep.objects.filter(pk=step.pk).update(
            at=F("at")
            - shift
            + datetime.timedelta(hours=3 * max(position - 1, 0), days=position // 3)
        )


def _referrals(today, named, clinicians, rng) -> None:
    """A few people asked for themselves or were referred by a colleague."""
    clinician = named.get("clinician")
    for kind, person, referrer in (
        (ReferralKind.SELF, rng.choice(clinicians), None),
        (ReferralKind.COLLEAGUE, rng.choice(clinicians), clinician),
        (ReferralKind.LEADER, rng.choice(clinicians), None),
    ):
        services.referral_make(
            kind=kind,
            person=person,
            referrer=referrer
            or (person.supervisor if kind == ReferralKind.LEADER else person),
            how_heard=rng.choice(
                ["grand_rounds", "colleague", "onboarding", "newsletter"]
            ),
            modality=rng.choice(["phone", "video", "any"]),
            good_times="Weekday evenings",
        )
