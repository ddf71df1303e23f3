"""Reads for selecting peer supporters (protected rows come through the policy)."""

import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, QuerySet
from django.utils import timezone

from accounts.models import Role, RoleAssignment
from confidentiality import policy
from organization.models import StaffMember
from program.selectors import program_settings
from reports.figures_cache import cached_figures
from scope.eligibility import eligible_staff_members
from selection.models import (
    FUNNEL_ORDER,
    Candidate,
    CandidateStage,
    CandidateStep,
    Nomination,
    NominationRound,
)

# --- Rounds ----------------------------------------------------------------------------------


def nomination_round_current(user) -> NominationRound | None:
    """The round open today, if any (rounds never overlap)."""
    today = timezone.localdate()
    for nomination_round in policy.nomination_rounds_visible_to(user).filter(
        opens_on__lte=today, closes_on__gte=today
    ):
        if nomination_round.is_open(today):
            return nomination_round
    return None


def nomination_round_next(user) -> NominationRound | None:
    return (
        policy.nomination_rounds_visible_to(user)
        .filter(opens_on__gt=timezone.localdate())
        .order_by("opens_on")
        .first()
    )


@dataclass(frozen=True)
class FunnelStep:
    stage: CandidateStage
    count: int


def _funnel(counts: dict[str, int]) -> list[FunnelStep]:
    return [
        FunnelStep(stage=stage, count=counts.get(stage, 0)) for stage in FUNNEL_ORDER
    ]


