"""Reads for the team: its members and dates, and program hours against commitments.

Commitment arithmetic. A share of time ``p`` % of a full-time week of ``W``
hours comes to ``p/100 * W * d/7`` hours over ``d`` days. For a month, ``d``
is the number of days in that month on which the role was held, so a full
month of 31 days at 20 % of 40 hours is 35.43 hours, and February (28 days)
is 32 hours. Hours are summed by the database.
"""

import calendar
import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from accounts.models import ACKNOWLEDGED, Role, RoleAssignment
from confidentiality import policy
from program.selectors import program_settings
from team.models import Activity

PROGRAM_STAFF_ROLES = (Role.PROGRAM_DIRECTOR, Role.PROGRAM_ADMINISTRATOR)
TEAM_ROLES = (Role.PROGRAM_DIRECTOR, Role.PROGRAM_ADMINISTRATOR, Role.PEER_SUPPORTER)
NEAR_SHARE = Decimal("0.9")  # "near the commitment" above 90 % of it
DAYS_IN_AN_AVERAGE_MONTH = Decimal("365.25") / 12
CENT = Decimal("0.01")


# --- Arithmetic ----------------------------------------------------------------------------


def committed_hours(
    *, percent: int, full_time_hours_per_week: Decimal, days: int
) -> Decimal:
    """The hours ``percent`` % of a full-time week comes to over ``days`` days."""
    return _committed(percent, full_time_hours_per_week, days).quantize(
        CENT, ROUND_HALF_UP
    )


def _committed(percent: int, full_time_hours_per_week: Decimal, days) -> Decimal:
    return Decimal(percent) / 100 * Decimal(full_time_hours_per_week) * days / 7


def hours_a_week(*, percent: int, full_time_hours_per_week: Decimal) -> Decimal:
    return committed_hours(
        percent=percent, full_time_hours_per_week=full_time_hours_per_week, days=7
    )


def hours_a_month(*, percent: int, full_time_hours_per_week: Decimal) -> int:
    """Roughly how many hours a month a share of time is (an average month)."""
    hours = _committed(percent, full_time_hours_per_week, DAYS_IN_AN_AVERAGE_MONTH)
    return int(hours.quantize(Decimal(1), ROUND_HALF_UP))


