"""The organization's own figures for the brief: adverse events, and the program's reach and speed.

Program figures come from reports.metrics (raw counts) and every one passes
through confidentiality.suppression here, with the organization's k, before
it reaches a page or the PDF. Adverse events are counted by kind of trigger,
every kind in the catalogue listed (zeros too, so that a hidden cell never
says "somebody"), with complementary suppression against the total.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from decimal import Decimal

from django.db.models import Count, Q

from confidentiality.suppression import (
    Cell,
    suppress_count,
    suppress_counts,
    suppressed_mean,
    suppressed_rate,
)
from events.models import TriggerType
from reports import metrics
from reports.figures_cache import cached_figures
from reports.publish import unsafe_in_some_quarter

from .period import Period, quarters_of


@dataclass(frozen=True)
class EventRow:
    trigger: str
    count: Cell


@dataclass(frozen=True)
class EventsPicture:
    rows: tuple[EventRow, ...]
    total: Cell


@dataclass(frozen=True)
class ProgramPicture:
    """Reach and speed in the period, every figure suppressed."""

    offers: Cell
    contacted: Cell
    within_target: Cell  # % of those contacted reached inside their clock
    median_band: str | None  # "within 4 hours"; None when not shown
    p90_band: str | None
    uptake: Cell  # % of offers accepted
    accepted: Cell
    events_offered: Cell  # events with an offer made in the period
    events_in_target: Cell  # % of those with someone contacted in time
    conversations: Cell
    conversations_per_event: Cell
    referrals: Cell
    referrals_reached: Cell  # % of facilitated referrals that closed the loop


@cached_figures
def events_picture(period: Period, *, k: int) -> EventsPicture:
    """Adverse events that occurred in the period, per kind of trigger. One query."""
    in_period = Q(events__occurred_on__range=(period.start, period.end))
    kinds = (
        TriggerType.objects.annotate(n=Count("events", filter=in_period))
        .filter(Q(is_active=True) | Q(n__gt=0))
        .order_by("sort_order", "name")
        .values_list("name", "n")
    )
    counts = dict(kinds)
    cells = suppress_counts(counts, k=k)
    return EventsPicture(
        rows=tuple(EventRow(name, cells[name]) for name in counts),
        total=suppress_count(sum(counts.values()), k=k),
    )


def program_picture(period: Period, *, k: int) -> ProgramPicture:
    """The program's reach and speed, from reports.metrics, through suppression."""
    span = {"start": period.start, "end": period.end}
    contact = metrics.first_contact(**span)
    taken = metrics.uptake(**span)
    events, in_target = metrics.triggered_events_offered_in_target(**span)
    reach_in_events, conversations = metrics.conversations_per_event(**span)
    referrals = metrics.facilitated_referrals(**span)
    shown_bands = suppress_count(contact.contacted, k=k).suppressed is False
    return ProgramPicture(
        offers=suppress_count(contact.offers, k=k),
        contacted=suppress_count(contact.contacted, k=k),
        within_target=_rate(contact.within_target, contact.contacted, k=k),
        median_band=contact.median_band if shown_bands else None,
        p90_band=contact.p90_band if shown_bands else None,
        uptake=_rate(taken.accepted, taken.offered, k=k),
        accepted=suppress_count(taken.accepted, k=k),
        events_offered=suppress_count(events, k=k),
        events_in_target=_rate(in_target, events, k=k),
        conversations=suppress_count(conversations, k=k),
        conversations_per_event=_per(conversations, reach_in_events, k=k),
        referrals=suppress_count(referrals.made, k=k),
        referrals_reached=_rate(referrals.reached, referrals.made, k=k),
    )


def _rate(numerator: int, denominator: int, *, k: int) -> Cell:
    return suppressed_rate(min(numerator, denominator), denominator, k=k, places=0)


def _per(conversations: int, events: int, *, k: int) -> Cell:
    """Conversations per event: shown when both counts reach k."""
    if events < k or conversations < k:
        return Cell.hidden()
    return suppressed_mean(events, Decimal(conversations) / events, k=k)


# --- Periods of several quarters (leadership's) --------------------------------------------------


def _hidden(value) -> bool:
    return value is None or (isinstance(value, Cell) and value.suppressed)


def events_picture_in_quarters(period: Period, *, k: int) -> EventsPicture:
    """Events by kind over whole quarters, each figure shown only if every quarter shows it.

    See ``reports.publish.unsafe_in_some_quarter``: a count for several
    quarters is shown only when it is at least k (and not hidden) in each.
    """
    picture = events_picture(period, k=k)
    quarters = quarters_of(period)
    if len(quarters) < 2:
        return picture

    def cells(p: EventsPicture) -> dict:
        return {**{row.trigger: row.count for row in p.rows}, None: p.total}

    unsafe = unsafe_in_some_quarter(
        cells(picture),
        [cells(events_picture(quarter, k=k)) for quarter in quarters],
        hidden=_hidden,
    )
    return EventsPicture(
        rows=tuple(
            EventRow(row.trigger, Cell.hidden() if row.trigger in unsafe else row.count)
            for row in picture.rows
        ),
        total=Cell.hidden() if None in unsafe else picture.total,
    )


def program_picture_in_quarters(period: Period, *, k: int) -> ProgramPicture:
    """The program's figures over whole quarters, each shown only if every quarter shows it."""
    picture = program_picture(period, k=k)
    quarters = quarters_of(period)
    if len(quarters) < 2:
        return picture

    def cells(p: ProgramPicture) -> dict:
        return {field.name: getattr(p, field.name) for field in fields(p)}

    unsafe = unsafe_in_some_quarter(
        cells(picture),
        [cells(program_picture(quarter, k=k)) for quarter in quarters],
        hidden=_hidden,
    )
    return replace(
        picture,
        **{name: None if name.endswith("_band") else Cell.hidden() for name in unsafe},
    )
