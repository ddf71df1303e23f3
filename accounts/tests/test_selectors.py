import datetime

from django.utils import timezone

from accounts.models import Role
from accounts.selectors import (
    appointments_awaiting,
    role_assignments_for_page,
    team_summary,
)
from accounts.services import role_acknowledge, role_grant, role_revoke

TODAY = timezone.localdate()


def appoint_director(cast, **extra):
    return role_grant(
        actor=cast.it,
        staff_member=cast.clinician.staff_member,
        role=Role.PROGRAM_DIRECTOR,
        **extra,
    )


def test_an_appointee_sees_the_appointment_awaiting_them(cast):
    assignment = appoint_director(cast)
    assert list(appointments_awaiting(cast.clinician)) == [assignment]


def test_nobody_else_sees_someone_elses_appointment_awaiting(cast):
    appoint_director(cast)
    for someone_else in (cast.it, cast.director, cast.supporter):
        assert not appointments_awaiting(someone_else).exists()


def test_an_acknowledged_appointment_no_longer_awaits(cast):
    assignment = appoint_director(cast)
    role_acknowledge(user=cast.clinician, assignment=assignment)
    assert not appointments_awaiting(cast.clinician).exists()


def test_a_withdrawn_appointment_no_longer_awaits(cast):
    assignment = appoint_director(cast)
    role_revoke(actor=cast.it, assignment=assignment)
    assert not appointments_awaiting(cast.clinician).exists()


def test_an_appointment_starting_later_can_be_acknowledged_now(cast):
    assignment = appoint_director(cast, starts_on=TODAY + datetime.timedelta(days=30))
    assert list(appointments_awaiting(cast.clinician)) == [assignment]


def test_the_roles_page_lists_appointments_awaiting_and_roles_starting_later(cast):
    pending = appoint_director(cast)
    later = role_grant(
        actor=cast.director,
        staff_member=cast.risk.staff_member,
        role=Role.PEER_SUPPORTER,
        starts_on=TODAY + datetime.timedelta(days=7),
    )
    listed = set(role_assignments_for_page(cast.it))
    assert {pending, later} <= listed


def test_the_roles_page_leaves_out_roles_that_have_ended(cast):
    ended = role_grant(
        actor=cast.director,
        staff_member=cast.clinician.staff_member,
        role=Role.PEER_SUPPORTER,
        starts_on=TODAY - datetime.timedelta(days=30),
        ends_on=TODAY - datetime.timedelta(days=1),
    )
    assert ended not in set(role_assignments_for_page(cast.director))
    assert ended in set(role_assignments_for_page(cast.director, include_ended=True))


def test_a_director_awaiting_acknowledgement_is_not_counted_as_leading(cast):
    cast.director.staff_member.role_assignments.get().delete()
    appoint_director(cast)
    assert team_summary().directors == []
