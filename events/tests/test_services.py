"""Recording adverse events, notices of litigation and the trigger catalogue (events/services.py)."""

import datetime
import json

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError

from confidentiality.models import AuditAction, AuditEvent
from events.models import AdverseEvent, EventInvolvement, MatchedBy, TriggerType
from events.selectors import ACTIVE_TRIGGERS_CACHE, active_trigger_types
from events.services import (
    MANUAL_SOURCE,
    event_litigation_notice,
    event_record,
    trigger_type_save,
)
from events.tests.conftest import tomorrow, trigger, yesterday
from outreach.models import OfferState, OutreachOffer
from worker.models import BackgroundTask
from worker.runner import Worker

NOT_RISK_STAFF = ["director", "administrator", "supporter", "clinician", "leader", "it"]
NOT_THE_DIRECTOR = ["administrator", "supporter", "clinician", "leader", "risk", "it"]


def counts() -> tuple[int, int, int, int]:
    return (
        AdverseEvent.objects.count(),
        EventInvolvement.objects.count(),
        AuditEvent.objects.count(),
        OutreachOffer.objects.count(),
    )


def pushed(cast, *, source_event_id="INC-7", source="incident-system", **fields):
    """An event as an incident system sends it."""
    values = {
        "source": source,
        "source_event_id": source_event_id,
        "occurred_on": yesterday(),
        "trigger_type": trigger("serious-safety-event"),
        "harm_level": "moderate",
        "involved": [(cast.clinician.staff_member, MatchedBy.EMPLOYEE_ID)],
    }
    values.update(fields)
    return event_record(**values)


# --- Recording by hand ---------------------------------------------------------------------


def test_risk_staff_record_an_event_against_people_chosen_from_the_roster(
    cast, record_manual
):
    recorded = record_manual(
        cast.clinician.staff_member,
        cast.supporter.staff_member,
        trigger_type=trigger("pediatric-event"),
        harm_level="severe",
        unit=cast.org.pediatrics,
        site=cast.org.south,
    )
    assert recorded.created
    event = AdverseEvent.objects.get()
    assert recorded.event == event
    assert event.source == MANUAL_SOURCE
    assert event.source_event_id == ""
    assert event.recorded_by == cast.risk
    assert event.occurred_on == yesterday()
    assert event.trigger_type.code == "pediatric-event"
    assert event.harm_level == "severe"
    assert (event.unit, event.site) == (cast.org.pediatrics, cast.org.south)
    assert sorted(
        EventInvolvement.objects.filter(event=event).values_list(
            "staff_member_id", "matched_by"
        )
    ) == sorted(
        [
            (cast.clinician.staff_member_id, MatchedBy.ROSTER),
            (cast.supporter.staff_member_id, MatchedBy.ROSTER),
        ]
    )


def test_an_event_recorded_by_hand_offers_support_through_the_worker(
    cast, record_manual
):
    recorded = record_manual(cast.clinician.staff_member)
    assert not OutreachOffer.objects.exists()  # the worker reaches in, moments later
    Worker(worker_id="events-test").run(once=True)
    offer = OutreachOffer.objects.get()
    assert offer.person == cast.clinician.staff_member
    assert offer.event == recorded.event


@pytest.mark.parametrize("role", NOT_RISK_STAFF)
def test_only_risk_and_quality_staff_may_record_an_event(cast, record_manual, role):
    with pytest.raises(PermissionDenied):
        record_manual(actor=cast.by_role_name()[role])
    assert counts() == (0, 0, 0, 0)


def test_an_event_needs_at_least_one_person_involved(cast, record_manual):
    with pytest.raises(ValidationError) as refused:
        record_manual(involved=[])
    assert set(refused.value.message_dict) == {"involved"}
    assert not AdverseEvent.objects.exists()


