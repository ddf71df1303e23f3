"""Small-number suppression: the one way Alongside publishes a count, rate or mean.

DESIGN §3: leadership and the director see aggregates only, and only safe
ones. Every figure drawn from people's answers or actions goes through this
module before it reaches a page, an export or an API response:

* **No cell under k.** A count below ``k`` (default 5; 10 before free-text
  comments are shown) is hidden. Zero is below ``k`` too: if zeros were shown
  and only 1 to k-1 hidden, "hidden" would itself say "somebody here did it".
* **Complementary suppression.** When a row of cells is published with its
  total, one hidden cell could be worked out as the total minus the others.
  So more cells are hidden, smallest first, until at least two are hidden and
  together they hold at least ``k``: what a reader can derive (the sum of the
  hidden cells) is then itself a safe aggregate.
* **A hidden cell holds no value.** :class:`Cell` keeps only the reason, so no
  template, export or log line can print the number by mistake.
* **One label for every hidden cell.** Pages should show every hidden cell the
  same way, whatever the reason: a reader who could tell a complementary cell
  (at least k) from a small one would learn bounds on the small one.
* **Lines, not cross-tables.** A row is protected against its own total. A
  cross-table published with both row and column totals is not offered: the
  two margins together give cells away even when every row and every column
  is protected on its own.

The thresholds are read when a function is called (never at import), from the
settings ``SUPPRESSION_K`` and ``SUPPRESSION_K_COMMENTS`` when an organization
sets them; a survey keeps the thresholds it launched with by passing them in.
See docs/suppression.md.
"""

from __future__ import annotations

import enum
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

K = 5
K_COMMENTS = 10
# Below this, "suppression" protects nobody: a threshold of 1 or 2 is refused.
K_FLOOR = 3


class Reason(enum.StrEnum):
    """Why a cell is hidden. For code, tests and docs: pages show one label for all."""

    SMALL = "small"  # the cell itself is under k
    COMPLEMENTARY = "complementary"  # hidden so a small cell cannot be derived


@dataclass(frozen=True, slots=True)
class Cell:
    """One published figure: a value, or hidden with a reason (and then no value)."""

    value: int | Decimal | None = None
    reason: Reason | None = None

    def __post_init__(self):
        if (self.value is None) == (self.reason is None):
            raise ValueError("A cell holds either a value or a reason, never both.")

    @classmethod
    def shown(cls, value: int | Decimal) -> Cell:
        return cls(value=value)

    @classmethod
    def hidden(cls, reason: Reason = Reason.SMALL) -> Cell:
        return cls(reason=reason)

    @property
    def suppressed(self) -> bool:
        return self.reason is not None

    def __str__(self) -> str:
        return "—" if self.suppressed else str(self.value)


def current_k() -> int:
    """The organization's k for counts and means (default 5)."""
    return _threshold("SUPPRESSION_K", K)


def current_k_comments() -> int:
    """The organization's k before free text is shown (default 10, never below k)."""
    k_comments = _threshold("SUPPRESSION_K_COMMENTS", K_COMMENTS)
    if k_comments < current_k():
        raise ImproperlyConfigured(
            "SUPPRESSION_K_COMMENTS must be at least SUPPRESSION_K: comments say "
            "more about a person than a number does."
        )
    return k_comments


def _threshold(name: str, default: int) -> int:
    value = getattr(settings, name, None)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or value < K_FLOOR:
        raise ImproperlyConfigured(
            f"{name} must be a whole number of at least {K_FLOOR}."
        )
    return value


def _k(k: int | None) -> int:
    if k is None:
        return current_k()
    if k < K_FLOOR:
        raise ValueError(f"k must be at least {K_FLOOR}.")
    return k


def suppress_count(n: int, *, k: int | None = None) -> Cell:
    """One count on its own (a total, a headline figure): hidden when under k."""
    return Cell.hidden(Reason.SMALL) if n < _k(k) else Cell.shown(n)


def suppress_counts[Key: Hashable](
    counts: Mapping[Key, int], *, k: int | None = None, total_shown: bool = True
) -> dict[Key, Cell]:
    """A row of counts that add up to a total, each hidden when under k.

    With ``total_shown`` (the default: assume a reader can always add up), a
    lone hidden cell would equal the total minus the shown ones, so the next
    smallest cells are hidden too, until at least two cells are hidden and
    together they hold at least k. Ties go to the cell that comes first, so the
    same counts always hide the same cells. Show the total itself through
    :func:`suppress_count`: when every cell is hidden, the total is the sum of
    the hidden cells, and it is hidden whenever that sum is under k.
    """
    k = _k(k)
    keys = list(counts)
    values = [counts[key] for key in keys]
    if any(value < 0 for value in values):
        raise ValueError("Counts cannot be negative.")
    small = {index for index, value in enumerate(values) if value < k}
    hidden = _protect_line(values, small, k) if total_shown else small
    return {
        key: (
            Cell.shown(values[index])
            if index not in hidden
            else Cell.hidden(Reason.SMALL if index in small else Reason.COMPLEMENTARY)
        )
        for index, key in enumerate(keys)
    }


def _protect_line(values: list[int], hidden: set[int], k: int) -> set[int]:
    """Hide more cells of a line until its hidden cells cannot be derived from its total.

    The smallest go first, the earliest of equals.
    """
    hidden = set(hidden)
    if not hidden:
        return hidden
    remainder = sum(values[index] for index in hidden)
    candidates = sorted(
        (value, index) for index, value in enumerate(values) if index not in hidden
    )
    for value, index in candidates:
        if len(hidden) >= 2 and remainder >= k:
            break
        hidden.add(index)
        remainder += value
    return hidden


def suppressed_mean(
    values_count: int, mean, *, k: int | None = None, places: int = 1
) -> Cell:
    """The mean of ``values_count`` answers, rounded half up, hidden when under k answers.

    The mean of one or two answers is those answers: a small group's mean says
    as much about its members as a small count does.
    """
    if values_count < _k(k) or mean is None:
        return Cell.hidden(Reason.SMALL)
    return Cell.shown(_rounded(mean, places))


def suppressed_rate(
    numerator: int, denominator: int, *, k: int | None = None, places: int = 1
) -> Cell:
    """A percentage, hidden unless both who did and who did not number at least k.

    The rate and its denominator give the numerator back, so a rate follows the
    count rule for the numerator; and "all but three did" tells as much about
    those three as "three did", so the complement follows it as well.
    """
    k = _k(k)
    if not 0 <= numerator <= denominator:
        raise ValueError("A rate needs 0 <= numerator <= denominator.")
    if numerator < k or denominator - numerator < k:
        return Cell.hidden(Reason.SMALL)
    return Cell.shown(_rounded(Decimal(100) * numerator / denominator, places))


def comments_visible(n: int, *, k_comments: int | None = None) -> bool:
    """Free-text comments are shown only once ``n`` people have answered (default 10).

    Words carry a voice, a detail, a turn of phrase: a colleague can recognise
    a comment where they could never recognise a score, so the bar is higher.
    """
    if k_comments is None:
        k_comments = current_k_comments()
    elif k_comments < K_FLOOR:
        raise ValueError(f"k_comments must be at least {K_FLOOR}.")
    return n >= k_comments


def _rounded(value, places: int) -> Decimal:
    quantum = Decimal(1).scaleb(-places)
    return Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)
