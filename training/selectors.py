"""Reads for training (protected rows come through the policy)."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts.models import Role, RoleAssignment
from confidentiality import policy
from organization.models import StaffMember
from training.models import (
    CompetencySignOff,
    Enrolment,
    EnrolmentStatus,
    ModuleCompletion,
    Readiness,
    SessionKind,
    SessionStatus,
    SupporterPause,
    SupporterStanding,
    TrainingModule,
    TrainingSession,
)
from training.readiness import ReadinessVerdict, readiness_verdict
from training.services import readiness_facts


def current_supporters() -> QuerySet[StaffMember]:
    """Active staff who hold the peer supporter role today."""
    holders = RoleAssignment.objects.current().filter(role=Role.PEER_SUPPORTER)
    return StaffMember.objects.filter(
        is_active=True, pk__in=holders.values("staff_member_id")
    )


def assignable_supporters() -> QuerySet[StaffMember]:
    """Supporters matching may assign: trained, current, not paused, not due a refresher.

    One indexed condition on the standing the training services keep up to
    date; someone whose standing has never been worked out is not assignable.
    """
    return current_supporters().filter(standing__status=Readiness.ACTIVE)


def sessions_with_counts(user) -> QuerySet[TrainingSession]:
    return (
        policy.training_sessions_visible_to(user)
        .select_related("facilitator")
        .annotate(
            enrolled_count=Count(
                "enrolments", filter=Q(enrolments__status=EnrolmentStatus.ENROLLED)
            ),
            waiting_count=Count(
                "enrolments", filter=Q(enrolments__status=EnrolmentStatus.WAITING)
            ),
        )
    )


def upcoming_sessions(user, *, limit: int = 20) -> list[TrainingSession]:
    return list(
        sessions_with_counts(user)
        .filter(starts_at__gt=timezone.now(), status=SessionStatus.SCHEDULED)
        .prefetch_related("modules")
        .order_by("starts_at", "pk")[:limit]
    )


def sessions_awaiting_attendance(user) -> list[TrainingSession]:
    """Sessions that have started, are not cancelled, and have no attendance yet."""
    return list(
        sessions_with_counts(user)
        .filter(
            starts_at__lte=timezone.now(),
            status=SessionStatus.SCHEDULED,
            attendance_taken_at__isnull=True,
        )
        .order_by("-starts_at")[:20]
    )


@dataclass(frozen=True)
class ReadinessCount:
    status: Readiness
    count: int


def readiness_counts() -> list[ReadinessCount]:
    """How many current supporters stand where (one grouped query)."""
    counts = dict(
        current_supporters()
        .values_list("standing__status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    not_worked_out = counts.pop(None, 0)
    counts[Readiness.IN_TRAINING] = (
        counts.get(Readiness.IN_TRAINING, 0) + not_worked_out
    )
    return [ReadinessCount(status, counts.get(status, 0)) for status in Readiness]


def supporters_with_standing(*, status: str = "") -> QuerySet[StaffMember]:
    supporters = current_supporters().select_related(
        "standing", "profession", "department", "site"
    )
    if status == Readiness.IN_TRAINING:
        supporters = supporters.filter(
            Q(standing__status=status) | Q(standing__isnull=True)
        )
    elif status:
        supporters = supporters.filter(standing__status=status)
    return supporters.order_by("last_name", "first_name", "pk")


@dataclass(frozen=True)
class ModuleProgress:
    module: TrainingModule
    completed_on: datetime.date | None


@dataclass(frozen=True)
class SupporterRecord:
    """One supporter's training: where they stand and why, progress, sessions, history."""

    staff_member: StaffMember
    is_supporter: bool
    verdict: ReadinessVerdict
    modules: list[ModuleProgress]
    upcoming: list[Enrolment]
    past: list[Enrolment]
    sign_offs: list[CompetencySignOff]
    pauses: list[SupporterPause]
    open_pause: SupporterPause | None

    @property
    def core_done(self) -> int:
        return sum(1 for p in self.modules if p.module.is_core and p.completed_on)

    @property
    def core_total(self) -> int:
        return sum(1 for p in self.modules if p.module.is_core)


