"""The one suppression function family: every aggregate Alongside publishes."""

from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured

from confidentiality.suppression import (
    K_COMMENTS,
    Cell,
    K,
    Reason,
    comments_visible,
    current_k,
    current_k_comments,
    suppress_count,
    suppress_counts,
    suppressed_mean,
    suppressed_rate,
)


def shown(cells):
    return {key: cell.value for key, cell in cells.items() if not cell.suppressed}


def hidden(cells):
    return {key: cell.reason for key, cell in cells.items() if cell.suppressed}


def derivable_from_total(counts, cells):
    """What a reader learns: the total minus every shown cell (the hidden sum)."""
    return sum(counts.values()) - sum(shown(cells).values())


# --- Defaults and settings ----------------------------------------------------------------


def test_the_defaults_are_five_and_ten_without_any_setting(settings):
    for name in ("SUPPRESSION_K", "SUPPRESSION_K_COMMENTS"):
        if hasattr(settings, name):
            delattr(settings, name)
    assert (K, K_COMMENTS) == (5, 10)
    assert (current_k(), current_k_comments()) == (5, 10)


def test_an_organization_may_raise_the_thresholds(settings):
    settings.SUPPRESSION_K = 11
    settings.SUPPRESSION_K_COMMENTS = 20
    assert (current_k(), current_k_comments()) == (11, 20)
    assert suppress_count(10).suppressed
    assert comments_visible(19) is False


@pytest.mark.parametrize("value", [0, 1, 2, "5", 5.0, True])
def test_a_threshold_too_low_or_not_a_whole_number_is_refused(settings, value):
    settings.SUPPRESSION_K = value
    with pytest.raises(ImproperlyConfigured):
        current_k()


def test_comments_never_have_a_lower_bar_than_numbers(settings):
    settings.SUPPRESSION_K = 8
    settings.SUPPRESSION_K_COMMENTS = 6
    with pytest.raises(ImproperlyConfigured):
        current_k_comments()


def test_a_k_passed_in_below_the_floor_is_refused():
    with pytest.raises(ValueError):
        suppress_count(7, k=1)
    with pytest.raises(ValueError):
        comments_visible(7, k_comments=2)


# --- The cell -------------------------------------------------------------------------------


def test_a_hidden_cell_holds_no_value_at_all():
    cell = Cell.hidden(Reason.SMALL)
    assert cell.value is None and cell.suppressed
    assert str(cell) == "—"
    with pytest.raises(ValueError):
        Cell(value=3, reason=Reason.SMALL)
    with pytest.raises(ValueError):
        Cell()


def test_a_shown_cell_prints_its_value():
    assert str(Cell.shown(12)) == "12"
    assert not Cell.shown(0).suppressed


# --- One count --------------------------------------------------------------------------------


def test_k_itself_is_shown_and_one_less_is_hidden():
    assert suppress_count(5, k=5) == Cell.shown(5)
    assert suppress_count(4, k=5) == Cell.hidden(Reason.SMALL)


def test_zero_is_hidden_like_any_small_count():
    assert suppress_count(0).suppressed


# --- A row of counts with its total ---------------------------------------------------------


def test_a_row_of_large_counts_is_shown_whole():
    counts = {"ED": 12, "Surgery": 5, "Pediatrics": 40}
    assert shown(suppress_counts(counts, k=5)) == counts


def test_a_single_small_cell_forces_a_second_one_hidden():
    counts = {"ED": 3, "Surgery": 20, "Pediatrics": 8, "Radiology": 9}
    cells = suppress_counts(counts, k=5)
    assert hidden(cells) == {"ED": Reason.SMALL, "Pediatrics": Reason.COMPLEMENTARY}
    assert shown(cells) == {"Surgery": 20, "Radiology": 9}
    assert derivable_from_total(counts, cells) == 11  # ED + Pediatrics, not ED


def test_the_complementary_cell_is_the_next_smallest_with_ties_to_the_first():
    counts = {"a": 9, "b": 7, "c": 2, "d": 7}
    assert hidden(suppress_counts(counts, k=5)) == {
        "c": Reason.SMALL,
        "b": Reason.COMPLEMENTARY,
    }


def test_two_small_cells_that_together_are_under_k_hide_a_third():
    counts = {"a": 1, "b": 2, "c": 6, "d": 30}
    cells = suppress_counts(counts, k=5)
    assert hidden(cells) == {
        "a": Reason.SMALL,
        "b": Reason.SMALL,
        "c": Reason.COMPLEMENTARY,
    }
    assert derivable_from_total(counts, cells) >= 5


def test_two_small_cells_that_together_reach_k_hide_nothing_more():
    counts = {"a": 4, "b": 3, "c": 6}
    assert hidden(suppress_counts(counts, k=5)) == {
        "a": Reason.SMALL,
        "b": Reason.SMALL,
    }