def test_an_event_cannot_have_happened_in_the_future(cast, record_manual):
    with pytest.raises(ValidationError) as refused:
        record_manual(occurred_on=tomorrow())
    assert set(refused.value.message_dict) == {"occurred_on"}
    assert "future" in refused.value.message_dict["occurred_on"][0]
    assert counts() == (0, 0, 0, 0)


def test_an_event_may_have_happened_today(cast, record_manual):
    from django.utils import timezone

    recorded = record_manual(occurred_on=timezone.localdate())
    assert recorded.event.occurred_on == timezone.localdate()


def test_an_unknown_harm_level_is_refused(cast, record_manual):
    with pytest.raises(ValidationError) as refused:
        record_manual(harm_level="catastrophic")
    assert set(refused.value.message_dict) == {"harm_level"}
    assert "catastrophic" in refused.value.message_dict["harm_level"][0]
    assert not AdverseEvent.objects.exists()


def test_a_trigger_retired_from_the_catalogue_is_refused(cast, record_manual):
    retired = trigger("aggression")
    retired.is_active = False
    retired.save()
    with pytest.raises(ValidationError) as refused:
        record_manual(trigger_type=retired, harm_level="")
    assert set(refused.value.message_dict) == {"trigger_type"}
    assert retired.name in refused.value.message_dict["trigger_type"][0]
    assert not AdverseEvent.objects.exists()


def test_a_person_chosen_twice_is_involved_once(cast, record_manual):
    clinician = cast.clinician.staff_member
    recorded = record_manual(
        clinician, cast.supporter.staff_member, clinician, clinician
    )
    involved = list(
        EventInvolvement.objects.filter(event=recorded.event).values_list(
            "staff_member_id", flat=True
        )
    )
    assert sorted(involved) == sorted([clinician.pk, cast.supporter.staff_member_id])
    Worker(worker_id="events-test").run(once=True)
    assert OutreachOffer.objects.filter(person=clinician).count() == 1


def test_recording_an_event_is_audited_without_anyones_name(cast, record_manual):
    clinician = cast.clinician.staff_member
    recorded = record_manual(clinician, clinician)
    audit = AuditEvent.objects.get(action=AuditAction.EVENT_RECORDED)
    assert audit.actor == cast.risk
    assert audit.object_id == str(recorded.event.pk)
    assert audit.details == {
        "source": MANUAL_SOURCE,
        "trigger": "serious-safety-event",
        "involved": 1,
        "unmatched": 0,
    }
    written = json.dumps(audit.details).lower()
    for identifying in (
        clinician.first_name,
        clinician.last_name,
        clinician.employee_id,
        clinician.work_email,
        cast.risk.staff_member.last_name,
    ):
        assert identifying.lower() not in written


# --- Recording from a source system: idempotency and reach-in ------------------------------


def test_an_event_sent_again_with_the_same_source_id_is_the_event_already_recorded(
    cast,
):
    first = pushed(cast)
    assert first.created
    before = counts()
    again = pushed(
        cast,
        involved=[
            (cast.clinician.staff_member, MatchedBy.EMPLOYEE_ID),
            (cast.supporter.staff_member, MatchedBy.EMPLOYEE_ID),
        ],
    )
    assert again.event == first.event
    assert not again.created
    assert again.offers_created == 0
    assert counts() == before
    assert BackgroundTask.objects.filter(kind="outreach.reach_in").count() == 0


def test_a_retry_is_the_event_already_recorded_even_after_its_trigger_was_retired(
    cast,
):
    first = pushed(cast)
    TriggerType.objects.filter(code="serious-safety-event").update(is_active=False)
    again = pushed(cast)
    assert again.event == first.event
    assert not again.created
    with pytest.raises(ValidationError):
        pushed(cast, source_event_id="INC-8")


def test_a_source_id_with_spaces_around_it_is_the_same_source_id(cast):
    first = pushed(cast, source_event_id="INC-8")
    again = pushed(cast, source_event_id="  INC-8 ")
    assert again.event == first.event
    assert not again.created
    assert AdverseEvent.objects.count() == 1