def supporter_record(staff_member: StaffMember) -> SupporterRecord:
    """Worked out live (a handful of queries), so it is always current."""
    completed = dict(
        ModuleCompletion.objects.filter(staff_member=staff_member).values_list(
            "module_id", "completed_on"
        )
    )
    modules = [
        ModuleProgress(module=module, completed_on=completed.get(module.pk))
        for module in TrainingModule.objects.filter(is_retired=False)
    ]
    enrolments = list(
        Enrolment.objects.filter(staff_member=staff_member)
        .exclude(status=EnrolmentStatus.WITHDRAWN)
        .select_related("session__facilitator")
        .order_by("session__starts_at")
    )
    now = timezone.now()
    pauses = list(SupporterPause.objects.filter(staff_member=staff_member))
    return SupporterRecord(
        staff_member=staff_member,
        is_supporter=current_supporters().filter(pk=staff_member.pk).exists(),
        verdict=readiness_verdict(readiness_facts(staff_member)),
        modules=modules,
        upcoming=[
            e
            for e in enrolments
            if e.session.starts_at > now and e.session.status == SessionStatus.SCHEDULED
        ],
        past=[e for e in enrolments if e.session.starts_at <= now][::-1][:20],
        sign_offs=list(
            CompetencySignOff.objects.filter(staff_member=staff_member).select_related(
                "signed_off_by__staff_member"
            )
        ),
        pauses=pauses,
        open_pause=next((p for p in pauses if p.ended_at is None), None),
    )


def open_sessions_for(user, staff_member: StaffMember) -> list[TrainingSession]:
    """Upcoming training sessions a supporter could join: ones that teach them something new."""
    mine = set(
        Enrolment.objects.filter(staff_member=staff_member)
        .exclude(status=EnrolmentStatus.WITHDRAWN)
        .values_list("session_id", flat=True)
    )
    completed = set(
        ModuleCompletion.objects.filter(staff_member=staff_member).values_list(
            "module_id", flat=True
        )
    )
    return [
        session
        for session in upcoming_sessions(user)
        if session.kind == SessionKind.TRAINING
        and session.pk not in mine
        and any(module.pk not in completed for module in session.modules.all())
    ]


def session_participants(session: TrainingSession) -> list[Enrolment]:
    return list(
        session.enrolments.exclude(status=EnrolmentStatus.WITHDRAWN)
        .select_related("staff_member__department", "staff_member__profession")
        .order_by("status", "enrolled_at", "pk")
    )


def own_enrolment(user, session: TrainingSession) -> Enrolment | None:
    if not user.is_authenticated or user.staff_member_id is None:
        return None
    return (
        Enrolment.objects.filter(session=session, staff_member_id=user.staff_member_id)
        .exclude(status=EnrolmentStatus.WITHDRAWN)
        .first()
    )


def facilitators() -> QuerySet[StaffMember]:
    """Who may lead a session: the program staff and current supporters."""
    holders = RoleAssignment.objects.current().filter(
        role__in=[
            Role.PROGRAM_DIRECTOR,
            Role.PROGRAM_ADMINISTRATOR,
            Role.PEER_SUPPORTER,
        ]
    )
    return StaffMember.objects.filter(
        is_active=True, pk__in=holders.values("staff_member_id")
    ).order_by("last_name", "first_name")


def standing_of(staff_member: StaffMember) -> SupporterStanding | None:
    return SupporterStanding.objects.filter(staff_member=staff_member).first()


def next_enrolment_of(staff_member: StaffMember) -> Enrolment | None:
    return (
        Enrolment.objects.filter(
            staff_member=staff_member,
            status=EnrolmentStatus.ENROLLED,
            session__status=SessionStatus.SCHEDULED,
            session__starts_at__gt=timezone.now(),
        )
        .select_related("session")
        .order_by("session__starts_at")
        .first()
    )
