"""The demo's past year: what retention kept of cases that ended before the live ones.

A program that has run for a year has deleted most of its cases and kept
their counts (``outreach.ClosedCaseCount``). The demo writes those counts for
the twelve months before its oldest live offer, so the program dashboard and
the brief show a year of work, and leadership sees figures large enough to
show.
"""

import datetime
import random

from events.models import TriggerType
from organization.models import Department, Profession, Site
from outreach.models import ClosedCaseCount, CloseReason, OfferOrigin, OutreachOffer
from team.selectors import add_months, month_of

SEED = 20261127
MONTHS = 12
# Kinds of event and how often each month, roughly, they lead to an offer.
TRIGGERS = {
    "serious-safety-event": 5,
    "unexpected-death": 3,
    "first-patient-death": 1,
    "pediatric-event": 2,
    "aggression": 2,
}
PROFESSIONS = ("physician", "resident", "nurse", "app")
DEPARTMENTS = ("ED", "SURG", "ICU", "IM", "PEDS", "OBGYN", "ANES", "ONC")


def demo_case_history_ensure(*, today: datetime.date) -> int:
    """Counts for a year of ended cases; how many rows (0: already there)."""
    if ClosedCaseCount.objects.exists():
        return 0
    oldest = OutreachOffer.objects.order_by("created_at").first()
    last = add_months(month_of(oldest.created_at.date() if oldest else today), -1)
    rng = random.Random(SEED)  # noqa: S311 - a reproducible demo, nothing secret
    catalogue = _catalogue()
    rows: dict[tuple, ClosedCaseCount] = {}
    for back in range(MONTHS):
        month = add_months(last, -back)
        for code, per_month in TRIGGERS.items():
            for _ in range(rng.randint(max(1, per_month - 1), per_month + 2)):
                _case_add(rows, rng, catalogue, month=month, trigger=code)
        for _ in range(rng.randint(2, 4)):  # people asking for themselves
            _case_add(rows, rng, catalogue, month=month, trigger=None)
    ClosedCaseCount.objects.bulk_create(rows.values())
    return len(rows)


def _catalogue() -> dict:
    return {
        "triggers": TriggerType.objects.in_bulk(list(TRIGGERS), field_name="code"),
        "professions": list(
            Profession.objects.filter(code__in=PROFESSIONS).order_by("code")
        ),
        "departments": list(
            Department.objects.filter(code__in=DEPARTMENTS).order_by("code")
        )
        or list(Department.objects.order_by("code")[:8]),
        "site": Site.objects.order_by("code").first(),
    }


def _case_add(rows: dict, rng: random.Random, catalogue: dict, *, month, trigger):
    trigger_type = catalogue["triggers"].get(trigger) if trigger else None
    origin = OfferOrigin.EVENT if trigger else OfferOrigin.SELF
    accepted = rng.random() < (0.62 if trigger else 0.9)
    ended_as = (
        rng.choice([CloseReason.SUPPORT_ENDED, CloseReason.REFERRED_ON])
        if accepted
        else rng.choice([CloseReason.DECLINED, CloseReason.NO_ANSWER])
    )
    key = (
        month,
        origin,
        trigger_type.pk if trigger_type else None,
        rng.choice(catalogue["professions"]).pk,
        rng.choice(catalogue["departments"]).pk,
        catalogue["site"].pk,
        ended_as,
    )
    row = rows.get(key)
    if row is None:
        row = rows[key] = ClosedCaseCount(
            month=key[0],
            origin=origin,
            trigger_type=trigger_type,
            profession_id=key[3],
            department_id=key[4],
            site_id=key[5],
            ended_as=ended_as,
        )
    _measures_add(row, rng, accepted=accepted, ended_as=ended_as)


def _measures_add(row: ClosedCaseCount, rng: random.Random, *, accepted, ended_as):
    row.offers += 1
    contacted = ended_as != CloseReason.NO_ANSWER or rng.random() < 0.5
    if contacted:
        hours = rng.choice([0.5, 1.5, 3, 3, 6, 10, 20, 30])
        row.contacted += 1
        row.contacted_within_target += int(hours <= 24)
        for bound in (1, 2, 4, 8, 24, 72):
            field = f"contacted_within_{bound}h"
            setattr(row, field, getattr(row, field) + int(hours <= bound))
    if accepted:
        row.accepted += 1
        row.conversations += rng.choice([1, 1, 2, 2, 2, 3])
        if ended_as == CloseReason.REFERRED_ON:
            row.facilitated_referrals += 1
            outcome = rng.choice(
                ["reached", "reached", "reached", "not_yet", "not_going"]
            )
            setattr(
                row, f"referrals_{outcome}", getattr(row, f"referrals_{outcome}") + 1
            )
