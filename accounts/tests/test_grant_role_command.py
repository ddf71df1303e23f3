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


def test_a_director_appointed_from_the_command_line_commits_the_programs_share(cast):
    out = io.StringIO()
    call_command("grant_role", cast.clinician.email, "program_director", stdout=out)
    assignment = cast.clinician.staff_member.role_assignments.get()
    assert (assignment.committed_percent, assignment.needs_acknowledgement) == (
        20,
        True,
    )
    assert "committing 20 % of their time" in out.getvalue()
    assert f"/team/appointments/{assignment.pk}/" in out.getvalue()


def test_the_directors_share_of_time_can_be_given(cast):
    call_command(
        "grant_role",
        cast.clinician.email,
        "program_director",
        "--time-share",
        "15",
        stdout=io.StringIO(),
    )
    assert cast.clinician.staff_member.role_assignments.get().committed_percent == 15


def test_a_share_above_the_cap_is_recorded_with_a_warning(cast):
    err = io.StringIO()
    call_command(
        "grant_role",
        cast.clinician.email,
        "program_director",
        "--time-share",
        "40",
        stdout=io.StringIO(),
        stderr=err,
    )
    assert "above the program's cap of 20 %" in err.getvalue()


def test_a_share_outside_1_to_100_is_a_clear_error(cast):
    with pytest.raises(CommandError, match="from 1 to 100"):
        call_command(
            "grant_role", cast.clinician.email, "program_director", "--time-share", "0"
        )


def test_a_share_for_a_role_that_commits_none_is_a_clear_error(cast):
    with pytest.raises(CommandError, match="Only the program director"):
        call_command(
            "grant_role", cast.clinician.email, "risk_quality", "--time-share", "10"
        )
