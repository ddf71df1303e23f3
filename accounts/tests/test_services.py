import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Role, RoleAssignment, User
from accounts.services import (
    role_acknowledge,
    role_grant,
    role_revoke,
    user_link_to_roster,
)
from alongside.testing.cast import make_staff_member
from confidentiality import policy
from confidentiality.models import AuditAction, AuditAudience, AuditEvent
from program.selectors import program_settings

TODAY = timezone.localdate()


def fresh(user):
    return User.objects.get(pk=user.pk)


def test_director_appoints_a_peer_supporter_and_it_is_audited(cast):
    assignment = role_grant(
        actor=cast.director,
        staff_member=cast.clinician.staff_member,
        role=Role.PEER_SUPPORTER,
    )
    assert policy.roles_of(fresh(cast.clinician)) == {Role.PEER_SUPPORTER}
    event = AuditEvent.objects.get(action=AuditAction.ROLE_GRANTED)
    assert (event.actor, event.subject, event.object_id) == (
        cast.director,
        cast.clinician.staff_member,
        str(assignment.pk),
    )
    assert event.details["role"] == "peer_supporter"


def test_a_role_can_be_scheduled_to_start_later(cast):
    role_grant(
        actor=cast.director,
        staff_member=cast.clinician.staff_member,
        role=Role.PEER_SUPPORTER,
        starts_on=TODAY + datetime.timedelta(days=7),
    )
    assert policy.roles_of(fresh(cast.clinician)) == frozenset()
    held_next_week = RoleAssignment.objects.current(TODAY + datetime.timedelta(days=7))
    assert held_next_week.filter(staff_member=cast.clinician.staff_member).exists()


def test_a_role_with_an_end_date_lapses_on_its_own(cast):
    role_grant(
        actor=cast.director,
        staff_member=cast.clinician.staff_member,
        role=Role.PEER_SUPPORTER,
        starts_on=TODAY - datetime.timedelta(days=30),
        ends_on=TODAY - datetime.timedelta(days=1),
    )
    assert policy.roles_of(fresh(cast.clinician)) == frozenset()


def test_nobody_grants_themselves_a_role(cast):
    with pytest.raises(PermissionDenied, match="own roles"):
        role_grant(
            actor=cast.it, staff_member=cast.it.staff_member, role=Role.PROGRAM_DIRECTOR
        )


def test_director_cannot_grant_roles_that_it_administers(cast):
    with pytest.raises(PermissionDenied):
        role_grant(
            actor=cast.director,
            staff_member=cast.clinician.staff_member,
            role=Role.IT_ADMINISTRATOR,
        )
    assert not AuditEvent.objects.exists()


def test_administrator_cannot_grant_any_role(cast):
    with pytest.raises(PermissionDenied):
        role_grant(
            actor=cast.administrator,
            staff_member=cast.clinician.staff_member,
            role=Role.PEER_SUPPORTER,
        )


def test_overlapping_grants_of_the_same_role_are_refused(cast):
    with pytest.raises(ValidationError, match="already holds"):
        role_grant(
            actor=cast.director,
            staff_member=cast.supporter.staff_member,
            role=Role.PEER_SUPPORTER,
        )


def test_roles_are_only_for_people_active_on_the_roster(cast, org):
    gone = make_staff_member(org, is_active=False)
    with pytest.raises(ValidationError, match="active"):
        role_grant(actor=cast.director, staff_member=gone, role=Role.PEER_SUPPORTER)


def test_an_end_before_the_start_is_refused(cast):
    with pytest.raises(ValidationError, match="end date"):
        role_grant(
            actor=cast.director,
            staff_member=cast.clinician.staff_member,
            role=Role.PEER_SUPPORTER,
            starts_on=TODAY,
            ends_on=TODAY - datetime.timedelta(days=1),
        )


def test_revoking_ends_the_role_today_and_keeps_its_history(cast):
    assignment = cast.supporter.staff_member.role_assignments.get()
    role_revoke(actor=cast.director, assignment=assignment)
    assignment.refresh_from_db()
    assert assignment.ends_on == TODAY
    assert assignment.revoked_by == cast.director
    assert policy.roles_of(fresh(cast.supporter)) == frozenset()
    assert AuditEvent.objects.filter(action=AuditAction.ROLE_REVOKED).count() == 1


