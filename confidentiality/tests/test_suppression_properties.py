"""Properties of small-number suppression, for any counts (issue 7, "Must show").

Hypothesis draws rows, means and rates, most of them small (0 to 12, around
k), with k from 3 to 10, and checks the rules of docs/suppression.md hold for
every one of them:

1. no published figure stands for a group of 1 to k-1 people, or of none;
2. no hidden small cell can be worked out from what is published: a reader's
   best effort is a linear programme over the hidden cells, bounded by the
   shown cells and totals, and it must leave every small cell a range;
3. a hidden cell carries no value, and prints the same whatever its reason.

Cross-tables (rows and columns, both with totals) are not offered; the last
section keeps the three tables that show why.
"""

from decimal import Decimal

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from confidentiality import suppression
from confidentiality.suppression import (
    Cell,
    Reason,
    suppress_count,
    suppress_counts,
    suppressed_mean,
    suppressed_rate,
)

PROPERTY = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
# A figure derived by linear programming is "pinned" when its range is narrower than this.
PINNED = 1e-6

ks = st.integers(min_value=3, max_value=10)
# Mostly around k, where suppression decides something; now and then a large count.
counts = st.integers(0, 12) | st.integers(0, 12) | st.integers(13, 80)
rows = st.lists(counts, max_size=8).map(lambda values: dict(enumerate(values)))


# --- What a reader sees, and what they can work out from it ---------------------------------


def published_total(n, k):
    """A total as the module says to publish it: through suppress_count (None if hidden)."""
    cell = suppress_count(n, k=k)
    return None if cell.suppressed else cell.value


def feasible_ranges(n_hidden, equations):
    """Each hidden cell's [min, max] given ``equations``: (hidden indices, their sum).

    The real-valued relaxation of what a reader can derive: every hidden cell is
    at least 0, and every published total fixes the sum of its line's hidden cells.
    """
    if not equations:
        return [(0.0, float("inf"))] * n_hidden
    a_eq = np.zeros((len(equations), n_hidden))
    b_eq = np.zeros(len(equations))
    for row, (indices, total) in enumerate(equations):
        a_eq[row, list(indices)] = 1
        b_eq[row] = total
    ranges = []
    for index in range(n_hidden):
        objective = np.zeros(n_hidden)
        objective[index] = 1
        low = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None))
        assert low.status == 0, "the true counts must satisfy what is published"
        high = linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None))
        ranges.append((low.fun, float("inf") if high.status == 3 else -high.fun))
    return ranges


def what_a_reader_derives(values, cells, lines, k):
    """Publish ``lines`` (each a list of positions) with their totals; solve for the hidden.

    ``values`` and ``cells`` map each position to its count and its published
    cell; each line's total is published through suppress_count. Returns the
    feasible (min, max) of each hidden position, and each line that hides
    something and has its total published, with the sum of its hidden cells.
    """
    hidden = [position for position, cell in cells.items() if cell.suppressed]
    index = {position: i for i, position in enumerate(hidden)}
    equations, totalled = [], []
    for line in lines:
        total = published_total(sum(values[position] for position in line), k)
        if total is None:
            continue
        in_line = [index[position] for position in line if position in index]
        shown_sum = sum(cells[p].value for p in line if not cells[p].suppressed)
        if in_line:
            totalled.append((line, total - shown_sum))
            equations.append((in_line, total - shown_sum))
    ranges = dict(zip(hidden, feasible_ranges(len(hidden), equations), strict=True))
    return ranges, totalled


def assert_no_small_cell_is_pinned(values, ranges, k):
    for position, (low, high) in ranges.items():
        if values[position] < k:
            assert high - low > PINNED, (
                f"hidden cell {position} holding {values[position]} is pinned "
                f"to [{low}, {high}]"
            )


def assert_every_published_line_hides_k_or_nothing(totalled, k):
    for line, hidden_sum in totalled:
        assert hidden_sum >= k, (
            f"{line}: its published total leaves {hidden_sum} in its hidden cells"
        )


def hidden_of(cells):
    return {position for position, cell in cells.items() if cell.suppressed}


# --- 1. No published figure under k ----------------------------------------------------------


@PROPERTY
@given(n=counts, k=ks)
def test_a_count_is_published_exactly_when_it_is_at_least_k(n, k):
    cell = suppress_count(n, k=k)
    assert cell == (Cell.shown(n) if n >= k else Cell.hidden(Reason.SMALL))


