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
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

from django.http import QueryDict
from django.utils import timezone

from confidentiality import policy
from confidentiality.suppression import current_k
from reports import metrics
from reports.counts import Counts, offer_counts, total
from reports.figures_cache import cached_figures, refreshing
from reports.periods import (
    CUSTOM,
    DEFAULT_PRESET,
    LAST_QUARTER,
    QUARTER_PRESETS,
    Period,
    parse_month,
    period_for,
    presets_available,
    quarter_choices,
    quarter_period_for,
)
from reports.publish import Publisher
from reports.sections import Section, whole_program_sections
from reports.tables import (
    SEGMENT_COLUMNS,
    Table,
    hide_unsafe_in_quarters,
    segment_table,
)

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
    quarter_choices: tuple
    groups: dict[str, list[SegmentOption]]
    segment: SegmentOption | None
    segment_dropped: bool
    sections: tuple[Section, ...]
    tables: dict[str, Table] = field(default_factory=dict)
    # When the figures were worked out: the rendered sections are kept by it.
    made_at: datetime.datetime | None = None

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
    return dashboard_for(
        full=policy.sees_full_detail(user), choices=choices, today=today
    )


def dashboards_refresh(*, today: datetime.date | None = None) -> None:
    """Work out afresh the figures of the pages people open first, and keep them.

    The worker does this every few minutes (``reports.figures_refresh``), so
    program staff and leadership find their usual page's figures ready
    (reports.figures_cache).
    """
    with refreshing():
        for full in (True, False):
            dashboard_for(
                full=full, choices=Choices.from_query(QueryDict()), today=today
            )


@cached_figures
def dashboard_for(
    *, full: bool, choices: Choices, today: datetime.date | None = None
) -> Dashboard:
    """The page as program staff (``full``) or leadership see it.

    Leadership's period is whole complete quarters; over several quarters,
    every figure is worked out for each quarter too, and shown only when
    every quarter shows it (``hide_unsafe_in_quarters``): a fixed number of
    page computations (at most 1 + 8), whatever the data.
    """
    today = today or timezone.localdate()
    k = current_k()
    pub = Publisher(full=full, k=k)
    if full:
        period = period_for(
            choices.preset,
            today=today,
            complete_months_only=False,
            first=choices.first,
            last=choices.last,
        )
    else:
        period = quarter_period_for(
            choices.preset, today=today, first=choices.first, last=choices.last
        )
    quarters = period.quarters if not full and len(period.months) > 3 else []
    by_person = offer_counts(start=period.start, end=period.end, by=tuple(DIMENSIONS))
    by_person_in = [
        offer_counts(start=q.start, end=q.end, by=tuple(DIMENSIONS)) for q in quarters
    ]
    # Each quarter's offers per group, rolled up once per dimension.
    in_quarters_by = [
        [_roll_up(counts, position) for counts in by_person_in]
        for position in range(len(DIMENSIONS))
    ]
    groups = {
        dimension: [
            SegmentOption(dimension, segment_id, name)
            for segment_id, name, offers in _offers_by_segment(
                by_person, dimension, position
            )
            if offers >= (1 if full else k)
            and all(
                rolled.get(segment_id, Counts()).offers >= k
                for rolled in in_quarters_by[position]
            )
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
    sections = _sections(pub, period, by_person, segment, today)
    if quarters:
        in_quarters = [
            _sections(pub, quarter, counts, segment, today)
            for quarter, counts in zip(quarters, by_person_in, strict=True)
        ]
        tables = hide_unsafe_in_quarters(
            [table for section in sections for table in section.tables],
            [
                [table for section in quarter for table in section.tables]
                for quarter in in_quarters
            ],
        )
        guarded = iter(tables)
        sections = tuple(
            replace(section, tables=tuple(next(guarded) for _ in section.tables))
            for section in sections
        )
    return Dashboard(
        period=period,
        full=full,
        k=k,
        presets=(
            presets_available(today=today, complete_months_only=False)
            if full
            else dict(QUARTER_PRESETS)
        ),
        latest_month=(
            period_for(DEFAULT_PRESET, today=today, complete_months_only=False)
            if full
            else quarter_period_for(LAST_QUARTER, today=today)
        ).last_month,
        quarter_choices=() if full else tuple(quarter_choices(today=today)),
        groups=groups,
        segment=segment,
        segment_dropped=choices.segment_id is not None and segment is None,
        sections=sections,
        tables={table.key: table for section in sections for table in section.tables},
        made_at=timezone.now(),
    )


def _sections(pub, period: Period, by_person, segment, today) -> tuple[Section, ...]:
    """The page's sections for one period: one group's, or the whole program's."""
    whole = total(by_person.values())
    by_segment = {
        table.key: table
        for table in (
            _segment_table(pub, by_person, whole, dimension, position)
            for position, dimension in enumerate(DIMENSIONS)
        )
    }
    if segment is not None:
        return (_segment_section(by_segment[f"by_{segment.dimension}"], segment),)
    return whole_program_sections(pub, period, whole, by_segment, today)


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
    # A quarter where nobody in the group was offered support has no row:
    # the period's figures for the group are then hidden (reports.tables).
    rows = tuple(row for row in table.rows if row.label == segment.name)
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
                rows=rows,
            ),
        ),
    )