def test_the_same_source_id_from_another_source_is_another_event(cast):
    first = pushed(cast, source="incident-system")
    other = pushed(cast, source="another-system")
    assert other.created
    assert other.event != first.event
    assert AdverseEvent.objects.count() == 2


def test_events_without_a_source_id_are_never_taken_for_one_another(
    cast, record_manual
):
    first = record_manual(cast.clinician.staff_member)
    second = record_manual(cast.clinician.staff_member)
    assert first.created and second.created
    assert first.event != second.event
    assert AdverseEvent.objects.filter(source=MANUAL_SOURCE).count() == 2
    assert AuditEvent.objects.filter(action=AuditAction.EVENT_RECORDED).count() == 2


def test_a_machine_event_reached_in_on_by_the_worker_makes_no_offers_and_schedules_one_task(
    cast,
):
    recorded = pushed(cast, reach_in_by_worker=True)
    assert recorded.created
    assert recorded.offers_created == 0
    assert not OutreachOffer.objects.exists()
    task = BackgroundTask.objects.get()
    assert task.kind == "outreach.reach_in"
    assert task.payload == {"event_id": recorded.event.pk}
    assert EventInvolvement.objects.get().staff_member == cast.clinician.staff_member


def test_a_retry_reached_in_on_by_the_worker_schedules_no_second_task(cast):
    first = pushed(cast, reach_in_by_worker=True)
    again = pushed(cast, reach_in_by_worker=True)
    assert again.event == first.event
    assert not again.created
    assert BackgroundTask.objects.count() == 1


# --- Notice of litigation ------------------------------------------------------------------


def test_risk_staff_record_a_notice_of_litigation(cast, record_manual):
    event = record_manual().event
    event_litigation_notice(actor=cast.risk, event=event, noticed_on=yesterday())
    event.refresh_from_db()
    assert event.litigation_noticed_on == yesterday()
    audit = AuditEvent.objects.get(action=AuditAction.EVENT_LITIGATION_NOTICED)
    assert audit.actor == cast.risk
    assert audit.object_id == str(event.pk)
    assert audit.details == {"noticed_on": str(yesterday())}


def test_a_notice_of_litigation_reopens_support_for_those_whose_offer_closed(
    cast, record_manual
):
    event = record_manual(cast.clinician.staff_member).event
    Worker(worker_id="events-test").run(once=True)
    OutreachOffer.objects.update(state=OfferState.CLOSED)
    reopened = event_litigation_notice(
        actor=cast.risk, event=event, noticed_on=yesterday()
    )
    assert reopened == 1
    assert (
        OutreachOffer.objects.filter(
            person=cast.clinician.staff_member,
            state__in=[OfferState.NEW, OfferState.ASSIGNED],
        ).count()
        == 1
    )


@pytest.mark.parametrize("role", NOT_RISK_STAFF)
def test_only_risk_staff_record_a_notice_of_litigation(cast, record_manual, role):
    event = record_manual().event
    with pytest.raises(PermissionDenied):
        event_litigation_notice(
            actor=cast.by_role_name()[role], event=event, noticed_on=yesterday()
        )
    event.refresh_from_db()
    assert event.litigation_noticed_on is None
    assert not AuditEvent.objects.filter(
        action=AuditAction.EVENT_LITIGATION_NOTICED
    ).exists()


def test_a_notice_of_litigation_cannot_be_recorded_twice(cast, record_manual):
    event = record_manual().event
    first_day = yesterday() - datetime.timedelta(days=1)
    event_litigation_notice(actor=cast.risk, event=event, noticed_on=first_day)
    with pytest.raises(ValidationError) as refused:
        event_litigation_notice(actor=cast.risk, event=event, noticed_on=yesterday())
    assert "already" in " ".join(refused.value.messages)
    event.refresh_from_db()
    assert event.litigation_noticed_on == first_day
    assert (
        AuditEvent.objects.filter(action=AuditAction.EVENT_LITIGATION_NOTICED).count()
        == 1
    )


