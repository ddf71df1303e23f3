"""Offer figures from live cases and purged ones, added together, grouped in the database.

Live cases are counted from OutreachOffer (with their conversations and
facilitated referrals); cases already purged by retention from
ClosedCaseCount, which keeps the same measures per month, origin, trigger,
profession, department and site. Both are grouped by the same keys and added,
so a figure does not drop when retention deletes the cases behind it.

Each call runs four grouped queries whatever the number of offers: live
offers, their conversations, their referrals, and the purged counts. The
rows they return are one per group (a month, a department...), never one per
case.

Time to first contact runs from the offer being made (``created_at``) to the
supporter's first contact (``contacted_at``); purged cases keep only whether
it came within 1, 2, 4, 8, 24 and 72 hours, so live offers are counted into
the same buckets and the median and 90th percentile are reported as the
smallest of those bounds that half (nine in ten) of the people contacted
were reached within.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field, fields

from django.db.models import (
    Count,
    DateField,
    Exists,
    F,
    OuterRef,
    Q,
    Sum,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone

from conversations.models import Encounter, FacilitatedReferral, ReferralOutcome
from outreach.models import ClosedCaseCount, OfferState, OfferStep, OutreachOffer
from outreach.retention import CONTACT_WITHIN_HOURS
from outreach.selectors import first_contact_deadline
from reports.figures_cache import cached_figures

# Group keys and filters: where each lives on an offer, and on a purged count.
ON_OFFER = {
    "trigger": "trigger_type_id",
    "origin": "origin",
    "profession": "person__profession_id",
    "department": "person__department_id",
    "site": "person__site_id",
}
ON_COUNT = {
    "trigger": "trigger_type_id",
    "origin": "origin",
    "profession": "profession_id",
    "department": "department_id",
    "site": "site_id",
}
ACCEPTED_STATES = (OfferState.ACCEPTED, OfferState.IN_SUPPORT)


def band_label(hours: int | None) -> str:
    if hours is None:
        return f"more than {CONTACT_WITHIN_HOURS[-1]} hours"
    return f"within {hours} hour{'s' if hours != 1 else ''}"


@dataclass
class Counts:
    """The additive measures of a group of offers (live and purged together)."""

    offers: int = 0
    accepted: int = 0
    contacted: int = 0
    within_target: int = 0
    within: list[int] = field(default_factory=lambda: [0] * len(CONTACT_WITHIN_HOURS))
    conversations: int = 0
    referrals: int = 0
    reached: int = 0
    not_yet: int = 0
    not_going: int = 0

    def add(self, other: "Counts") -> "Counts":
        for name in _COUNTED:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.within = [a + b for a, b in zip(self.within, other.within, strict=True)]
        return self

    @property
    def waiting(self) -> int:
        """Referrals whose follow-up has not yet said how they ended."""
        return self.referrals - self.reached - self.not_yet - self.not_going

    def band(self, share: float) -> str | None:
        """The smallest bound within which ``share`` of those contacted were reached."""
        if not self.contacted:
            return None
        for hours, reached in zip(CONTACT_WITHIN_HOURS, self.within, strict=True):
            if reached >= share * self.contacted:
                return band_label(hours)
        return band_label(None)

    @property
    def median_band(self) -> str | None:
        return self.band(0.5)

    @property
    def p90_band(self) -> str | None:
        return self.band(0.9)


_COUNTED = tuple(f.name for f in fields(Counts) if f.name != "within")


def total(groups: Iterable[Counts]) -> Counts:
    result = Counts()
    for counts in groups:
        result.add(counts)
    return result


def _bounds(start: datetime.date, end: datetime.date):
    def midnight(day):
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))

    return midnight(start), midnight(end + datetime.timedelta(days=1))


def live_offers(*, start, end, **filters) -> "OutreachOffer.objects":
    """Offers made from ``start`` to ``end`` (local days), narrowed by ``filters``."""
    since, until = _bounds(start, end)
    offers = OutreachOffer.objects.filter(created_at__gte=since, created_at__lt=until)
    return offers.filter(
        **{ON_OFFER[name]: value for name, value in filters.items() if value}
    )


def _group_keys(by: tuple[str, ...], prefix: str = "") -> dict:
    keys = {}
    for name in by:
        if name == "month":
            keys["g_month"] = TruncMonth(
                f"{prefix}created_at", output_field=DateField()
            )
        else:
            keys[f"g_{name}"] = F(prefix + ON_OFFER[name])
    return keys


def _grouped(rows, keys: dict, measures: dict, *also: str) -> list[dict]:
    """One dict per group of ``keys`` (and ``also`` fields); one dict in all without keys.

    (``values()`` with no fields would group by every column: a row per case.)
    """
    if not keys and not also:
        return [rows.aggregate(**measures)]
    return list(
        rows.annotate(**keys).values(*keys, *also).annotate(**measures).order_by()
    )


def _key(row: dict, by: tuple[str, ...]) -> tuple:
    return tuple(row[f"g_{name}"] for name in by)


@cached_figures
def offer_counts(
    *, start: datetime.date, end: datetime.date, by: tuple[str, ...] = (), **filters
) -> dict[tuple, Counts]:
    """Counts per group ``by`` (month, trigger, origin, profession, department, site)."""
    groups: dict[tuple, Counts] = {}

    def group(key: tuple) -> Counts:
        return groups.setdefault(key, Counts())

    offers = live_offers(start=start, end=end, **filters)
    accepted = Exists(
        OfferStep.objects.filter(offer=OuterRef("pk"), to_state__in=ACCEPTED_STATES)
    )
    buckets = {
        f"within_{hours}": Count(
            "pk",
            filter=Q(
                contacted_at__lte=F("created_at") + datetime.timedelta(hours=hours)
            ),
        )
        for hours in CONTACT_WITHIN_HOURS
    }
    for row in _grouped(
        offers,
        _group_keys(by),
        {
            "n_offers": Count("pk"),
            "n_accepted": Count("pk", filter=accepted),
            "n_contacted": Count("pk", filter=Q(contacted_at__isnull=False)),
            "n_within_target": Count(
                "pk", filter=Q(contacted_at__lte=first_contact_deadline())
            ),
            **buckets,
        },
    ):
        group(_key(row, by)).add(
            Counts(
                offers=row["n_offers"],
                accepted=row["n_accepted"],
                contacted=row["n_contacted"],
                within_target=row["n_within_target"],
                within=[row[f"within_{hours}"] for hours in CONTACT_WITHIN_HOURS],
            )
        )
    for row in _grouped(
        Encounter.objects.filter(offer__in=offers),
        _group_keys(by, "offer__"),
        {"n": Count("pk")},
    ):
        group(_key(row, by)).conversations += row["n"]
    outcome_field = {
        ReferralOutcome.REACHED: "reached",
        ReferralOutcome.NOT_YET: "not_yet",
        ReferralOutcome.NOT_GOING: "not_going",
    }
    for row in _grouped(
        FacilitatedReferral.objects.filter(offer__in=offers),
        _group_keys(by, "offer__"),
        {"n": Count("pk")},
        "outcome",
    ):
        counts = group(_key(row, by))
        counts.referrals += row["n"]
        if row["outcome"] in outcome_field:
            name = outcome_field[row["outcome"]]
            setattr(counts, name, getattr(counts, name) + row["n"])
    for key, counts in purged_counts(start=start, end=end, by=by, **filters).items():
        group(key).add(counts)
    return groups


def purged_counts(
    *, start: datetime.date, end: datetime.date, by: tuple[str, ...] = (), **filters
) -> dict[tuple, Counts]:
    """What ClosedCaseCount keeps of purged cases from the months of the period."""
    rows = ClosedCaseCount.objects.filter(
        month__gte=start.replace(day=1), month__lte=end
    ).filter(**{ON_COUNT[name]: value for name, value in filters.items() if value})
    keys = {
        f"g_{name}": F("month") if name == "month" else F(ON_COUNT[name]) for name in by
    }
    measures = {
        "offers": "offers",
        "accepted": "accepted",
        "contacted": "contacted",
        "within_target": "contacted_within_target",
        "conversations": "conversations",
        "referrals": "facilitated_referrals",
        "reached": "referrals_reached",
        "not_yet": "referrals_not_yet",
        "not_going": "referrals_not_going",
        **{f"within_{h}": f"contacted_within_{h}h" for h in CONTACT_WITHIN_HOURS},
    }
    result = {}
    for row in _grouped(
        rows, keys, {f"s_{name}": Sum(column) for name, column in measures.items()}
    ):
        values = {name: row[f"s_{name}"] or 0 for name in measures}
        within = [values.pop(f"within_{h}") for h in CONTACT_WITHIN_HOURS]
        result[_key(row, by)] = Counts(within=within, **values)
    return result
