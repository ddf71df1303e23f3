import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Role
from alongside.testing.cast import make_user
from confidentiality.models import AuditAction, AuditEvent
from outbox.models import OutboundEmail
from program.selectors import program_settings
from selection.models import Candidate, CandidateStage, NominationRound
from training import services
from training.models import (
    Attendance,
    Enrolment,
    EnrolmentStatus,
    Modality,
    ModuleCompletion,
    Readiness,
    SessionKind,
    SessionStatus,
    TrainingModule,
    TrainingSession,
)
from training.selectors import assignable_supporters
from worker.models import BackgroundTask, DueStatus


def enrol_past(session, *people):
    """Enrolments for a session that has happened (the service refuses those)."""
    return [
        Enrolment.objects.create(session=session, staff_member=person)
        for person in people
    ]


def train_fully(cast, make_session, core_modules, person):
    session = make_session(days=-10, modules=core_modules)
    enrol_past(session, person)
    services.attendance_record(
        actor=cast.administrator, session=session, attended_ids=[person.pk]
    )


def standing(person):
    person.refresh_from_db()
    return person.standing.status


# --- Readiness: the rules ---------------------------------------------------------------


def test_a_new_supporter_is_in_training_and_not_assignable(cast):
    supporter = cast.supporter.staff_member
    services.supporter_standing_refresh(supporter)
    assert standing(supporter) == Readiness.IN_TRAINING
    assert supporter not in assignable_supporters()
    assert "7 of 7 core modules still to complete" in supporter.standing.reasons[0]


def test_completing_every_core_module_then_sign_off_makes_a_supporter_active(
    cast, make_session, core_modules
):
    supporter = cast.supporter.staff_member
    train_fully(cast, make_session, core_modules, supporter)
    assert standing(supporter) == Readiness.AWAITING_SIGN_OFF
    assert supporter not in assignable_supporters()
    services.competency_sign_off(
        actor=cast.director, staff_member=supporter, note="Role-play went well."
    )
    assert standing(supporter) == Readiness.ACTIVE
    assert supporter in assignable_supporters()
    assert supporter.standing.became_active_on == timezone.localdate()


def test_without_a_required_sign_off_completion_alone_makes_a_supporter_active(
    cast, make_session, core_modules
):
    settings_row = program_settings()
    settings_row.competency_sign_off_required = False
    settings_row.save()
    supporter = cast.supporter.staff_member
    train_fully(cast, make_session, core_modules, supporter)
    assert standing(supporter) == Readiness.ACTIVE


def test_one_module_short_keeps_a_supporter_in_training(
    cast, make_session, core_modules
):
    supporter = cast.supporter.staff_member
    session = make_session(days=-3, modules=core_modules[:-1])
    enrol_past(session, supporter)
    services.attendance_record(
        actor=cast.director, session=session, attended_ids=[supporter.pk]
    )
    assert standing(supporter) == Readiness.IN_TRAINING
    assert core_modules[-1].title in supporter.standing.reasons[0]


def meeting(make_session, days, *people):
    session = make_session(
        kind=SessionKind.ONGOING, days=days, title="Supporters' meeting"
    )
    enrol_past(session, *people)
    return session


def test_missed_meetings_make_a_refresher_due_until_one_is_attended(
    cast, make_session, core_modules
):
    supporter = cast.supporter.staff_member
    train_fully(cast, make_session, core_modules, supporter)
    services.competency_sign_off(actor=cast.director, staff_member=supporter)
    assert standing(supporter) == Readiness.ACTIVE

    for days in (-9, -6, -3):
        services.attendance_record(
            actor=cast.administrator,
            session=meeting(make_session, days, supporter),
            attended_ids=[],
        )
    # Three missed in a row is more than the two the program allows.
    assert standing(supporter) == Readiness.REFRESHER_DUE
    assert supporter.standing.meetings_missed_in_a_row == 3
    assert "Missed the last 3 supporters' meetings" in supporter.standing.reasons[0]
    assert supporter not in assignable_supporters()

    services.attendance_record(
        actor=cast.administrator,
        session=meeting(make_session, -1, supporter),
        attended_ids=[supporter.pk],
    )
    assert standing(supporter) == Readiness.ACTIVE
    assert supporter in assignable_supporters()


def test_two_missed_meetings_are_within_what_the_program_allows(
    cast, make_session, core_modules
):
    supporter = cast.supporter.staff_member
    train_fully(cast, make_session, core_modules, supporter)
    services.competency_sign_off(actor=cast.director, staff_member=supporter)
    for days in (-6, -3):
        services.attendance_record(
            actor=cast.administrator,
            session=meeting(make_session, days, supporter),
            attended_ids=[],
        )
    assert standing(supporter) == Readiness.ACTIVE


