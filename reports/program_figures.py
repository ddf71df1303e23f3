"""Figures about the program itself: its supporters, the director's time, and hotspots.

Raw and unsuppressed, like reports.metrics (which re-exports these); callers
check ``policy.may_view_program_dashboard`` and suppress for leadership.
"""

import datetime
import statistics
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth

from accounts.models import ACKNOWLEDGED, Role, RoleAssignment
from confidentiality.suppression import current_k
from organization.models import Department
from outreach.models import OPEN_STATES, OutreachOffer
from program.selectors import program_settings
from reports.counts import offer_counts, total
from reports.figures_cache import cached_figures
from selection.selectors import supporter_coverage
from surveys.models import Wave, WaveStatus
from team.models import HoursEntry
from team.selectors import (
    DirectorMonth,
    add_months,
    committed_hours,
    held_days,
    last_day_of,
    month_of,
)
from training.models import Readiness
from training.selectors import current_supporters, readiness_counts

STRESS_OUTCOME = "high_stress"
UPTAKE_WINDOW_DAYS = 365
TENTH = Decimal("0.1")


def percent(numerator: int, denominator: int) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(100) * numerator / denominator).quantize(TENTH, ROUND_HALF_UP)


# --- Supporters ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SupportersSummary:
    supporters: int
    active: int
    in_training: int
    awaiting_sign_off: int
    refresher_due: int
    paused: int
    eligible: int
    coverage_per_100: Decimal | None
    target_per_100: Decimal
    target_supporters: int
    open_cases: int
    open_cases_max: int
    open_cases_median: Decimal | None