def test_a_role_cannot_be_revoked_twice(cast):
    assignment = cast.supporter.staff_member.role_assignments.get()
    role_revoke(actor=cast.director, assignment=assignment)
    with pytest.raises(ValidationError, match="already"):
        role_revoke(actor=cast.director, assignment=assignment)


def test_revoking_a_role_that_has_not_started_means_it_never_applies(cast):
    assignment = role_grant(
        actor=cast.director,
        staff_member=cast.clinician.staff_member,
        role=Role.PEER_SUPPORTER,
        starts_on=TODAY + datetime.timedelta(days=3),
    )
    role_revoke(actor=cast.director, assignment=assignment)
    later = RoleAssignment.objects.current(TODAY + datetime.timedelta(days=5))
    assert not later.filter(pk=assignment.pk).exists()


def test_an_account_is_linked_to_the_roster_entry_with_its_email(org):
    staff_member = make_staff_member(org, work_email="Jo.Smith@Hospital.test")
    user = User.objects.create_user("jo.smith@hospital.test", password="x" * 16)
    assert user_link_to_roster(user=user) == staff_member
    assert fresh(user).staff_member == staff_member
    assert AuditEvent.objects.filter(action=AuditAction.ACCOUNT_LINKED).exists()


def test_an_account_is_not_linked_to_someone_who_left(org):
    make_staff_member(org, work_email="gone@hospital.test", is_active=False)
    user = User.objects.create_user("gone@hospital.test", password="x" * 16)
    assert user_link_to_roster(user=user) is None


# --- Appointing the program director: a time commitment, acknowledged ---------------------


def appoint_director(cast, **extra):
    return role_grant(
        actor=cast.it,
        staff_member=cast.clinician.staff_member,
        role=Role.PROGRAM_DIRECTOR,
        **extra,
    )


def test_appointing_a_director_records_the_programs_cap_as_their_commitment(cast):
    assignment = appoint_director(cast)
    assert assignment.committed_percent == 20
    assert assignment.needs_acknowledgement
    assert assignment.acknowledged_at is None
    event = AuditEvent.objects.get(action=AuditAction.ROLE_GRANTED)
    assert event.details["committed_percent"] == 20
    assert event.details["needs_acknowledgement"] is True


def test_the_default_commitment_follows_the_programs_settings(cast):
    settings_row = program_settings()
    settings_row.director_time_cap_percent = 25
    settings_row.save()
    assert appoint_director(cast).committed_percent == 25


def test_a_director_may_commit_a_chosen_share_even_above_the_cap(cast):
    assert appoint_director(cast, committed_percent=30).committed_percent == 30


@pytest.mark.parametrize("percent", [0, 101])
def test_a_share_of_time_outside_1_to_100_percent_is_refused(cast, percent):
    with pytest.raises(ValidationError, match="from 1 to 100"):
        appoint_director(cast, committed_percent=percent)
    assert not RoleAssignment.objects.filter(role=Role.PROGRAM_DIRECTOR).exclude(
        staff_member=cast.director.staff_member
    )


def test_an_unacknowledged_director_has_no_director_powers(cast):
    appoint_director(cast)
    clinician = fresh(cast.clinician)
    assert not policy.has_role(clinician, Role.PROGRAM_DIRECTOR)
    assert policy.roles_of(clinician) == frozenset()
    assert not policy.may_change_program(clinician)
    assert policy.grantable_roles(clinician) == frozenset()


def test_acknowledging_the_appointment_makes_the_role_count(cast):
    assignment = appoint_director(cast)
    role_acknowledge(user=cast.clinician, assignment=assignment)
    assignment.refresh_from_db()
    assert assignment.acknowledged_at is not None
    assert policy.has_role(fresh(cast.clinician), Role.PROGRAM_DIRECTOR)
    event = AuditEvent.objects.get(action=AuditAction.ROLE_ACKNOWLEDGED)
    assert (event.actor, event.subject, event.audience) == (
        cast.clinician,
        cast.clinician.staff_member,
        AuditAudience.SYSTEM,
    )
    assert event.details == {
        "role": "program_director",
        "starts_on": str(TODAY),
        "committed_percent": 20,
    }