def test_a_paused_supporter_is_out_of_matching_and_back_when_they_resume(
    cast, make_session, core_modules
):
    supporter = cast.supporter.staff_member
    train_fully(cast, make_session, core_modules, supporter)
    services.competency_sign_off(actor=cast.director, staff_member=supporter)
    services.supporter_pause(user=cast.supporter, reason="leave")
    assert standing(supporter) == Readiness.PAUSED
    assert supporter not in assignable_supporters()
    with pytest.raises(ValidationError, match="already paused"):
        services.supporter_pause(user=cast.supporter, reason="overload")
    services.supporter_resume(user=cast.supporter)
    assert standing(supporter) == Readiness.ACTIVE
    assert supporter.pauses.count() == 1


def test_only_supporters_pause_themselves(cast):
    with pytest.raises(PermissionDenied):
        services.supporter_pause(user=cast.clinician, reason="leave")


def test_a_status_change_is_audited_without_an_actor(cast, make_session, core_modules):
    supporter = cast.supporter.staff_member
    services.supporter_standing_refresh(supporter)
    train_fully(cast, make_session, core_modules, supporter)
    event = AuditEvent.objects.filter(
        action=AuditAction.SUPPORTER_READINESS_CHANGED, subject=supporter
    ).latest("pk")
    assert event.actor is None
    assert event.details == {"was": "in_training", "now": "awaiting_sign_off"}


def test_a_new_core_module_sends_active_supporters_back_to_training(
    cast, make_session, core_modules
):
    supporter = cast.supporter.staff_member
    train_fully(cast, make_session, core_modules, supporter)
    services.competency_sign_off(actor=cast.director, staff_member=supporter)
    services.training_module_save(
        actor=cast.director,
        module=TrainingModule(
            title="Working with the incident review",
            summary="What supporters say and do not say when a review is under way.",
            objectives="Decline to take part in a review",
            is_core=True,
        ),
    )
    assert standing(supporter) == Readiness.IN_TRAINING


def test_only_the_director_edits_the_curriculum(cast, core_modules):
    module = core_modules[0]
    module.summary = "Changed."
    with pytest.raises(PermissionDenied):
        services.training_module_save(actor=cast.administrator, module=module)


# --- Scheduling ----------------------------------------------------------------------------


def new_session(cast, **overrides) -> TrainingSession:
    starts_at = timezone.now().replace(microsecond=0) + datetime.timedelta(days=5)
    values = {
        "kind": SessionKind.TRAINING,
        "title": "Empathetic listening",
        "starts_at": starts_at,
        "ends_at": starts_at + datetime.timedelta(hours=2),
        "modality": Modality.REMOTE,
        "meeting_link": "https://meet.example.org/peer-training",
        "room": "",
        "private_setting_confirmed": True,
        "capacity": 8,
        "facilitator": cast.director.staff_member,
        "created_by": cast.administrator,
    }
    values.update(overrides)
    return TrainingSession(**values)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"meeting_link": ""}, "meeting_link"),
        ({"modality": Modality.IN_PERSON, "room": ""}, "room"),
        ({"private_setting_confirmed": False}, "private_setting_confirmed"),
        ({"starts_at": timezone.now() - datetime.timedelta(hours=1)}, "starts_at"),
    ],
)
def test_a_session_with_something_missing_is_refused_on_its_field(
    cast, core_modules, overrides, field
):
    with pytest.raises(ValidationError) as error:
        services.session_schedule(
            actor=cast.administrator,
            session=new_session(cast, **overrides),
            modules=core_modules[:1],
        )
    assert field in error.value.message_dict
    assert not TrainingSession.objects.exists()


def test_a_training_session_must_cover_a_module(cast):
    with pytest.raises(ValidationError) as error:
        services.session_schedule(actor=cast.administrator, session=new_session(cast))
    assert "modules" in error.value.message_dict


def test_a_clinician_cannot_schedule_training(cast, core_modules):
    with pytest.raises(PermissionDenied):
        services.session_schedule(
            actor=cast.clinician, session=new_session(cast), modules=core_modules[:1]
        )


def test_scheduling_a_session_schedules_its_reminder(cast, core_modules):
    [session] = services.session_schedule(
        actor=cast.administrator, session=new_session(cast), modules=core_modules[:1]
    )
    task = BackgroundTask.objects.get(kind="training.session_reminder")
    assert task.due_at == session.starts_at - datetime.timedelta(hours=24)
    assert task.payload == {"session_id": session.pk}


