"""Training peer supporters: the curriculum, sessions, enrolment, attendance, readiness.

Every change that can alter a supporter's readiness ends by refreshing their
``SupporterStanding`` (``supporter_standing_refresh``), explicitly, in the
same transaction.
"""

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Role, RoleAssignment, User
from confidentiality import policy
from confidentiality.models import AuditAction, AuditAudience
from confidentiality.services import audit_event_record
from organization.models import StaffMember
from program.models import MeetingCadence
from program.selectors import program_settings
from selection.services import candidate_training_start
from training.invitations import session_invitation_queue, session_reminder_queue
from training.models import (
    Attendance,
    CompetencySignOff,
    Enrolment,
    EnrolmentStatus,
    Modality,
    ModuleCompletion,
    PauseReason,
    Readiness,
    SessionKind,
    SessionStatus,
    SupporterPause,
    SupporterStanding,
    TrainingModule,
    TrainingSession,
)
from training.readiness import ReadinessFacts, readiness_verdict
from worker.models import BackgroundTask, DueStatus
from worker.services import task_schedule

MAX_REPEATS = 12
CADENCE_STEPS = {
    MeetingCadence.WEEKLY: {"weeks": 1},
    MeetingCadence.FORTNIGHTLY: {"weeks": 2},
    MeetingCadence.MONTHLY: {"months": 1},
    MeetingCadence.QUARTERLY: {"months": 3},
}


def _audit(actor, action, obj, *, subject=None, **details) -> None:
    audit_event_record(
        actor=actor,
        action=action,
        obj=obj,
        subject=subject,
        audience=AuditAudience.PROGRAM,
        details=details,
    )


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


# --- The curriculum ----------------------------------------------------------------------------


@transaction.atomic
def training_module_save(*, actor: User, module: TrainingModule) -> TrainingModule:
    """Create or change a module. Core modules decide readiness, so everyone is re-checked."""
    _require(
        policy.may_edit_curriculum(actor),
        "Only the program director edits the curriculum.",
    )
    created = module._state.adding
    module.full_clean()
    module.save()
    _audit(
        actor,
        AuditAction.TRAINING_MODULE_CHANGED,
        module,
        change="created" if created else "updated",
        title=module.title,
        is_core=module.is_core,
        is_retired=module.is_retired,
    )
    supporter_standings_refresh_all()
    return module


# --- Sessions ----------------------------------------------------------------------------------


def _session_check(session: TrainingSession, modules: list[TrainingModule]) -> None:
    errors = {}
    if not session.title.strip():
        errors["title"] = "Give the session a title."
    if session.starts_at and session.starts_at <= timezone.now():
        errors["starts_at"] = "A session must start in the future."
    if session.starts_at and session.ends_at and session.ends_at <= session.starts_at:
        errors["ends_at"] = "The session must end after it starts."
    if session.modality == Modality.REMOTE and not session.meeting_link:
        errors["meeting_link"] = "A remote session needs its meeting link."
    if session.modality == Modality.IN_PERSON and not session.room.strip():
        errors["room"] = "An in-person session needs a room."
    if not session.private_setting_confirmed:
        errors["private_setting_confirmed"] = (
            "Confirm the setting is private: supporters practise with real stories."
        )
    if session.kind == SessionKind.TRAINING and not modules:
        errors["modules"] = "Choose the modules this session covers."
    if session.capacity is None or session.capacity < 1:
        errors["capacity"] = "A session needs room for at least one person."
    if not session.facilitator.is_active:
        errors["facilitator"] = f"{session.facilitator} is no longer on the roster."
    if errors:
        raise ValidationError(errors)


def _add(moment: datetime.datetime, steps: int, cadence: str) -> datetime.datetime:
    step = CADENCE_STEPS[cadence]
    if "weeks" in step:
        return moment + datetime.timedelta(weeks=step["weeks"] * steps)
    local = timezone.localtime(moment)
    month_index = local.month - 1 + step["months"] * steps
    year, month = local.year + month_index // 12, month_index % 12 + 1
    day = min(local.day, _days_in(year, month))
    naive = local.replace(tzinfo=None, year=year, month=month, day=day)
    return timezone.make_aware(naive)