def nomination_rounds_with_funnels(
    user,
) -> list[tuple[NominationRound, list[FunnelStep]]]:
    """Every round with how many candidates stand at each stage (one grouped query)."""
    rounds = list(
        policy.nomination_rounds_visible_to(user).order_by("-opens_on", "-pk")
    )
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for row in (
        policy.candidates_visible_to(user)
        .values("round_id", "stage")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[row["round_id"]][row["stage"]] = row["n"]
    return [(r, _funnel(counts[r.pk])) for r in rounds]


def round_funnel(user, nomination_round: NominationRound) -> list[FunnelStep]:
    counts = dict(
        policy.candidates_visible_to(user)
        .filter(round=nomination_round)
        .values_list("stage")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return _funnel(counts)


def round_candidates(
    user, nomination_round: NominationRound, *, stage: str = ""
) -> QuerySet[Candidate]:
    """The round's candidates with their nomination counts (never their nominators)."""
    candidates = (
        policy.candidates_visible_to(user)
        .filter(round=nomination_round)
        .select_related(
            "staff_member__profession", "staff_member__department", "staff_member__site"
        )
        .annotate(nomination_count=Count("nominations"))
        .order_by("staff_member__last_name", "staff_member__first_name", "pk")
    )
    if stage:
        candidates = candidates.filter(stage=stage)
    return candidates


@dataclass(frozen=True)
class CandidateFile:
    """What program staff see about one candidate: counts and reasons, never names."""

    candidate: Candidate
    nomination_count: int
    reasons: list[str]
    steps: list[CandidateStep]


def candidate_file(candidate: Candidate) -> CandidateFile:
    reasons = [
        reason
        for reason in Nomination.objects.filter(candidate=candidate).values_list(
            "reason", flat=True
        )
        if reason
    ]
    steps = list(
        CandidateStep.objects.filter(candidate=candidate).select_related(
            "decided_by__staff_member"
        )
    )
    # Sorted, so the order says nothing about when (or by whom) each was written.
    return CandidateFile(
        candidate=candidate,
        nomination_count=Nomination.objects.filter(candidate=candidate).count(),
        reasons=sorted(reasons, key=str.casefold),
        steps=steps,
    )


def nominations_by(user, nomination_round: NominationRound) -> list[Nomination]:
    return list(
        policy.nominations_made_by(user)
        .filter(round=nomination_round)
        .select_related(
            "candidate__staff_member__profession", "candidate__staff_member__department"
        )
        .order_by("pk")
    )


def own_candidacy(user, nomination_round: NominationRound) -> Candidate | None:
    """The person's own application in a round, if they applied.

    A nomination alone is not shown to the nominee: they hear from the
    program when it invites them.
    """
    if not user.is_authenticated or user.staff_member_id is None:
        return None
    return Candidate.objects.filter(
        round=nomination_round,
        staff_member_id=user.staff_member_id,
        applied_on__isnull=False,
    ).first()


# --- Coverage ----------------------------------------------------------------------------------


@dataclass
class CoverageRow:
    label: str
    eligible: int
    supporters: int
    target: int

    @property
    def shortfall(self) -> int:
        return max(self.target - self.supporters, 0)


@dataclass
class CrossDepartmentRow:
    department: str
    supporters_inside: int
    supporters_elsewhere: int
    professions_without_cover: list[str] = field(default_factory=list)


@dataclass
class Coverage:
    per_100: Decimal
    eligible: int
    supporters: int
    target: int
    by_profession: list[CoverageRow]
    by_site: list[CoverageRow]
    by_department: list[CoverageRow]
    cross_department: list[CrossDepartmentRow]

    @property
    def gaps(self) -> int:
        rows = self.by_profession + self.by_site + self.by_department
        return sum(1 for row in rows if row.shortfall) + sum(
            1 for row in self.cross_department if row.professions_without_cover
        )


def _target(eligible: int, per_100: Decimal) -> int:
    return math.ceil(eligible * per_100 / 100) if eligible else 0


def peer_supporters_on_roster() -> QuerySet[StaffMember]:
    """Active staff who hold the peer supporter role today (selected or active)."""
    holders = RoleAssignment.objects.current().filter(role=Role.PEER_SUPPORTER)
    return StaffMember.objects.filter(
        is_active=True, pk__in=holders.values("staff_member_id")
    )


def _grouped(people: QuerySet, *names: str) -> dict[tuple, int]:
    return {
        tuple(row[name] for name in names): row["n"]
        for row in people.values(*names).annotate(n=Count("pk")).order_by()
    }


COVERAGE_KEYS = ("profession__name", "site__name", "department__name")


@cached_figures
def _eligible_grouped() -> dict[tuple, int]:
    """The eligible population per profession, site and department.

    A grouped count over the whole roster (a tenth of a second at 100 000
    staff) that only a roster import or a new scope changes, so it is kept
    for ten minutes (reports.figures_cache), like the supporters' below.
    """
    return _grouped(eligible_staff_members(), *COVERAGE_KEYS)


@cached_figures
def _supporters_grouped() -> dict[tuple, int]:
    return _grouped(peer_supporters_on_roster(), *COVERAGE_KEYS)


def supporter_coverage() -> Coverage:
    """Peer supporters against the eligible population, and where the team is thin.

    Two grouped queries whatever the roster's size; the small tables they
    return (one row per profession, site and department) are joined here.
    """
    per_100 = program_settings().supporters_per_100_eligible
    eligible = _eligible_grouped()
    supporters = _supporters_grouped()

    def rows(position: int) -> list[CoverageRow]:
        eligible_by, supporters_by = defaultdict(int), defaultdict(int)
        for key, n in eligible.items():
            eligible_by[key[position]] += n
        for key, n in supporters.items():
            supporters_by[key[position]] += n
        return [
            CoverageRow(
                label=label,
                eligible=eligible_by[label],
                supporters=supporters_by[label],
                target=_target(eligible_by[label], per_100),
            )
            for label in sorted(set(eligible_by) | set(supporters_by))
        ]

    total_eligible = sum(eligible.values())
    return Coverage(
        per_100=per_100,
        eligible=total_eligible,
        supporters=sum(supporters.values()),
        target=_target(total_eligible, per_100),
        by_profession=rows(0),
        by_site=rows(1),
        by_department=rows(2),
        cross_department=_cross_department(eligible, supporters),
    )


def _cross_department(
    eligible: dict[tuple, int], supporters: dict[tuple, int]
) -> list[CrossDepartmentRow]:
    """For each department: supporters from elsewhere, and professions nobody elsewhere covers.

    Matching prefers a supporter of the same profession from another
    department, so a clinician is not supported by someone they work beside.
    """
    supporters_by_dept_prof: dict[tuple[str, str], int] = defaultdict(int)
    supporters_by_prof: dict[str, int] = defaultdict(int)
    for (profession, _site, department), n in supporters.items():
        supporters_by_dept_prof[(department, profession)] += n
        supporters_by_prof[profession] += n
    eligible_professions: dict[str, set[str]] = defaultdict(set)
    for (profession, _site, department), n in eligible.items():
        if n:
            eligible_professions[department].add(profession)
    total = sum(supporters_by_prof.values())
    result = []
    for department in sorted(eligible_professions):
        inside = sum(
            n
            for (dept, _prof), n in supporters_by_dept_prof.items()
            if dept == department
        )
        uncovered = sorted(
            profession
            for profession in eligible_professions[department]
            if supporters_by_prof[profession]
            - supporters_by_dept_prof[(department, profession)]
            <= 0
        )
        result.append(
            CrossDepartmentRow(
                department=department,
                supporters_inside=inside,
                supporters_elsewhere=total - inside,
                professions_without_cover=uncovered,
            )
        )
    return result
