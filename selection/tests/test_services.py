import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Role, RoleAssignment
from alongside.testing.cast import make_staff_member, make_user
from confidentiality.models import AuditAction, AuditEvent
from outbox.models import OutboundEmail
from selection import services
from selection.models import Candidate, CandidateStage, CandidateStep, Nomination


def move(actor, candidate, *stages):
    for stage in stages:
        services.candidate_move(actor=actor, candidate=candidate, to_stage=stage)
    candidate.refresh_from_db()
    return candidate


# --- Rounds -------------------------------------------------------------------------


def test_director_opens_a_round_and_it_is_audited(cast):
    today = timezone.localdate()
    nomination_round = services.nomination_round_open(
        actor=cast.director,
        title="Autumn",
        opens_on=today,
        closes_on=today + datetime.timedelta(days=7),
    )
    assert nomination_round.is_open()
    assert AuditEvent.objects.filter(
        action=AuditAction.NOMINATION_ROUND_OPENED, object_id=str(nomination_round.pk)
    ).exists()


def test_only_the_director_opens_rounds(cast):
    today = timezone.localdate()
    with pytest.raises(PermissionDenied):
        services.nomination_round_open(
            actor=cast.administrator, title="X", opens_on=today, closes_on=today
        )


@pytest.mark.parametrize(
    ("opens", "closes", "field"),
    [(-1, 5, "opens_on"), (5, 2, "closes_on")],
)
def test_a_round_with_impossible_dates_is_refused(cast, opens, closes, field):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        services.nomination_round_open(
            actor=cast.director,
            title="Bad",
            opens_on=today + datetime.timedelta(days=opens),
            closes_on=today + datetime.timedelta(days=closes),
        )
    assert field in error.value.message_dict


def test_rounds_may_not_overlap(cast, spring):
    with pytest.raises(ValidationError, match="overlap the round “Spring”"):
        services.nomination_round_open(
            actor=cast.director,
            title="Also spring",
            opens_on=spring.closes_on,
            closes_on=spring.closes_on + datetime.timedelta(days=3),
        )


def test_closing_a_round_early_stops_nominations_that_day(cast, spring, nominee):
    services.nomination_round_close(actor=cast.director, nomination_round=spring)
    spring.refresh_from_db()
    assert spring.status() == "closed"
    with pytest.raises(ValidationError, match="has closed"):
        services.nomination_make(
            nominator=cast.clinician, nomination_round=spring, nominee=nominee
        )
    with pytest.raises(ValidationError, match="already closed"):
        services.nomination_round_close(actor=cast.director, nomination_round=spring)


def test_a_round_that_has_not_opened_takes_no_nominations(cast, nominee):
    today = timezone.localdate()
    later = services.nomination_round_open(
        actor=cast.director,
        title="Later",
        opens_on=today + datetime.timedelta(days=10),
        closes_on=today + datetime.timedelta(days=20),
    )
    with pytest.raises(ValidationError, match="opens on"):
        services.nomination_make(
            nominator=cast.clinician, nomination_round=later, nominee=nominee
        )


# --- Nominations ---------------------------------------------------------------------


def test_a_nomination_makes_the_nominee_a_candidate(cast, spring, nominee):
    nomination = services.nomination_make(
        nominator=cast.clinician,
        nomination_round=spring,
        nominee=nominee,
        reason="Calm in a storm.",
    )
    candidate = nomination.candidate
    assert candidate.staff_member == nominee
    assert candidate.stage == CandidateStage.NOMINATED
    assert Nomination.objects.get().reason == "Calm in a storm."


def test_the_first_step_and_the_audit_event_do_not_name_the_nominator(
    cast, spring, nominee
):
    nomination = services.nomination_make(
        nominator=cast.clinician, nomination_round=spring, nominee=nominee
    )
    step = CandidateStep.objects.get(candidate=nomination.candidate)
    assert step.decided_by is None
    event = AuditEvent.objects.get(action=AuditAction.NOMINATION_MADE)
    assert event.actor is None
    assert event.subject is None
    assert event.object_type == "selection.nominationround"
    assert str(nominee.pk) not in str(event.details)


def test_two_nominators_make_one_candidate_with_two_nominations(cast, spring, nominee):
    services.nomination_make(
        nominator=cast.clinician, nomination_round=spring, nominee=nominee
    )
    services.nomination_make(
        nominator=cast.director, nomination_round=spring, nominee=nominee
    )
    candidate = Candidate.objects.get()
    assert candidate.nominations.count() == 2


