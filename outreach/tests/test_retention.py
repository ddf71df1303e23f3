"""Retention: what remains of a case once its time is up is exactly the de-identified counts."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.db.models import ForeignKey
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from alongside.testing.cast import make_staff_member
from confidentiality.models import AuditAction, AuditEvent
from conversations.models import CareCheck, Encounter, FacilitatedReferral
from conversations.referrals import (
    facilitated_referral_make,
    facilitated_referral_record_outcome,
)
from conversations.services import care_check_answer, encounter_log
from events.models import EventOutreachTally
from events.services import event_litigation_notice
from outreach import services
from outreach.models import (
    ClosedCaseCount,
    CloseReason,
    OfferOrigin,
    OfferState,
    OfferStep,
    OutreachOffer,
    Referral,
    ReferralKind,
)
from outreach.referral_services import self_refer
from outreach.retention import closed_cases_purge, closed_cases_purge_due
from program.models import ProgramSettings
from resources.tests.conftest import make_resource
from worker.models import BackgroundTask, DueStatus
from worker.runner import Worker

DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)
# Tomorrow at the hour: after the cast's roles and training begin (today).
START = (timezone.now() + DAY).replace(minute=0, second=0, microsecond=0)


def month_of(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date().replace(day=1)


def program(**settings):
    ProgramSettings.objects.update_or_create(pk=1, defaults=settings)


def at(moment):
    return time_machine.travel(moment, tick=False)


def assigned_user(cast, offer):
    """The cast member (one of the two supporters) the offer was matched to."""
    return next(
        user
        for user in (cast.supporter, cast.other_supporter)
        if user.staff_member_id == offer.supporter_id
    )


def clinicians(cast, count: int) -> list:
    return [make_staff_member(cast.org) for _ in range(count)]


def move(actor, offer, to_state, **fields):
    return services.offer_move(actor=actor, offer=offer, to_state=to_state, **fields)


@pytest.fixture
def supported_case(cast, active_supporters, record_event):
    """An event's offer: reached in 3 hours, two conversations, a referral that got there.

    Closed two days after it began. Notes are on and the supporter kept one.
    """
    program(encounter_notes_enabled=True)
    with at(START):
        record_event(cast.clinician.staff_member, harm="death")
        offer = OutreachOffer.objects.get(person=cast.clinician.staff_member)
    supporter = assigned_user(cast, offer)
    with at(START + 3 * HOUR):
        offer = move(supporter, offer, OfferState.CONTACTED)
        offer = move(supporter, offer, OfferState.ACCEPTED)
    with at(START + DAY):
        first = encounter_log(
            actor=supporter,
            offer=offer,
            occurred_on=timezone.localdate(),
            duration_minutes=45,
            modality="phone",
            outcome="continuing",
            note="Call back on Thursday evening",
        )
        care_check_answer(
            actor=supporter, encounter=first, heaviness=4, wants_debrief=False
        )
        encounter_log(
            actor=supporter,
            offer=offer,
            occurred_on=timezone.localdate(),
            duration_minutes=30,
            modality="video",
            outcome="referral_accepted",
        )
        referral = facilitated_referral_make(
            actor=supporter,
            offer=offer,
            resource=make_resource(),
            consent=True,
            follow_up_with="supporter",
        )
        facilitated_referral_record_outcome(
            actor=supporter, referral=referral, outcome="reached"
        )
    with at(START + 2 * DAY):
        move(
            supporter,
            offer,
            OfferState.CLOSED,
            close_reason=CloseReason.REFERRED_ON,
        )
    return OutreachOffer.objects.get(pk=offer.pk)


@pytest.fixture
def declined_request(cast, active_supporters):
    """A colleague's own request, with a phone number, that they then declined."""
    person = cast.leader.staff_member
    with at(START + 5 * DAY):
        offer, _ = self_refer(
            person=person,
            preferences={"phone": "555-0101", "good_times": "After 6pm"},
            actor=cast.leader,
        )
        offer = move(assigned_user(cast, offer), offer, OfferState.CONTACTED)
    with at(START + 6 * DAY):
        move(cast.director, offer, OfferState.DECLINED)
    return OutreachOffer.objects.get(pk=offer.pk)


def purge_at(moment) -> int:
    with at(moment):
        return closed_cases_purge_due()


def counts() -> list[dict]:
    return list(
        ClosedCaseCount.objects.order_by("origin").values(
            *(
                field.attname
                for field in ClosedCaseCount._meta.concrete_fields
                if field.name != "id"
            )
        )
    )


