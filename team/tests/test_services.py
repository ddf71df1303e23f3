import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Role
from accounts.services import role_grant
from confidentiality.models import AuditAction, AuditAudience, AuditEvent
from team.models import Activity, HoursEntry
from team.services import hours_log, hours_remove

TODAY = timezone.localdate()


def log(user, *, hours="1.5", worked_on=TODAY, activity=Activity.MEETINGS, note=""):
    return hours_log(
        actor=user,
        worked_on=worked_on,
        hours=Decimal(hours),
        activity=activity,
        note=note,
    )


def test_the_director_logs_their_hours_and_it_is_audited_for_the_program(cast):
    entry = log(cast.director, note="Grand rounds talk")
    assert (entry.staff_member, entry.hours, entry.created_by) == (
        cast.director.staff_member,
        Decimal("1.5"),
        cast.director,
    )
    event = AuditEvent.objects.get(action=AuditAction.HOURS_LOGGED)
    assert (event.actor, event.subject, event.audience) == (
        cast.director,
        cast.director.staff_member,
        AuditAudience.PROGRAM,
    )
    assert event.details == {
        "worked_on": str(TODAY),
        "hours": "1.50",
        "activity": "meetings",
    }


def test_the_note_is_never_copied_into_the_audit_log(cast):
    log(cast.director, note="Grand rounds talk")
    assert "Grand rounds" not in str(AuditEvent.objects.get().details)


def test_the_administrator_logs_their_hours(cast):
    entry = log(cast.administrator, activity=Activity.ADMINISTRATION)
    assert entry.staff_member == cast.administrator.staff_member


@pytest.mark.parametrize("who", ["supporter", "clinician", "leader", "risk", "it"])
def test_only_the_director_and_administrator_log_hours(cast, who):
    with pytest.raises(PermissionDenied):
        log(getattr(cast, who))
    assert not HoursEntry.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_director_who_has_not_acknowledged_cannot_log_hours(cast):
    role_grant(
        actor=cast.it,
        staff_member=cast.clinician.staff_member,
        role=Role.PROGRAM_DIRECTOR,
    )
    with pytest.raises(PermissionDenied):
        log(cast.clinician)


def test_hours_cannot_be_logged_for_days_to_come(cast):
    with pytest.raises(ValidationError, match="today or earlier") as caught:
        log(cast.director, worked_on=TODAY + datetime.timedelta(days=1))
    assert "worked_on" in caught.value.message_dict


def test_hours_can_be_logged_for_days_gone_by(cast):
    entry = log(cast.director, worked_on=TODAY - datetime.timedelta(days=40))
    assert entry.worked_on == TODAY - datetime.timedelta(days=40)


@pytest.mark.parametrize("hours", ["0", "0.1", "1.3", "24.25", "-1"])
def test_hours_must_be_quarters_from_a_quarter_to_24(cast, hours):
    with pytest.raises(ValidationError) as caught:
        log(cast.director, hours=hours)
    assert "hours" in caught.value.message_dict
    assert not HoursEntry.objects.exists()


@pytest.mark.parametrize("hours", ["0.25", "7.75", "24"])
def test_any_quarter_hour_from_a_quarter_to_24_is_accepted(cast, hours):
    assert log(cast.director, hours=hours).hours == Decimal(hours)


def test_a_day_holds_no_more_than_24_hours(cast):
    log(cast.director, hours="20")
    with pytest.raises(ValidationError, match="more than 24 hours"):
        log(cast.director, hours="4.25")
    assert log(cast.director, hours="4").hours == Decimal(4)


def test_another_persons_hours_do_not_count_towards_ones_day(cast):
    log(cast.administrator, hours="20")
    assert log(cast.director, hours="20")


def test_an_unknown_kind_of_work_is_refused(cast):
    with pytest.raises(ValidationError) as caught:
        log(cast.director, activity="patient care")
    assert "activity" in caught.value.message_dict


def test_a_note_longer_than_200_characters_is_refused(cast):
    with pytest.raises(ValidationError) as caught:
        log(cast.director, note="x" * 201)
    assert "note" in caught.value.message_dict


def test_one_removes_ones_own_entry_and_it_is_audited(cast):
    entry = log(cast.director)
    hours_remove(actor=cast.director, entry=entry)
    assert not HoursEntry.objects.exists()
    event = AuditEvent.objects.get(action=AuditAction.HOURS_REMOVED)
    assert event.audience == AuditAudience.PROGRAM
    assert event.details["hours"] == "1.50"


def test_nobody_removes_someone_elses_hours(cast):
    entry = log(cast.director)
    with pytest.raises(PermissionDenied, match="your own"):
        hours_remove(actor=cast.administrator, entry=entry)
    assert HoursEntry.objects.filter(pk=entry.pk).exists()


def test_someone_no_longer_in_a_program_role_cannot_remove_hours(cast):
    entry = log(cast.administrator)
    cast.administrator.staff_member.role_assignments.update(
        ends_on=TODAY - datetime.timedelta(days=1),
        starts_on=TODAY - datetime.timedelta(days=10),
    )
    cast.administrator._alongside_roles = None
    with pytest.raises(PermissionDenied):
        hours_remove(actor=cast.administrator, entry=entry)
