"""The period a brief covers (brief/period.py)."""

import datetime

import pytest

from brief.period import Period, last_twelve_months

D = datetime.date


@pytest.mark.parametrize(
    ("today", "start"),
    [
        (D(2026, 11, 26), D(2025, 11, 27)),
        (D(2024, 2, 29), D(2023, 3, 1)),  # a leap day: from the day after 28 February
        (D(2026, 1, 1), D(2025, 1, 2)),
    ],
)
def test_the_default_is_the_twelve_months_to_today(today, start):
    assert last_twelve_months(today) == Period(start, today)


def test_a_period_counts_both_its_days_and_can_be_asked_for_again():
    period = Period(D(2026, 1, 1), D(2026, 1, 31))
    assert period.days == 31
    assert period.query() == "start=2026-01-01&end=2026-01-31"


def test_a_period_cannot_end_before_it_starts():
    with pytest.raises(ValueError):
        Period(D(2026, 2, 1), D(2026, 1, 31))
