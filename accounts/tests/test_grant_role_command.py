import io

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Role
from confidentiality.models import AuditAction, AuditEvent


def test_the_first_it_administrator_is_appointed_from_the_command_line(cast):
    out = io.StringIO()
    call_command("grant_role", cast.clinician.email, "it_administrator", stdout=out)
    assert "is it administrator" in out.getvalue()
    assignment = cast.clinician.staff_member.role_assignments.get()
    assert assignment.role == Role.IT_ADMINISTRATOR
    event = AuditEvent.objects.get(action=AuditAction.ROLE_GRANTED)
    assert event.actor is None


def test_a_person_can_be_named_by_employee_id(cast):
    call_command(
        "grant_role",
        cast.clinician.staff_member.employee_id,
        "peer_supporter",
        stdout=io.StringIO(),
    )
    assert cast.clinician.staff_member.role_assignments.filter(
        role="peer_supporter"
    ).exists()


def test_an_unknown_person_is_a_clear_error(cast):
    with pytest.raises(CommandError, match="Import the roster first"):
        call_command("grant_role", "nobody@hospital.test", "it_administrator")


def test_a_role_already_held_is_a_clear_error(cast):
    with pytest.raises(CommandError, match="already holds"):
        call_command("grant_role", cast.it.email, "it_administrator")
