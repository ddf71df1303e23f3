"""Logging conversations, the care check, debriefs and safety concerns."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from confidentiality.models import AuditAction, AuditEvent
from conversations import services
from conversations.models import CareCheck, DebriefRequest, Encounter, SafetyConcern
from conversations.tests.conftest import an_offer
from outbox.models import OutboundEmail
from outreach.models import CloseReason, OfferState
from program.models import ProgramSettings
from program.selectors import program_settings


def notes_on():
    ProgramSettings.objects.update_or_create(
        pk=1, defaults={"encounter_notes_enabled": True}
    )


# --- Logging a conversation ------------------------------------------------------------------


def test_the_supporter_logs_a_conversation_and_the_offer_is_in_support(
    cast, offer, log
):
    encounter = log()
    offer.refresh_from_db()
    assert offer.state == OfferState.IN_SUPPORT
    assert list(offer.steps.values_list("to_state", flat=True)) == [
        OfferState.ACCEPTED,
        OfferState.IN_SUPPORT,
    ]
    assert (encounter.duration_minutes, encounter.modality) == (40, "phone")
    assert encounter.supporter == cast.supporter.staff_member


def test_logging_is_audited_with_nothing_said_in_it(cast, log):
    encounter = log()
    audit = AuditEvent.objects.get(action=AuditAction.ENCOUNTER_LOGGED)
    assert audit.object_id == str(encounter.pk)
    assert audit.subject_id == cast.clinician.staff_member_id
    assert audit.details == {
        "minutes": 40,
        "modality": "phone",
        "outcome": "continuing",
    }


def test_support_ended_closes_the_offer(log, offer):
    log(outcome="closed")
    offer.refresh_from_db()
    assert offer.state == OfferState.CLOSED
    assert offer.close_reason == CloseReason.SUPPORT_ENDED


@pytest.mark.parametrize("who", ["other_supporter", "director", "clinician"])
def test_only_the_assigned_supporter_logs_a_conversation(cast, log, who):
    with pytest.raises(PermissionDenied):
        log(actor=getattr(cast, who))
    assert not Encounter.objects.exists()


def test_a_conversation_before_anyone_was_reached_is_refused(cast):
    offer = an_offer(cast, state=OfferState.ASSIGNED)
    with pytest.raises(ValidationError) as refused:
        services.encounter_log(
            actor=cast.supporter,
            offer=offer,
            occurred_on=timezone.localdate(),
            duration_minutes=20,
            modality="phone",
            outcome="continuing",
        )
    assert "once you have reached them" in str(refused.value)


@pytest.mark.parametrize(
    "fields, field",
    [
        (
            {"occurred_on": timezone.localdate() + datetime.timedelta(days=1)},
            "occurred_on",
        ),
        (
            {"occurred_on": timezone.localdate() - datetime.timedelta(days=30)},
            "occurred_on",
        ),
        ({"duration_minutes": 0}, "duration_minutes"),
        ({"duration_minutes": 601}, "duration_minutes"),
        ({"modality": "carrier pigeon"}, "modality"),
        ({"outcome": "cured"}, "outcome"),
        ({"note": "They were upset about the drug error"}, "note"),
    ],
)
def test_a_wrong_value_is_refused_naming_its_field(log, fields, field):
    with pytest.raises(ValidationError) as refused:
        log(**fields)
    assert field in refused.value.message_dict
    assert not Encounter.objects.exists()


def test_a_note_is_kept_only_when_the_program_allows_notes_and_encrypted(log):
    notes_on()
    encounter = log(note="Call back Thursday")
    assert Encounter.objects.get(pk=encounter.pk).note == "Call back Thursday"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT note FROM conversations_encounter WHERE id = %s", [encounter.pk]
        )
        [stored] = cursor.fetchone()
    assert "Call back" not in stored
    assert stored
    assert "Call back" not in str(AuditEvent.objects.values_list("details", flat=True))


def test_a_third_conversation_is_logged_and_counted_past_the_norm(log):
    for _ in range(3):
        log()
    assert Encounter.objects.count() == 3 > program_settings().conversations_per_case


# --- The care check and debriefs --------------------------------------------------------------


def test_the_care_check_is_answered_once(cast, log):
    encounter = log()
    services.care_check_answer(
        actor=cast.supporter, encounter=encounter, heaviness=4, wants_debrief=False
    )
    with pytest.raises(ValidationError):
        services.care_check_answer(
            actor=cast.supporter, encounter=encounter, heaviness=2, wants_debrief=False
        )
    assert CareCheck.objects.get().heaviness == 4
    assert not DebriefRequest.objects.exists()


def test_the_care_check_is_the_supporters_own(cast, log):
    encounter = log()
    with pytest.raises(PermissionDenied):
        services.care_check_answer(
            actor=cast.director, encounter=encounter, heaviness=3, wants_debrief=False
        )


def test_asking_for_a_debrief_tells_the_director_once(cast, log):
    first, second = log(), log()
    for encounter in (first, second):
        services.care_check_answer(
            actor=cast.supporter, encounter=encounter, heaviness=5, wants_debrief=True
        )
    request = DebriefRequest.objects.get()
    assert request.supporter == cast.supporter.staff_member
    emails = OutboundEmail.objects.filter(purpose="debrief_requested")
    assert [email.recipient for email in emails] == [
        cast.director.staff_member.work_email
    ]
    assert cast.clinician.staff_member.last_name not in emails.get().body_text


def test_the_director_marks_a_debrief_arranged(cast):
    request = services.debrief_request(actor=cast.supporter)
    services.debrief_handle(actor=cast.director, request=request)
    request.refresh_from_db()
    assert request.handled_by == cast.director
    with pytest.raises(PermissionDenied):
        services.debrief_handle(actor=cast.administrator, request=request)


# --- Safety concerns ------------------------------------------------------------------------


def test_a_safety_concern_alerts_the_director_and_administrator_at_once(cast):
    concern = services.safety_concern_raise(actor=cast.supporter)
    recipients = set(
        OutboundEmail.objects.filter(purpose="safety_concern").values_list(
            "recipient", flat=True
        )
    )
    assert recipients == {
        cast.director.staff_member.work_email,
        cast.administrator.staff_member.work_email,
    }
    assert concern.raised_by == cast.supporter.staff_member
    audit = AuditEvent.objects.get(action=AuditAction.SAFETY_CONCERN_RAISED)
    assert audit.details == {}
    assert audit.subject_id is None


def test_a_safety_concern_records_nothing_about_whom(cast):
    services.safety_concern_raise(actor=cast.supporter)
    fields = {field.name for field in SafetyConcern._meta.get_fields()}
    assert fields == {
        "id",
        "raised_by",
        "raised_at",
        "acknowledged_at",
        "acknowledged_by",
    }


def test_only_supporters_raise_safety_concerns(cast):
    with pytest.raises(PermissionDenied):
        services.safety_concern_raise(actor=cast.clinician)
    assert not SafetyConcern.objects.exists()


def test_program_staff_acknowledge_a_safety_concern(cast):
    concern = services.safety_concern_raise(actor=cast.supporter)
    services.safety_concern_acknowledge(actor=cast.administrator, concern=concern)
    concern.refresh_from_db()
    assert concern.acknowledged_by == cast.administrator
    with pytest.raises(PermissionDenied):
        services.safety_concern_acknowledge(actor=cast.supporter, concern=concern)