def _days_in(year: int, month: int) -> int:
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    return (following - datetime.timedelta(days=1)).day


@transaction.atomic
def session_schedule(
    *,
    actor: User,
    session: TrainingSession,
    modules: Iterable[TrainingModule] = (),
    repeats: int = 0,
) -> list[TrainingSession]:
    """Schedule a session (and, for ongoing meetings, ``repeats`` more at the cadence).

    Ongoing meetings are for the whole team: every current supporter who is not
    paused is enrolled and invited. Training sessions start empty; supporters
    enrol themselves or are enrolled.
    """
    _require(policy.may_manage_training(actor), "Only program staff schedule training.")
    modules = list(modules)
    _session_check(session, modules)
    if repeats and session.kind != SessionKind.ONGOING:
        raise ValidationError({"repeats": "Only ongoing meetings repeat."})
    if not 0 <= repeats <= MAX_REPEATS:
        raise ValidationError({"repeats": f"Repeat between 0 and {MAX_REPEATS} times."})
    cadence = program_settings().ongoing_meeting_cadence
    length = session.ends_at - session.starts_at
    scheduled = []
    for index in range(repeats + 1):
        occurrence = TrainingSession(
            kind=session.kind,
            title=session.title,
            starts_at=_add(session.starts_at, index, cadence),
            modality=session.modality,
            meeting_link=session.meeting_link,
            room=session.room,
            private_setting_confirmed=session.private_setting_confirmed,
            capacity=session.capacity,
            facilitator=session.facilitator,
            created_by=actor,
        )
        occurrence.ends_at = occurrence.starts_at + length
        occurrence.full_clean()
        occurrence.save()
        occurrence.modules.set(modules)
        _audit(
            actor,
            AuditAction.SESSION_SCHEDULED,
            occurrence,
            kind=occurrence.kind,
            starts_at=occurrence.starts_at.isoformat(),
        )
        if occurrence.kind == SessionKind.ONGOING:
            _team_enrol(occurrence)
        _reminder_schedule(occurrence)
        scheduled.append(occurrence)
    return scheduled


def _team_enrol(session: TrainingSession) -> None:
    for staff_member in _supporters_expected_at_meetings():
        enrolment = Enrolment.objects.create(session=session, staff_member=staff_member)
        session_invitation_queue(enrolment=enrolment)


def _supporters_expected_at_meetings():
    """Current peer supporters, except those paused."""
    holders = RoleAssignment.objects.current().filter(role=Role.PEER_SUPPORTER)
    paused = SupporterPause.objects.filter(ended_at__isnull=True)
    return (
        StaffMember.objects.filter(
            is_active=True, pk__in=holders.values("staff_member_id")
        )
        .exclude(pk__in=paused.values("staff_member_id"))
        .order_by("pk")
    )


def _reminder_schedule(session: TrainingSession) -> None:
    hours = program_settings().reminder_hours_before
    due_at = max(session.starts_at - datetime.timedelta(hours=hours), timezone.now())
    task_schedule(
        kind="training.session_reminder",
        payload={"session_id": session.pk},
        due_at=due_at,
        dedupe_key=f"training.session_reminder:{session.pk}",
    )


def _reminder_cancel(session: TrainingSession) -> None:
    BackgroundTask.objects.filter(
        dedupe_key=f"training.session_reminder:{session.pk}", status=DueStatus.PENDING
    ).update(status=DueStatus.CANCELLED, finished_at=timezone.now())


SESSION_FIELDS = (
    "title",
    "starts_at",
    "ends_at",
    "modality",
    "meeting_link",
    "room",
    "private_setting_confirmed",
    "capacity",
    "facilitator",
)