def test_after_the_retention_period_only_the_counts_remain(
    cast, supported_case, declined_request
):
    clinician = cast.clinician.staff_member
    leader = cast.leader.staff_member
    with at(START + 120 * DAY):
        Worker(worker_id="retention-test").run(once=True)

    assert not OutreachOffer.objects.exists()
    assert not OfferStep.objects.exists()
    assert not Encounter.objects.exists()
    assert not CareCheck.objects.exists()
    assert not FacilitatedReferral.objects.exists()
    assert not Referral.objects.exists()
    assert counts() == [
        {
            "month": month_of(START),
            "origin": OfferOrigin.EVENT,
            "trigger_type_id": supported_case.trigger_type_id,
            "profession_id": clinician.profession_id,
            "department_id": clinician.department_id,
            "site_id": clinician.site_id,
            "ended_as": CloseReason.REFERRED_ON,
            "offers": 1,
            "accepted": 1,
            "contacted": 1,
            "contacted_within_target": 0,  # the clock after a death is 2 hours
            "contacted_within_1h": 0,
            "contacted_within_2h": 0,
            "contacted_within_4h": 1,
            "contacted_within_8h": 1,
            "contacted_within_24h": 1,
            "contacted_within_72h": 1,
            "conversations": 2,
            "facilitated_referrals": 1,
            "referrals_reached": 1,
            "referrals_not_yet": 0,
            "referrals_not_going": 0,
        },
        {
            "month": month_of(START + 5 * DAY),
            "origin": OfferOrigin.SELF,
            "trigger_type_id": None,
            "profession_id": leader.profession_id,
            "department_id": leader.department_id,
            "site_id": leader.site_id,
            "ended_as": CloseReason.DECLINED,
            "offers": 1,
            "accepted": 0,
            "contacted": 1,
            "contacted_within_target": 1,
            "contacted_within_1h": 1,
            "contacted_within_2h": 1,
            "contacted_within_4h": 1,
            "contacted_within_8h": 1,
            "contacted_within_24h": 1,
            "contacted_within_72h": 1,
            "conversations": 0,
            "facilitated_referrals": 0,
            "referrals_reached": 0,
            "referrals_not_yet": 0,
            "referrals_not_going": 0,
        },
    ]


def test_the_note_is_gone_from_the_database_itself(supported_case):
    purge_at(START + 120 * DAY)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM conversations_encounter")
        assert cursor.fetchone() == (0,)
        cursor.execute("SELECT COUNT(*) FROM outreach_referral")
        assert cursor.fetchone() == (0,)


def test_the_counts_point_to_no_person_event_or_supporter():
    pointers = {
        field.related_model._meta.label
        for field in ClosedCaseCount._meta.concrete_fields
        if isinstance(field, ForeignKey)
    }
    assert pointers == {
        "events.TriggerType",
        "organization.Profession",
        "organization.Department",
        "organization.Site",
    }
    dates = {
        field.name
        for field in ClosedCaseCount._meta.concrete_fields
        if field.get_internal_type() in {"DateField", "DateTimeField"}
    }
    assert dates == {"month"}


def tallies() -> list[tuple]:
    return list(
        EventOutreachTally.objects.order_by("event_id", "month").values_list(
            "event_id", "month", "offers", "contacted_in_target"
        )
    )


def test_the_purge_keeps_on_the_event_how_many_offers_and_whether_one_was_in_time(
    cast, supported_case, declined_request, record_event
):
    people = clinicians(cast, 2)
    with at(START):
        quick = record_event(*people).event
    offers = OutreachOffer.objects.filter(event=quick).order_by("pk")
    with at(START + HOUR):  # within the 24 hours after moderate harm
        move(assigned_user(cast, offers[0]), offers[0], OfferState.CONTACTED)
    with at(START + 2 * DAY):
        for offer in offers:
            move(cast.director, offer, OfferState.CLOSED, close_reason="other")

    purge_at(START + 120 * DAY)

    assert not OutreachOffer.objects.exists()
    assert tallies() == [
        # Reached in 3 hours after a death, whose clock is 2: not in time.
        (supported_case.event_id, month_of(START), 1, False),
        (quick.pk, month_of(START), 2, True),
    ]  # the declined request followed no event: nothing


def test_a_later_purge_of_the_same_event_adds_to_its_tally(
    cast, active_supporters, record_event
):
    first, second = clinicians(cast, 2)
    with at(START):
        event = record_event(first, second).event
    late = OutreachOffer.objects.get(event=event, person=first)
    in_time = OutreachOffer.objects.get(event=event, person=second)
    with at(START + DAY):
        move(cast.director, late, OfferState.CLOSED, close_reason="no_answer")
    purge_at(START + 100 * DAY)
    assert tallies() == [(event.pk, month_of(START), 1, False)]

    with at(START + 101 * DAY):
        in_time.refresh_from_db()
        OutreachOffer.objects.filter(pk=in_time.pk).update(contacted_at=START + HOUR)
        move(cast.director, in_time, OfferState.CLOSED, close_reason="other")
    purge_at(START + 200 * DAY)

    assert not OutreachOffer.objects.exists()
    assert tallies() == [(event.pk, month_of(START), 2, True)]