def month_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(month: datetime.date, count: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def last_day_of(month: datetime.date) -> datetime.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def parse_month(value: str | None) -> datetime.date:
    """``YYYY-MM`` as the first of that month; this month if absent, invalid or to come."""
    this_month = month_of(timezone.localdate())
    try:
        month = datetime.datetime.strptime(value or "", "%Y-%m").date()
    except ValueError:
        return this_month
    return min(month, this_month)


def held_days(
    assignment: RoleAssignment, first: datetime.date, last: datetime.date
) -> int:
    """On how many days from ``first`` to ``last`` the assignment was held.

    A revoked assignment stops counting on the day it was revoked (as in
    ``RoleAssignmentQuerySet.current``).
    """
    start = max(assignment.starts_on, first)
    end = last
    if assignment.ends_on is not None:
        end = min(end, assignment.ends_on)
    if assignment.revoked_at is not None:
        revoked_on = timezone.localdate(assignment.revoked_at)
        end = min(end, revoked_on - datetime.timedelta(days=1))
    return max(0, (end - start).days + 1)


# --- Hours against commitments -------------------------------------------------------------


@dataclass(frozen=True)
class HoursAgainstCommitment:
    hours: Decimal
    committed_hours: Decimal | None

    @property
    def percent_used(self) -> int | None:
        if not self.committed_hours:
            return None
        used = self.hours / self.committed_hours * 100
        return int(used.quantize(Decimal(1), ROUND_HALF_UP))

    @property
    def is_over(self) -> bool:
        return bool(self.committed_hours) and self.hours > self.committed_hours

    @property
    def is_near(self) -> bool:
        """Above 90 % of the commitment without being over it."""
        if not self.committed_hours or self.is_over:
            return False
        return self.hours > self.committed_hours * NEAR_SHARE


@dataclass(frozen=True)
class StaffMonth(HoursAgainstCommitment):
    staff_member: object
    roles: tuple[str, ...]
    is_director: bool
    committed_percent: int | None
    commitment_assumed: bool


@dataclass(frozen=True)
class DirectorMonth(HoursAgainstCommitment):
    month: datetime.date


@dataclass(frozen=True)
class MonthOfHours:
    month: datetime.date
    previous: datetime.date
    next: datetime.date | None
    rows: list[StaffMonth]
    by_activity: list[tuple[str, Decimal]]
    full_time_hours_per_week: Decimal
    director_time_cap_percent: int

    @property
    def days(self) -> int:
        return last_day_of(self.month).day

    @property
    def director_rows(self) -> list[StaffMonth]:
        return [row for row in self.rows if row.is_director]

    @property
    def total_hours(self) -> Decimal:
        return sum((row.hours for row in self.rows), Decimal(0))


def program_hours_for_month(user, month: datetime.date) -> MonthOfHours:
    """Each program staff member's hours in a month against what they committed.

    Everyone who held the director or administrator role that month is listed,
    with nothing logged if need be, and so is anyone who logged hours in it.
    """
    first, last = month, last_day_of(month)
    settings = program_settings()
    assignments = list(
        _program_staff_assignments(user, first, last).select_related("staff_member")
    )
    hours = _hours_by_person(user, first, last)
    people = {a.staff_member_id: a.staff_member for a in assignments}
    missing = set(hours) - set(people)
    if missing:
        people.update(
            (person.pk, person)
            for person in policy.staff_members_visible_to(user).filter(pk__in=missing)
        )
    rows = []
    for staff_member_id, person in people.items():
        held = [a for a in assignments if a.staff_member_id == staff_member_id]
        committed, percent, assumed = _commitment(held, first, last, settings)
        rows.append(
            StaffMonth(
                hours=hours.get(staff_member_id, Decimal(0)),
                committed_hours=committed,
                staff_member=person,
                roles=tuple(
                    role.label
                    for role in PROGRAM_STAFF_ROLES
                    if any(a.role == role for a in held)
                ),
                is_director=any(a.role == Role.PROGRAM_DIRECTOR for a in held),
                committed_percent=percent,
                commitment_assumed=assumed,
            )
        )
    rows.sort(
        key=lambda row: (
            not row.is_director,
            row.staff_member.last_name,
            row.staff_member.first_name,
        )
    )
    this_month = month_of(timezone.localdate())
    following = add_months(month, 1)
    return MonthOfHours(
        month=month,
        previous=add_months(month, -1),
        next=following if following <= this_month else None,
        rows=rows,
        by_activity=_hours_by_activity(user, first, last),
        full_time_hours_per_week=settings.full_time_hours_per_week,
        director_time_cap_percent=settings.director_time_cap_percent,
    )


def director_hours_by_month(
    user, last_month: datetime.date, *, months: int = 12
) -> list[DirectorMonth]:
    """The director's hours and commitment in each of ``months`` months up to ``last_month``.

    Whoever held the director role in a month counts for it (a handover month
    adds both people's hours and commitments); newest month first.
    """
    first_month = add_months(last_month, -(months - 1))
    first, last = first_month, last_day_of(last_month)
    settings = program_settings()
    assignments = list(
        _program_staff_assignments(user, first, last).filter(role=Role.PROGRAM_DIRECTOR)
    )
    directors = {a.staff_member_id for a in assignments}
    hours = {
        (row["staff_member_id"], row["month"]): row["total"]
        for row in policy.hours_entries_visible_to(user)
        .filter(staff_member_id__in=directors, worked_on__range=(first, last))
        .annotate(month=TruncMonth("worked_on"))
        .values("staff_member_id", "month")
        .annotate(total=Sum("hours"))
        .order_by()
    }
    table = []
    for offset in range(months):
        month = add_months(last_month, -offset)
        month_first, month_last = month, last_day_of(month)
        holders = {
            a.staff_member_id
            for a in assignments
            if held_days(a, month_first, month_last)
        }
        committed, _, _ = _commitment(assignments, month_first, month_last, settings)
        table.append(
            DirectorMonth(
                month=month,
                hours=sum(
                    (hours.get((person, month), Decimal(0)) for person in holders),
                    Decimal(0),
                ),
                committed_hours=committed,
            )
        )
    return table


def _program_staff_assignments(user, first: datetime.date, last: datetime.date):
    """Director and administrator roles held (and acknowledged) at some point in a period."""
    return (
        policy.team_assignments_visible_to(user)
        .filter(role__in=PROGRAM_STAFF_ROLES, starts_on__lte=last)
        .exclude(ends_on__lt=first)
        .exclude(revoked_at__date__lte=first)
        .filter(ACKNOWLEDGED)
    )


def _hours_by_person(user, first, last) -> dict[int, Decimal]:
    return {
        row["staff_member_id"]: row["total"]
        for row in policy.hours_entries_visible_to(user)
        .filter(worked_on__range=(first, last))
        .values("staff_member_id")
        .annotate(total=Sum("hours"))
        .order_by()
    }


def _hours_by_activity(user, first, last) -> list[tuple[str, Decimal]]:
    totals = {
        row["activity"]: row["total"]
        for row in policy.hours_entries_visible_to(user)
        .filter(worked_on__range=(first, last))
        .values("activity")
        .annotate(total=Sum("hours"))
        .order_by()
    }
    return [(a.label, totals[a.value]) for a in Activity if a.value in totals]


def _commitment(assignments, first, last, settings):
    """(committed hours, percent, assumed) over a period, from the assignments held in it.

    A director appointed before commitments were recorded is taken to have
    committed the program's cap (``assumed``); an administrator without a
    recorded share has no commitment to compare with.
    """
    total, percent, assumed, any_commitment = Decimal(0), None, False, False
    for assignment in sorted(assignments, key=lambda a: a.starts_on):
        days = held_days(assignment, first, last)
        if not days:
            continue
        share = assignment.committed_percent
        if share is None and assignment.role == Role.PROGRAM_DIRECTOR:
            share, assumed = settings.director_time_cap_percent, True
        if share is None:
            continue
        total += _committed(share, settings.full_time_hours_per_week, days)
        percent, any_commitment = share, True
    if not any_commitment:
        return None, None, False
    return total.quantize(CENT, ROUND_HALF_UP), percent, assumed


# --- The team page ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TeamMember:
    assignment: RoleAssignment
    is_upcoming: bool
    is_awaiting_acknowledgement: bool
    hours_a_week: Decimal | None

    @property
    def staff_member(self):
        return self.assignment.staff_member


class SupporterList:
    """The peer supporters' appointments, made into TeamMembers a page at a time.

    A large program has thousands of supporters: the page lists fifty, so only
    those fifty rows are read (``Paginator`` counts and slices this).
    """

    def __init__(self, assignments: QuerySet, member: Callable) -> None:
        self._assignments = assignments
        self._member = member

    def count(self) -> int:
        return self._assignments.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self._member(a) for a in self._assignments[index]]
        return self._member(self._assignments[index])

    def __iter__(self):
        return (self._member(a) for a in self._assignments.iterator())