def test_zero_counts_are_hidden_and_protected_like_small_ones():
    counts = {"a": 0, "b": 0, "c": 12, "d": 13}
    cells = suppress_counts(counts, k=5)
    # Two zeros hidden would still be derivable (the hidden sum is 0): hide a third.
    assert hidden(cells) == {
        "a": Reason.SMALL,
        "b": Reason.SMALL,
        "c": Reason.COMPLEMENTARY,
    }
    assert derivable_from_total(counts, cells) == 12


def test_a_row_of_zeros_is_hidden_entirely():
    cells = suppress_counts({"a": 0, "b": 0}, k=5)
    assert hidden(cells) == {"a": Reason.SMALL, "b": Reason.SMALL}
    assert suppress_count(0).suppressed  # and so is its total


def test_when_everything_is_small_everything_is_hidden():
    counts = {"a": 1, "b": 4, "c": 2}
    assert hidden(suppress_counts(counts, k=5)) == dict.fromkeys(counts, Reason.SMALL)
    assert suppress_count(sum(counts.values()), k=5).suppressed is False  # total 7


def test_a_lone_small_cell_with_nothing_to_pair_with_leaves_the_total_to_hide():
    cells = suppress_counts({"only": 3}, k=5)
    assert hidden(cells) == {"only": Reason.SMALL}
    assert suppress_count(3, k=5).suppressed


def test_exactly_k_is_shown_and_needs_no_partner():
    counts = {"a": 5, "b": 5, "c": 5}
    assert shown(suppress_counts(counts, k=5)) == counts


def test_k_minus_one_is_hidden_and_takes_a_k_cell_with_it():
    counts = {"a": 4, "b": 5, "c": 6}
    assert hidden(suppress_counts(counts, k=5)) == {
        "a": Reason.SMALL,
        "b": Reason.COMPLEMENTARY,
    }


def test_without_a_published_total_no_complementary_cell_is_needed():
    counts = {"a": 3, "b": 20, "c": 8}
    assert hidden(suppress_counts(counts, k=5, total_shown=False)) == {
        "a": Reason.SMALL
    }


def test_an_empty_row_is_an_empty_row():
    assert suppress_counts({}, k=5) == {}


def test_negative_counts_are_a_bug():
    with pytest.raises(ValueError):
        suppress_counts({"a": -1, "b": 9})


def test_k_comes_from_settings_when_not_passed(settings):
    settings.SUPPRESSION_K = 10
    assert hidden(suppress_counts({"a": 9, "b": 30, "c": 40})) == {
        "a": Reason.SMALL,
        "b": Reason.COMPLEMENTARY,
    }


@pytest.mark.parametrize(
    "counts",
    [
        [0, 1, 5, 9, 40],
        [4, 4, 4, 4],
        [3, 100, 100, 100],
        [1, 0, 0, 7, 7, 7],
        [2, 2, 50],
        [6, 7, 8, 0],
    ],
)
def test_no_hidden_cell_can_be_derived_from_the_total(counts):
    row = dict(enumerate(counts))
    cells = suppress_counts(row, k=5)
    hidden_keys = hidden(cells)
    if hidden_keys and len(hidden_keys) < len(row):
        assert len(hidden_keys) >= 2
        assert derivable_from_total(row, cells) >= 5


# --- Means, rates, comments --------------------------------------------------------------------


def test_a_mean_is_hidden_under_k_answers_and_shown_at_k():
    assert suppressed_mean(4, 4.5, k=5) == Cell.hidden(Reason.SMALL)
    assert suppressed_mean(5, 4.25, k=5) == Cell.shown(Decimal("4.3"))


def test_a_mean_is_rounded_half_up_to_one_decimal_from_floats_or_decimals():
    assert suppressed_mean(9, 3.0 + 1 / 3).value == Decimal("3.3")
    assert suppressed_mean(9, Decimal("2.35")).value == Decimal("2.4")
    assert suppressed_mean(9, Decimal("2.35"), places=2).value == Decimal("2.35")


def test_a_mean_of_nothing_is_hidden():
    assert suppressed_mean(0, None).suppressed


def test_a_rate_is_hidden_when_those_who_did_or_did_not_are_few():
    assert suppressed_rate(4, 100, k=5).suppressed
    assert suppressed_rate(97, 100, k=5).suppressed
    assert suppressed_rate(5, 10, k=5) == Cell.shown(Decimal("50.0"))
    assert suppressed_rate(1, 3, k=5).suppressed


def test_a_rate_refuses_impossible_numbers():
    with pytest.raises(ValueError):
        suppressed_rate(5, 4)


def test_comments_appear_at_ten_answers_and_not_at_nine():
    assert comments_visible(9) is False
    assert comments_visible(10) is True
    assert comments_visible(6, k_comments=6) is True
