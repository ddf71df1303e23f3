"""The channel chart's geometry: bars to scale, hidden figures drawn as nothing."""

import pytest

from publicity.charts import HIDDEN, LEFT, RIGHT, bar_chart, nice_step


@pytest.mark.parametrize(
    "highest, step", [(1, 1), (5, 1), (7, 2), (80, 20), (2400, 500), (10_001, 5000)]
)
def test_axis_steps_are_round(highest, step):
    assert nice_step(highest) == step


def test_the_longest_bar_reaches_the_top_of_the_axis_and_others_scale_with_it():
    chart = bar_chart([("Grand rounds", 80), ("Newsletter", 40)], measure="people")

    grand_rounds, newsletter = chart.bars
    assert grand_rounds.width == RIGHT - LEFT
    assert newsletter.width == (RIGHT - LEFT) / 2
    assert chart.ticks[0] == (LEFT, "0") and chart.ticks[-1] == (RIGHT, "80")
    assert grand_rounds.description == "Grand rounds: 80 people"


def test_a_hidden_figure_keeps_its_row_but_draws_no_bar():
    chart = bar_chart([("Grand rounds", 9), ("Newsletter", None)], measure="requests")

    hidden = chart.bars[1]
    assert hidden.hidden and hidden.width == 0
    assert hidden.value == HIDDEN
    assert "hidden" in hidden.description


def test_with_nothing_to_show_the_chart_still_draws_its_rows():
    chart = bar_chart([("Grand rounds", 0), ("Newsletter", None)], measure="people")

    assert [bar.width for bar in chart.bars] == [0, 0]
    assert chart.height > 0
