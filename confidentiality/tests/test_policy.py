import pytest
from django.http import Http404

from accounts.models import Role
from accounts.services import role_revoke
from confidentiality import policy
from confidentiality.models import AccessEvent, AuditAudience, AuditEvent


def fresh(user):
    """The same account without the roles cached on the instance."""
    return type(user).objects.get(pk=user.pk)


def test_roles_of_lists_current_roles_only(cast):
    assert policy.roles_of(cast.director) == {Role.PROGRAM_DIRECTOR}
    assert policy.roles_of(cast.clinician) == frozenset()


def test_a_revoked_role_stops_counting_the_same_day(cast):
    assignment = cast.supporter.staff_member.role_assignments.get()
    role_revoke(actor=None, assignment=assignment)
    assert policy.roles_of(fresh(cast.supporter)) == frozenset()


def test_a_person_who_left_the_roster_holds_no_roles(cast):
    staff_member = cast.director.staff_member
    staff_member.is_active = False
    staff_member.save()
    assert policy.roles_of(fresh(cast.director)) == frozenset()


def test_program_staff_see_the_whole_roster(cast):
    for user in (cast.director, cast.administrator):
        assert policy.staff_members_visible_to(user).count() == 8


@pytest.mark.parametrize("name", ["supporter", "clinician", "leader", "risk", "it"])
def test_everyone_else_sees_only_their_own_roster_entry(cast, name):
    user = getattr(cast, name)
    assert list(policy.staff_members_visible_to(user)) == [user.staff_member]


def test_access_to_a_roster_entry_is_witnessed(cast):
    target = cast.clinician.staff_member
    policy.access_staff_member(
        cast.administrator, target.pk, purpose="Checked the roster"
    )
    event = AccessEvent.objects.get()
    assert (event.actor, event.subject, event.purpose) == (
        cast.administrator,
        target,
        "Checked the roster",
    )


def test_supporter_cannot_open_someone_elses_roster_entry(cast):
    with pytest.raises(Http404):
        policy.access_staff_member(
            cast.supporter, cast.clinician.staff_member.pk, purpose="x"
        )
    assert not AccessEvent.objects.exists()


def test_a_missing_roster_entry_looks_the_same_as_a_forbidden_one(cast):
    with pytest.raises(Http404):
        policy.access_staff_member(cast.administrator, 999999, purpose="x")
    with pytest.raises(Http404):
        policy.access_staff_member(cast.administrator, "not-a-number", purpose="x")


def test_it_grants_access_roles_and_the_director_forms_the_team(cast):
    assert policy.grantable_roles(cast.it) == {
        Role.IT_ADMINISTRATOR,
        Role.PROGRAM_DIRECTOR,
        Role.LEADERSHIP_VIEWER,
        Role.RISK_QUALITY,
    }
    assert policy.grantable_roles(cast.director) == {
        Role.PROGRAM_ADMINISTRATOR,
        Role.PEER_SUPPORTER,
    }
    assert policy.grantable_roles(cast.administrator) == frozenset()


def test_nobody_may_revoke_their_own_role(cast):
    own = cast.it.staff_member.role_assignments.get()
    with pytest.raises(Http404):
        policy.access_role_assignment(cast.it, own.pk)


def test_director_cannot_revoke_roles_it_administers(cast):
    leader_role = cast.leader.staff_member.role_assignments.get()
    with pytest.raises(Http404):
        policy.access_role_assignment(cast.director, leader_role.pk)
    assert policy.access_role_assignment(cast.it, leader_role.pk) == leader_role


def test_it_sees_system_audit_events_but_not_program_ones(cast):
    AuditEvent.objects.create(
        action="x", object_type="t", audience=AuditAudience.SYSTEM
    )
    AuditEvent.objects.create(
        action="y", object_type="t", audience=AuditAudience.PROGRAM
    )
    assert policy.audit_events_visible_to(cast.it).count() == 1
    assert policy.audit_events_visible_to(cast.director).count() == 2
    assert policy.audit_events_visible_to(cast.administrator).count() == 0


def test_people_see_reads_of_their_own_records_only(cast):
    policy.access_staff_member(
        cast.director, cast.clinician.staff_member.pk, purpose="a"
    )
    policy.access_staff_member(
        cast.director, cast.supporter.staff_member.pk, purpose="b"
    )
    assert [
        e.purpose for e in policy.access_events_about_visible_to(cast.clinician)
    ] == ["a"]
