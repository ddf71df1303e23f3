"""The dashboard's tables: raw figures in, published figures (reports.publish) out.

A table is what a page shows, what the exports write and what the tests
crawl: a caption, column headings, rows of figures and perhaps a total row.
Each count column is one line protected against its own total; a table never
carries a second margin across its lines.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from reports.charts import BarChart, bar_chart
from reports.counts import Counts
from reports.metrics import FirstContact, FirstContactRow
from reports.publish import Figure, Publisher, unsafe_in_some_quarter


@dataclass(frozen=True)
class Row:
    label: str
    figures: tuple[Figure, ...]


@dataclass(frozen=True)
class Table:
    key: str
    caption: str
    row_header: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    total: Row | None = None
    chart: BarChart | None = None
    chart_column: int | None = None  # the column the chart draws, one bar a row
    chart_labels: tuple[str, ...] = ()
    rows_by_month: bool = False  # each row is one month's, so in one quarter only

    @property
    def all_rows(self) -> tuple[Row, ...]:
        return (*self.rows, *((self.total,) if self.total else ()))


# Each row's label, column and table key: the same figure on every period's page.
CellKey = tuple[str, str, int]


def _cells(tables: Sequence[Table]) -> dict[CellKey, Figure]:
    return {
        (table.key, row.label, column): figure
        for table in tables
        for row in table.all_rows
        for column, figure in enumerate(row.figures)
    }


def hide_unsafe_in_quarters(
    tables: Sequence[Table], quarters: Sequence[Sequence[Table]]
) -> list[Table]:
    """``tables`` for a period of several quarters, hiding every figure that some quarter's
    own page (``quarters``, the same tables for each quarter) does not show.

    See ``reports.publish.unsafe_in_some_quarter``. A month's row (the month
    tables) is compared with its own quarter only; every other row is
    compared with every quarter, and one missing there (nobody) hides it.
    """
    by_month = {table.key for table in tables if table.rows_by_month}
    unsafe = unsafe_in_some_quarter(
        _cells(tables),
        [_cells(quarter) for quarter in quarters],
        hidden=lambda figure: figure.hidden,
        own_quarter_only=lambda key: key[0] in by_month and key[1] != "All",
    )

    def guarded(table: Table, row: Row | None) -> Row | None:
        if row is None:
            return None
        figures = tuple(
            Figure(None, kind=figure.kind)
            if (table.key, row.label, column) in unsafe
            else figure
            for column, figure in enumerate(row.figures)
        )
        return Row(row.label, figures)

    result = []
    for table in tables:
        rows = tuple(guarded(table, row) for row in table.rows)
        chart = table.chart
        if chart is not None and table.chart_column is not None:
            chart = bar_chart(
                chart.title,
                [
                    (label, row.figures[table.chart_column])
                    for label, row in zip(table.chart_labels, rows, strict=True)
                ],
            )
        result.append(
            replace(table, rows=rows, total=guarded(table, table.total), chart=chart)
        )
    return result


SEGMENT_COLUMNS = (
    "Offered",
    "Accepted",
    "Uptake",
    "Contacted",
    "Contacted within the clock",
    "Half were reached",
    "Conversations",
    "Facilitated referrals",
)


def _segment_rows(pub: Publisher, groups: Mapping, whole: Counts) -> dict:
    """Each group's figures (and the whole's, under None), every column one protected line."""
    keys = list(groups)

    def line(measure, rest=None):
        cells = pub.line(
            {key: measure(groups[key]) for key in keys},
            rests={key: rest(groups[key]) for key in keys} if rest else None,
        )
        cells[None] = pub.count(measure(whole), rest=rest(whole) if rest else None)
        return cells

    offered = line(lambda c: c.offers)
    accepted = line(lambda c: c.accepted, lambda c: c.offers - c.accepted)
    contacted = line(lambda c: c.contacted, lambda c: c.offers - c.contacted)
    within = line(lambda c: c.within_target, lambda c: c.contacted - c.within_target)
    conversations = line(lambda c: c.conversations)
    referrals = line(lambda c: c.referrals)
    rows = {}
    for key in [*keys, None]:
        c = groups[key] if key is not None else whole
        rows[key] = (
            offered[key],
            accepted[key],
            pub.rate(accepted[key], offered[key], c.accepted, c.offers),
            contacted[key],
            pub.rate(within[key], contacted[key], c.within_target, c.contacted),
            pub.band(c.median_band, contacted[key]),
            conversations[key],
            referrals[key],
        )
    return rows


def segment_table(
    pub: Publisher,
    *,
    key: str,
    caption: str,
    row_header: str,
    groups: Mapping[int, Counts],
    names: Mapping[int, str],
    whole: Counts,
) -> Table:
    """Offers, uptake, speed and what followed, per profession, department or site."""
    ordered = dict(sorted(groups.items(), key=lambda item: names[item[0]]))
    rows = _segment_rows(pub, ordered, whole)
    body = tuple(Row(names[i], rows[i]) for i in ordered)
    return Table(
        key=key,
        caption=caption,
        row_header=row_header,
        columns=SEGMENT_COLUMNS,
        rows=body,
        total=Row("All", rows[None]),
        chart=bar_chart(
            f"{caption}: uptake (accepted of offered)",
            [(row.label, row.figures[2]) for row in body],
        ),
        chart_column=2,
        chart_labels=tuple(row.label for row in body),
    )


def first_contact_table(
    pub: Publisher, rows: list[FirstContactRow], whole: FirstContact
) -> Table:
    """Time to first contact per kind of trigger and month the offer was made."""
    keys = list(range(len(rows)))

    def line(measure, rest=None):
        cells = pub.line(
            {i: measure(rows[i]) for i in keys},
            rests={i: rest(rows[i]) for i in keys} if rest else None,
        )
        cells[None] = pub.count(measure(whole), rest=rest(whole) if rest else None)
        return cells

    offers = line(lambda r: r.offers)
    contacted = line(lambda r: r.contacted, lambda r: r.offers - r.contacted)
    within = line(lambda r: r.within_target, lambda r: r.contacted - r.within_target)

    def figures(key, r: FirstContact):
        return (
            offers[key],
            contacted[key],
            within[key],
            pub.rate(within[key], contacted[key], r.within_target, r.contacted),
            pub.band(r.median_band, contacted[key]),
            pub.band(r.p90_band, contacted[key]),
        )

    body = tuple(
        Row(f"{row.trigger}, {row.month:%B %Y}", figures(i, row))
        for i, row in enumerate(rows)
    )
    return Table(
        key="first_contact_by_trigger_month",
        caption="Time to first contact, by kind of event and month the offer was made",
        row_header="Kind of event and month",
        columns=(
            "Offers made",
            "Contacted",
            "Contacted within the clock",
            "Share within the clock",
            "Half were reached",
            "Nine in ten were reached",
        ),
        rows=body,
        total=Row("All", figures(None, whole)),
        chart=bar_chart(
            "Share contacted within the clock, by kind of event and month",
            [
                (f"{row.month:%b %Y} · {row.trigger}", figures[3])
                for row, figures in zip(rows, (r.figures for r in body), strict=True)
            ],
        ),
        chart_column=3,
        chart_labels=tuple(f"{row.month:%b %Y} · {row.trigger}" for row in rows),
        rows_by_month=True,
    )


def figures_table(key: str, caption: str, rows: list[tuple[str, Figure]]) -> Table:
    """A short table of headline figures: one row per figure."""
    return Table(
        key=key,
        caption=caption,
        row_header="Figure",
        columns=("Value",),
        rows=tuple(Row(label, (figure,)) for label, figure in rows),
    )


def headline_first_contact(pub: Publisher, whole: Counts) -> Table:
    offers = pub.count(whole.offers)
    contacted = pub.count(whole.contacted, rest=whole.offers - whole.contacted)
    within = pub.count(whole.within_target, rest=whole.contacted - whole.within_target)
    return figures_table(
        "first_contact",
        "Time to first contact, all offers made in the period",
        [
            ("Offers made", offers),
            ("Contacted", contacted),
            ("Contacted within the clock", within),
            (
                "Share within the clock",
                pub.rate(within, contacted, whole.within_target, whole.contacted),
            ),
            ("Half were reached", pub.band(whole.median_band, contacted)),
            ("Nine in ten were reached", pub.band(whole.p90_band, contacted)),
        ],
    )


def headline_events(pub: Publisher, events: int, in_target: int) -> Table:
    events_figure = pub.count(events)
    in_target_figure = pub.count(in_target, rest=events - in_target)
    return figures_table(
        "triggered_events",
        "Events after which someone was offered support, and how fast",
        [
            ("Events with an offer", events_figure),
            ("Someone contacted within the clock", in_target_figure),
            (
                "Share of events",
                pub.rate(in_target_figure, events_figure, in_target, events),
            ),
        ],
    )


def headline_conversations(pub: Publisher, events: int, conversations: int) -> Table:
    events_figure = pub.count(events)
    conversations_figure = pub.count(conversations)
    return figures_table(
        "conversations",
        "Conversations after adverse events",
        [
            ("Events that called for reach-in", events_figure),
            ("Conversations on offers made after events", conversations_figure),
            (
                "Conversations per event",
                pub.ratio(conversations_figure, events_figure, conversations, events),
            ),
        ],
    )
