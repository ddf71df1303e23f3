"""Reads about conversations and the care of supporters, already scoped by the policy."""

import datetime
from dataclasses import dataclass

from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import Role, RoleAssignment
from confidentiality import policy
from conversations.models import (
    CareCheck,
    DebriefRequest,
    Encounter,
    FacilitatedReferral,
    SafetyConcern,
)
from organization.models import StaffMember
from outreach.models import OPEN_STATES, OutreachOffer
from program.selectors import program_settings
from resources.models import ResourceKind

LOAD_WINDOW_DAYS = 90


def encounters_for_offer(user, offer: OutreachOffer) -> QuerySet[Encounter]:
    return (
        policy.encounters_visible_to(user)
        .filter(offer=offer)
        .order_by("occurred_on", "pk")
    )


def referrals_for_offer(user, offer: OutreachOffer) -> QuerySet[FacilitatedReferral]:
    """The case's facilitated referrals: its supporter's and program staff's to see."""
    if not (policy.is_program_staff(user) or policy.may_log_encounter(user, offer)):
        return FacilitatedReferral.objects.none()
    return offer.facilitated_referrals.select_related("resource").order_by("pk")


def referral_outcomes(user) -> list[dict]:
    """Facilitated referrals by kind of resource and how they ended, counted in the database."""
    if not policy.may_care_for_supporters(user):
        return []
    rows = (
        FacilitatedReferral.objects.values("resource__kind", "outcome")
        .annotate(count=Count("pk"))
        .order_by("resource__kind", "outcome")
    )
    table: dict[str, dict] = {}
    for row in rows:
        kind = ResourceKind(row["resource__kind"]).label
        table.setdefault(kind, {"kind": kind, "total": 0})
        table[kind][row["outcome"]] = row["count"]
        table[kind]["total"] += row["count"]
    return list(table.values())


def cases_over_the_cap(user) -> QuerySet[OutreachOffer]:
    """Open cases with more conversations than the program's norm (the director's)."""
    if not policy.may_care_for_supporters(user):
        return OutreachOffer.objects.none()
    cap = program_settings().conversations_per_case
    return (
        OutreachOffer.objects.filter(state__in=OPEN_STATES)
        .annotate(conversations=Count("encounters"))
        .filter(conversations__gt=cap)
        .select_related("supporter", "trigger_type")
        .order_by("-conversations", "pk")
    )


@dataclass(frozen=True)
class SupporterLoad:
    supporter: StaffMember
    open_cases: int
    conversations: int
    heaviness: float | None
    wants_debrief: bool


def supporter_load(user) -> list[SupporterLoad]:
    """Each current supporter's open cases, recent conversations and how heavy they felt.

    One query whatever the number of supporters; the window is the last
    ninety days.
    """
    if not policy.may_care_for_supporters(user):
        return []
    since = timezone.localdate() - datetime.timedelta(days=LOAD_WINDOW_DAYS)
    recent = Encounter.objects.filter(occurred_on__gte=since)
    supporters = (
        StaffMember.objects.filter(
            pk__in=RoleAssignment.objects.current()
            .filter(role=Role.PEER_SUPPORTER)
            .values("staff_member_id")
        )
        .annotate(
            open_cases=Count(
                "assignments", filter=Q(assignments__state__in=OPEN_STATES)
            ),
            conversations=Coalesce(_per_supporter(recent, Count("pk")), 0),
            heaviness=_per_supporter(
                CareCheck.objects.filter(encounter__in=recent),
                Avg("heaviness"),
                through="encounter__supporter",
            ),
            wants_debrief=Exists(
                DebriefRequest.objects.filter(
                    supporter=OuterRef("pk"), handled_at__isnull=True
                )
            ),
        )
        .order_by("-open_cases", "last_name", "first_name")
    )
    return [
        SupporterLoad(
            supporter=supporter,
            open_cases=supporter.open_cases,
            conversations=supporter.conversations,
            heaviness=supporter.heaviness,
            wants_debrief=supporter.wants_debrief,
        )
        for supporter in supporters
    ]


def _per_supporter(rows: QuerySet, aggregate, *, through: str = "supporter"):
    """An aggregate of ``rows`` for the supporter of the outer query, as a subquery."""
    return Subquery(
        rows.filter(**{through: OuterRef("pk")})
        .order_by()
        .values(through)
        .annotate(value=aggregate)
        .values("value")
    )


def debrief_requests_waiting(user) -> QuerySet[DebriefRequest]:
    return (
        policy.debrief_requests_visible_to(user)
        .filter(handled_at__isnull=True)
        .select_related("supporter")
    )


def safety_concerns_waiting(user) -> QuerySet[SafetyConcern]:
    return (
        policy.safety_concerns_visible_to(user)
        .filter(acknowledged_at__isnull=True)
        .select_related("raised_by")
    )
