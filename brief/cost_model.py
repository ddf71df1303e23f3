"""The cost/benefit model: plain arithmetic, every step shown (docs/brief.md).

Pure functions over Decimals: no models, no database. Each step carries its
label, its formula in words, the working with the numbers put in, and its
value, so a reader can redo the sum with a pencil. Values keep full
precision from step to step; only what is shown is rounded.

The share of departures attributable to burnout is the population
attributable fraction, p (RR − 1) / (1 + p (RR − 1)), where p is the share of
physicians with burnout and RR how much likelier one of them is to leave.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal(100)


class Unit(enum.StrEnum):
    PEOPLE = "people"
    PERCENT = "percent"
    MONEY = "money"
    RATIO = "ratio"


class Section(enum.StrEnum):
    TURNOVER = "What burnout-related turnover costs"
    PROGRAM = "What the program costs"
    BALANCE = "The balance"


@dataclass(frozen=True)
class Inputs:
    """The assumptions, percentages as percentages (7 means 7 %)."""

    physicians: int
    turnover_rate: Decimal
    burnout_prevalence: Decimal
    burnout_relative_risk: Decimal
    expected_reduction: Decimal
    replacement_cost: Decimal
    director_time_share: Decimal
    director_salary: Decimal
    supporters: int
    supporter_hours: Decimal
    supporter_hourly_cost: Decimal
    training_cost: Decimal
    other_costs: Decimal
    currency: str = "$"

    @classmethod
    def from_assumptions(cls, assumptions) -> Inputs:
        """From a CostModelAssumptions row (or anything with its fields)."""
        return cls(
            physicians=assumptions.physicians_in_scope,
            turnover_rate=Decimal(assumptions.annual_turnover_rate),
            burnout_prevalence=Decimal(assumptions.burnout_prevalence),
            burnout_relative_risk=Decimal(assumptions.burnout_relative_risk),
            expected_reduction=Decimal(assumptions.expected_reduction),
            replacement_cost=Decimal(assumptions.replacement_cost),
            director_time_share=Decimal(assumptions.director_time_share),
            director_salary=Decimal(assumptions.director_salary),
            supporters=assumptions.supporters,
            supporter_hours=Decimal(assumptions.supporter_hours_per_year),
            supporter_hourly_cost=Decimal(assumptions.supporter_hourly_cost),
            training_cost=Decimal(assumptions.training_cost),
            other_costs=Decimal(assumptions.other_costs),
            currency=assumptions.currency,
        )


@dataclass(frozen=True)
class Step:
    key: str
    section: Section
    label: str
    formula: str  # in words
    working: str  # with the numbers put in
    value: Decimal | None  # None: not defined (a division by zero)
    unit: Unit
    shown: str  # the value as the page prints it


@dataclass(frozen=True)
class CostModel:
    inputs: Inputs
    steps: tuple[Step, ...]

    def __getitem__(self, key: str) -> Step:
        for step in self.steps:
            if step.key == key:
                return step
        raise KeyError(key)

    def section(self, section: Section) -> tuple[Step, ...]:
        return tuple(step for step in self.steps if step.section == section)

    @property
    def sections(self) -> tuple[tuple[str, tuple[Step, ...]], ...]:
        return tuple((section.value, self.section(section)) for section in Section)

    @property
    def assumptions(self) -> tuple[tuple[str, str], ...]:
        return assumption_rows(self.inputs)

    @property
    def pays_for_itself(self) -> bool:
        return self["net"].value >= 0


# --- Showing numbers -------------------------------------------------------------------------


def _trimmed(value: Decimal, places: int) -> str:
    """Rounded half up to ``places``, thousands separated, trailing zeros dropped."""
    rounded = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{rounded:,.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def percent(value: Decimal) -> str:
    return f"{_trimmed(value, 2)} %"


def people(value: Decimal, places: int = 1) -> str:
    return _trimmed(value, places)


def money(value: Decimal, currency: str) -> str:
    sign = "−" if value < 0 else ""
    return f"{sign}{currency}{_trimmed(abs(value), 0)}"


def _show(value: Decimal | None, unit: Unit, currency: str) -> str:
    if value is None:
        return "not defined"
    if unit == Unit.MONEY:
        return money(value, currency)
    if unit == Unit.PERCENT:
        return percent(value)
    if unit == Unit.RATIO:
        return f"{_trimmed(value, 2)} to 1"
    return people(value, 2 if abs(value) < 10 else 1)


# --- The model -------------------------------------------------------------------------------


def attributable_share(prevalence: Decimal, relative_risk: Decimal) -> Decimal:
    """The share (0 to 1) of departures burnout accounts for: p (RR − 1) / (1 + p (RR − 1))."""
    excess = prevalence / HUNDRED * (relative_risk - 1)
    return excess / (1 + excess)


def cost_model(inputs: Inputs) -> CostModel:
    """Every step from the assumptions to the net figure and the ratio."""
    i, c = inputs, inputs.currency
    steps: list[Step] = []

    def step(key, section, label, formula, working, value, unit) -> Decimal | None:
        steps.append(
            Step(
                key,
                section,
                label,
                formula,
                working,
                value,
                unit,
                _show(value, unit, c),
            )
        )
        return value

    def m(value: Decimal) -> str:
        return money(value, c)

    # What burnout-related turnover costs.
    departures = step(
        "departures",
        Section.TURNOVER,
        "Physicians who leave in a year",
        "physicians the program serves × yearly turnover",
        f"{i.physicians:,} × {percent(i.turnover_rate)}",
        i.physicians * i.turnover_rate / HUNDRED,
        Unit.PEOPLE,
    )
    share = step(
        "attributable_share",
        Section.TURNOVER,
        "Share of those departures due to burnout",
        "p × (RR − 1) ÷ (1 + p × (RR − 1)), where p is the share of physicians "
        "with burnout and RR how much likelier they are to leave",
        f"{percent(i.burnout_prevalence)} × ({_trimmed(i.burnout_relative_risk, 2)} − 1)"
        f" ÷ (1 + {percent(i.burnout_prevalence)} × "
        f"({_trimmed(i.burnout_relative_risk, 2)} − 1))",
        HUNDRED * attributable_share(i.burnout_prevalence, i.burnout_relative_risk),
        Unit.PERCENT,
    )
    burnout_departures = step(
        "burnout_departures",
        Section.TURNOVER,
        "Departures due to burnout in a year",
        "physicians who leave × share due to burnout",
        f"{people(departures, 2)} × {percent(share)}",
        departures * share / HUNDRED,
        Unit.PEOPLE,
    )
    avoided = step(
        "departures_avoided",
        Section.TURNOVER,
        "Departures the program would avoid",
        "departures due to burnout × expected reduction",
        f"{people(burnout_departures, 2)} × {percent(i.expected_reduction)}",
        burnout_departures * i.expected_reduction / HUNDRED,
        Unit.PEOPLE,
    )
    savings = step(
        "savings",
        Section.TURNOVER,
        "Replacement costs saved in a year",
        "departures avoided × cost of replacing one physician",
        f"{people(avoided, 2)} × {m(i.replacement_cost)}",
        avoided * i.replacement_cost,
        Unit.MONEY,
    )

    # What the program costs.
    director = step(
        "director_cost",
        Section.PROGRAM,
        "The director's time",
        "director's share of time × director's yearly salary",
        f"{percent(i.director_time_share)} × {m(i.director_salary)}",
        i.director_time_share / HUNDRED * i.director_salary,
        Unit.MONEY,
    )
    supporter_time = step(
        "supporter_cost",
        Section.PROGRAM,
        "The supporters' time",
        "supporters × hours each in a year × cost of an hour",
        f"{i.supporters:,} × {_trimmed(i.supporter_hours, 1)} h × "
        f"{m(i.supporter_hourly_cost)}",
        i.supporters * i.supporter_hours * i.supporter_hourly_cost,
        Unit.MONEY,
    )
    step(
        "training_cost",
        Section.PROGRAM,
        "Training",
        "as assumed",
        m(i.training_cost),
        i.training_cost,
        Unit.MONEY,
    )
    step(
        "other_costs",
        Section.PROGRAM,
        "Other costs",
        "as assumed",
        m(i.other_costs),
        i.other_costs,
        Unit.MONEY,
    )
    program_cost = step(
        "program_cost",
        Section.PROGRAM,
        "The program's yearly cost",
        "director's time + supporters' time + training + other costs",
        f"{m(director)} + {m(supporter_time)} + {m(i.training_cost)} + "
        f"{m(i.other_costs)}",
        director + supporter_time + i.training_cost + i.other_costs,
        Unit.MONEY,
    )

    # The balance.
    step(
        "net",
        Section.BALANCE,
        "Net saving in a year (a cost when negative)",
        "replacement costs saved − the program's yearly cost",
        f"{m(savings)} − {m(program_cost)}",
        savings - program_cost,
        Unit.MONEY,
    )
    step(
        "ratio",
        Section.BALANCE,
        "Saved for each unit spent",
        "replacement costs saved ÷ the program's yearly cost",
        f"{m(savings)} ÷ {m(program_cost)}",
        savings / program_cost if program_cost else None,
        Unit.RATIO,
    )
    step(
        "break_even",
        Section.BALANCE,
        "Departures to avoid to break even",
        "the program's yearly cost ÷ cost of replacing one physician",
        f"{m(program_cost)} ÷ {m(i.replacement_cost)}",
        program_cost / i.replacement_cost if i.replacement_cost else None,
        Unit.PEOPLE,
    )
    return CostModel(inputs=inputs, steps=tuple(steps))


def assumption_rows(inputs: Inputs) -> tuple[tuple[str, str], ...]:
    """The assumptions as the brief prints them: (what, value)."""
    i, c = inputs, inputs.currency
    return (
        ("Physicians the program serves", f"{i.physicians:,}"),
        ("Yearly turnover", percent(i.turnover_rate)),
        ("Physicians with burnout", percent(i.burnout_prevalence)),
        (
            "How much likelier a physician with burnout is to leave",
            f"{_trimmed(i.burnout_relative_risk, 2)} times",
        ),
        (
            "Expected reduction in burnout-related departures",
            percent(i.expected_reduction),
        ),
        ("Cost of replacing one physician", money(i.replacement_cost, c)),
        ("Director's time on the program", percent(i.director_time_share)),
        ("Director's yearly salary", money(i.director_salary, c)),
        ("Peer supporters", f"{i.supporters:,}"),
        ("Hours each supporter gives in a year", _trimmed(i.supporter_hours, 1)),
        ("Cost of an hour of a supporter's time", money(i.supporter_hourly_cost, c)),
        ("Training, each year", money(i.training_cost, c)),
        ("Other yearly costs", money(i.other_costs, c)),
    )
