"""The periods the dashboard reports on: whole calendar months, chosen by preset or by hand.

Purged cases are kept as counts per month (``ClosedCaseCount.month``), so a
period that cut a month in two could not split them: every period here starts
on the first of a month and ends on the last day of one. Leadership sees
complete months only, so a figure never changes under a reader's eyes (a
figure seen on Tuesday and again on Wednesday would tell what one day added).
"""

import datetime
from dataclasses import dataclass

from team.selectors import add_months, last_day_of, month_of

LAST_12_MONTHS = "last_12_months"
THIS_YEAR = "this_year"
LAST_YEAR = "last_year"
CUSTOM = "custom"
PRESETS = {
    LAST_12_MONTHS: "The last 12 months",
    THIS_YEAR: "This year",
    LAST_YEAR: "Last year",
    CUSTOM: "Months of your choice",
}
DEFAULT_PRESET = LAST_12_MONTHS
LONGEST_MONTHS = 60


@dataclass(frozen=True)
class Period:
    preset: str
    start: datetime.date
    end: datetime.date

    @property
    def first_month(self) -> datetime.date:
        return month_of(self.start)

    @property
    def last_month(self) -> datetime.date:
        return month_of(self.end)

    @property
    def months(self) -> list[datetime.date]:
        months, month = [], self.first_month
        while month <= self.last_month:
            months.append(month)
            month = add_months(month, 1)
        return months

    @property
    def label(self) -> str:
        if self.first_month == self.last_month:
            return f"{self.start:%B %Y}"
        return f"{self.start:%B %Y} to {self.end:%B %Y}"


def latest_month(*, today: datetime.date, complete_months_only: bool) -> datetime.date:
    """The last month a period may include: this one, or the last complete one."""
    this_month = month_of(today)
    return add_months(this_month, -1) if complete_months_only else this_month


def presets_available(*, today: datetime.date, complete_months_only: bool) -> dict:
    """The presets that hold at least one month ("this year" waits for February)."""
    latest = latest_month(today=today, complete_months_only=complete_months_only)
    return {
        key: label
        for key, label in PRESETS.items()
        if key != THIS_YEAR or latest.year == today.year
    }


def parse_month(value: str | None) -> datetime.date | None:
    try:
        return datetime.datetime.strptime(value or "", "%Y-%m").date()
    except ValueError:
        return None


def period_for(
    preset: str,
    *,
    today: datetime.date,
    complete_months_only: bool,
    first: datetime.date | None = None,
    last: datetime.date | None = None,
) -> Period:
    """The period a preset (or ``first``..``last`` months, for custom) stands for.

    Anything not valid falls back to the last 12 months; months to come, or
    not yet complete when only complete months are allowed, are left out.
    """
    latest = latest_month(today=today, complete_months_only=complete_months_only)
    if preset not in presets_available(
        today=today, complete_months_only=complete_months_only
    ):
        preset = DEFAULT_PRESET
    if preset == THIS_YEAR:
        start, end = datetime.date(today.year, 1, 1), latest
    elif preset == LAST_YEAR:
        start, end = (
            datetime.date(today.year - 1, 1, 1),
            datetime.date(today.year - 1, 12, 1),
        )
    elif preset == CUSTOM and first and last:
        end = min(month_of(last), latest)
        start = max(min(month_of(first), end), add_months(end, -(LONGEST_MONTHS - 1)))
    else:
        preset, start, end = DEFAULT_PRESET, add_months(latest, -11), latest
    return Period(preset=preset, start=start, end=last_day_of(end))