def test_an_appointment_acknowledged_ahead_counts_from_its_start(cast):
    starts_on = TODAY + datetime.timedelta(days=10)
    assignment = appoint_director(cast, starts_on=starts_on)
    role_acknowledge(user=cast.clinician, assignment=assignment)
    assert policy.roles_of(fresh(cast.clinician)) == frozenset()
    held = RoleAssignment.objects.current(starts_on)
    assert held.filter(pk=assignment.pk).exists()


def test_only_the_appointee_acknowledges_an_appointment(cast):
    assignment = appoint_director(cast)
    for someone_else in (cast.it, cast.director, cast.administrator):
        with pytest.raises(PermissionDenied, match="Only the person appointed"):
            role_acknowledge(user=someone_else, assignment=assignment)
    assert not AuditEvent.objects.filter(action=AuditAction.ROLE_ACKNOWLEDGED)


def test_an_appointment_is_acknowledged_only_once(cast):
    assignment = appoint_director(cast)
    role_acknowledge(user=cast.clinician, assignment=assignment)
    with pytest.raises(ValidationError, match="already acknowledged"):
        role_acknowledge(user=cast.clinician, assignment=assignment)
    stale_copy = RoleAssignment.objects.get(pk=assignment.pk)
    stale_copy.acknowledged_at = None
    with pytest.raises(ValidationError, match="already acknowledged"):
        role_acknowledge(user=cast.clinician, assignment=stale_copy)
    assert AuditEvent.objects.filter(action=AuditAction.ROLE_ACKNOWLEDGED).count() == 1


def test_a_withdrawn_appointment_cannot_be_acknowledged(cast):
    assignment = appoint_director(cast)
    role_revoke(actor=cast.it, assignment=assignment)
    with pytest.raises(ValidationError, match="ended"):
        role_acknowledge(user=cast.clinician, assignment=assignment)
    assert policy.roles_of(fresh(cast.clinician)) == frozenset()


def test_roles_that_need_no_acknowledgement_cannot_be_acknowledged(cast):
    assignment = cast.supporter.staff_member.role_assignments.get()
    with pytest.raises(ValidationError, match="does not need"):
        role_acknowledge(user=cast.supporter, assignment=assignment)


def test_an_appointment_awaiting_acknowledgement_blocks_a_second_one(cast):
    appoint_director(cast)
    with pytest.raises(ValidationError, match="already holds"):
        appoint_director(cast)


def test_an_administrator_may_commit_a_share_and_needs_no_acknowledgement(cast):
    assignment = role_grant(
        actor=cast.director,
        staff_member=cast.clinician.staff_member,
        role=Role.PROGRAM_ADMINISTRATOR,
        committed_percent=50,
    )
    assert (assignment.committed_percent, assignment.needs_acknowledgement) == (
        50,
        False,
    )
    assert policy.is_program_staff(fresh(cast.clinician))


def test_an_administrators_commitment_is_optional(cast):
    assignment = role_grant(
        actor=cast.director,
        staff_member=cast.clinician.staff_member,
        role=Role.PROGRAM_ADMINISTRATOR,
    )
    assert assignment.committed_percent is None


def test_only_the_director_and_administrator_commit_a_share_of_time(cast):
    with pytest.raises(ValidationError, match="Only the program director"):
        role_grant(
            actor=cast.director,
            staff_member=cast.clinician.staff_member,
            role=Role.PEER_SUPPORTER,
            committed_percent=10,
        )


def test_roles_created_without_an_acknowledgement_step_count_at_once(cast):
    assert policy.has_role(fresh(cast.director), Role.PROGRAM_DIRECTOR)
    assert not cast.director.staff_member.role_assignments.get().needs_acknowledgement
