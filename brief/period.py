"""The period a brief covers: offers made (and events recorded) from one day to another."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

EARLIEST = datetime.date(2000, 1, 1)


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date

    def __post_init__(self):
        if self.start > self.end:
            raise ValueError("A period cannot end before it starts.")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def query(self) -> str:
        """The query string that asks for this period again."""
        return f"start={self.start.isoformat()}&end={self.end.isoformat()}"


def last_twelve_months(today: datetime.date) -> Period:
    """The twelve months to today: from the day after this day a year ago, to today."""
    try:
        year_ago = today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        year_ago = today.replace(year=today.year - 1, day=28)
    return Period(year_ago + datetime.timedelta(days=1), today)


LONGEST_QUARTERS = 8


def _quarter_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def _quarter_end(first: datetime.date) -> datetime.date:
    month = first.month + 3
    if month > 12:
        return datetime.date(first.year + 1, 1, 1) - datetime.timedelta(days=1)
    return datetime.date(first.year, month, 1) - datetime.timedelta(days=1)


def whole_quarters(period: Period, *, today: datetime.date) -> Period:
    """``period`` snapped to whole, complete calendar quarters (at most eight), for leadership.

    It ends with the last quarter that is complete by both its end and today,
    and starts with the quarter its start falls in (at least one quarter;
    the latest eight when longer). See docs/brief.md, "Periods for leadership".
    """
    end = min(period.end, today)
    if end != _quarter_end(_quarter_start(end)):
        end = _quarter_start(end) - datetime.timedelta(days=1)
    last = _quarter_start(end)
    first = min(_quarter_start(period.start), last)
    earliest = _months_before(last, 3 * (LONGEST_QUARTERS - 1))
    return Period(max(first, earliest), end)


def _months_before(month: datetime.date, count: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 - count
    return datetime.date(index // 12, index % 12 + 1, 1)


def quarters_of(period: Period) -> list[Period]:
    """The calendar quarters of a period made of whole quarters, in order."""
    quarters, first = [], period.start
    while first <= period.end:
        end = _quarter_end(first)
        quarters.append(Period(first, end))
        first = end + datetime.timedelta(days=1)
    return quarters


def quarters_label(period: Period) -> str:
    """ "Q2 2024 to Q1 2025" (or "Q1 2025") for a period of whole quarters."""

    def name(day: datetime.date) -> str:
        return f"Q{(day.month - 1) // 3 + 1} {day.year}"

    first, last = name(period.start), name(period.end)
    return first if first == last else f"{first} to {last}"