def test_the_event_tally_points_to_no_person_supporter_or_offer():
    fields = {field.name for field in EventOutreachTally._meta.concrete_fields}
    assert fields == {"id", "event", "month", "offers", "contacted_in_target"}
    pointers = {
        field.related_model._meta.label
        for field in EventOutreachTally._meta.concrete_fields
        if isinstance(field, ForeignKey)
    }
    assert pointers == {"events.AdverseEvent"}


def test_the_audit_trail_keeps_who_did_what_and_forgets_whom_it_was_about(
    cast, supported_case
):
    about_the_case = AuditEvent.objects.filter(
        object_type__in=[
            "outreach.outreachoffer",
            "conversations.encounter",
            "conversations.carecheck",
            "conversations.facilitatedreferral",
        ]
    )
    before = about_the_case.count()
    assert about_the_case.filter(subject__isnull=False).exists()
    purge_at(START + 120 * DAY)
    assert about_the_case.count() == before
    assert not about_the_case.filter(subject__isnull=False).exists()
    assert all(
        details == {} for details in about_the_case.values_list("details", flat=True)
    )
    assert about_the_case.filter(actor=assigned_user(cast, supported_case)).exists()
    unrelated = AuditEvent.objects.filter(action=AuditAction.EVENT_RECORDED)
    assert unrelated.exists()


def test_the_purge_records_that_it_ran_and_how_many_never_which(
    supported_case, declined_request
):
    purge_at(START + 120 * DAY)
    purged = AuditEvent.objects.get(action=AuditAction.CASES_PURGED)
    assert purged.actor is None
    assert (purged.object_type, purged.object_id, purged.subject) == ("", "", None)
    assert purged.details == {"cases": 2, "requests": 1, "retention_days": 90}


def test_nothing_is_purged_before_the_retention_period_ends(
    supported_case, declined_request
):
    closed_at = supported_case.closed_at
    assert purge_at(closed_at + 89 * DAY) == 0
    assert OutreachOffer.objects.count() == 2
    assert not ClosedCaseCount.objects.exists()
    ran = AuditEvent.objects.get(action=AuditAction.CASES_PURGED)
    assert ran.details["cases"] == 0
    assert purge_at(closed_at + 91 * DAY) == 1  # the declined request ended later
    assert list(OutreachOffer.objects.values_list("pk", flat=True)) == [
        declined_request.pk
    ]


def test_the_director_sets_how_long_cases_are_kept(supported_case):
    program(case_retention_days=30)
    assert purge_at(supported_case.closed_at + 29 * DAY) == 0
    assert purge_at(supported_case.closed_at + 31 * DAY) == 1


def test_an_open_case_is_never_purged(cast, active_supporters, record_event):
    with at(START):
        record_event(cast.clinician.staff_member)
    assert purge_at(START + 1000 * DAY) == 0
    assert OutreachOffer.objects.filter(state=OfferState.ASSIGNED).exists()


def test_a_case_waits_for_its_referral_follow_up(cast, supported_case):
    program(case_retention_days=1, referral_follow_up_days=30)
    FacilitatedReferral.objects.update(
        outcome="waiting", follow_up_on=supported_case.closed_at.date() + 30 * DAY
    )
    assert purge_at(supported_case.closed_at + 5 * DAY) == 0
    assert purge_at(supported_case.closed_at + 31 * DAY) == 1


def test_counts_from_later_purges_add_to_the_same_row(
    cast, active_supporters, record_event
):
    people = [cast.clinician.staff_member, *clinicians(cast, 1)]
    for day, person in enumerate(people):
        with at(START + day * DAY):
            record_event(person)
            offer = OutreachOffer.objects.get(person=person)
            move(cast.director, offer, OfferState.CLOSED, close_reason="no_answer")
        purge_at(START + day * DAY + 100 * DAY)
    [row] = ClosedCaseCount.objects.all()
    assert (row.offers, row.contacted, row.ended_as) == (2, 0, "no_answer")


def test_an_offer_reopened_from_a_purged_one_stays_and_forgets_where_it_came_from(
    cast, supported_case
):
    with at(START + 10 * DAY):
        event_litigation_notice(
            actor=cast.risk,
            event=supported_case.event,
            noticed_on=timezone.localdate(),
        )
    reopened = OutreachOffer.objects.get(origin=OfferOrigin.REOPENED)
    assert reopened.reopened_from == supported_case
    purge_at(START + 120 * DAY)
    reopened.refresh_from_db()
    assert reopened.reopened_from is None
    assert not OutreachOffer.objects.filter(pk=supported_case.pk).exists()


