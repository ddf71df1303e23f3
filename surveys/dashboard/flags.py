"""The instrument's outcomes and composites, described in plain words for the page."""

from __future__ import annotations

from surveys.dashboard.figures import Flag
from surveys.instruments import HighWhen, Instrument


def flags_of(instrument: Instrument) -> tuple[Flag, ...]:
    """The instrument's outcomes, then its composites, described in plain words."""
    flags = []
    for outcome in instrument.outcomes:
        item = instrument.item(outcome.item)
        options = " or ".join(f"“{item.label(code)}”" for code in outcome.codes)
        flags.append(
            Flag(outcome.id, outcome.label, f"Answered {options} to “{item.text}”")
        )
    for composite in instrument.composites:
        names = ", ".join(humanize(item) for item in composite.items)
        bound = "at least" if composite.high_when == HighWhen.AT_LEAST else "at most"
        flags.append(
            Flag(
                composite.id,
                composite.label,
                f"An average of {bound} {composite.cutoff:g} over {names}",
            )
        )
    return tuple(flags)


def humanize(item_id: str) -> str:
    """A short label from an item id: "fear_of_harm" → "Fear of harm"."""
    return item_id.replace("_", " ").strip().capitalize()
