import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Role, RoleAssignment, User
from accounts.services import role_grant, role_revoke, user_link_to_roster
from alongside.testing.cast import make_staff_member
from confidentiality import policy
from confidentiality.models import AuditAction, AuditEvent

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
