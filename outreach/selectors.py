"""Reads for outreach (protected rows come through the policy)."""

import datetime

from django.contrib.auth import get_user_model
from django.db.models import (
    Case,
    Count,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast
from django.utils import timezone

from confidentiality import policy
from outreach.models import OPEN_STATES, OfferState, OfferStep, OutreachOffer
from reports.figures_cache import cached_figures

RELATED = (
    "person__profession",
    "person__department",
    "person__site",
    "supporter",
    "trigger_type",
    "event",
    "referral",
)


def my_assignments(user) -> list[OutreachOffer]:
    """A supporter's open offers, the ones with a running clock first, soonest first."""
    if not policy.is_peer_supporter(user):
        return []
    return list(
        policy.offers_visible_to(user)
        .filter(supporter_id=user.staff_member_id, state__in=OPEN_STATES)
        .select_related(*RELATED)
        .annotate(clock_running=_clock_running())
        .order_by("-clock_running", "first_contact_due_at", "-state_changed_at", "pk")
    )


def outreach_queue(user, *, state: str = "") -> QuerySet[OutreachOffer]:
    offers = policy.offers_visible_to(user).select_related(*RELATED)
    if state:
        offers = offers.filter(state=state)
    else:
        offers = offers.filter(state__in=OPEN_STATES)
    return offers.annotate(clock_running=_clock_running()).order_by(
        "-clock_running", "first_contact_due_at", "-state_changed_at", "-pk"
    )


@cached_figures
def _ended_counts(*, viewer_id: int) -> dict[str, int]:
    """Offers in each ended state that this person may see (kept ten minutes)."""
    viewer = get_user_model().objects.get(pk=viewer_id)
    offers = policy.offers_visible_to(viewer).exclude(state__in=OPEN_STATES)
    return dict(offers.values_list("state").annotate(n=Count("pk")).order_by())


def _clock_running():
    """1 while first contact is still awaited (the offer's clock matters), else 0."""
    return Case(
        When(state=OfferState.ASSIGNED, then=1), default=0, output_field=IntegerField()
    )


def outreach_counts(user) -> dict:
    """How many offers stand where, and how many clocks have run out.

    Open offers are counted live (a few hundred, by index). Ended ones, the
    hundreds of thousands a large program accumulates, are counted at most
    every ten minutes (``_ended_counts``).
    """
    offers = policy.offers_visible_to(user)
    by_state = dict(
        offers.filter(state__in=OPEN_STATES)
        .values_list("state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_state.update(_ended_counts(viewer_id=user.pk))
    overdue = offers.filter(
        state=OfferState.ASSIGNED, first_contact_due_at__lt=timezone.now()
    ).count()
    return {
        "by_state": [(state, by_state.get(state, 0)) for state in OfferState],
        "unassigned": offers.filter(state=OfferState.NEW).count(),
        "overdue": overdue,
    }


def offer_timeline(offer: OutreachOffer) -> list[OfferStep]:
    return list(offer.steps.select_related("actor__staff_member").order_by("at", "pk"))


def first_contact_deadline() -> ExpressionWrapper:
    """When an offer's first-contact clock, started when it was made, runs out (in SQL).

    One definition of "within the clock" for the dashboard and for retention's
    counts, so a figure reads the same before and after its cases are purged.
    """
    hours = ExpressionWrapper(
        Cast("first_contact_hours", IntegerField())
        * Value(datetime.timedelta(hours=1)),
        output_field=DurationField(),
    )
    return ExpressionWrapper(F("created_at") + hours, output_field=DateTimeField())