def test_nobody_nominates_the_same_colleague_twice(cast, spring, nominee):
    services.nomination_make(
        nominator=cast.clinician, nomination_round=spring, nominee=nominee
    )
    with pytest.raises(ValidationError, match="already nominated Noor Nominee"):
        services.nomination_make(
            nominator=cast.clinician, nomination_round=spring, nominee=nominee
        )
    assert Nomination.objects.count() == 1


def test_nobody_nominates_themselves(cast, spring):
    with pytest.raises(ValidationError, match="cannot nominate yourself"):
        services.nomination_make(
            nominator=cast.clinician,
            nomination_round=spring,
            nominee=cast.clinician.staff_member,
        )
    assert not Candidate.objects.exists()


def test_a_fourth_nomination_is_refused(cast, spring):
    for _ in range(3):
        services.nomination_make(
            nominator=cast.clinician,
            nomination_round=spring,
            nominee=make_staff_member(cast.org),
        )
    with pytest.raises(ValidationError, match="made your 3 nominations"):
        services.nomination_make(
            nominator=cast.clinician,
            nomination_round=spring,
            nominee=make_staff_member(cast.org),
        )
    assert Nomination.objects.count() == 3


def test_a_colleague_outside_the_scope_cannot_be_nominated(cast, spring):
    nurse = cast.risk.staff_member
    with pytest.raises(ValidationError, match="does not yet serve"):
        services.nomination_make(
            nominator=cast.clinician, nomination_round=spring, nominee=nurse
        )
    assert not Candidate.objects.exists()


def test_an_inactive_colleague_cannot_be_nominated(cast, spring):
    gone = make_staff_member(cast.org, is_active=False)
    with pytest.raises(ValidationError, match="no longer on the active roster"):
        services.nomination_make(
            nominator=cast.clinician, nomination_round=spring, nominee=gone
        )


def test_someone_outside_the_scope_cannot_nominate(cast, spring, nominee):
    with pytest.raises(ValidationError, match="not yet among them"):
        services.nomination_make(
            nominator=cast.risk, nomination_round=spring, nominee=nominee
        )


def test_a_reason_over_the_limit_is_refused_with_its_field(cast, spring, nominee):
    with pytest.raises(ValidationError) as error:
        services.nomination_make(
            nominator=cast.clinician,
            nomination_round=spring,
            nominee=nominee,
            reason="x" * 501,
        )
    assert "reason" in error.value.message_dict


def test_withdrawing_the_only_nomination_removes_the_candidate(cast, spring, nominee):
    nomination = services.nomination_make(
        nominator=cast.clinician, nomination_round=spring, nominee=nominee
    )
    services.nomination_withdraw(nominator=cast.clinician, nomination=nomination)
    assert not Candidate.objects.exists()
    assert AuditEvent.objects.filter(action=AuditAction.NOMINATION_WITHDRAWN).exists()


def test_a_nomination_the_program_acted_on_cannot_be_withdrawn(cast, spring, nominee):
    nomination = services.nomination_make(
        nominator=cast.clinician, nomination_round=spring, nominee=nominee
    )
    move(cast.director, nomination.candidate, CandidateStage.INVITED)
    with pytest.raises(ValidationError, match="already acted"):
        services.nomination_withdraw(nominator=cast.clinician, nomination=nomination)
    assert Nomination.objects.count() == 1


def test_only_the_nominator_withdraws_a_nomination(cast, spring, nominee):
    nomination = services.nomination_make(
        nominator=cast.clinician, nomination_round=spring, nominee=nominee
    )
    with pytest.raises(PermissionDenied):
        services.nomination_withdraw(nominator=cast.director, nomination=nomination)


# --- Applications ---------------------------------------------------------------------


STATEMENT = "I have sat with colleagues after bad nights and would like training."


def test_an_eligible_clinician_applies_with_a_statement(cast, spring):
    candidate = services.supporter_apply(
        applicant=cast.clinician, nomination_round=spring, statement=STATEMENT
    )
    assert candidate.stage == CandidateStage.APPLIED
    assert candidate.statement == STATEMENT
    assert candidate.applied_on == timezone.localdate()


