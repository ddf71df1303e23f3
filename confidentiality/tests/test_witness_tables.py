import pytest
from django.db import DatabaseError, connection, transaction

from confidentiality.models import (
    AccessEvent,
    AppendOnlyError,
    AuditAction,
    AuditAudience,
    AuditEvent,
)
from confidentiality.services import access_event_record, audit_event_record


@pytest.fixture
def audit_event(cast):
    return audit_event_record(
        actor=cast.it,
        action=AuditAction.ROLE_GRANTED,
        obj=cast.director.staff_member,
        subject=cast.director.staff_member,
        details={"role": "program_director"},
    )


@pytest.fixture
def access_event(cast):
    return access_event_record(
        actor=cast.administrator,
        obj=cast.clinician.staff_member,
        subject=cast.clinician.staff_member,
        purpose="Opened the roster entry",
    )


def test_an_audit_event_records_who_did_what_to_whom(cast, audit_event):
    stored = AuditEvent.objects.get()
    assert stored.actor == cast.it
    assert stored.action_label == "Role granted"
    assert stored.object_type == "organization.staffmember"
    assert stored.subject == cast.director.staff_member
    assert stored.audience == AuditAudience.SYSTEM
    assert stored.details == {"role": "program_director"}


@pytest.mark.parametrize("event_name", ["audit_event", "access_event"])
def test_witness_rows_refuse_to_be_changed(request, event_name):
    event = request.getfixturevalue(event_name)
    event.object_id = "something else"
    with pytest.raises(AppendOnlyError):
        event.save()


@pytest.mark.parametrize("event_name", ["audit_event", "access_event"])
def test_witness_rows_refuse_to_be_deleted(request, event_name):
    event = request.getfixturevalue(event_name)
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        type(event).objects.all().delete()
    with pytest.raises(AppendOnlyError):
        type(event).objects.update(object_id="x")
    assert type(event).objects.count() == 1


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger is PostgreSQL's defence"
)
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE confidentiality_auditevent SET action = 'rewritten'",
        "DELETE FROM confidentiality_auditevent",
        "UPDATE confidentiality_accessevent SET purpose = 'rewritten'",
        "DELETE FROM confidentiality_accessevent",
    ],
)
def test_postgresql_refuses_rewriting_history_even_in_raw_sql(
    audit_event, access_event, statement
):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert AuditEvent.objects.count() == 1
    assert AccessEvent.objects.count() == 1


def test_a_change_and_its_audit_event_roll_back_together(cast):
    from accounts.models import Role
    from accounts.services import role_grant

    with pytest.raises(RuntimeError), transaction.atomic():
        role_grant(
            actor=cast.director,
            staff_member=cast.clinician.staff_member,
            role=Role.PEER_SUPPORTER,
        )
        raise RuntimeError("something later in the same change failed")
    assert not AuditEvent.objects.exists()
    assert not cast.clinician.staff_member.role_assignments.exists()


def test_redacting_an_audit_event_forgets_whom_and_details_and_keeps_who_did_what(
    cast, audit_event
):
    AuditEvent.objects.filter(pk=audit_event.pk).redact()
    stored = AuditEvent.objects.get()
    assert (stored.subject, stored.details) == (None, {})
    assert (stored.actor, stored.action, stored.object_id) == (
        cast.it,
        AuditAction.ROLE_GRANTED,
        str(cast.director.staff_member.pk),
    )


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger is PostgreSQL's defence"
)
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE confidentiality_auditevent SET subject_id = NULL",
        "UPDATE confidentiality_auditevent SET details = '{}'::jsonb",
        "UPDATE confidentiality_auditevent "
        "SET subject_id = NULL, details = '{}'::jsonb, action = 'rewritten'",
        "UPDATE confidentiality_auditevent "
        "SET subject_id = NULL, details = '{}'::jsonb, actor_id = NULL",
    ],
)
def test_postgresql_allows_a_whole_redaction_and_nothing_more(audit_event, statement):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE confidentiality_auditevent SET subject_id = NULL, details = '{}'::jsonb"
        )
    assert AuditEvent.objects.get().subject is None