@dataclass(frozen=True)
class Team:
    directors: list[TeamMember]
    administrators: list[TeamMember]
    supporters: SupporterList
    supporters_now: int
    supporters_coming: int
    director_time_cap_percent: int

    def _count(self, members, *, upcoming: bool) -> int:
        return len(
            {
                m.assignment.staff_member_id
                for m in members
                if (m.is_upcoming or m.is_awaiting_acknowledgement) == upcoming
            }
        )

    @property
    def administrators_now(self) -> int:
        return self._count(self.administrators, upcoming=False)

    @property
    def has_director(self) -> bool:
        return bool(self._count(self.directors, upcoming=False))


def team_for_page(user) -> Team:
    """The director, administrators and peer supporters: in role today or appointed to be."""
    today = timezone.localdate()
    settings = program_settings()
    assignments = (
        policy.team_assignments_visible_to(user)
        .current_or_coming(today)
        .select_related(
            "staff_member__department",
            "staff_member__profession",
            "staff_member__site",
        )
        .order_by(
            "staff_member__last_name", "staff_member__first_name", "starts_on", "pk"
        )
    )

    def member(assignment: RoleAssignment) -> TeamMember:
        share = assignment.committed_percent
        return TeamMember(
            assignment=assignment,
            is_upcoming=assignment.starts_on > today,
            is_awaiting_acknowledgement=assignment.is_awaiting_acknowledgement,
            hours_a_week=hours_a_week(
                percent=share,
                full_time_hours_per_week=settings.full_time_hours_per_week,
            )
            if share
            else None,
        )

    staff = assignments.exclude(role=Role.PEER_SUPPORTER)
    groups: dict[str, list[TeamMember]] = {role.value: [] for role in TEAM_ROLES}
    for assignment in staff:
        groups[assignment.role].append(member(assignment))
    supporters = assignments.filter(role=Role.PEER_SUPPORTER)
    coming = Q(starts_on__gt=today) | Q(
        needs_acknowledgement=True, acknowledged_at__isnull=True
    )
    counts = supporters.order_by().aggregate(
        now=Count("staff_member", distinct=True, filter=~coming),
        coming=Count("staff_member", distinct=True, filter=coming),
    )
    return Team(
        directors=groups[Role.PROGRAM_DIRECTOR],
        administrators=groups[Role.PROGRAM_ADMINISTRATOR],
        supporters=SupporterList(supporters, member),
        supporters_now=counts["now"],
        supporters_coming=counts["coming"],
        director_time_cap_percent=settings.director_time_cap_percent,
    )
