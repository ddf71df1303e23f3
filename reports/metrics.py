"""The program's figures, computed in the database: the dashboard's and the leadership brief's.

Every selector takes the period the offers were made in (``start`` and
``end``, whole days; the dashboard always passes whole months) and returns
raw, unsuppressed figures. They are aggregates only, for callers that have
checked ``policy.may_view_program_dashboard``; whoever shows them to
leadership passes them through confidentiality.suppression (reports.dashboard
does). Offer figures add live cases and purged ones (reports.counts).

The supporters, director's time and hotspot selectors live in
reports.program_figures and are re-exported here, so callers need one module.
"""

import datetime
from dataclasses import dataclass
from typing import Literal

from django.db.models import Count, Exists, OuterRef, Q

from conversations.models import SafetyConcern
from events.models import (
    HARM_ORDER,
    AdverseEvent,
    EventInvolvement,
    EventOutreachTally,
    TriggerType,
)
from organization.models import Department, Profession, Site
from outreach.models import OfferOrigin
from outreach.selectors import first_contact_deadline
from reports.counts import Counts, live_offers, offer_counts, total
from reports.figures_cache import cached_figures
from reports.program_figures import (  # noqa: F401 - part of this module's interface
    DirectorTime,
    Hotspot,
    SupportersSummary,
    director_time,
    hotspots,
    latest_stress_wave,
    supporters_summary,
)
from scope.models import DemandRecord

NO_TRIGGER = "No event (asked or referred)"
EVENT_ORIGINS = (OfferOrigin.EVENT, OfferOrigin.CLUSTER, OfferOrigin.REOPENED)


@dataclass(frozen=True)
class FirstContact:
    offers: int
    contacted: int
    within_target: int
    median_band: str | None
    p90_band: str | None

    @classmethod
    def of(cls, counts: Counts) -> "FirstContact":
        return cls(
            offers=counts.offers,
            contacted=counts.contacted,
            within_target=counts.within_target,
            median_band=counts.median_band,
            p90_band=counts.p90_band,
        )


@dataclass(frozen=True)
class FirstContactRow(FirstContact):
    trigger_type_id: int | None
    trigger: str
    month: datetime.date


@dataclass(frozen=True)
class Uptake:
    offered: int
    accepted: int


@dataclass(frozen=True)
class UptakeRow:
    segment_id: int
    segment_name: str
    offered: int
    accepted: int


@dataclass(frozen=True)
class Referrals:
    made: int
    reached: int
    not_yet: int
    not_going: int
    waiting: int


@dataclass(frozen=True)
class DemandRow:
    segment_id: int
    segment_name: str
    count: int


def _filters(profession_id=None, department_id=None, site_id=None) -> dict:
    return {"profession": profession_id, "department": department_id, "site": site_id}


@cached_figures
def first_contact(
    *,
    start: datetime.date,
    end: datetime.date,
    trigger_type_id: int | None = None,
    profession_id: int | None = None,
    department_id: int | None = None,
    site_id: int | None = None,
) -> FirstContact:
    """Offers made, how many were contacted, how many within their clock, and how fast."""
    counts = offer_counts(
        start=start,
        end=end,
        trigger=trigger_type_id,
        **_filters(profession_id, department_id, site_id),
    )
    return FirstContact.of(total(counts.values()))


@cached_figures
def first_contact_by_trigger_and_month(
    *, start: datetime.date, end: datetime.date, **filters
) -> list[FirstContactRow]:
    """First contact per kind of trigger (requests without one apart) and month made."""
    groups = offer_counts(
        start=start, end=end, by=("trigger", "month"), **_filters(**filters)
    )
    names = dict(
        TriggerType.objects.filter(pk__in={key[0] for key in groups}).values_list(
            "pk", "name"
        )
    )
    rows = [
        FirstContactRow(
            trigger_type_id=trigger_id,
            trigger=names.get(trigger_id, NO_TRIGGER),
            month=month,
            **FirstContact.of(counts).__dict__,
        )
        for (trigger_id, month), counts in groups.items()
    ]
    return sorted(rows, key=lambda r: (r.trigger_type_id is None, r.trigger, r.month))


def _events_in(start: datetime.date, end: datetime.date):
    return AdverseEvent.objects.filter(created_at__date__range=(start, end))