def test_applying_after_being_nominated_keeps_one_candidate(cast, spring):
    services.nomination_make(
        nominator=cast.director,
        nomination_round=spring,
        nominee=cast.clinician.staff_member,
    )
    candidate = services.supporter_apply(
        applicant=cast.clinician, nomination_round=spring, statement=STATEMENT
    )
    assert Candidate.objects.count() == 1
    assert candidate.stage == CandidateStage.APPLIED
    assert candidate.nominations.count() == 1


def test_applying_twice_is_refused(cast, spring):
    services.supporter_apply(
        applicant=cast.clinician, nomination_round=spring, statement=STATEMENT
    )
    with pytest.raises(ValidationError, match="already applied"):
        services.supporter_apply(
            applicant=cast.clinician, nomination_round=spring, statement=STATEMENT
        )


def test_a_statement_too_short_is_refused_with_its_field(cast, spring):
    with pytest.raises(ValidationError) as error:
        services.supporter_apply(
            applicant=cast.clinician, nomination_round=spring, statement="Me!"
        )
    assert "statement" in error.value.message_dict
    assert not Candidate.objects.exists()


def test_a_peer_supporter_does_not_apply_again(cast, spring):
    with pytest.raises(ValidationError, match="already a peer supporter"):
        services.supporter_apply(
            applicant=cast.supporter, nomination_round=spring, statement=STATEMENT
        )


# --- The pipeline --------------------------------------------------------------------------


def test_the_director_moves_a_nominee_through_to_selected(cast, spring, nominee):
    nomination = services.nomination_make(
        nominator=cast.clinician, nomination_round=spring, nominee=nominee
    )
    candidate = move(
        cast.director,
        nomination.candidate,
        CandidateStage.INVITED,
        CandidateStage.ACCEPTED,
        CandidateStage.INTERVIEWED,
        CandidateStage.SELECTED,
    )
    assert candidate.stage == CandidateStage.SELECTED
    steps = list(candidate.steps.values_list("to_stage", "decided_by"))
    assert steps == [
        (CandidateStage.NOMINATED, None),
        (CandidateStage.INVITED, cast.director.pk),
        (CandidateStage.ACCEPTED, cast.director.pk),
        (CandidateStage.INTERVIEWED, cast.director.pk),
        (CandidateStage.SELECTED, cast.director.pk),
    ]
    assert (
        RoleAssignment.objects.current()
        .filter(staff_member=nominee, role=Role.PEER_SUPPORTER)
        .exists()
    )


def test_a_step_out_of_order_is_refused_and_changes_nothing(cast, spring, nominee):
    nomination = services.nomination_make(
        nominator=cast.clinician, nomination_round=spring, nominee=nominee
    )
    with pytest.raises(ValidationError, match="cannot move to “selected”"):
        services.candidate_move(
            actor=cast.director,
            candidate=nomination.candidate,
            to_stage=CandidateStage.SELECTED,
        )
    nomination.candidate.refresh_from_db()
    assert nomination.candidate.stage == CandidateStage.NOMINATED
    assert nomination.candidate.steps.count() == 1


def test_the_administrator_invites_but_does_not_select(cast, spring, nominee):
    nomination = services.nomination_make(
        nominator=cast.clinician, nomination_round=spring, nominee=nominee
    )
    candidate = move(
        cast.administrator,
        nomination.candidate,
        CandidateStage.INVITED,
        CandidateStage.ACCEPTED,
        CandidateStage.INTERVIEWED,
    )
    with pytest.raises(PermissionDenied, match="director's decision"):
        services.candidate_move(
            actor=cast.administrator,
            candidate=candidate,
            to_stage=CandidateStage.SELECTED,
        )


def test_a_supporter_cannot_move_candidates(cast, spring, nominee):
    nomination = services.nomination_make(
        nominator=cast.clinician, nomination_round=spring, nominee=nominee
    )
    with pytest.raises(PermissionDenied):
        services.candidate_move(
            actor=cast.supporter,
            candidate=nomination.candidate,
            to_stage=CandidateStage.INVITED,
        )


def test_notes_are_encrypted_at_rest(cast, spring, nominee):
    from django.db import connection

    nomination = services.nomination_make(
        nominator=cast.clinician, nomination_round=spring, nominee=nominee
    )
    services.candidate_move(
        actor=cast.director,
        candidate=nomination.candidate,
        to_stage=CandidateStage.INVITED,
        note="Strong references from the unit.",
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT note FROM selection_candidatestep WHERE note IS NOT NULL"
        )
        stored = [row[0] for row in cursor.fetchall()]
    assert stored and all("Strong references" not in value for value in stored)