@PROPERTY
@given(row=rows, k=ks, total_shown=st.booleans())
def test_every_shown_cell_of_a_row_is_its_true_count_and_at_least_k(
    row, k, total_shown
):
    cells = suppress_counts(row, k=k, total_shown=total_shown)
    assert list(cells) == list(row)
    for key, cell in cells.items():
        if not cell.suppressed:
            assert cell.value == row[key] >= k
        assert cell.suppressed or row[key] != 0


@PROPERTY
@given(row=rows, k=ks, total_shown=st.booleans())
def test_a_hidden_cell_of_a_row_is_small_exactly_when_its_count_is_under_k(
    row, k, total_shown
):
    cells = suppress_counts(row, k=k, total_shown=total_shown)
    for key, cell in cells.items():
        if row[key] < k:
            assert cell == Cell.hidden(Reason.SMALL)
        elif cell.suppressed:
            assert cell.reason == Reason.COMPLEMENTARY


@PROPERTY
@given(row=rows, k=ks)
def test_without_a_published_total_a_row_hides_its_small_cells_and_no_others(row, k):
    cells = suppress_counts(row, k=k, total_shown=False)
    assert hidden_of(cells) == {key for key, value in row.items() if value < k}


@PROPERTY
@given(
    values_count=counts,
    mean=st.none() | st.decimals(1, 5, places=3) | st.floats(1, 5),
    k=ks,
    places=st.integers(0, 2),
)
def test_a_mean_is_published_only_over_at_least_k_answers(
    values_count, mean, k, places
):
    cell = suppressed_mean(values_count, mean, k=k, places=places)
    if values_count < k or mean is None:
        assert cell == Cell.hidden(Reason.SMALL)
    else:
        assert not cell.suppressed
        assert abs(cell.value - Decimal(str(mean))) <= Decimal(1).scaleb(-places) / 2


@PROPERTY
@given(numerator=counts, others=counts, k=ks)
def test_a_rate_is_published_only_when_those_who_did_and_did_not_both_reach_k(
    numerator, others, k
):
    denominator = numerator + others
    cell = suppressed_rate(numerator, denominator, k=k)
    if numerator < k or others < k:
        assert cell == Cell.hidden(Reason.SMALL)
    else:
        assert not cell.suppressed
        exact = Decimal(100) * numerator / denominator
        assert abs(cell.value - exact) <= Decimal("0.05")


# --- 2. No hidden small cell can be worked out from what is published ------------------------


@PROPERTY
@given(row=rows, k=ks)
def test_a_row_with_its_total_hides_no_cell_or_at_least_two_holding_k(row, k):
    cells = suppress_counts(row, k=k)
    hidden = hidden_of(cells)
    hidden_sum = sum(row[key] for key in hidden)
    total = published_total(sum(row.values()), k)
    if hidden and total is not None:
        assert len(hidden) >= 2
        assert hidden_sum >= k
    if total is None:  # only when every cell is hidden: shown cells hold k each
        assert hidden == set(row)


@PROPERTY
@given(row=rows, k=ks)
def test_no_hidden_small_cell_of_a_row_can_be_worked_out_from_its_total(row, k):
    cells = suppress_counts(row, k=k)
    ranges, totalled = what_a_reader_derives(row, cells, [list(row)], k)
    assert_no_small_cell_is_pinned(row, ranges, k)
    assert_every_published_line_hides_k_or_nothing(totalled, k)


# --- 3. A hidden cell carries no value ------------------------------------------------------


@given(reason=st.sampled_from(Reason))
def test_a_hidden_cell_carries_no_value_and_prints_one_label_for_every_reason(reason):
    cell = Cell.hidden(reason)
    assert cell.value is None
    assert cell.suppressed
    assert str(cell) == f"{cell}" == str(Cell.hidden())


@PROPERTY
@given(row=rows, k=ks, total_shown=st.booleans())
def test_no_hidden_cell_the_functions_return_carries_a_value(row, k, total_shown):
    returned = [
        *suppress_counts(row, k=k, total_shown=total_shown).values(),
        suppress_count(row.get(0, 0), k=k),
        suppressed_mean(row.get(0, 0), 3.5, k=k),
        suppressed_rate(row.get(0, 0), row.get(0, 0) + row.get(1, 0), k=k),
    ]
    labels = {str(cell) for cell in returned if cell.suppressed}
    assert labels <= {str(Cell.hidden())}
    assert all(cell.value is None for cell in returned if cell.suppressed)


