"""Reading who the program serves: the scope page's figures.

Every count is made by the database (``values().annotate(Count(...))``), so
the page costs the same handful of queries for 100 people or 100 000. The
changes each planned version would make are counted for all versions in one
query, with one pair of filtered counts per version.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from confidentiality import policy
from organization.models import StaffMember
from program.selectors import program_settings
from scope.eligibility import eligible_staff_members, scope_condition, scope_in_force
from scope.models import ScopeStatus, ScopeVersion

MEASURING_PERIOD_DAYS = 365
UNMET_DEMAND_MONTHS = 12


@dataclass(frozen=True)
class Tally:
    label: str | datetime.date
    count: int


@dataclass(frozen=True)
class Population:
    """The people a scope covers, broken down one way at a time."""

    total: int
    by_profession: list[Tally]
    by_site: list[Tally]
    by_department: list[Tally]


@dataclass(frozen=True)
class RequestRate:
    """Requests for support a year for every 100 eligible people."""

    per_100: Decimal
    measured: bool
    requests: int = 0
    eligible: int = 0
    reason: str = ""

    def expected_requests(self, people: int) -> Decimal:
        return (Decimal(people) * self.per_100 / 100).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )


@dataclass(frozen=True)
class ProfessionChange:
    label: str | datetime.date
    added: int
    removed: int


@dataclass
class PlannedVersion:
    """A scheduled or proposed version, and what it would change."""

    version: ScopeVersion
    added: int = 0
    removed: int = 0
    by_profession: list[ProfessionChange] = field(default_factory=list)
    expected_requests: Decimal = Decimal(0)


@dataclass(frozen=True)
class PastVersion:
    version: ScopeVersion
    until: datetime.date | None


@dataclass(frozen=True)
class UnmetDemand:
    """Out-of-scope requests in the last twelve months, one dimension at a time."""

    since: datetime.date
    total: int
    by_profession: list[Tally]
    by_department: list[Tally]
    by_month: list[Tally]


@dataclass(frozen=True)
class ScopeOverview:
    today: datetime.date
    in_force: ScopeVersion | None
    population: Population
    planned: list[PlannedVersion]
    history: list[PastVersion]
    rate: RequestRate
    unmet: UnmetDemand


def _counts(queryset, label: str) -> list[Tally]:
    rows = queryset.values(label).annotate(n=Count("pk")).order_by(label)
    return [Tally(label=row[label], count=row["n"]) for row in rows]


def scope_population(version: ScopeVersion | None) -> Population:
    """Who a version covers, by profession, by site and by department."""
    people = eligible_staff_members(version=version) if version else None
    if people is None:
        return Population(total=0, by_profession=[], by_site=[], by_department=[])
    by_profession = [
        Tally(label=row["profession__name"], count=row["n"])
        for row in people.values("profession__name", "profession__sort_order")
        .annotate(n=Count("pk"))
        .order_by("profession__sort_order", "profession__name")
    ]
    return Population(
        total=sum(row.count for row in by_profession),
        by_profession=by_profession,
        by_site=_counts(people, "site__name"),
        by_department=_counts(people, "department__name"),
    )


def request_rate(
    user, *, in_force: ScopeVersion | None, eligible: int, today: datetime.date
) -> RequestRate:
    """The measured rate once the scope in force has a year of figures, else the assumed one.

    Measured: in-scope requests in the last 365 days for every 100 people
    eligible today. It is used only when the scope in force took effect at
    least 365 days ago (a year counted across a change of scope would divide
    one population's requests by another's size) and some requests were
    recorded.
    """
    assumed = program_settings().assumed_requests_per_100_per_year
    if in_force is None:
        return RequestRate(
            per_100=assumed, measured=False, reason="no scope is in force yet"
        )
    start = today - datetime.timedelta(days=MEASURING_PERIOD_DAYS)
    if in_force.effective_from > start:
        return RequestRate(
            per_100=assumed,
            measured=False,
            reason="the scope in force has not yet had a full year",
        )
    if not eligible:
        return RequestRate(
            per_100=assumed, measured=False, reason="nobody is eligible today"
        )
    requests = (
        policy.demand_records_visible_to(user)
        .filter(in_scope=True, recorded_on__gt=start, recorded_on__lte=today)
        .count()
    )
    if not requests:
        return RequestRate(
            per_100=assumed,
            measured=False,
            reason="no requests for support were recorded in the last year",
        )
    per_100 = (Decimal(requests) * 100 / Decimal(eligible)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )
    return RequestRate(
        per_100=per_100, measured=True, requests=requests, eligible=eligible
    )


def planned_changes(
    planned: list[ScopeVersion], *, in_force: ScopeVersion | None, rate: RequestRate
) -> list[PlannedVersion]:
    """What each planned version would add and remove, by profession, in one query."""
    results = [PlannedVersion(version=version) for version in planned]
    if not planned:
        return results
    current = scope_condition(in_force) if in_force else None
    annotations = {}
    for version in planned:
        proposed = scope_condition(version)
        if current is None:
            annotations[f"added_{version.pk}"] = Count("pk", filter=proposed)
            annotations[f"removed_{version.pk}"] = Count(
                "pk", filter=Q(pk__isnull=True)
            )
        else:
            annotations[f"added_{version.pk}"] = Count("pk", filter=proposed & ~current)
            annotations[f"removed_{version.pk}"] = Count(
                "pk", filter=current & ~proposed
            )
    rows = list(
        StaffMember.objects.values("profession__name", "profession__sort_order")
        .annotate(**annotations)
        .order_by("profession__sort_order", "profession__name")
    )
    for result in results:
        pk = result.version.pk
        for row in rows:
            added, removed = row[f"added_{pk}"], row[f"removed_{pk}"]
            if added or removed:
                result.by_profession.append(
                    ProfessionChange(
                        label=row["profession__name"], added=added, removed=removed
                    )
                )
        result.added = sum(change.added for change in result.by_profession)
        result.removed = sum(change.removed for change in result.by_profession)
        result.expected_requests = rate.expected_requests(result.added)
    return results


def _month_starts(today: datetime.date, months: int) -> list[datetime.date]:
    year, month = today.year, today.month
    starts = []
    for _ in range(months):
        starts.append(datetime.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


def unmet_demand(user, *, today: datetime.date) -> UnmetDemand:
    """Out-of-scope requests for the last twelve months (this one included)."""
    months = _month_starts(today, UNMET_DEMAND_MONTHS)
    records = policy.demand_records_visible_to(user).filter(
        in_scope=False, recorded_on__gte=months[0], recorded_on__lte=today
    )
    by_month_counts = {
        (row["month"].year, row["month"].month): row["n"]
        for row in records.values(month=TruncMonth("recorded_on"))
        .annotate(n=Count("pk"))
        .order_by("month")
    }
    by_month = [
        Tally(label=start, count=by_month_counts.get((start.year, start.month), 0))
        for start in months
    ]
    by_profession = [
        Tally(label=row["profession__name"], count=row["n"])
        for row in records.values("profession__name", "profession__sort_order")
        .annotate(n=Count("pk"))
        .order_by("profession__sort_order", "profession__name")
    ]
    return UnmetDemand(
        since=months[0],
        total=sum(row.count for row in by_month),
        by_profession=by_profession,
        by_department=_counts(records, "department__name"),
        by_month=by_month,
    )


def scope_overview(user, *, today: datetime.date | None = None) -> ScopeOverview:
    """Everything the scope page shows, for program staff."""
    today = today or timezone.localdate()
    versions = list(
        policy.scope_versions_visible_to(user).prefetch_related(
            "professions", "sites", "departments"
        )
    )
    in_force_id = getattr(scope_in_force(today), "pk", None)
    in_force = next((v for v in versions if v.pk == in_force_id), None)
    population = scope_population(in_force)
    rate = request_rate(user, in_force=in_force, eligible=population.total, today=today)
    planned = sorted(
        (v for v in versions if v.is_open_to_change(today)),
        key=lambda v: (
            v.status != ScopeStatus.SCHEDULED,
            v.effective_from or datetime.date.max,
            v.created_at,
        ),
    )
    past = sorted(
        (v for v in versions if v.has_taken_effect(today) and v.pk != in_force_id),
        key=lambda v: v.effective_from,
        reverse=True,
    )
    starts = sorted(
        v.effective_from for v in versions if v.status == ScopeStatus.SCHEDULED
    )
    history = [
        PastVersion(
            version=v,
            until=next((day for day in starts if day > v.effective_from), None),
        )
        for v in past
    ]
    history += [
        PastVersion(version=v, until=None)
        for v in versions
        if v.status == ScopeStatus.WITHDRAWN
    ]
    return ScopeOverview(
        today=today,
        in_force=in_force,
        population=population,
        planned=planned_changes(planned, in_force=in_force, rate=rate),
        history=history,
        rate=rate,
        unmet=unmet_demand(user, today=today),
    )
