"""Properties of the dashboard's figures, for any summary (issue 7, "Must show").

Hypothesis draws WaveSummary-like data (segment sizes mostly 0 to 12, around
k; flagged never more than answered) with k from 3 to 10, runs it through the
dashboard's selectors, renders the heat map, and checks, for the selectors'
cells, the rendered table and the CSV rows alike:

1. no shown count stands for 1 to k-1 people (or none), and no shown rate has
   fewer than k people with, or without, the outcome behind it;
2. in a line whose total is shown, the hidden cells are never exactly one, and
   together they hold at least k (of the people, of those flagged and of those
   not flagged), so subtracting the shown cells from the total gives away no
   small group;
3. an interval or a change is shown only beside the figures it comes from.
"""

import datetime
from decimal import Decimal
from html.parser import HTMLParser
from types import SimpleNamespace

from django.template.loader import render_to_string
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from confidentiality.suppression import suppress_count, suppressed_rate
from surveys.dashboard import export_rows
from surveys.dashboard.figures import (
    DIMENSIONS,
    OTHER_LABEL,
    Dashboard,
    Flag,
    WaveFigures,
)
from surveys.dashboard.heat_map import heat_map_build
from surveys.dashboard.trend import trends_build

PROPERTY = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
FLAGS = (
    Flag("high_stress", "High stress", "Answered 4 or 5"),
    Flag("burnout", "Burnout", "Answered 3, 4 or 5"),
)

ks = st.integers(min_value=3, max_value=10)
# Mostly around k, where suppression decides something; now and then a large group.
sizes = st.integers(0, 12) | st.integers(0, 12) | st.integers(13, 60)


@st.composite
def wave_data(draw, k: int):
    """{segment: n} for one dimension and {flag: {segment: [answered, flagged]}}."""
    count = draw(st.integers(1, 6))
    keys = [str(index) for index in range(1, count + 1)]
    if draw(st.booleans()):
        keys[-1] = ""  # the segment whose label was coarsened away
    segments = {key: draw(sizes) for key in keys}
    outcomes = {}
    for flag in FLAGS:
        cells = {}
        for key, n in segments.items():
            answered = draw(st.integers(max(0, n - 2), n))  # a few skip the question
            cells[key] = [answered, draw(st.integers(0, answered))]
        outcomes[flag.id] = cells
    return segments, outcomes


@st.composite
def survey_data(draw):
    k = draw(ks)
    waves = draw(st.lists(wave_data(k), min_size=1, max_size=3))
    return k, waves


def summary_of(segments: dict, outcomes: dict) -> SimpleNamespace:
    total = sum(segments.values())
    return SimpleNamespace(
        responses=total,
        segments={"all": {"": total}, "department": segments},
        outcomes={
            flag: {
                "all": {
                    "": [
                        sum(answered for answered, _ in cells.values()),
                        sum(flagged for _, flagged in cells.values()),
                    ]
                },
                "department": cells,
            }
            for flag, cells in outcomes.items()
        },
    )


def figures_of(index: int, k: int, summary) -> WaveFigures:
    opens_on = datetime.date(2025, 1, 6) + datetime.timedelta(weeks=13 * index)
    return WaveFigures(
        id=index + 1,
        label=f"Wave {index + 1}",
        opens_on=opens_on,
        closes_on=opens_on + datetime.timedelta(days=14),
        imported=False,
        k=k,
        k_comments=max(k, 10),
        computed_at=timezone.now(),
        invited=None,
        responses=suppress_count(summary.responses, k=k),
        response_rate=None,
    )


def label_of(key: str) -> str:
    return f"Department {key}" if key else OTHER_LABEL


def build(k: int, waves: list):
    summaries = [summary_of(*wave) for wave in waves]
    figures = [figures_of(i, k, s) for i, s in enumerate(summaries)]
    trends = trends_build(summaries, figures, FLAGS)
    last = len(figures) - 1
    heat_map = heat_map_build(
        summaries[last],
        figures[last],
        FLAGS,
        "department",
        total={t.flag.id: t.points[last].rate for t in trends},
        labels={key: label_of(key) for key in waves[last][0] if key},
    )
    return summaries, figures, trends, heat_map


# --- What a reader sees ----------------------------------------------------------------------


def check_line(
    k: int, total_shown: bool, hidden: list[dict], shown: list[dict]
) -> None:
    """A line of cells (each a dict of backing counts) whose total may be shown."""
    for cell in shown:
        assert all(value >= k for value in cell.values()), cell
    if total_shown and hidden:
        assert len(hidden) >= 2, "a lone hidden cell is the total minus the shown ones"
        for measure in hidden[0]:
            assert sum(cell[measure] for cell in hidden) >= k, measure


def check_heat_map(k: int, segments: dict, outcomes: dict, table: dict) -> None:
    """``table`` is {row label: [responses shown?, value or None per column...]}."""
    total = table.pop("All respondents")
    labels = {label_of(key): key for key in segments}
    assert set(table) == set(labels)
    sizes = {label: segments[key] for label, key in labels.items()}
    check_line(
        k,
        total[0] is not None,
        [{"n": sizes[label]} for label, row in table.items() if row[0] is None],
        [{"n": sizes[label]} for label, row in table.items() if row[0] is not None],
    )
    for label, row in table.items():
        if row[0] is not None:
            assert row[0] == sizes[label]
    for column, flag in enumerate(FLAGS, start=1):
        backing = {}
        for label, key in labels.items():
            answered, flagged = outcomes[flag.id][key]
            backing[label] = {
                "n": sizes[label],
                "flagged": flagged,
                "not flagged": answered - flagged,
            }
            value = table[label][column]
            if value is not None:
                assert value == suppressed_rate(flagged, answered, k=k).value
        check_line(
            k,
            total[column] is not None,
            [backing[label] for label, row in table.items() if row[column] is None],
            [backing[label] for label, row in table.items() if row[column] is not None],
        )