# --- Why cross-tables are not offered ------------------------------------------------------

# Three cross-tables (k = 5), found by Hypothesis against the cross-table function
# Alongside once had. Protect every row and every column on its own, as suppress_counts
# protects a line, publish all the row totals, column totals and the grand total (each
# through suppress_count), and a reader still pins a small cell. Pages publish one-way
# lines instead; see "Cross-tables are not published" in docs/suppression.md.

# Surgery's only cell is its row total, 20 (hidden to protect ED in the column); the
# column total 22 gives ED = 2.
A_ONE_COLUMN_TABLE = {"ED": {"Q1": 2}, "Surgery": {"Q1": 20}}

# ED's total (0) is hidden, but the column totals 5 + 20 less Surgery's 25 give it back,
# and with it both of ED's cells.
A_ROW_WHOSE_HIDDEN_TOTAL_THE_COLUMNS_GIVE_BACK = {
    "ED": {"Q1": 0, "Q2": 0},
    "Surgery": {"Q1": 5, "Q2": 20},
}

# Every total is at least 5 and shown, every line hides two or more cells holding 5 or
# more; but r0 and r4 hide cells only in c2 and c3, and c3 hides cells only in r0 and
# r4. Rows r0 + r4 (5 + 5) less column c3 (6) give r0.c2 + r4.c2 = 4, and column c2
# (6) then gives r1.c2 = 2.
A_HIDDEN_CELL_THAT_JOINS_TWO_CLOSED_BLOCKS = {
    "r0": {"c0": 5, "c1": 5, "c2": 2, "c3": 3},
    "r1": {"c0": 1, "c1": 2, "c2": 2, "c3": 20},
    "r2": {"c0": 1, "c1": 4, "c2": 5, "c3": 5},
    "r3": {"c0": 3, "c1": 2, "c2": 5, "c3": 5},
    "r4": {"c0": 5, "c1": 20, "c2": 2, "c3": 3},
}


def each_line_protected_on_its_own(table, k):
    """``table`` with suppress_counts run over every row and every column separately.

    A cell is hidden when its row or its column hides it. Returns each position's
    count and cell, and the lines whose totals are published: the rows, the
    columns and the whole table.
    """
    rows_ = list(table)
    columns = list(dict.fromkeys(col for row in rows_ for col in table[row]))
    values = {(row, col): table[row].get(col, 0) for row in rows_ for col in columns}
    by_row = [[(row, col) for col in columns] for row in rows_]
    by_col = [[(row, col) for row in rows_] for col in columns]
    hidden = set()
    for line in by_row + by_col:
        line_cells = suppress_counts({p: values[p] for p in line}, k=k)
        hidden |= {p for p, cell in line_cells.items() if cell.suppressed}
    cells = {
        position: (
            Cell.hidden(Reason.SMALL if value < k else Reason.COMPLEMENTARY)
            if position in hidden
            else Cell.shown(value)
        )
        for position, value in values.items()
    }
    return values, cells, by_row + by_col + [list(values)]


@pytest.mark.parametrize(
    ("table", "pinned"),
    [
        (A_ONE_COLUMN_TABLE, {("ED", "Q1")}),
        (
            A_ROW_WHOSE_HIDDEN_TOTAL_THE_COLUMNS_GIVE_BACK,
            {("ED", "Q1"), ("ED", "Q2")},
        ),
        (A_HIDDEN_CELL_THAT_JOINS_TWO_CLOSED_BLOCKS, {("r1", "c2")}),
    ],
    ids=["one column", "hidden row total", "two closed blocks"],
)
def test_cross_tables_are_not_offered_because_their_totals_give_cells_away(
    table, pinned
):
    k = 5
    values, cells, lines = each_line_protected_on_its_own(table, k)
    ranges, totalled = what_a_reader_derives(values, cells, lines, k)

    # Every line, read on its own with its total, is safe...
    assert_every_published_line_hides_k_or_nothing(totalled, k)
    # ...yet both margins together pin a small cell to its true count.
    for position in pinned:
        low, high = ranges[position]
        assert values[position] < k
        assert high - low <= PINNED
        assert abs(low - values[position]) <= PINNED
    with pytest.raises(AssertionError, match="is pinned"):
        assert_no_small_cell_is_pinned(values, ranges, k)

    assert not hasattr(suppression, "suppress_table")