@cached_figures
def triggered_events_offered_in_target(
    *, start: datetime.date, end: datetime.date
) -> tuple[int, int]:
    """(events with an offer made in the period, of which one was contacted in time).

    Live offers and purged ones together: retention keeps, per event and month
    the offers were made, how many it purged and whether one of them was
    contacted in time (EventOutreachTally), so an event stays counted once its
    cases are purged. Purged offers count by month, like every purged figure
    (periods are whole months). One query.
    """
    offers = live_offers(start=start, end=end).filter(event=OuterRef("pk"))
    in_target = offers.filter(contacted_at__isnull=False).filter(
        contacted_at__lte=first_contact_deadline()
    )
    purged = EventOutreachTally.objects.filter(
        event=OuterRef("pk"),
        month__gte=start.replace(day=1),
        month__lte=end,
        offers__gt=0,
    )
    offered = Exists(offers) | Exists(purged)
    result = AdverseEvent.objects.filter(offered).aggregate(
        events=Count("pk"),
        in_target=Count(
            "pk",
            filter=Exists(in_target) | Exists(purged.filter(contacted_in_target=True)),
        ),
    )
    return result["events"], result["in_target"]


@cached_figures
def reach_in_events(*, start: datetime.date, end: datetime.date) -> int:
    """Events recorded in the period that called for reach-in (and still do, after purges).

    Its kind offers support, its harm reaches the kind's threshold (as in
    outreach.services), and someone on the roster was involved. Events are
    never purged, so this count is stable.
    """
    harm_ok = Q(trigger_type__minimum_harm_level="") | Q(harm_level="")
    for index, minimum in enumerate(HARM_ORDER):
        harm_ok |= Q(
            trigger_type__minimum_harm_level=minimum,
            harm_level__in=HARM_ORDER[: index + 1],
        )
    return (
        _events_in(start, end)
        .filter(trigger_type__creates_offers=True)
        .filter(harm_ok)
        .filter(Exists(EventInvolvement.objects.filter(event=OuterRef("pk"))))
        .count()
    )


@cached_figures
def conversations_per_event(
    *, start: datetime.date, end: datetime.date
) -> tuple[int, int]:
    """(events that called for reach-in, conversations on offers made after events)."""
    groups = offer_counts(start=start, end=end, by=("origin",))
    conversations = sum(
        counts.conversations
        for (origin,), counts in groups.items()
        if origin in EVENT_ORIGINS
    )
    return reach_in_events(start=start, end=end), conversations


@cached_figures
def uptake(*, start: datetime.date, end: datetime.date, **filters) -> Uptake:
    counts = total(offer_counts(start=start, end=end, **_filters(**filters)).values())
    return Uptake(offered=counts.offers, accepted=counts.accepted)


SEGMENT_MODELS = {"profession": Profession, "department": Department, "site": Site}


@cached_figures
def segment_names(dimension: str, ids) -> dict[int, str]:
    model = SEGMENT_MODELS[dimension]
    return dict(model.objects.filter(pk__in=set(ids)).values_list("pk", "name"))


@cached_figures
def uptake_by(
    *,
    start: datetime.date,
    end: datetime.date,
    dimension: Literal["profession", "department", "site"],
) -> list[UptakeRow]:
    """Offered and accepted per profession (or department, or site), by name."""
    groups = offer_counts(start=start, end=end, by=(dimension,))
    names = segment_names(dimension, (key[0] for key in groups))
    rows = [
        UptakeRow(
            segment_id=segment_id,
            segment_name=names[segment_id],
            offered=counts.offers,
            accepted=counts.accepted,
        )
        for (segment_id,), counts in groups.items()
    ]
    return sorted(rows, key=lambda row: row.segment_name)


@cached_figures
def facilitated_referrals(
    *, start: datetime.date, end: datetime.date, **filters
) -> Referrals:
    """Facilitated referrals on offers made in the period, and how many closed the loop."""
    counts = total(offer_counts(start=start, end=end, **_filters(**filters)).values())
    return Referrals(
        made=counts.referrals,
        reached=counts.reached,
        not_yet=counts.not_yet,
        not_going=counts.not_going,
        waiting=counts.waiting,
    )


@cached_figures
def safety_concerns(*, start: datetime.date, end: datetime.date) -> int:
    """How many safety concerns supporters raised in the period (a count, nothing more)."""
    return SafetyConcern.objects.filter(raised_at__date__range=(start, end)).count()


@cached_figures
def unmet_demand(
    *,
    start: datetime.date,
    end: datetime.date,
    dimension: Literal["profession", "department"] = "profession",
) -> list[DemandRow]:
    """Requests from people outside the program's scope, per profession or department."""
    rows = (
        DemandRecord.objects.filter(recorded_on__range=(start, end), in_scope=False)
        .values(f"{dimension}_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = {row[f"{dimension}_id"]: row["n"] for row in rows}
    names = segment_names(dimension, counts)
    return sorted(
        (
            DemandRow(segment_id=i, segment_name=names[i], count=n)
            for i, n in counts.items()
        ),
        key=lambda row: row.segment_name,
    )
