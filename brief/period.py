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