def test_a_notice_of_litigation_cannot_arrive_in_the_future(cast, record_manual):
    event = record_manual().event
    with pytest.raises(ValidationError) as refused:
        event_litigation_notice(actor=cast.risk, event=event, noticed_on=tomorrow())
    assert set(refused.value.message_dict) == {"noticed_on"}
    event.refresh_from_db()
    assert event.litigation_noticed_on is None


# --- The trigger catalogue -----------------------------------------------------------------


def test_the_director_configures_a_trigger_and_it_is_audited(cast):
    death = trigger("unexpected-death")
    death.first_contact_hours = 1
    death.minimum_harm_level = "severe"
    death.creates_offers = False
    trigger_type_save(actor=cast.director, trigger_type=death)
    saved = trigger("unexpected-death")
    assert (
        saved.first_contact_hours,
        saved.minimum_harm_level,
        saved.creates_offers,
    ) == (
        1,
        "severe",
        False,
    )
    audit = AuditEvent.objects.get(action=AuditAction.TRIGGER_TYPE_CHANGED)
    assert audit.actor == cast.director
    assert audit.object_id == str(death.pk)
    assert audit.details == {
        "code": "unexpected-death",
        "creates_offers": False,
        "minimum_harm_level": "severe",
        "first_contact_hours": 1,
    }


@pytest.mark.parametrize("role", NOT_THE_DIRECTOR)
def test_only_the_director_configures_triggers(cast, role):
    death = trigger("unexpected-death")
    death.first_contact_hours = 1
    with pytest.raises(PermissionDenied):
        trigger_type_save(actor=cast.by_role_name()[role], trigger_type=death)
    assert trigger("unexpected-death").first_contact_hours == 2
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("minimum_harm_level", "catastrophic"),
        ("name", ""),
        ("code", "not a slug!"),
        ("name", "Pediatric event"),  # another trigger's name
    ],
)
def test_a_trigger_that_does_not_validate_is_refused(cast, field, value):
    death = trigger("unexpected-death")
    setattr(death, field, value)
    with pytest.raises(ValidationError) as refused:
        trigger_type_save(actor=cast.director, trigger_type=death)
    assert field in refused.value.message_dict
    saved = trigger("unexpected-death")
    assert saved.name == "Unexpected patient death"
    assert saved.minimum_harm_level == ""
    assert not AuditEvent.objects.exists()


def test_retiring_a_trigger_takes_it_out_of_the_cached_catalogue_at_once(cast):
    catalogue = active_trigger_types()
    assert {"aggression", "other"} <= set(catalogue)
    # The catalogue is cached: a change made behind the service's back is not seen...
    TriggerType.objects.filter(code="other").update(is_active=False)
    assert "other" in active_trigger_types()
    # ...but one saved through the service is, at once.
    aggression = trigger("aggression")
    aggression.is_active = False
    trigger_type_save(actor=cast.director, trigger_type=aggression)
    catalogue = active_trigger_types()
    assert "aggression" not in catalogue
    assert "other" not in catalogue
    assert "serious-safety-event" in catalogue


def test_a_catalogue_cached_before_the_change_commits_is_forgotten_after_it(
    cast, django_capture_on_commit_callbacks
):
    stale = active_trigger_types()
    aggression = trigger("aggression")
    aggression.is_active = False
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        trigger_type_save(actor=cast.director, trigger_type=aggression)
        # Another request read the old row before this one committed.
        cache.set(ACTIVE_TRIGGERS_CACHE, stale, 60)
    assert callbacks
    assert cache.get(ACTIVE_TRIGGERS_CACHE) is None
    assert "aggression" not in active_trigger_types()