def test_an_ongoing_meeting_invites_every_supporter_who_is_not_paused(cast):
    services.supporter_pause(user=cast.other_supporter, reason="overload")
    [session] = services.session_schedule(
        actor=cast.administrator,
        session=new_session(cast, kind=SessionKind.ONGOING, title="Monthly meeting"),
    )
    assert list(session.enrolments.values_list("staff_member", flat=True)) == [
        cast.supporter.staff_member_id
    ]
    assert OutboundEmail.objects.filter(
        recipient=cast.supporter.email, purpose="training_invitation"
    ).exists()


def test_ongoing_meetings_repeat_at_the_cadence_and_keep_their_local_time(cast):
    first = timezone.make_aware(datetime.datetime(2030, 2, 12, 18, 0))
    sessions = services.session_schedule(
        actor=cast.administrator,
        session=new_session(
            cast,
            kind=SessionKind.ONGOING,
            starts_at=first,
            ends_at=first + datetime.timedelta(hours=1),
        ),
        repeats=2,
    )
    local = [timezone.localtime(s.starts_at) for s in sessions]
    assert [(t.month, t.day, t.hour) for t in local] == [
        (2, 12, 18),
        (3, 12, 18),
        (4, 12, 18),
    ]
    # March 12 2030 is after the change to daylight saving: same local hour, other UTC hour.
    assert sessions[0].starts_at.astimezone(datetime.UTC).hour == 23
    assert sessions[1].starts_at.astimezone(datetime.UTC).hour == 22


def test_only_ongoing_meetings_repeat(cast, core_modules):
    with pytest.raises(ValidationError) as error:
        services.session_schedule(
            actor=cast.administrator,
            session=new_session(cast),
            modules=core_modules[:1],
            repeats=2,
        )
    assert "repeats" in error.value.message_dict


# --- Enrolment -----------------------------------------------------------------------------------


def test_a_supporter_enrols_themselves_and_is_invited(cast, make_session, core_modules):
    session = make_session(modules=core_modules[:2])
    enrolment = services.enrolment_add(
        actor=cast.supporter, session=session, staff_member=cast.supporter.staff_member
    )
    assert enrolment.status == EnrolmentStatus.ENROLLED
    email = OutboundEmail.objects.get(recipient=cast.supporter.email)
    assert email.calendar_method == "REQUEST"


def test_someone_who_is_not_a_supporter_cannot_be_enrolled(cast, make_session):
    session = make_session()
    with pytest.raises(ValidationError, match="not a peer supporter"):
        services.enrolment_add(
            actor=cast.administrator,
            session=session,
            staff_member=cast.clinician.staff_member,
        )
    with pytest.raises(PermissionDenied):
        services.enrolment_add(
            actor=cast.clinician,
            session=session,
            staff_member=cast.clinician.staff_member,
        )


def test_a_full_session_puts_people_on_the_waiting_list_and_a_free_place_promotes_them(
    cast, make_session
):
    session = make_session(capacity=1)
    first = services.enrolment_add(
        actor=cast.administrator,
        session=session,
        staff_member=cast.supporter.staff_member,
    )
    second = services.enrolment_add(
        actor=cast.administrator,
        session=session,
        staff_member=cast.other_supporter.staff_member,
    )
    assert second.status == EnrolmentStatus.WAITING
    assert not OutboundEmail.objects.filter(
        recipient=cast.other_supporter.email
    ).exists()

    services.enrolment_withdraw(actor=cast.supporter, enrolment=first)
    second.refresh_from_db()
    assert second.status == EnrolmentStatus.ENROLLED
    assert OutboundEmail.objects.get(
        recipient=cast.other_supporter.email
    ).calendar_method == ("REQUEST")
    assert OutboundEmail.objects.filter(
        recipient=cast.supporter.email, calendar_method="CANCEL"
    ).exists()


def test_enrolling_twice_is_refused(cast, make_session):
    session = make_session()
    services.enrolment_add(
        actor=cast.supporter, session=session, staff_member=cast.supporter.staff_member
    )
    with pytest.raises(ValidationError, match="already enrolled"):
        services.enrolment_add(
            actor=cast.supporter,
            session=session,
            staff_member=cast.supporter.staff_member,
        )


def test_enrolling_a_selected_candidate_moves_them_into_training(cast, make_session):
    person = make_user(cast.org, roles=(Role.PEER_SUPPORTER,), first_name="Sel")
    nomination_round = NominationRound.objects.create(
        title="Spring",
        opens_on=timezone.localdate() - datetime.timedelta(days=30),
        closes_on=timezone.localdate() - datetime.timedelta(days=10),
        created_by=cast.director,
    )
    candidate = Candidate.objects.create(
        round=nomination_round,
        staff_member=person.staff_member,
        stage=CandidateStage.SELECTED,
    )
    services.enrolment_add(
        actor=person, session=make_session(), staff_member=person.staff_member
    )
    candidate.refresh_from_db()
    assert candidate.stage == CandidateStage.IN_TRAINING
    assert candidate.steps.get().decided_by == person


