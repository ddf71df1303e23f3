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

# Leadership's periods: whole, complete calendar quarters (docs/reports.md,
# "Periods for leadership"), so that any two periods differ by whole quarters.
LAST_QUARTER = "last_quarter"
LAST_4_QUARTERS = "last_4_quarters"
QUARTER_PRESETS = {
    LAST_QUARTER: "The last complete quarter",
    LAST_4_QUARTERS: "The last four complete quarters",
    LAST_YEAR: "Last calendar year (its four quarters)",
    CUSTOM: "Quarters of your choice",
}
DEFAULT_QUARTER_PRESET = LAST_4_QUARTERS
LONGEST_QUARTERS = 8


@dataclass(frozen=True)
class Period:
    preset: str
    start: datetime.date
    end: datetime.date
    in_quarters: bool = False  # leadership's: whole, complete calendar quarters

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
    def quarters(self) -> list["Period"]:
        """The calendar quarters of a period made of whole quarters, in order."""
        return [
            Period(self.preset, month, last_day_of(add_months(month, 2)), True)
            for month in self.months[::3]
        ]

    @property
    def label(self) -> str:
        if self.in_quarters:
            return quarters_label(self.first_month, self.last_month)
        if self.first_month == self.last_month:
            return f"{self.start:%B %Y}"
        return f"{self.start:%B %Y} to {self.end:%B %Y}"


def quarter_of(month: datetime.date) -> datetime.date:
    """The first month of the calendar quarter ``month`` is in."""
    return datetime.date(month.year, (month.month - 1) // 3 * 3 + 1, 1)


def quarter_name(month: datetime.date) -> str:
    return f"Q{(month.month - 1) // 3 + 1} {month.year}"


def quarters_label(first: datetime.date, last: datetime.date) -> str:
    """ "Q1 2025" or "Q2 2024 to Q1 2025" for the quarters from ``first`` to ``last``."""
    first, last = quarter_name(quarter_of(first)), quarter_name(quarter_of(last))
    return first if first == last else f"{first} to {last}"


def latest_quarter(*, today: datetime.date) -> datetime.date:
    """The first month of the last complete calendar quarter before ``today``."""
    return add_months(quarter_of(month_of(today)), -3)


def quarter_choices(*, today: datetime.date, count: int = 20) -> list[tuple]:
    """Complete quarters to choose from, latest first: (first month, last month, name)."""
    latest = latest_quarter(today=today)
    return [
        (month, add_months(month, 2), quarter_name(month))
        for month in (add_months(latest, -3 * i) for i in range(count))
    ]


def quarter_period_for(
    preset: str,
    *,
    today: datetime.date,
    first: datetime.date | None = None,
    last: datetime.date | None = None,
) -> Period:
    """Leadership's period: one or more whole, complete calendar quarters (at most 8).

    Any other preset (months of one's choice, this year) falls back to the
    last four complete quarters; custom months are widened to the quarters
    they fall in, and quarters not yet complete are left out.
    """
    latest = latest_quarter(today=today)
    if preset not in QUARTER_PRESETS or (preset == CUSTOM and not (first and last)):
        preset = DEFAULT_QUARTER_PRESET
    if preset == LAST_QUARTER:
        start, end = latest, latest
    elif preset == LAST_YEAR:
        start, end = (
            datetime.date(today.year - 1, 1, 1),
            datetime.date(today.year - 1, 10, 1),
        )
    elif preset == CUSTOM:
        end = min(quarter_of(month_of(last)), latest)
        start = max(
            min(quarter_of(month_of(first)), end),
            add_months(end, -3 * (LONGEST_QUARTERS - 1)),
        )
    else:
        start, end = add_months(latest, -9), latest
    return Period(
        preset=preset,
        start=start,
        end=last_day_of(add_months(end, 2)),
        in_quarters=True,
    )


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