@transaction.atomic
def session_update(
    *, actor: User, session: TrainingSession, modules: Iterable[TrainingModule]
) -> TrainingSession:
    """Save changes to a session and send everyone enrolled an update (higher SEQUENCE)."""
    _require(policy.may_manage_training(actor), "Only program staff change training.")
    before = TrainingSession.objects.select_for_update().get(pk=session.pk)
    if before.is_cancelled:
        raise ValidationError("This session was cancelled; schedule a new one instead.")
    if before.starts_at <= timezone.now():
        raise ValidationError("This session has started; it can no longer change.")
    modules = list(modules)
    _session_check(session, modules)
    changed = [
        name
        for name in SESSION_FIELDS
        if getattr(before, name) != getattr(session, name)
    ]
    if set(before.modules.all()) != set(modules):
        changed.append("modules")
    if not changed:
        return session
    session.sequence = before.sequence + 1
    session.full_clean()
    session.save()
    session.modules.set(modules)
    _audit(actor, AuditAction.SESSION_CHANGED, session, fields=changed)
    for enrolment in session.enrolments.filter(status=EnrolmentStatus.ENROLLED):
        session_invitation_queue(enrolment=enrolment, update=True)
    if "capacity" in changed:
        _waiting_list_promote(session, actor=actor)
    _reminder_schedule(session)
    return session


@transaction.atomic
def session_cancel(
    *, actor: User, session: TrainingSession, reason: str = ""
) -> TrainingSession:
    """Cancel a session: everyone enrolled gets a cancellation their calendar understands."""
    _require(policy.may_manage_training(actor), "Only program staff cancel training.")
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    if session.is_cancelled:
        raise ValidationError("This session is already cancelled.")
    if session.starts_at <= timezone.now():
        raise ValidationError(
            "This session has started; it can no longer be cancelled."
        )
    session.status = SessionStatus.CANCELLED
    session.sequence += 1
    session.save(update_fields=["status", "sequence"])
    for enrolment in session.enrolments.filter(status=EnrolmentStatus.ENROLLED):
        session_invitation_queue(enrolment=enrolment, method="CANCEL", reason=reason)
    _reminder_cancel(session)
    _audit(actor, AuditAction.SESSION_CANCELLED, session)
    return session


def session_reminder_send(*, session_id: int) -> int:
    """E-mail a reminder to everyone enrolled in a session still on. Returns how many."""
    session = TrainingSession.objects.filter(
        pk=session_id, status=SessionStatus.SCHEDULED
    ).first()
    if session is None or session.starts_at <= timezone.now():
        return 0
    sent = 0
    for enrolment in session.enrolments.filter(
        status=EnrolmentStatus.ENROLLED
    ).select_related("staff_member", "session"):
        sent += session_reminder_queue(enrolment=enrolment) is not None
    return sent


# --- Enrolment -----------------------------------------------------------------------------------


def _holds_supporter_role(staff_member: StaffMember) -> bool:
    return (
        RoleAssignment.objects.current()
        .filter(staff_member=staff_member, role=Role.PEER_SUPPORTER)
        .exists()
    )


@transaction.atomic
def enrolment_add(
    *, actor: User, session: TrainingSession, staff_member: StaffMember
) -> Enrolment:
    """Enrol a supporter (themselves, or by program staff); the waiting list when full."""
    enrolling_self = actor.staff_member_id == staff_member.pk
    _require(
        policy.may_manage_training(actor)
        or (enrolling_self and policy.is_peer_supporter(actor)),
        "Only selected peer supporters enrol themselves; program staff enrol others.",
    )
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    if session.is_cancelled:
        raise ValidationError("This session was cancelled.")
    if session.starts_at <= timezone.now():
        raise ValidationError("This session has already started.")
    if not _holds_supporter_role(staff_member):
        raise ValidationError(
            f"{staff_member} is not a peer supporter: select them first."
        )
    enrolment = Enrolment.objects.filter(
        session=session, staff_member=staff_member
    ).first()
    if enrolment is not None and enrolment.status != EnrolmentStatus.WITHDRAWN:
        raise ValidationError(
            f"{staff_member} is already {enrolment.get_status_display().lower()} "
            "for this session."
        )
    enrolment = enrolment or Enrolment(session=session, staff_member=staff_member)
    enrolled = session.enrolments.filter(status=EnrolmentStatus.ENROLLED).count()
    enrolment.status = (
        EnrolmentStatus.ENROLLED
        if enrolled < session.capacity
        else EnrolmentStatus.WAITING
    )
    enrolment.enrolled_by = actor
    enrolment.save()
    if enrolment.status == EnrolmentStatus.ENROLLED:
        session_invitation_queue(enrolment=enrolment)
    if session.kind == SessionKind.TRAINING:
        candidate_training_start(actor=actor, staff_member=staff_member)
    _audit(
        actor,
        AuditAction.ENROLMENT_CHANGED,
        enrolment,
        subject=staff_member,
        status=enrolment.status,
    )
    return enrolment


