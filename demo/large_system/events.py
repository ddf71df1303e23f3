"""Adverse events over the program's life, and the staff involved in each.

Events come more on weekdays than at weekends, more in winter, and a little
more in July (new residents); reporting grows as the program becomes known.
The trigger mix is led by serious safety events, unexpected deaths and
aggression. Three events in four arrive from the incident-reporting system
through the API key; the rest are entered by risk & quality staff. Each names
one to eight clinicians (3.2 on average), mostly from the event's unit.
"""

import datetime
import math
import random
from dataclasses import dataclass, field

import numpy as np

from confidentiality.models import AuditAction, AuditEvent
from demo.large_system.bulk import next_id, rows_insert
from demo.large_system.organization import Roster
from events.models import (
    AdverseEvent,
    EventInvolvement,
    HarmLevel,
    MatchedBy,
    TriggerType,
)

INCIDENT_SYSTEM = "lakeside-incident-reporting"
TRIGGER_MIX = {
    "serious-safety-event": 0.38,
    "unexpected-death": 0.18,
    "aggression": 0.17,
    "pediatric-event": 0.07,
    "first-patient-death": 0.04,
    "litigation": 0.04,
    "colleague-death": 0.01,
    "cluster": 0.01,
    "other": 0.10,
}
HARM_MIX = {
    HarmLevel.DEATH: 0.05,
    HarmLevel.SEVERE: 0.12,
    HarmLevel.MODERATE: 0.28,
    HarmLevel.MILD: 0.35,
    HarmLevel.NO_HARM: 0.15,
    HarmLevel.UNKNOWN: 0.05,
}
FROM_SYSTEM = 0.75
KIND_WEIGHT = {"specialty": 1.5, "unit": 1.2, "support": 0.03}
WEEKDAY = (1.0, 1.0, 1.0, 1.0, 0.95, 0.72, 0.65)


@dataclass
class Event:
    pk: int
    day: datetime.date
    created_at: datetime.datetime
    trigger: TriggerType
    harm: str
    from_system: bool
    involved: list[int] = field(default_factory=list)  # staff indexes


def daily_weights(roster: Roster) -> np.ndarray:
    """How busy each day of the program was, relative to the others."""
    days = (roster.today - roster.program_start).days + 1
    weights = np.empty(days)
    for offset in range(days):
        day = roster.program_start + datetime.timedelta(days=offset)
        season = 1 + 0.12 * math.cos(2 * math.pi * (day.timetuple().tm_yday - 15) / 365)
        july = 1.1 if day.month == 7 else 1.0
        growth = 0.8 + 0.3 * offset / days
        weights[offset] = WEEKDAY[day.weekday()] * season * july * growth
    return weights / weights.sum()


def events_plan(
    rng: np.random.Generator, r: random.Random, roster: Roster, *, count: int, now
) -> list[Event]:
    """The events, oldest first, with their people (not yet written)."""
    triggers = TriggerType.objects.in_bulk(list(TRIGGER_MIX), field_name="code")
    codes = list(TRIGGER_MIX)
    per_day = rng.multinomial(count, daily_weights(roster))
    offsets = np.repeat(np.arange(per_day.size), per_day)
    chosen = rng.choice(len(codes), size=count, p=list(TRIGGER_MIX.values()))
    harms = rng.choice(len(HARM_MIX), size=count, p=list(HARM_MIX.values()))
    units = _department_pools(roster)
    sizes = np.array([len(pool) for pool in units], dtype=float)
    unit_weight = sizes * np.array([KIND_WEIGHT[k] for k in roster.department_kind])
    unit_of = rng.choice(len(units), size=count, p=unit_weight / unit_weight.sum())
    everyone = [n for pool in units for n in pool]
    first_id = next_id(AdverseEvent)
    events = []
    for e in range(count):
        day = roster.program_start + datetime.timedelta(days=int(offsets[e]))
        trigger = triggers[codes[chosen[e]]]
        system = r.random() < FROM_SYSTEM
        event = Event(
            pk=first_id + e,
            day=day,
            created_at=_recorded_at(r, day, now, from_system=system),
            trigger=trigger,
            harm=list(HARM_MIX)[harms[e]] if trigger.uses_harm_level else "",
            from_system=system,
        )
        event.involved = _involved(r, roster, units[unit_of[e]], everyone, day)
        events.append(event)
    return events


def _department_pools(roster: Roster) -> list[list[int]]:
    clinical = roster.active & (roster.profession != 6)
    return [
        np.flatnonzero(clinical & (roster.department == d)).tolist()
        for d in range(len(roster.department_ids))
    ]


def _recorded_at(r: random.Random, day, now, *, from_system: bool) -> datetime.datetime:
    start = datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC)
    if from_system:
        moment = start + datetime.timedelta(hours=r.uniform(2, 36))
    else:
        moment = start + datetime.timedelta(
            days=r.randint(1, 4), hours=r.uniform(8, 17)
        )
    return min(moment, now - datetime.timedelta(minutes=r.uniform(5, 120)))


def _involved(
    r, roster: Roster, pool: list[int], everyone: list[int], day
) -> list[int]:
    wanted = 1 + min(_poisson(r, 2.2), 7)
    days_ago = (roster.today - day).days
    people: list[int] = []
    for _ in range(wanted * 3):
        if len(people) == wanted:
            break
        source = pool if pool and r.random() < 0.9 else everyone
        n = source[int(r.random() * len(source))]
        if roster.start[n] >= days_ago and n not in people:
            people.append(n)
    return people


def _poisson(r: random.Random, mean: float) -> int:
    limit, k, product = math.exp(-mean), 0, r.random()
    while product > limit:
        k += 1
        product *= r.random()
    return k


def events_write(events: list[Event], roster: Roster, *, api_key, risk_user) -> int:
    """The AdverseEvent and EventInvolvement rows; how many involvements."""

    def event_rows():
        for event in events:
            from_system = event.from_system
            unit = roster.department[event.involved[0]] if event.involved else None
            site = roster.site[event.involved[0]] if event.involved else None
            yield (
                event.pk,
                INCIDENT_SYSTEM if from_system else "manual",
                f"LIR-{event.pk:08d}" if from_system else "",
                event.day,
                event.trigger.pk,
                event.harm,
                None if unit is None else roster.department_ids[unit],
                None if site is None else roster.site_ids[site],
                1 if from_system and event.pk % 23 == 0 else 0,
                None,
                None if from_system else risk_user.pk,
                api_key.pk if from_system else None,
                event.created_at,
            )

    rows_insert(
        AdverseEvent,
        [
            "id", "source", "source_event_id", "occurred_on", "trigger_type_id",
            "harm_level", "unit_id", "site_id", "unmatched_count",
            "litigation_noticed_on", "recorded_by_id", "api_key_id", "created_at",
        ],
        event_rows(),
    )  # fmt: skip
    rows_insert(
        AuditEvent,
        ["occurred_at", "actor_id", "action", "object_type", "object_id", "audience", "details"],
        (
            (event.created_at, None if event.from_system else risk_user.pk,
             AuditAction.EVENT_RECORDED, "events.adverseevent", str(event.pk), "program",
             {"source": INCIDENT_SYSTEM if event.from_system else "manual",
              "trigger": event.trigger.code, "involved": len(event.involved)})
            for event in events
        ),
    )  # fmt: skip
    return rows_insert(
        EventInvolvement,
        ["event_id", "staff_member_id", "matched_by"],
        (
            (event.pk, int(roster.ids[n]), MatchedBy.EMPLOYEE_ID)
            for event in events
            for n in event.involved
        ),
    )
