"""Turning raw figures into what a person may see: every figure a leader sees is suppressed here.

Leadership sees each count through confidentiality.suppression: a table
column is one line (``suppress_counts``, with its total through
``suppress_count``), never a cross-table with a second margin. Program staff
see every figure, and figures under k are marked so they know what
leadership does not see.

Two rules go beyond single cells (docs/reports.md):

* **A part shown beside its whole gives away the rest.** Accepted beside
  offered says how many did not accept; so a part is treated as small when
  either it or the rest is under k (``rest_of``), exactly as
  ``suppressed_rate`` treats a rate.
* **A rate or ratio is shown only when the counts it is made of are.** A
  rate beside a shown denominator gives its numerator back, even one that
  complementary suppression hid.
"""

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from confidentiality.suppression import (
    suppress_count,
    suppress_counts,
    suppressed_rate,
)

COUNT, RATE, RATIO, BAND, HOURS, TEXT = (
    "count",
    "rate",
    "ratio",
    "band",
    "hours",
    "text",
)


@dataclass(frozen=True)
class Figure:
    """One figure as a page or an export shows it: a value, or hidden (and then no value)."""

    value: int | Decimal | str | None
    kind: str = COUNT
    small: bool = False  # under k: program staff see it, marked; leadership never does

    @property
    def hidden(self) -> bool:
        return self.value is None

    @property
    def unit(self) -> str:
        return " %" if self.kind == RATE else ""

    def __str__(self) -> str:
        return "—" if self.hidden else f"{self.value}{self.unit}"


HIDDEN = Figure(None)


def text(value: str) -> Figure:
    return Figure(value, kind=TEXT)


class Publisher:
    """Publishes figures for one reader: in full (program staff), or suppressed at k."""

    def __init__(self, *, full: bool, k: int):
        self.full = full
        self.k = k

    def count(self, n: int, *, rest: int | None = None) -> Figure:
        """One count on its own; ``rest`` is the rest of its whole, when the whole is shown."""
        small = n < self.k or (rest is not None and rest < self.k)
        if self.full:
            return Figure(n, small=small)
        if small or suppress_count(n, k=self.k).suppressed:
            return Figure(None)
        return Figure(n)

    def line[Key: Hashable](
        self, counts: Mapping[Key, int], *, rests: Mapping[Key, int] | None = None
    ) -> dict[Key, Figure]:
        """A column of counts that adds up to a shown total, protected as one line.

        A cell whose rest (``rests``) is under k is hidden as a small cell:
        it goes into the line at 0, so complementary suppression counts
        nothing on it when making the hidden cells add up to k.
        """
        rests = rests or {}
        small = {
            key
            for key, n in counts.items()
            if n < self.k or (key in rests and rests[key] < self.k)
        }
        if self.full:
            return {key: Figure(n, small=key in small) for key, n in counts.items()}
        masked = {key: 0 if key in small else n for key, n in counts.items()}
        cells = suppress_counts(masked, k=self.k, total_shown=True)
        return {
            key: Figure(None) if cell.suppressed else Figure(cell.value)
            for key, cell in cells.items()
        }

    def rate(self, part: Figure, whole: Figure, n: int, of: int) -> Figure:
        """``n`` of ``of`` as a percentage, shown only when both counts are shown.

        For leadership it must also pass ``suppressed_rate`` (both those who
        did and those who did not number at least k).
        """
        if part.hidden or whole.hidden:
            return Figure(None, kind=RATE)
        if not of:
            return _none(RATE)
        if not self.full and suppressed_rate(n, of, k=self.k).suppressed:
            return Figure(None, kind=RATE)
        value = (Decimal(100) * n / of).quantize(Decimal("0.1"), ROUND_HALF_UP)
        return Figure(value, kind=RATE, small=part.small or whole.small)

    def ratio(self, part: Figure, whole: Figure, n: int, of: int) -> Figure:
        """``n`` per one of ``of`` (conversations per event), to one decimal."""
        if part.hidden or whole.hidden:
            return Figure(None, kind=RATIO)
        if not of:
            return _none(RATIO)
        value = (Decimal(n) / of).quantize(Decimal("0.1"), ROUND_HALF_UP)
        return Figure(value, kind=RATIO, small=part.small or whole.small)

    def band(self, band: str | None, contacted: Figure) -> Figure:
        """A time band ("within 4 hours"): shown when the count it describes is."""
        if contacted.hidden:
            return Figure(None, kind=BAND)
        if band is None:
            return _none(BAND)
        return Figure(band, kind=BAND, small=contacted.small)

    def hours(self, value: Decimal | None) -> Figure:
        return _none(HOURS) if value is None else Figure(value, kind=HOURS)


def _none(kind: str) -> Figure:
    """Nothing to show (nobody offered, nobody contacted yet): only ever for program staff,
    since the zero it stands on is hidden from leadership."""
    return Figure("none", kind=TEXT)


# --- Periods of several quarters ----------------------------------------------------------------


def unsafe_in_some_quarter[Key: Hashable, Value](
    period: Mapping[Key, Value],
    quarters: Sequence[Mapping[Key, Value]],
    *,
    hidden: Callable[[Value], bool],
    own_quarter_only: Callable[[Key], bool] = lambda key: False,
) -> set[Key]:
    """The keys of ``period``'s figures to hide because some quarter would not show them.

    Leadership's periods are whole calendar quarters (reports.periods), and a
    figure over several quarters is shown only when the same figure, worked
    out for each of its quarters, would itself be shown (``hidden`` is false
    for it there). Any difference between two periods a leader can see is then
    a sum of whole quarters, each safe on its own.

    A key missing from a quarter is a figure of 0 there, under k: hidden,
    unless ``own_quarter_only(key)`` says the figure belongs to one quarter
    (a month's row), where it is the same figure in the period and that quarter.
    """
    unsafe = set()
    for key, value in period.items():
        if hidden(value):
            continue
        for quarter in quarters:
            if key not in quarter:
                if own_quarter_only(key):
                    continue
                unsafe.add(key)
                break
            if hidden(quarter[key]):
                unsafe.add(key)
                break
    return unsafe