@transaction.atomic
def enrolment_withdraw(*, actor: User, enrolment: Enrolment) -> Enrolment:
    """Give up a place before the session; the first person waiting takes it."""
    _require(
        policy.may_manage_training(actor)
        or enrolment.staff_member_id == actor.staff_member_id,
        "Only the supporter or program staff withdraw an enrolment.",
    )
    session = TrainingSession.objects.select_for_update().get(pk=enrolment.session_id)
    enrolment.refresh_from_db()
    if enrolment.status == EnrolmentStatus.WITHDRAWN:
        raise ValidationError("This place was already given up.")
    if session.starts_at <= timezone.now():
        raise ValidationError("The session has started; attendance records who came.")
    had_place = enrolment.status == EnrolmentStatus.ENROLLED
    enrolment.status = EnrolmentStatus.WITHDRAWN
    enrolment.save(update_fields=["status"])
    if had_place and not session.is_cancelled:
        session_invitation_queue(enrolment=enrolment, method="CANCEL")
        _waiting_list_promote(session, actor=actor)
    _audit(
        actor,
        AuditAction.ENROLMENT_CHANGED,
        enrolment,
        subject=enrolment.staff_member,
        status=enrolment.status,
    )
    return enrolment


def _waiting_list_promote(session: TrainingSession, *, actor: User) -> None:
    free = (
        session.capacity
        - session.enrolments.filter(status=EnrolmentStatus.ENROLLED).count()
    )
    if free <= 0:
        return
    for waiting in session.enrolments.filter(status=EnrolmentStatus.WAITING).order_by(
        "enrolled_at", "pk"
    )[:free]:
        waiting.status = EnrolmentStatus.ENROLLED
        waiting.save(update_fields=["status"])
        session_invitation_queue(enrolment=waiting)
        _audit(
            actor,
            AuditAction.ENROLMENT_CHANGED,
            waiting,
            subject=waiting.staff_member,
            status=waiting.status,
            promoted_from_waiting_list=True,
        )


# --- Attendance and completion ----------------------------------------------------------------


@transaction.atomic
def attendance_record(
    *, actor: User, session: TrainingSession, attended_ids: Iterable[int]
) -> TrainingSession:
    """Record who came. Attending a training session completes its modules.

    Everyone enrolled not in ``attended_ids`` is absent. Taking attendance again
    corrects it: modules completed through this session by someone now marked
    absent are no longer counted.
    """
    _require(
        policy.may_take_attendance(actor, session),
        "Only program staff or the facilitator take attendance.",
    )
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    if session.is_cancelled:
        raise ValidationError("This session was cancelled.")
    if session.starts_at > timezone.now():
        raise ValidationError("Attendance is taken once the session has started.")
    attended_ids = set(attended_ids)
    enrolments = list(
        session.enrolments.filter(status=EnrolmentStatus.ENROLLED).select_related(
            "staff_member"
        )
    )
    unknown = attended_ids - {e.staff_member_id for e in enrolments}
    if unknown:
        raise ValidationError(
            "Only people enrolled in the session can be marked present."
        )
    modules = (
        list(session.modules.all()) if session.kind == SessionKind.TRAINING else []
    )
    day = timezone.localtime(session.starts_at).date()
    for enrolment in enrolments:
        came = enrolment.staff_member_id in attended_ids
        enrolment.attendance = Attendance.ATTENDED if came else Attendance.ABSENT
        enrolment.save(update_fields=["attendance"])
        if came:
            for module in modules:
                ModuleCompletion.objects.get_or_create(
                    staff_member=enrolment.staff_member,
                    module=module,
                    defaults={
                        "completed_on": day,
                        "session": session,
                        "recorded_by": actor,
                    },
                )
        else:
            ModuleCompletion.objects.filter(
                staff_member=enrolment.staff_member, session=session
            ).delete()
    session.attendance_taken_at = timezone.now()
    session.save(update_fields=["attendance_taken_at"])
    _audit(
        actor,
        AuditAction.ATTENDANCE_RECORDED,
        session,
        attended=len(attended_ids),
        absent=len(enrolments) - len(attended_ids),
    )
    for enrolment in enrolments:
        supporter_standing_refresh(enrolment.staff_member)
    return session