@cached_figures
def supporters_summary(*, today: datetime.date) -> SupportersSummary:
    """Supporters by training status, coverage against the target, and open caseload.

    Today's picture (the training and selection selectors read today's roles);
    ``today`` is taken for the interface's sake. Four grouped queries.
    """
    by_status = {row.status: row.count for row in readiness_counts()}
    coverage = supporter_coverage()
    per_supporter = dict(
        OutreachOffer.objects.filter(
            state__in=OPEN_STATES, supporter__in=current_supporters()
        )
        .values_list("supporter_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    supporters = sum(by_status.values())
    loads = list(per_supporter.values()) + [0] * max(0, supporters - len(per_supporter))
    return SupportersSummary(
        supporters=supporters,
        active=by_status.get(Readiness.ACTIVE, 0),
        in_training=by_status.get(Readiness.IN_TRAINING, 0),
        awaiting_sign_off=by_status.get(Readiness.AWAITING_SIGN_OFF, 0),
        refresher_due=by_status.get(Readiness.REFRESHER_DUE, 0),
        paused=by_status.get(Readiness.PAUSED, 0),
        eligible=coverage.eligible,
        coverage_per_100=percent(coverage.supporters, coverage.eligible),
        target_per_100=coverage.per_100,
        target_supporters=coverage.target,
        open_cases=sum(loads),
        open_cases_max=max(loads, default=0),
        open_cases_median=(Decimal(str(statistics.median(loads))) if loads else None),
    )


# --- The director's time ---------------------------------------------------------------------


@dataclass(frozen=True)
class DirectorTime:
    hours: Decimal
    committed_hours: Decimal | None
    months: list[DirectorMonth]

    @property
    def percent_used(self) -> int | None:
        if not self.committed_hours:
            return None
        return int((self.hours / self.committed_hours * 100).quantize(Decimal(1)))


@cached_figures
def director_time(*, start: datetime.date, end: datetime.date) -> DirectorTime:
    """The director's logged hours against their commitment, per month and in all.

    The arithmetic is team.selectors': whoever held the (acknowledged)
    director role in a month counts for it, for the days they held it; a
    director with no recorded share is taken at the program's cap. Two
    queries, whatever the number of hours entries.
    """
    settings = program_settings()
    assignments = list(
        RoleAssignment.objects.filter(role=Role.PROGRAM_DIRECTOR, starts_on__lte=end)
        .exclude(ends_on__lt=start)
        .exclude(revoked_at__date__lte=start)
        .filter(ACKNOWLEDGED)
    )
    hours = {
        (row["staff_member_id"], row["month"]): row["total"]
        for row in HoursEntry.objects.filter(
            staff_member_id__in={a.staff_member_id for a in assignments},
            worked_on__range=(start, end),
        )
        .annotate(month=TruncMonth("worked_on"))
        .values("staff_member_id", "month")
        .annotate(total=Sum("hours"))
        .order_by()
    }
    months, month = [], month_of(start)
    while month <= end:
        first, last = max(month, start), min(last_day_of(month), end)
        held = [(a, held_days(a, first, last)) for a in assignments]
        held = [(a, days) for a, days in held if days]
        committed = sum(
            (
                committed_hours(
                    percent=a.committed_percent or settings.director_time_cap_percent,
                    full_time_hours_per_week=settings.full_time_hours_per_week,
                    days=days,
                )
                for a, days in held
            ),
            Decimal(0),
        )
        months.append(
            DirectorMonth(
                month=month,
                hours=sum(
                    (
                        hours.get((person, month), Decimal(0))
                        for person in {a.staff_member_id for a, _ in held}
                    ),
                    Decimal(0),
                ),
                committed_hours=committed if held else None,
            )
        )
        month = add_months(month, 1)
    committed = [m.committed_hours for m in months if m.committed_hours is not None]
    return DirectorTime(
        hours=sum((m.hours for m in months), Decimal(0)),
        committed_hours=sum(committed, Decimal(0)) if committed else None,
        months=months,
    )


# --- Hotspots --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hotspot:
    department_id: int
    department: str
    stress_rate: Decimal
    uptake_rate: Decimal
    answered: int
    flagged: int
    offered: int
    accepted: int


def latest_stress_wave() -> Wave | None:
    """The latest closed survey wave whose figures include high stress."""
    return (
        Wave.objects.filter(
            status=WaveStatus.CLOSED,
            summary__outcomes__has_key=STRESS_OUTCOME,
        )
        .select_related("summary")
        .order_by("-closes_on", "-pk")
        .first()
    )


@cached_figures
def hotspots(*, today: datetime.date, k: int | None = None) -> list[Hotspot]:
    """Departments where survey stress runs above the whole and uptake below it.

    Stress is the high-stress prevalence in the latest closed wave; uptake
    is accepted / offered over the 365 days to ``today``. A department is
    compared only when at least k answered the survey there (the wave's k)
    and at least k were offered support there (the organization's k). Empty
    when there is no closed wave: the page says so.
    """
    wave = latest_stress_wave()
    if wave is None:
        return []
    k = k or current_k()
    k_survey = wave.k or k
    stress = wave.summary.outcomes[STRESS_OUTCOME]
    answered_all, flagged_all = stress.get("all", {}).get("", [0, 0])
    groups = offer_counts(
        start=today - datetime.timedelta(days=UPTAKE_WINDOW_DAYS),
        end=today,
        by=("department",),
    )
    everyone = total(groups.values())
    if not answered_all or not everyone.offers:
        return []
    by_department = stress.get("department", {})
    names = dict(
        Department.objects.filter(
            pk__in=[int(key) for key in by_department if key.isdigit()]
        ).values_list("pk", "name")
    )
    found = []
    for key, (answered, flagged) in by_department.items():
        if not key.isdigit() or int(key) not in names:
            continue
        uptake = groups.get((int(key),))
        if answered < k_survey or uptake is None or uptake.offers < k:
            continue
        if (
            flagged * answered_all > flagged_all * answered
            and uptake.accepted * everyone.offers < everyone.accepted * uptake.offers
        ):
            found.append(
                Hotspot(
                    department_id=int(key),
                    department=names[int(key)],
                    stress_rate=percent(flagged, answered),
                    uptake_rate=percent(uptake.accepted, uptake.offers),
                    answered=answered,
                    flagged=flagged,
                    offered=uptake.offers,
                    accepted=uptake.accepted,
                )
            )
    return sorted(found, key=lambda h: (-h.stress_rate, h.department))
