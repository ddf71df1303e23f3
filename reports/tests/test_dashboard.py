"""The page model: suppression for leadership, full detail for program staff, the filters."""

import datetime
from decimal import Decimal

import pytest
from django.http import QueryDict
from django.utils import timezone

from reports.dashboard import Choices, program_dashboard
from reports.periods import (
    CUSTOM,
    LAST_QUARTER,
    LAST_YEAR,
    THIS_YEAR,
    latest_quarter,
    period_for,
)
from team.selectors import month_of

pytestmark = pytest.mark.django_db


def last_month_day(day: int = 3) -> datetime.date:
    """A day in the last complete quarter, which leadership's pages can show on its own."""
    return latest_quarter(today=timezone.localdate()).replace(day=day)


LAST_QUARTER_ONLY = Choices(preset=LAST_QUARTER)


@pytest.fixture
def departments(cast, build):
    """Emergency 20 offers (12 accepted), Surgery 3 (1), Pediatrics 10 (5), last month."""
    org = cast.org
    day = last_month_day()
    build.offers(12, day=day, accepted=True, contact_after_hours=2)
    build.offers(8, day=day, contact_after_hours=2)
    surgeon = build.person(department=org.surgery)
    build.offers(1, day=day, person=surgeon, accepted=True, contact_after_hours=2)
    build.offers(2, day=day, person=surgeon, contact_after_hours=2)
    child_doctor = build.person(department=org.pediatrics)
    build.offers(5, day=day, person=child_doctor, accepted=True, contact_after_hours=2)
    build.offers(5, day=day, person=child_doctor, contact_after_hours=2)
    return org


def by_label(table) -> dict:
    return {row.label: row.figures for row in table.rows}


def test_leadership_sees_a_small_department_hidden_with_a_complementary_one(
    cast, departments
):
    dashboard = program_dashboard(cast.leader, LAST_QUARTER_ONLY)

    rows = by_label(dashboard.tables["by_department"])
    offered = {label: figures[0] for label, figures in rows.items()}
    assert offered["Surgery"].hidden  # 3 offers
    assert offered["Pediatrics"].hidden  # 10, hidden so Surgery cannot be worked out
    assert offered["Emergency Medicine"].value == 20
    assert dashboard.tables["by_department"].total.figures[0].value == 33


def test_program_staff_see_the_same_figures_unsuppressed_and_marked(cast, departments):
    dashboard = program_dashboard(cast.director, Choices())

    rows = by_label(dashboard.tables["by_department"])
    assert [
        rows[d][0].value for d in ("Emergency Medicine", "Pediatrics", "Surgery")
    ] == [20, 10, 3]
    assert rows["Surgery"][0].small and not rows["Emergency Medicine"][0].small
    assert rows["Surgery"][2].value == Decimal("33.3")  # uptake, 1 of 3


def test_a_part_whose_rest_is_small_is_hidden_with_its_rate(cast, departments):
    """Everyone was contacted: saying 33 of 33 would say that nobody was missed."""
    dashboard = program_dashboard(cast.leader, LAST_QUARTER_ONLY)

    emergency = by_label(dashboard.tables["by_department"])["Emergency Medicine"]
    accepted, uptake, contacted = emergency[1], emergency[2], emergency[3]
    assert accepted.value == 12 and uptake.value == 60  # 12 accepted, 8 did not
    headline = by_label(dashboard.tables["first_contact"])
    assert headline["Offers made"][0].value == 33
    assert headline["Contacted"][0].hidden and contacted.hidden
    assert headline["Share within the clock"][0].hidden
    assert headline["Half were reached"][0].hidden


def test_groups_offered_to_leadership_have_at_least_k_offers(cast, departments):
    leader = program_dashboard(cast.leader, LAST_QUARTER_ONLY)
    director = program_dashboard(cast.director, Choices())

    assert [o.name for o in leader.groups["department"]] == [
        "Emergency Medicine",
        "Pediatrics",
    ]
    assert "Surgery" in [o.name for o in director.groups["department"]]


def test_a_group_page_shows_its_row_of_the_protected_table(cast, departments):
    whole = program_dashboard(cast.leader, LAST_QUARTER_ONLY)
    query = QueryDict(
        f"period=last_quarter&group=department:{departments.pediatrics.pk}"
    )

    narrowed = program_dashboard(cast.leader, Choices.from_query(query))

    assert narrowed.segment.name == "Pediatrics"
    assert list(narrowed.tables) == ["segment"]
    assert narrowed.tables["segment"].rows[0] == next(
        row for row in whole.tables["by_department"].rows if row.label == "Pediatrics"
    )


def test_a_group_too_small_for_leadership_falls_back_to_the_whole(cast, departments):
    query = QueryDict(f"period=last_quarter&group=department:{departments.surgery.pk}")

    dashboard = program_dashboard(cast.leader, Choices.from_query(query))

    assert dashboard.segment is None and dashboard.segment_dropped
    assert "by_department" in dashboard.tables


def test_leadership_sees_complete_months_only(cast, build):
    build.offers(9, day=timezone.localdate())

    leader = program_dashboard(cast.leader, LAST_QUARTER_ONLY)
    director = program_dashboard(cast.director, Choices())

    assert leader.period.end < month_of(timezone.localdate())
    assert leader.tables["first_contact"].rows[0].figures[0].hidden  # 0 offers
    assert director.tables["first_contact"].rows[0].figures[0].value == 9


def test_zero_is_hidden_from_leadership(cast):
    dashboard = program_dashboard(cast.leader, LAST_QUARTER_ONLY)

    figures = [
        figure
        for table in dashboard.tables.values()
        for row in (*table.rows, *([table.total] if table.total else []))
        for figure in row.figures
        if figure.kind == "count"
    ]
    assert figures and all(f.hidden or f.value >= dashboard.k for f in figures)
    assert dashboard.tables["first_contact"].rows[0].figures[0].hidden


def test_periods():
    today = datetime.date(2026, 3, 15)

    assert period_for(
        "", today=today, complete_months_only=False
    ).start == datetime.date(2025, 4, 1)
    leader = period_for("", today=today, complete_months_only=True)
    assert (leader.start, leader.end) == (
        datetime.date(2025, 3, 1),
        datetime.date(2026, 2, 28),
    )
    assert period_for(
        THIS_YEAR, today=today, complete_months_only=True
    ).end == datetime.date(2026, 2, 28)
    assert (
        period_for(LAST_YEAR, today=today, complete_months_only=True).label
        == "January 2025 to December 2025"
    )
    custom = period_for(
        CUSTOM,
        today=today,
        complete_months_only=True,
        first=datetime.date(2025, 6, 1),
        last=datetime.date(2026, 9, 1),
    )
    assert (custom.start, custom.end) == (
        datetime.date(2025, 6, 1),
        datetime.date(2026, 2, 28),
    )


def test_this_year_waits_for_a_complete_month_for_leadership():
    january = datetime.date(2026, 1, 10)

    period = period_for(THIS_YEAR, today=january, complete_months_only=True)

    assert period.preset != THIS_YEAR