@transaction.atomic
def module_completion_record(
    *,
    actor: User,
    staff_member: StaffMember,
    module: TrainingModule,
    completed_on: datetime.date,
) -> ModuleCompletion:
    """The director records a module completed elsewhere (an earlier program, a course)."""
    _require(
        policy.may_sign_off_competency(actor),
        "Only the program director records a module completed elsewhere.",
    )
    if completed_on > timezone.localdate():
        raise ValidationError(
            {"completed_on": "A module cannot be completed in the future."}
        )
    completion, created = ModuleCompletion.objects.get_or_create(
        staff_member=staff_member,
        module=module,
        defaults={"completed_on": completed_on, "recorded_by": actor},
    )
    if not created:
        raise ValidationError(f"{staff_member} has already completed “{module}”.")
    _audit(
        actor,
        AuditAction.MODULE_COMPLETED,
        completion,
        subject=staff_member,
        module=module.title,
    )
    supporter_standing_refresh(staff_member)
    return completion


@transaction.atomic
def competency_sign_off(
    *, actor: User, staff_member: StaffMember, note: str = ""
) -> CompetencySignOff:
    _require(
        policy.may_sign_off_competency(actor),
        "Only the program director signs off a supporter's competency.",
    )
    if not _holds_supporter_role(staff_member):
        raise ValidationError(f"{staff_member} is not a peer supporter.")
    if len(note) > 1000:
        raise ValidationError({"note": "Keep the note under 1000 characters."})
    sign_off = CompetencySignOff.objects.create(
        staff_member=staff_member,
        signed_off_on=timezone.localdate(),
        signed_off_by=actor,
        note=note.strip(),
    )
    _audit(actor, AuditAction.COMPETENCY_SIGNED_OFF, sign_off, subject=staff_member)
    supporter_standing_refresh(staff_member)
    return sign_off


# --- Pausing -------------------------------------------------------------------------------------


@transaction.atomic
def supporter_pause(*, user: User, reason: str) -> SupporterPause:
    """A supporter steps out of matching (leave, overload). History is kept."""
    staff_member = user.staff_member
    _require(policy.is_peer_supporter(user), "Only peer supporters pause themselves.")
    if reason not in PauseReason.values:
        raise ValidationError({"reason": "Choose why you are pausing."})
    StaffMember.objects.select_for_update().get(pk=staff_member.pk)
    if SupporterPause.objects.filter(
        staff_member=staff_member, ended_at__isnull=True
    ).exists():
        raise ValidationError("You are already paused.")
    pause = SupporterPause.objects.create(
        staff_member=staff_member, reason=reason, started_at=timezone.now()
    )
    _audit(
        user, AuditAction.SUPPORTER_PAUSED, pause, subject=staff_member, reason=reason
    )
    supporter_standing_refresh(staff_member)
    return pause


