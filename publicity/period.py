"""The period the publicity page looks back over: whole months, up to today.

Whole months because the request tally is kept by month (see
``publicity.tally``): a period that began mid-month would count requests
from before it began.
"""

import datetime
from dataclasses import dataclass

PERIOD_CHOICES = [
    (3, "The last 3 months"),
    (6, "The last 6 months"),
    (12, "The last 12 months"),
    (24, "The last 2 years"),
]
DEFAULT_MONTHS = 12


@dataclass(frozen=True)
class Period:
    months: int
    start: datetime.date  # the first day of the first month
    end: datetime.date  # today

    @property
    def label(self) -> str:
        return f"{self.start:%B %Y} to {self.end.day} {self.end:%B %Y}"


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The first day of the month ``months`` months before ``day``'s month."""
    index = day.year * 12 + day.month - 1 - months
    return datetime.date(index // 12, index % 12 + 1, 1)


def period_from(value: str | int | None, *, today: datetime.date) -> Period:
    """The period a filter asks for (the last 12 months when it asks for nothing known)."""
    try:
        months = int(value) if value is not None else DEFAULT_MONTHS
    except (TypeError, ValueError):
        months = DEFAULT_MONTHS
    if months not in dict(PERIOD_CHOICES):
        months = DEFAULT_MONTHS
    return Period(months=months, start=months_before(today, months - 1), end=today)