def cells_table(heat_map) -> dict:
    def value(cell):
        return None if cell.suppressed else cell.value

    return {
        row.label: [value(row.responses), *(value(c.rate) for c in row.cells)]
        for row in (*heat_map.rows, heat_map.total)
    }


class TableReader(HTMLParser):
    """Rows of the heat-map table as text: {row header: [cell text, ...]}."""

    def __init__(self):
        super().__init__()
        self.rows: dict[str, list[str]] = {}
        self._row: list[str] | None = None
        self._text: list[str] | None = None
        self._in_table = False

    def handle_starttag(self, tag, attrs):
        if tag == "table" and "heat-map" in (dict(attrs).get("class") or ""):
            self._in_table = True
        elif self._in_table and tag == "tr":
            self._row = []
        elif self._row is not None and tag in ("th", "td"):
            self._text = []

    def handle_endtag(self, tag):
        if tag == "table":
            self._in_table = False
        elif tag in ("th", "td") and self._text is not None:
            self._row.append(" ".join("".join(self._text).split()))
            self._text = None
        elif tag == "tr" and self._row is not None:
            if self._row and self._row[0] not in DIMENSIONS.values():
                self.rows[self._row[0]] = self._row[1:]
            self._row = None

    def handle_data(self, data):
        if self._text is not None:
            self._text.append(data)


def parsed(text: str):
    """A rendered cell: None when hidden, else its number."""
    if text.replace(" ", "") == "—suppressed":  # every hidden cell reads the same
        return None
    assert "—" not in text and "suppressed" not in text, text
    number = text.removesuffix(" %")
    return Decimal(number) if "." in number else int(number)


def rendered_table(heat_map, figures) -> dict:
    html = render_to_string(
        "surveys/results/heat_map.html",
        {
            "survey": SimpleNamespace(slug="pulse"),
            "dashboard": SimpleNamespace(
                heat_map=heat_map,
                dimension="department",
                dimensions=tuple(DIMENSIONS.items()),
                waves=figures,
            ),
        },
    )
    reader = TableReader()
    reader.feed(html)
    return {
        label: [parsed(text) for text in cells] for label, cells in reader.rows.items()
    }


# --- The properties --------------------------------------------------------------------------


@PROPERTY
@given(survey_data())
def test_no_heat_map_cell_stands_for_a_small_group_or_gives_one_away(data):
    k, waves = data
    _, _, _, heat_map = build(k, waves)
    segments, outcomes = waves[-1]
    check_heat_map(k, segments, outcomes, cells_table(heat_map))


@PROPERTY
@given(survey_data())
def test_the_rendered_heat_map_table_shows_only_what_is_safe(data):
    k, waves = data
    _, figures, _, heat_map = build(k, waves)
    segments, outcomes = waves[-1]
    table = rendered_table(heat_map, figures)
    assert table == cells_table(heat_map)
    check_heat_map(k, segments, outcomes, table)


@PROPERTY
@given(survey_data())
def test_trend_figures_stand_only_for_groups_of_k_or_more(data):
    k, waves = data
    summaries, figures, trends, _ = build(k, waves)
    for wave in figures:
        total = summaries[wave.id - 1].responses
        assert wave.responses.suppressed or wave.responses.value == total >= k
    for trend in trends:
        for index, point in enumerate(trend.points):
            answered, flagged = summaries[index].outcomes[trend.flag.id]["all"][""]
            if point.rate.suppressed:
                assert point.low.suppressed and point.high.suppressed
                assert point.change is None
                continue
            assert flagged >= k and answered - flagged >= k
            assert point.low.value <= point.rate.value <= point.high.value
            if point.change is not None:
                assert index > 0 and not trend.points[index - 1].rate.suppressed
        shown = sum(not p.rate.suppressed for p in trend.points)
        assert len(trend.chart.markers) == shown
        assert len(trend.chart.gaps) == len(trend.points) - shown


@PROPERTY
@given(survey_data())
def test_the_csv_shows_exactly_the_cells_the_page_shows(data):
    k, waves = data
    _, figures, trends, heat_map = build(k, waves)
    dashboard = Dashboard(
        survey=None,
        instrument=None,
        waves=tuple(figures),
        waiting=(),
        flags=FLAGS,
        trends=trends,
        drivers=(),
        heat_map=heat_map,
        comments=None,
        dimension="department",
    )
    rows = list(export_rows(dashboard))[1:]
    table: dict[str, list] = {}
    for row in rows:
        if row[0] != "segments":
            continue
        label = row[3] or row[2]
        value = None if row[9] == "suppressed" else row[5]
        assert row[9] == "suppressed" or value != ""
        table.setdefault(label, []).append(
            None if value is None else (Decimal(value) if "." in value else int(value))
        )
    assert table == cells_table(heat_map)
    segments, outcomes = waves[-1]
    check_heat_map(k, segments, outcomes, table)