@transaction.atomic
def supporter_resume(*, user: User) -> SupporterPause:
    staff_member = user.staff_member
    pause = (
        SupporterPause.objects.select_for_update()
        .filter(staff_member=staff_member, ended_at__isnull=True)
        .first()
    )
    if pause is None:
        raise ValidationError("You are not paused.")
    pause.ended_at = timezone.now()
    pause.save(update_fields=["ended_at"])
    _audit(user, AuditAction.SUPPORTER_RESUMED, pause, subject=staff_member)
    supporter_standing_refresh(staff_member)
    return pause


# --- Readiness -----------------------------------------------------------------------------------


def readiness_facts(staff_member: StaffMember) -> ReadinessFacts:
    """Gather what the readiness rules look at, for one supporter."""
    settings_row = program_settings()
    core = list(
        TrainingModule.objects.filter(is_core=True, is_retired=False).values_list(
            "pk", "title"
        )
    )
    completed = set(
        ModuleCompletion.objects.filter(staff_member=staff_member).values_list(
            "module_id", flat=True
        )
    )
    pause = SupporterPause.objects.filter(
        staff_member=staff_member, ended_at__isnull=True
    ).first()
    return ReadinessFacts(
        core_modules=[title for _pk, title in core],
        completed_core=[title for pk, title in core if pk in completed],
        sign_off_required=settings_row.competency_sign_off_required,
        signed_off=CompetencySignOff.objects.filter(staff_member=staff_member).exists(),
        missed_in_a_row=meetings_missed_in_a_row(staff_member),
        missed_allowed=settings_row.meetings_missed_allowed,
        paused_since=pause.started_at if pause else None,
        pause_reason=pause.get_reason_display() if pause else "",
        next_meeting=next_ongoing_meeting_start(),
    )


def meetings_missed_in_a_row(staff_member: StaffMember) -> int:
    """Ongoing meetings missed since the person last attended any session."""
    taken = (
        Enrolment.objects.filter(
            staff_member=staff_member,
            status=EnrolmentStatus.ENROLLED,
            session__status=SessionStatus.SCHEDULED,
        )
        .exclude(attendance="")
        .order_by("-session__starts_at")
        .values_list("attendance", "session__kind")[:50]
    )
    missed = 0
    for attendance, kind in taken:
        if attendance == Attendance.ATTENDED:
            break
        if kind == SessionKind.ONGOING:
            missed += 1
    return missed


def next_ongoing_meeting_start() -> datetime.datetime | None:
    session = (
        TrainingSession.objects.filter(
            kind=SessionKind.ONGOING,
            status=SessionStatus.SCHEDULED,
            starts_at__gt=timezone.now(),
        )
        .order_by("starts_at")
        .first()
    )
    return session.starts_at if session else None


def supporter_standing_refresh(staff_member: StaffMember) -> SupporterStanding:
    """Recompute where a supporter stands; audit the change when the status moves."""
    facts = readiness_facts(staff_member)
    verdict = readiness_verdict(facts)
    standing, _ = SupporterStanding.objects.select_for_update().get_or_create(
        staff_member=staff_member
    )
    previous = standing.status
    standing.status = verdict.status
    standing.reasons = verdict.reasons
    standing.core_modules_done = len(facts.completed_core)
    standing.core_modules_total = len(facts.core_modules)
    standing.meetings_missed_in_a_row = facts.missed_in_a_row
    if verdict.status == Readiness.ACTIVE and standing.became_active_on is None:
        standing.became_active_on = timezone.localdate()
    standing.save()
    if previous != verdict.status:
        _audit(
            None,
            AuditAction.SUPPORTER_READINESS_CHANGED,
            standing,
            subject=staff_member,
            was=previous,
            now=verdict.status,
        )
    return standing


def supporter_standings_refresh_all() -> int:
    """Re-check every current supporter (after a curriculum or settings change; daily)."""
    holders = RoleAssignment.objects.current().filter(role=Role.PEER_SUPPORTER)
    supporters = StaffMember.objects.filter(
        Q(pk__in=holders.values("staff_member_id")) | Q(standing__isnull=False)
    ).distinct()
    count = 0
    for staff_member in supporters.iterator(chunk_size=200):
        with transaction.atomic():
            supporter_standing_refresh(staff_member)
        count += 1
    return count