def test_litigation_after_the_purge_still_reaches_everyone_involved(
    cast, supported_case
):
    event = supported_case.event
    purge_at(START + 120 * DAY)
    with at(START + 400 * DAY):
        reopened = event_litigation_notice(
            actor=cast.risk, event=event, noticed_on=timezone.localdate()
        )
    assert reopened == 1
    offer = OutreachOffer.objects.get()
    assert (offer.person, offer.origin) == (
        cast.clinician.staff_member,
        OfferOrigin.REOPENED,
    )
    assert offer.reopened_from is None
    assert offer.first_contact_hours == 2  # a death: the program's short clock


def test_a_request_that_never_became_a_case_is_purged_too(
    cast, active_supporters, record_event
):
    with at(START):
        record_event(cast.clinician.staff_member)
        services.referral_make(
            kind=ReferralKind.COLLEAGUE,
            person=cast.clinician.staff_member,  # who already has an offer open
            referrer=cast.leader.staff_member,
            phone="555-0102",
        )
    orphan = Referral.objects.filter(offers__isnull=True)
    assert orphan.count() == 1
    purge_at(START + 89 * DAY)
    assert orphan.count() == 1
    purge_at(START + 91 * DAY)
    assert not Referral.objects.exists()
    assert OutreachOffer.objects.filter(state=OfferState.ASSIGNED).exists()
    purged = AuditEvent.objects.filter(action=AuditAction.CASES_PURGED).first()
    assert purged.details == {"cases": 0, "requests": 1, "retention_days": 90}


def test_the_clocks_of_a_purged_case_are_cancelled(cast, supported_case):
    waiting = BackgroundTask.objects.filter(
        kind="outreach.check_in",
        payload__offer_id=supported_case.pk,
        status=DueStatus.PENDING,
    )
    BackgroundTask.objects.filter(kind="outreach.check_in").update(
        status=DueStatus.PENDING
    )
    assert waiting.exists()
    purge_at(START + 120 * DAY)
    assert not waiting.exists()
    assert services.check_in_remind(offer_id=supported_case.pk, days=30) is False


def test_the_purge_takes_the_same_number_of_queries_for_ten_cases_as_for_two(
    cast, active_supporters, record_event
):
    def close_cases(count: int, day: int) -> None:
        people = clinicians(cast, count)
        with at(START + day * DAY):
            record_event(*people)
            for offer in OutreachOffer.objects.filter(
                state__in=[OfferState.NEW, OfferState.ASSIGNED]
            ):
                move(cast.director, offer, OfferState.CLOSED, close_reason="other")

    def queries_to_purge(day: int) -> int:
        with at(START + day * DAY), CaptureQueriesContext(connection) as queries:
            closed_cases_purge(now=timezone.now())
        return len(queries)

    close_cases(2, 0)
    few = queries_to_purge(100)
    close_cases(10, 200)
    assert queries_to_purge(300) == few
    assert sum(ClosedCaseCount.objects.values_list("offers", flat=True)) == 12
    assert sum(EventOutreachTally.objects.values_list("offers", flat=True)) == 12


def test_a_case_purged_in_part_rolls_back_whole(supported_case, monkeypatch):
    from outreach import retention

    def broken(**kwargs):
        raise RuntimeError("the disk filled up")

    monkeypatch.setattr(retention, "cases_delete", broken)
    with pytest.raises(RuntimeError):
        purge_at(START + 120 * DAY)
    assert OutreachOffer.objects.filter(pk=supported_case.pk).exists()
    assert not ClosedCaseCount.objects.exists()


def test_audit_events_of_cases_deleted_before_redaction_are_redacted_on_upgrade(
    cast, supported_case
):
    import importlib

    from django.db.migrations.executor import MigrationExecutor

    migration = importlib.import_module(
        "outreach.migrations.0004_redact_audit_of_deleted_cases"
    )
    OutreachOffer.objects.filter(pk=supported_case.pk).update(reopened_from=None)
    with (
        connection.cursor() as cursor
    ):  # deleted the old way, leaving its history behind
        for table in (
            "conversations_carecheck",
            "conversations_encounter",
            "conversations_facilitatedreferral",
            "outreach_offerstep",
        ):
            cursor.execute(f"DELETE FROM {table}")
        cursor.execute("DELETE FROM outreach_outreachoffer")
    about = AuditEvent.objects.filter(object_type="outreach.outreachoffer")
    assert about.exclude(subject=None).exists()
    state = MigrationExecutor(connection).loader.project_state(
        ("outreach", "0004_redact_audit_of_deleted_cases")
    )
    migration.redact(state.apps, None)
    assert not about.exclude(subject=None).exists()
    event_audit = AuditEvent.objects.get(action=AuditAction.EVENT_RECORDED)
    assert event_audit.details  # about the event, not the case: untouched