# --- Changes, cancellations, reminders -----------------------------------------------------


def test_a_change_raises_the_sequence_and_sends_everyone_an_update(
    cast, make_session, core_modules
):
    session = make_session(modules=core_modules[:1])
    services.enrolment_add(
        actor=cast.supporter, session=session, staff_member=cast.supporter.staff_member
    )
    session.room = "Library seminar room"
    services.session_update(
        actor=cast.administrator, session=session, modules=core_modules[:1]
    )
    session.refresh_from_db()
    assert session.sequence == 1
    emails = OutboundEmail.objects.filter(recipient=cast.supporter.email).order_by("pk")
    assert [e.purpose for e in emails] == ["training_invitation", "training_update"]


def test_saving_without_changes_sends_nothing(cast, make_session, core_modules):
    session = make_session(modules=core_modules[:1])
    services.session_update(
        actor=cast.administrator, session=session, modules=core_modules[:1]
    )
    assert TrainingSession.objects.get().sequence == 0
    assert not OutboundEmail.objects.exists()


def test_a_cancellation_reaches_everyone_enrolled_and_stops_the_reminder(
    cast, core_modules
):
    [session] = services.session_schedule(
        actor=cast.administrator, session=new_session(cast), modules=core_modules[:1]
    )
    services.enrolment_add(
        actor=cast.supporter, session=session, staff_member=cast.supporter.staff_member
    )
    services.session_cancel(actor=cast.administrator, session=session, reason="Snow.")
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED
    assert session.sequence == 1
    cancellation = OutboundEmail.objects.get(calendar_method="CANCEL")
    assert cancellation.recipient == cast.supporter.email
    assert not BackgroundTask.objects.filter(
        kind="training.session_reminder", status=DueStatus.PENDING
    ).exists()
    with pytest.raises(ValidationError, match="already cancelled"):
        services.session_cancel(actor=cast.administrator, session=session)


def test_the_reminder_goes_to_everyone_enrolled(cast, make_session):
    session = make_session(days=1)
    services.enrolment_add(
        actor=cast.supporter, session=session, staff_member=cast.supporter.staff_member
    )
    assert services.session_reminder_send(session_id=session.pk) == 1
    assert OutboundEmail.objects.filter(purpose="training_reminder").count() == 1


def test_no_reminder_for_a_cancelled_session(cast, make_session):
    session = make_session(days=1)
    session.status = SessionStatus.CANCELLED
    session.save()
    assert services.session_reminder_send(session_id=session.pk) == 0


# --- Attendance ------------------------------------------------------------------------------------


def test_attendance_is_taken_only_after_the_session_starts(cast, make_session):
    session = make_session(days=2)
    with pytest.raises(ValidationError, match="once the session has started"):
        services.attendance_record(
            actor=cast.administrator, session=session, attended_ids=[]
        )


def test_correcting_attendance_takes_back_the_modules(cast, make_session, core_modules):
    supporter = cast.supporter.staff_member
    session = make_session(days=-1, modules=core_modules[:2])
    enrol_past(session, supporter)
    services.attendance_record(
        actor=cast.administrator, session=session, attended_ids=[supporter.pk]
    )
    assert ModuleCompletion.objects.filter(staff_member=supporter).count() == 2
    services.attendance_record(
        actor=cast.administrator, session=session, attended_ids=[]
    )
    assert not ModuleCompletion.objects.filter(staff_member=supporter).exists()
    assert Enrolment.objects.get().attendance == Attendance.ABSENT


def test_the_facilitator_takes_attendance_but_another_supporter_cannot(
    cast, make_session
):
    session = make_session(days=-1)
    session.facilitator = cast.other_supporter.staff_member
    session.save()
    enrol_past(session, cast.supporter.staff_member)
    services.attendance_record(
        actor=cast.other_supporter,
        session=session,
        attended_ids=[cast.supporter.staff_member_id],
    )
    with pytest.raises(PermissionDenied):
        services.attendance_record(
            actor=cast.supporter, session=session, attended_ids=[]
        )


def test_only_people_enrolled_can_be_marked_present(cast, make_session):
    session = make_session(days=-1)
    with pytest.raises(ValidationError, match="Only people enrolled"):
        services.attendance_record(
            actor=cast.administrator,
            session=session,
            attended_ids=[cast.clinician.staff_member_id],
        )
