"""The sections of the whole-program page, in reading order (reports.dashboard assembles them)."""

from dataclasses import dataclass

from reports import metrics
from reports.counts import Counts
from reports.periods import LAST_QUARTER, Period, quarter_period_for
from reports.program_tables import (
    demand_table,
    director_table,
    hotspots_table,
    referrals_table,
    supporters_tables,
)
from reports.tables import (
    Table,
    figures_table,
    first_contact_table,
    headline_conversations,
    headline_events,
    headline_first_contact,
)


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    intro: str
    tables: tuple[Table, ...]
    notes: tuple[str, ...] = ()


def whole_program_sections(
    pub, period: Period, whole: Counts, by_segment, today
) -> tuple:
    start, end = period.start, period.end
    events, in_target = metrics.triggered_events_offered_in_target(start=start, end=end)
    reach_in, conversations = metrics.conversations_per_event(start=start, end=end)
    wave = metrics.latest_stress_wave()
    # Leadership's uptake, like all its figures, stops at the last complete quarter.
    uptake_until = (
        today if pub.full else quarter_period_for(LAST_QUARTER, today=today).end
    )
    hotspot_notes = (
        (
            "No survey wave with stress figures has closed yet, so there is nothing "
            "to compare with.",
        )
        if wave is None
        else (
            f"Stress from the survey wave “{wave.label}”; uptake over the 12 "
            "months to today. Only departments where at least "
            f"{wave.k or pub.k} people answered and at least {pub.k} were "
            "offered support are compared.",
        )
    )
    return (
        Section(
            "speed",
            "Reaching people quickly",
            "Time to first contact: from the offer being made to the supporter's "
            "first contact. “Within the clock” means within the hours the program "
            "promises for that kind of event. “Half were reached within 4 hours” "
            "means at least half of those contacted were reached within 4 hours.",
            (
                headline_first_contact(pub, whole),
                first_contact_table(
                    pub,
                    metrics.first_contact_by_trigger_and_month(start=start, end=end),
                    metrics.FirstContact.of(whole),
                ),
                headline_events(pub, events, in_target),
            ),
        ),
        Section(
            "uptake",
            "Who takes up the offer",
            "Uptake: of the people offered support, how many accepted it.",
            (by_segment["by_profession"], by_segment["by_department"]),
        ),
        Section(
            "after",
            "Conversations and referrals",
            "Conversations supporters held, facilitated referrals to more help "
            "and whether the person got there, and safety concerns raised.",
            (
                headline_conversations(pub, reach_in, conversations),
                referrals_table(pub, whole),
                figures_table(
                    "safety_concerns",
                    "Safety concerns supporters raised",
                    [
                        (
                            "Safety concerns raised",
                            pub.count(metrics.safety_concerns(start=start, end=end)),
                        )
                    ],
                ),
            ),
        ),
        Section(
            "team",
            "Supporters and the director's time",
            "The team as it stands today, and the director's hours in the period.",
            (
                *supporters_tables(pub, metrics.supporters_summary(today=today)),
                director_table(pub, metrics.director_time(start=start, end=end)),
            ),
        ),
        Section(
            "demand",
            "Unmet demand",
            "People outside the program's current scope who asked for help. They "
            "were answered with other resources; this is who the program might "
            "serve next.",
            (
                demand_table(
                    pub,
                    "unmet_by_profession",
                    "Requests from outside the scope, by profession",
                    metrics.unmet_demand(start=start, end=end, dimension="profession"),
                ),
                demand_table(
                    pub,
                    "unmet_by_department",
                    "Requests from outside the scope, by department",
                    metrics.unmet_demand(start=start, end=end, dimension="department"),
                ),
            ),
        ),
        Section(
            "hotspots",
            "Hotspots: where outreach should go next",
            "Departments where more people reported high stress in the latest "
            "survey than across the whole organization, and fewer accepted "
            "support than across the program.",
            (
                hotspots_table(
                    pub,
                    metrics.hotspots(today=uptake_until, k=pub.k),
                    survey_k=(wave.k if wave and wave.k else pub.k),
                ),
            ),
            hotspot_notes,
        ),
    )
