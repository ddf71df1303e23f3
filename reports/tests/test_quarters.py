"""Leadership's periods are whole quarters, each safe: no two figures differ by 0 < d < k."""

import datetime
from itertools import combinations

import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from reports.dashboard import Choices, program_dashboard
from reports.periods import (
    CUSTOM,
    LAST_4_QUARTERS,
    QUARTER_PRESETS,
    latest_quarter,
    quarter_period_for,
)
from reports.publish import COUNT
from team.selectors import add_months

pytestmark = pytest.mark.django_db


def quarters() -> list[datetime.date]:
    latest = latest_quarter(today=timezone.localdate())
    return [add_months(latest, -3 * i) for i in (3, 2, 1, 0)]


@pytest.fixture
def uneven(cast, build):
    """Four quarters: Surgery has 2 offers in the second, 10 in each of the others."""
    org = cast.org
    surgeon = build.person(department=org.surgery)
    for i, first in enumerate(quarters()):
        day = first.replace(day=10)
        if i == 1:
            build.offers(10, day=day)
            build.offers(2, day=day, person=surgeon)
        else:
            build.offers(10, day=day, accepted=True)
            build.offers(5, day=day, person=surgeon, accepted=True)
            build.offers(5, day=day, person=surgeon)
    return org


def _leader_pages(cast):
    pages = {"four": program_dashboard(cast.leader, Choices(preset=LAST_4_QUARTERS))}
    for first in quarters():
        query = QueryDict(f"period={CUSTOM}&from={first:%Y-%m}&to={first:%Y-%m}")
        pages[first] = program_dashboard(cast.leader, Choices.from_query(query))
    return pages


def _shown_counts(dashboard) -> dict:
    return {
        (key, row.label, column): figure.value
        for key, table in dashboard.tables.items()
        for row in table.all_rows
        for column, figure in enumerate(row.figures)
        if figure.kind == COUNT and not figure.hidden
    }


def test_leadership_is_offered_quarters_only_and_months_are_snapped(cast):
    today = datetime.date(2026, 5, 20)
    dashboard = program_dashboard(cast.leader, Choices(), today=today)
    assert dashboard.presets == QUARTER_PRESETS
    assert (dashboard.period.start, dashboard.period.end) == (
        datetime.date(2025, 4, 1),
        datetime.date(2026, 3, 31),
    )
    assert dashboard.period.label == "Q2 2025 to Q1 2026"
    # A month range in the query string widens to its quarters, never past the last
    # complete one, and never beyond eight.
    query = QueryDict("period=custom&from=2025-05&to=2026-05")
    snapped = program_dashboard(cast.leader, Choices.from_query(query), today=today)
    assert (snapped.period.start, snapped.period.end) == (
        datetime.date(2025, 4, 1),
        datetime.date(2026, 3, 31),
    )
    months = program_dashboard(
        cast.leader, Choices.from_query(QueryDict("period=last_12_months")), today=today
    )
    assert months.period.preset == LAST_4_QUARTERS
    long = quarter_period_for(
        CUSTOM,
        today=today,
        first=datetime.date(2020, 1, 1),
        last=datetime.date(2026, 3, 1),
    )
    assert len(long.quarters) == 8
    # Program staff keep their months.
    director = program_dashboard(cast.director, Choices(), today=today)
    assert "last_12_months" in director.presets
    assert director.period.end == datetime.date(2026, 5, 31)


def test_no_two_periods_differ_by_a_small_number(cast, uneven):
    pages = _leader_pages(cast)
    k = pages["four"].k
    shown = {name: _shown_counts(page) for name, page in pages.items()}

    surgery = next(
        row
        for row in pages["four"].tables["by_department"].rows
        if row.label == "Surgery"
    )
    assert surgery.figures[0].hidden  # 32 offers, but 2 in one quarter
    assert all(figure.hidden for figure in surgery.figures)
    checked = 0
    for a, b in combinations(shown.values(), 2):
        for cell in a.keys() & b.keys():
            d = abs(a[cell] - b[cell])
            assert not 0 < d < k, f"{cell}: {a[cell]} and {b[cell]}"
            checked += 1
    assert checked > 0


def test_the_brief_for_leadership_is_safe_across_quarters(cast, uneven, client_for):
    client = client_for(cast.leader)
    firsts = quarters()
    end = add_months(firsts[-1], 3) - datetime.timedelta(days=1)
    periods = [(firsts[0], end)] + [
        (first, add_months(first, 3) - datetime.timedelta(days=1)) for first in firsts
    ]
    figures = []
    for start, stop in periods:
        response = client.get(
            reverse("brief"), {"start": start.isoformat(), "end": stop.isoformat()}
        )
        brief = response.context["brief"]
        assert (brief.period.start, brief.period.end) == (start, stop)
        assert "Figures cover whole quarters" in response.content.decode()
        program = brief.program
        figures.append(
            {
                name: cell.value
                for name in ("offers", "contacted", "accepted", "conversations")
                if not (cell := getattr(program, name)).suppressed
            }
        )
        k = brief.k
    four = figures[0]
    assert "accepted" not in four  # none accepted in the second quarter
    for a, b in combinations(figures, 2):
        for name in a.keys() & b.keys():
            assert not 0 < abs(a[name] - b[name]) < k, name
