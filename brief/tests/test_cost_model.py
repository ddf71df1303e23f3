"""The cost model's arithmetic (brief/cost_model.py), checked against sums done by hand."""

from decimal import Decimal

from brief.cost_model import (
    Inputs,
    Section,
    attributable_share,
    cost_model,
    money,
    percent,
)

D = Decimal


def inputs(**changes) -> Inputs:
    """400 physicians, 10 % turnover, half with burnout, three times as likely to leave."""
    values = {
        "physicians": 400,
        "turnover_rate": D(10),
        "burnout_prevalence": D(50),
        "burnout_relative_risk": D(3),
        "expected_reduction": D(10),
        "replacement_cost": D(250_000),
        "director_time_share": D(20),
        "director_salary": D(300_000),
        "supporters": 10,
        "supporter_hours": D(50),
        "supporter_hourly_cost": D(100),
        "training_cost": D(20_000),
        "other_costs": D(0),
        "currency": "$",
    }
    return Inputs(**(values | changes))


def test_each_step_follows_from_the_one_before():
    model = cost_model(inputs())
    # 400 × 10 % = 40 leave; p(RR-1) = 0.5 × 2 = 1, so 1 / (1 + 1) = 50 % are due to
    # burnout: 20; 10 % of them avoided: 2; 2 × $250,000 = $500,000 saved.
    assert model["departures"].value == 40
    assert model["attributable_share"].value == 50
    assert model["burnout_departures"].value == 20
    assert model["departures_avoided"].value == 2
    assert model["savings"].value == 500_000
    # 20 % × $300,000 + 10 × 50 h × $100 + $20,000 + $0 = $130,000.
    assert model["director_cost"].value == 60_000
    assert model["supporter_cost"].value == 50_000
    assert model["program_cost"].value == 130_000
    assert model["net"].value == 370_000
    assert model["ratio"].value.quantize(D("0.0001")) == D("3.8462")
    assert model["break_even"].value == D("0.52")
    assert model.pays_for_itself


def test_each_step_shows_its_formula_its_working_and_its_result():
    model = cost_model(inputs())
    departures = model["departures"]
    assert departures.formula == "physicians the program serves × yearly turnover"
    assert departures.working == "400 × 10 %"
    assert departures.shown == "40"
    assert (
        model["attributable_share"].working == "50 % × (3 − 1) ÷ (1 + 50 % × (3 − 1))"
    )
    assert model["savings"].working == "2 × $250,000"
    assert model["savings"].shown == "$500,000"
    assert model["program_cost"].working == "$60,000 + $50,000 + $20,000 + $0"
    assert model["net"].working == "$500,000 − $130,000"
    assert model["net"].shown == "$370,000"
    assert model["ratio"].shown == "3.85 to 1"
    assert model["break_even"].shown == "0.52"


def test_the_steps_come_in_three_sections_in_order():
    model = cost_model(inputs())
    assert [title for title, _ in model.sections] == [s.value for s in Section]
    assert [step.key for step in model.section(Section.BALANCE)] == [
        "net",
        "ratio",
        "break_even",
    ]


def test_the_defaults_worked_by_hand():
    """500 physicians, 7 %, 45 % burnout, RR 2, 10 % reduction, $500,000 each."""
    model = cost_model(
        inputs(
            physicians=500,
            turnover_rate=D(7),
            burnout_prevalence=D(45),
            burnout_relative_risk=D(2),
            replacement_cost=D(500_000),
            director_salary=D(350_000),
            supporters=15,
            supporter_hours=D(40),
            supporter_hourly_cost=D(150),
            training_cost=D(15_000),
        )
    )
    # 35 leave; 0.45 / 1.45 = 31.03 % of them because of burnout: 10.862...;
    # a tenth avoided: 1.0862...; × $500,000 = $543,103.45.
    assert model["departures"].value == 35
    assert model["attributable_share"].shown == "31.03 %"
    assert model["burnout_departures"].shown == "10.9"
    assert model["departures_avoided"].shown == "1.09"
    assert model["savings"].shown == "$543,103"
    # $70,000 + 15 × 40 × $150 = $90,000 + $15,000 = $175,000.
    assert model["program_cost"].value == 175_000
    assert model["net"].shown == "$368,103"
    assert model["ratio"].shown == "3.1 to 1"


def test_precision_is_kept_between_steps_and_only_the_shown_value_is_rounded():
    model = cost_model(inputs(burnout_prevalence=D(45), burnout_relative_risk=D(2)))
    share = D("0.45") / D("1.45")
    assert model["burnout_departures"].value == 40 * share
    assert model["savings"].value == 40 * share * D("0.1") * 250_000


def test_a_program_that_costs_more_than_it_saves_shows_a_negative_net():
    model = cost_model(inputs(expected_reduction=D(1)))
    # 20 × 1 % = 0.2 avoided; × $250,000 = $50,000; − $130,000 = −$80,000.
    assert model["net"].value == -80_000
    assert model["net"].shown == "−$80,000"
    assert not model.pays_for_itself


def test_nothing_is_divided_by_zero():
    model = cost_model(
        inputs(
            director_time_share=D(0),
            supporters=0,
            training_cost=D(0),
            replacement_cost=D(0),
        )
    )
    assert model["program_cost"].value == 0
    assert model["ratio"].value is None
    assert model["ratio"].shown == "not defined"
    assert model["break_even"].value is None


def test_burnout_that_makes_no_difference_to_leaving_saves_nothing():
    model = cost_model(inputs(burnout_relative_risk=D(1)))
    assert model["attributable_share"].value == 0
    assert model["departures_avoided"].value == 0
    assert model["savings"].value == 0


def test_the_attributable_share_is_the_population_attributable_fraction():
    assert attributable_share(D(0), D(3)) == 0
    assert attributable_share(D(100), D(2)) == D("0.5")  # 1 × 1 / (1 + 1)
    assert attributable_share(D(25), D(5)) == D("0.5")  # 0.25 × 4 = 1


def test_amounts_are_written_with_the_organization_s_currency():
    model = cost_model(inputs(currency="€"))
    assert model["savings"].shown == "€500,000"
    assert money(D("-1234.5"), "CHF ") == "−CHF 1,235"
    assert percent(D("7.50")) == "7.5 %"
    assert percent(D("20.00")) == "20 %"


def test_the_assumptions_are_listed_as_the_brief_prints_them():
    rows = dict(cost_model(inputs()).assumptions)
    assert rows["Physicians the program serves"] == "400"
    assert rows["Yearly turnover"] == "10 %"
    assert rows["How much likelier a physician with burnout is to leave"] == "3 times"
    assert rows["Cost of replacing one physician"] == "$250,000"