def test_inviting_queues_a_neutral_email_that_names_no_nominator(
    cast, spring, nominee, nominator
):
    nomination = services.nomination_make(
        nominator=nominator, nomination_round=spring, nominee=nominee
    )
    move(cast.director, nomination.candidate, CandidateStage.INVITED)
    email = OutboundEmail.objects.get(purpose="supporter_invitation")
    assert email.recipient == nominee.work_email
    assert email.subject == "An invitation to the peer support team"
    assert "put your name forward" in email.body_text
    assert "/invitation/" in email.body_text
    for identifier in ("Zebedee", "Quillfeather", nominator.email):
        assert identifier not in email.body_text


def invitation_token(candidate) -> str:
    email = OutboundEmail.objects.filter(purpose="supporter_invitation").latest("pk")
    link = next(line for line in email.body_text.splitlines() if "/invitation/" in line)
    return link.rstrip("/").rsplit("/", 1)[-1]


def test_the_candidate_accepts_from_the_link_once(cast, spring, nominee):
    nomination = services.nomination_make(
        nominator=cast.clinician, nomination_round=spring, nominee=nominee
    )
    candidate = move(cast.director, nomination.candidate, CandidateStage.INVITED)
    token = invitation_token(candidate)
    answered = services.invitation_answer(token=token, accept=True)
    assert answered.stage == CandidateStage.ACCEPTED
    assert answered.steps.last().decided_by is None
    with pytest.raises(ValidationError, match="expired or has already been answered"):
        services.invitation_answer(token=token, accept=False)


def test_an_invitation_link_expires_after_thirty_days(cast, spring, nominee):
    nomination = services.nomination_make(
        nominator=cast.clinician, nomination_round=spring, nominee=nominee
    )
    candidate = move(cast.director, nomination.candidate, CandidateStage.INVITED)
    token = invitation_token(candidate)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=31)):
        assert services.candidate_for_invitation_token(token) is None


def test_someone_without_an_email_cannot_be_invited_by_email(cast, spring):
    quiet = make_staff_member(cast.org, work_email="")
    nomination = services.nomination_make(
        nominator=cast.clinician, nomination_round=spring, nominee=quiet
    )
    with pytest.raises(ValidationError, match="no work e-mail"):
        services.candidate_move(
            actor=cast.director,
            candidate=nomination.candidate,
            to_stage=CandidateStage.INVITED,
        )
    assert not OutboundEmail.objects.exists()


# --- Retention -----------------------------------------------------------------------------------


def test_nominators_are_erased_after_the_round_has_been_closed_a_while(
    cast, spring, nominee
):
    services.nomination_make(
        nominator=cast.clinician,
        nomination_round=spring,
        nominee=nominee,
        reason="Kind.",
    )
    closed_on = spring.closes_on + datetime.timedelta(days=1)
    assert services.nominators_erase_due(today=closed_on) == 0
    assert (
        services.nominators_erase_due(today=closed_on + datetime.timedelta(days=30))
        == 1
    )
    nomination = Nomination.objects.get()
    assert nomination.nominator is None
    assert nomination.reason == "Kind."
    assert nomination.candidate.nominations.count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.NOMINATORS_ERASED).exists()
    assert (
        services.nominators_erase_due(today=closed_on + datetime.timedelta(days=60))
        == 0
    )


def test_the_worker_task_erases_due_nominators(cast, spring, nominee):
    from selection.tasks import erase_nominators

    services.nomination_make(
        nominator=cast.clinician, nomination_round=spring, nominee=nominee
    )
    with time_machine.travel(
        datetime.datetime.combine(
            spring.closes_on + datetime.timedelta(days=40), datetime.time(12)
        ).astimezone()
    ):
        erase_nominators({})
    assert Nomination.objects.get().nominator is None


def test_an_applicant_reaches_training_holding_the_supporter_role(cast, spring):
    person = make_user(cast.org, first_name="Ada")
    candidate = services.supporter_apply(
        applicant=person, nomination_round=spring, statement=STATEMENT
    )
    move(
        cast.director,
        candidate,
        CandidateStage.INVITED,
        CandidateStage.ACCEPTED,
        CandidateStage.INTERVIEWED,
        CandidateStage.SELECTED,
        CandidateStage.IN_TRAINING,
    )
    assert RoleAssignment.objects.filter(
        staff_member=person.staff_member, role=Role.PEER_SUPPORTER
    ).exists()
