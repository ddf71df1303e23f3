"""The program dashboard's page model: which figures a person sees, for which period and group.

Program staff see every figure, small ones marked. Leadership sees every
figure through the suppression module (reports.publish), for complete months
only, and may narrow the page to one group (a profession, department or
site) only when at least k offers were made to it in the period. A group's
page shows its row of the table that protects all groups of its kind
together, so looking at every group in turn reveals nothing more than that
table does. See docs/reports.md.
"""

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.http import QueryDict
from django.utils import timezone

from confidentiality import policy
from confidentiality.suppression import current_k
from reports import metrics
from reports.counts import Counts, offer_counts, total
from reports.periods import (
    CUSTOM,
    DEFAULT_PRESET,
    Period,
    parse_month,
    period_for,
    presets_available,
)
from reports.publish import Publisher
from reports.sections import Section, whole_program_sections
from reports.tables import SEGMENT_COLUMNS, Table, segment_table

DIMENSIONS = {"profession": "Profession", "department": "Department", "site": "Site"}


@dataclass(frozen=True)
class Choices:
    """What the reader asked for in the query string (anything invalid is dropped)."""

    preset: str = DEFAULT_PRESET
    first: datetime.date | None = None
    last: datetime.date | None = None
    dimension: str = ""
    segment_id: int | None = None

    @classmethod
    def from_query(cls, query: QueryDict) -> "Choices":
        dimension, _, segment = query.get("group", "").partition(":")
        valid = dimension in DIMENSIONS and segment.isdigit()
        return cls(
            preset=query.get("period", DEFAULT_PRESET),
            first=parse_month(query.get("from")),
            last=parse_month(query.get("to")),
            dimension=dimension if valid else "",
            segment_id=int(segment) if valid else None,
        )


@dataclass(frozen=True)
class SegmentOption:
    dimension: str
    segment_id: int
    name: str

    @property
    def value(self) -> str:
        return f"{self.dimension}:{self.segment_id}"


@dataclass(frozen=True)
class Dashboard:
    period: Period
    full: bool
    k: int
    presets: dict[str, str]
    latest_month: datetime.date
    groups: dict[str, list[SegmentOption]]
    segment: SegmentOption | None
    segment_dropped: bool
    sections: tuple[Section, ...]
    tables: dict[str, Table] = field(default_factory=dict)

    @property
    def query(self) -> str:
        """The query string that shows this page (and its exports) again."""
        params = {"period": self.period.preset}
        if self.period.preset == CUSTOM:
            params["from"] = f"{self.period.start:%Y-%m}"
            params["to"] = f"{self.period.end:%Y-%m}"
        if self.segment:
            params["group"] = self.segment.value
        return urlencode(params)


def program_dashboard(
    user, choices: Choices, *, today: datetime.date | None = None
) -> Dashboard:
    """The page for ``user`` (who may view it: the view has checked)."""
    today = today or timezone.localdate()
    full = policy.sees_full_detail(user)
    k = current_k()
    pub = Publisher(full=full, k=k)
    period = period_for(
        choices.preset,
        today=today,
        complete_months_only=not full,
        first=choices.first,
        last=choices.last,
    )
    start, end = period.start, period.end
    by_person = offer_counts(start=start, end=end, by=tuple(DIMENSIONS))
    whole = total(by_person.values())
    by_segment = {
        table.key: table
        for table in (
            _segment_table(pub, by_person, whole, dimension, position)
            for position, dimension in enumerate(DIMENSIONS)
        )
    }
    groups = {
        dimension: [
            SegmentOption(dimension, segment_id, name)
            for segment_id, name, offers in _offers_by_segment(
                by_person, dimension, position
            )
            if offers >= (1 if full else k)
        ]
        for position, dimension in enumerate(DIMENSIONS)
    }
    segment = next(
        (
            option
            for option in groups.get(choices.dimension, [])
            if option.segment_id == choices.segment_id
        ),
        None,
    )
    if segment is not None:
        sections = (_segment_section(by_segment[f"by_{segment.dimension}"], segment),)
    else:
        sections = whole_program_sections(pub, period, whole, by_segment, today)
    return Dashboard(
        period=period,
        full=full,
        k=k,
        presets=presets_available(today=today, complete_months_only=not full),
        latest_month=period_for(
            DEFAULT_PRESET, today=today, complete_months_only=not full
        ).last_month,
        groups=groups,
        segment=segment,
        segment_dropped=choices.segment_id is not None and segment is None,
        sections=sections,
        tables={table.key: table for section in sections for table in section.tables},
    )


def _roll_up(by_person: dict, position: int) -> dict[int, Counts]:
    rolled: dict[int, Counts] = {}
    for key, counts in by_person.items():
        rolled.setdefault(key[position], Counts()).add(counts)
    return rolled


def _offers_by_segment(by_person: dict, dimension: str, position: int):
    rolled = _roll_up(by_person, position)
    names = metrics.segment_names(dimension, rolled)
    return sorted(
        ((i, names[i], counts.offers) for i, counts in rolled.items()),
        key=lambda item: item[1],
    )


def _segment_table(pub, by_person, whole, dimension: str, position: int) -> Table:
    rolled = _roll_up(by_person, position)
    label = DIMENSIONS[dimension]
    return segment_table(
        pub,
        key=f"by_{dimension}",
        caption=f"Offers, uptake and what followed, by {label.lower()}",
        row_header=label,
        groups=rolled,
        names=metrics.segment_names(dimension, rolled),
        whole=whole,
    )


def _segment_section(table: Table, segment: SegmentOption) -> Section:
    row = next(row for row in table.rows if row.label == segment.name)
    return Section(
        id="segment",
        title=segment.name,
        intro=(
            f"Offers made to people in this {segment.dimension}, and what followed. "
            "The other sections cover the whole program and are not split by group."
        ),
        tables=(
            Table(
                key="segment",
                caption=f"{segment.name}: offers, uptake and what followed",
                row_header=DIMENSIONS[segment.dimension],
                columns=SEGMENT_COLUMNS,
                rows=(row,),
            ),
        ),
    )
