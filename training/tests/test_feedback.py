"""Anonymous session feedback: giving it once, and reading it only in safe totals."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.utils import timezone

from accounts.models import Role
from alongside.testing.cast import make_user
from confidentiality import policy
from confidentiality.models import AuditAction, AuditAudience, AuditEvent
from training.feedback import (
    FEEDBACK_WINDOW,
    feedback_due_for,
    feedback_summary,
    session_feedback_give,
)
from training.models import (
    Attendance,
    Enrolment,
    EnrolmentStatus,
    Modality,
    SessionFeedback,
    SessionStatus,
    TrainingModule,
    TrainingSession,
)

NOW = timezone.now()


def a_session(cast, *, ended_days_ago=1.0, facilitator=None, modules=(), **fields):
    """A session that ended ``ended_days_ago`` (more than 14: its feedback has closed)."""
    ends_at = NOW - datetime.timedelta(days=ended_days_ago)
    values = {
        "title": "Listening and questions",
        "starts_at": ends_at - datetime.timedelta(hours=3),
        "ends_at": ends_at,
        "modality": Modality.IN_PERSON,
        "room": "Education Centre, room 2",
        "facilitator": (facilitator or cast.director).staff_member,
        "created_by": cast.director,
        "attendance_taken_at": ends_at,
    }
    values.update(fields)
    session = TrainingSession.objects.create(**values)
    session.modules.set(modules)
    return session


def closed_session(cast, **fields):
    return a_session(cast, ended_days_ago=FEEDBACK_WINDOW.days + 1, **fields)


def attendee(cast, session, *, attendance=Attendance.ATTENDED, user=None, **fields):
    user = user or make_user(cast.org, roles=(Role.PEER_SUPPORTER,), mfa=False)
    Enrolment.objects.create(
        session=session,
        staff_member=user.staff_member,
        attendance=attendance,
        **fields,
    )
    return user


def give(user, session, scores=(4, 5, 3), comment=""):
    usefulness, felt_safe, confidence = scores
    session_feedback_give(
        user=user,
        session=session,
        usefulness=usefulness,
        felt_safe=felt_safe,
        confidence=confidence,
        comment=comment,
    )


def answered(session, count, scores=(4, 4, 4), comments=None):
    """``count`` anonymous answers on a session (as the service would store them)."""
    comments = comments or [""] * count
    SessionFeedback.objects.bulk_create(
        SessionFeedback(
            session=session,
            usefulness=scores[0],
            felt_safe=scores[1],
            confidence=scores[2],
            comment=comment or None,
        )
        for comment in comments[:count]
    )


# --- Anonymity ---------------------------------------------------------------------------------


def test_no_field_on_session_feedback_links_it_to_a_person_or_a_moment():
    fields = SessionFeedback._meta.get_fields()
    assert {field.name for field in fields} == {
        "id",
        "session",
        "usefulness",
        "felt_safe",
        "confidence",
        "comment",
    }
    relations = [field for field in fields if field.is_relation]
    assert [field.related_model for field in relations] == [TrainingSession]
    assert not [
        field
        for field in fields
        if isinstance(field, models.DateField | models.GenericIPAddressField)
    ]


def test_an_attendee_gives_feedback_and_it_names_no_one(cast):
    session = a_session(cast)
    user = attendee(cast, session)
    give(user, session, scores=(5, 4, 3), comment="  More role-play, please.  ")
    feedback = SessionFeedback.objects.get()
    assert (feedback.session, feedback.usefulness, feedback.felt_safe) == (
        session,
        5,
        4,
    )
    assert (feedback.confidence, feedback.comment) == (3, "More role-play, please.")
    assert Enrolment.objects.get().feedback_given is True


def test_the_audit_event_for_feedback_has_no_actor(cast):
    session = a_session(cast)
    give(attendee(cast, session), session)
    event = AuditEvent.objects.get(action=AuditAction.SESSION_FEEDBACK_GIVEN)
    assert event.actor is None
    assert event.subject is None
    assert (event.object_type, event.object_id) == (
        "training.trainingsession",
        str(session.pk),
    )
    assert event.audience == AuditAudience.PROGRAM
    assert event.details == {}


def test_an_empty_comment_is_stored_as_nothing(cast):
    session = a_session(cast)
    give(attendee(cast, session), session, comment="   ")
    assert SessionFeedback.objects.get().comment is None


# --- Once only, attendees only ----------------------------------------------------------------


def test_a_second_answer_from_the_same_person_is_refused(cast):
    session = a_session(cast)
    user = attendee(cast, session)
    give(user, session)
    with pytest.raises(ValidationError, match="already given feedback"):
        give(user, session)
    assert SessionFeedback.objects.count() == 1
    assert (
        AuditEvent.objects.filter(action=AuditAction.SESSION_FEEDBACK_GIVEN).count()
        == 1
    )


def test_someone_marked_absent_cannot_give_feedback(cast):
    session = a_session(cast)
    user = attendee(cast, session, attendance=Attendance.ABSENT)
    with pytest.raises(ValidationError, match="Only people who attended"):
        give(user, session)
    assert not SessionFeedback.objects.exists()


def test_someone_not_enrolled_cannot_give_feedback(cast):
    session = a_session(cast)
    attendee(cast, session)
    with pytest.raises(ValidationError, match="Only people who attended"):
        give(cast.clinician, session)


def test_someone_on_the_waiting_list_cannot_give_feedback(cast):
    session = a_session(cast)
    user = attendee(cast, session, attendance="", status=EnrolmentStatus.WAITING)
    with pytest.raises(ValidationError, match="Only people who attended"):
        give(user, session)


def test_feedback_waits_until_attendance_is_taken(cast):
    session = a_session(cast, attendance_taken_at=None)
    user = attendee(cast, session)
    with pytest.raises(ValidationError, match="attendance has been taken"):
        give(user, session)


def test_feedback_waits_until_the_session_has_started(cast):
    starts = NOW + datetime.timedelta(hours=1)
    session = a_session(
        cast, starts_at=starts, ends_at=starts + datetime.timedelta(hours=2)
    )
    user = attendee(cast, session)
    with pytest.raises(ValidationError, match="once the session has started"):
        give(user, session)


def test_feedback_closes_fourteen_days_after_the_session_ends(cast):
    still_open = a_session(cast, ended_days_ago=FEEDBACK_WINDOW.days - 0.5)
    give(attendee(cast, still_open), still_open)
    closed = closed_session(cast)
    with pytest.raises(ValidationError, match="closed on"):
        give(attendee(cast, closed), closed)


def test_a_cancelled_session_takes_no_feedback(cast):
    session = a_session(cast, status=SessionStatus.CANCELLED)
    with pytest.raises(ValidationError, match="cancelled"):
        give(attendee(cast, session), session)


def test_the_facilitator_does_not_rate_their_own_session(cast):
    session = a_session(cast, facilitator=cast.supporter)
    attendee(cast, session, user=cast.supporter)
    with pytest.raises(ValidationError, match="own sessions"):
        give(cast.supporter, session)


@pytest.mark.parametrize("bad", [0, 6, "3", 3.0, True, None])
def test_scores_must_be_whole_numbers_from_1_to_5(cast, bad):
    session = a_session(cast)
    user = attendee(cast, session)
    with pytest.raises(ValidationError) as caught:
        give(user, session, scores=(4, bad, 4))
    assert set(caught.value.message_dict) == {"felt_safe"}
    assert not SessionFeedback.objects.exists()
    assert Enrolment.objects.get().feedback_given is False


def test_a_comment_may_have_1000_characters_but_not_1001(cast):
    session = a_session(cast)
    with pytest.raises(ValidationError) as caught:
        give(attendee(cast, session), session, comment="x" * 1001)
    assert "1000 characters" in caught.value.message_dict["comment"][0]
    give(attendee(cast, session), session, comment="x" * 1000)
    assert len(SessionFeedback.objects.get().comment) == 1000


# --- Who may ---------------------------------------------------------------------------------------


def test_only_the_director_may_view_feedback(cast):
    assert policy.may_view_feedback(cast.director)
    for name in ("administrator", "supporter", "clinician", "leader", "risk", "it"):
        assert not policy.may_view_feedback(getattr(cast, name)), name


def test_a_facilitator_who_is_not_the_director_may_not_view_feedback(cast):
    a_session(cast, facilitator=cast.other_supporter)
    assert not policy.may_view_feedback(cast.other_supporter)
    with pytest.raises(Http404):
        feedback_summary(cast.other_supporter)


def test_may_give_feedback_follows_the_rules(cast):
    session = a_session(cast)
    user = attendee(cast, session)
    assert policy.may_give_feedback(user, session)
    assert not policy.may_give_feedback(cast.clinician, session)
    give(user, session)
    assert not policy.may_give_feedback(user, session)


def test_feedback_due_lists_what_a_person_can_still_answer(cast):
    user = make_user(cast.org, roles=(Role.PEER_SUPPORTER,), mfa=False)
    due = a_session(cast, title="Due")
    attendee(cast, due, user=user)
    answered_already = a_session(cast, title="Answered")
    attendee(cast, answered_already, user=user, feedback_given=True)
    absent = a_session(cast, title="Absent")
    attendee(cast, absent, user=user, attendance=Attendance.ABSENT)
    attendee(cast, closed_session(cast, title="Closed"), user=user)
    attendee(
        cast, a_session(cast, title="Untaken", attendance_taken_at=None), user=user
    )
    assert feedback_due_for(user) == [due]
    assert feedback_due_for(cast.clinician) == []


# --- Totals, suppressed --------------------------------------------------------------------------


def test_four_responses_show_no_scores(cast):
    session = closed_session(cast)
    answered(session, 4)
    summary = feedback_summary(cast.director)
    assert summary.overall.suppressed
    assert summary.overall.usefulness.value is None
    assert summary.sessions[0].scores.suppressed
    assert summary.facilitators == []


def test_five_responses_show_the_mean_of_each_question(cast):
    session = closed_session(cast)
    answered(session, 3, scores=(5, 4, 3))
    answered(session, 2, scores=(4, 4, 2))
    summary = feedback_summary(cast.director)
    overall = summary.overall
    assert overall.responses.value == 5
    assert overall.usefulness.value == Decimal("4.6")
    assert overall.felt_safe.value == Decimal("4.0")
    assert overall.confidence.value == Decimal("2.6")
    assert summary.sessions[0].scores == overall


def test_comments_stay_hidden_at_nine_responses(cast):
    session = closed_session(cast)
    answered(session, 9, comments=[f"comment {n}" for n in range(9)])
    summary = feedback_summary(cast.director)
    assert summary.overall.responses.value == 9
    assert summary.comments is None


def test_comments_appear_at_ten_responses_in_alphabetical_order(cast):
    session = closed_session(cast)
    written = ["Zebra crossing", "", "apples", "Middle", "", "", "", "", "", "Beta"]
    answered(session, 10, comments=written)
    assert feedback_summary(cast.director).comments == [
        "apples",
        "Beta",
        "Middle",
        "Zebra crossing",
    ]


def test_comments_from_a_session_under_ten_never_show_even_beside_a_bigger_one(cast):
    answered(closed_session(cast), 10, comments=["from the big one"] * 10)
    answered(closed_session(cast), 6, comments=["from the small one"] * 6)
    comments = feedback_summary(cast.director).comments
    assert set(comments) == {"from the big one"}


def test_a_small_session_counts_in_no_total_so_none_can_be_subtracted(cast):
    big = closed_session(cast, title="Big")
    small = closed_session(cast, title="Small")
    answered(big, 6, scores=(4, 4, 4))
    answered(small, 2, scores=(1, 1, 1))
    summary = feedback_summary(cast.director)
    assert summary.overall.responses.value == 6
    assert summary.overall.usefulness.value == Decimal("4.0")
    assert summary.sessions_counted == 1
    [facilitator] = summary.facilitators
    assert (facilitator.label, facilitator.sessions) == ("Dana Director", 1)
    assert facilitator.scores == summary.overall
    rows = {row.session.title: row.scores for row in summary.sessions}
    assert rows["Small"].suppressed and not rows["Big"].suppressed


def test_a_session_still_open_is_not_counted_yet(cast):
    session = a_session(cast, ended_days_ago=2)
    answered(session, 8)
    summary = feedback_summary(cast.director)
    assert summary.overall.suppressed
    assert summary.sessions == []
    assert summary.still_open == 1
    assert summary.next_closes_at == session.ends_at + FEEDBACK_WINDOW


def test_totals_are_grouped_by_facilitator_and_by_module(cast):
    listening, referral = (
        TrainingModule.objects.create(title="T listening", summary=".", objectives="."),
        TrainingModule.objects.create(title="T referral", summary=".", objectives="."),
    )
    first = closed_session(cast, modules=[listening, referral])
    second = closed_session(cast, facilitator=cast.administrator, modules=[listening])
    answered(first, 5, scores=(5, 5, 5))
    answered(second, 5, scores=(3, 3, 3))
    summary = feedback_summary(cast.director)
    facilitators = {row.label: row for row in summary.facilitators}
    assert facilitators["Dana Director"].scores.usefulness.value == Decimal("5.0")
    assert facilitators["Alex Administrator"].scores.usefulness.value == Decimal("3.0")
    modules = {row.label: row for row in summary.modules}
    assert modules["T listening"].sessions == 2
    assert modules["T listening"].scores.responses.value == 10
    assert modules["T listening"].scores.usefulness.value == Decimal("4.0")
    assert modules["T referral"].scores.responses.value == 5
    assert summary.overall.responses.value == 10


def test_the_summary_for_one_session_shows_only_that_session(cast):
    mine = closed_session(cast)
    other = closed_session(cast)
    answered(mine, 5, scores=(2, 2, 2))
    answered(other, 5, scores=(5, 5, 5))
    summary = feedback_summary(cast.director, session=mine)
    assert summary.overall.usefulness.value == Decimal("2.0")
    assert [row.session for row in summary.sessions] == [mine]


def test_a_cancelled_session_is_left_out_of_the_totals(cast):
    session = closed_session(cast, status=SessionStatus.CANCELLED)
    answered(session, 5)
    summary = feedback_summary(cast.director)
    assert summary.overall.suppressed and summary.sessions == []


def test_k_can_be_raised_for_the_whole_organization(cast, settings):
    settings.SUPPRESSION_K = 7
    session = closed_session(cast)
    answered(session, 6)
    summary = feedback_summary(cast.director)
    assert summary.k == 7
    assert summary.overall.suppressed
