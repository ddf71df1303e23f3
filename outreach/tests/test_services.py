import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from alongside.testing.cast import make_staff_member
from confidentiality.models import AuditAction, AuditEvent
from events.services import event_litigation_notice
from outbox.models import OutboundEmail
from outreach import services
from outreach.models import (
    CloseReason,
    OfferOrigin,
    OfferState,
    OutreachOffer,
    ReferralKind,
)
from outreach.referral_services import colleague_refer, self_refer
from program.selectors import program_settings
from scope.models import DemandRecord
from worker.models import BackgroundTask, DueStatus
from worker.runner import Worker


def run_due_work():
    Worker(worker_id="clock-test").run(once=True)


def token_from(email: OutboundEmail) -> str:
    line = next(line for line in email.body_text.splitlines() if "answer=yes" in line)
    return line.split("/o/", 1)[1].split("/", 1)[0]


# --- Offers from events ----------------------------------------------------------------------


def test_an_event_offers_support_to_every_eligible_person_involved(
    cast, active_supporters, record_event
):
    nurse = cast.risk.staff_member  # outside the scope
    recorded = record_event(cast.clinician.staff_member, nurse)
    assert recorded.offers_created == 1
    offer = OutreachOffer.objects.get()
    assert offer.person == cast.clinician.staff_member
    assert offer.state == OfferState.ASSIGNED
    assert offer.supporter in {s.staff_member for s in active_supporters}
    assert offer.first_contact_due_at == offer.assigned_at + datetime.timedelta(
        hours=24
    )
    assert offer.match_explanation["explanation"]
    assert OutboundEmail.objects.filter(purpose="outreach_assignment").count() == 1


def test_a_machine_ingested_event_is_reached_in_on_by_the_worker(
    cast, active_supporters, record_event
):
    recorded = record_event(
        cast.clinician.staff_member, cast.risk.staff_member, reach_in_by_worker=True
    )
    assert recorded.offers_created == 0
    assert not OutreachOffer.objects.exists()
    task = BackgroundTask.objects.get(kind="outreach.reach_in")
    assert task.payload == {"event_id": recorded.event.pk}

    run_due_work()

    offer = OutreachOffer.objects.get()
    assert offer.person == cast.clinician.staff_member
    assert offer.state == OfferState.ASSIGNED
    assert BackgroundTask.objects.get(pk=task.pk).status == DueStatus.DONE


def test_reaching_in_twice_on_one_event_makes_its_offers_once(
    cast, active_supporters, record_event
):
    recorded = record_event(cast.clinician.staff_member, reach_in_by_worker=True)
    assert services.event_reach_in(event_id=recorded.event.pk) == 1
    assert services.event_reach_in(event_id=recorded.event.pk) == 0
    assert OutreachOffer.objects.count() == 1


def test_a_death_shortens_the_first_contact_clock(
    cast, active_supporters, record_event
):
    record_event(cast.clinician.staff_member, harm="death")
    offer = OutreachOffer.objects.get()
    assert offer.first_contact_hours == 2


def test_a_trigger_below_its_harm_threshold_offers_nothing(
    cast, active_supporters, record_event
):
    from events.models import TriggerType

    TriggerType.objects.filter(code="serious-safety-event").update(
        minimum_harm_level="severe"
    )
    assert record_event(cast.clinician.staff_member, harm="mild").offers_created == 0
    assert record_event(cast.leader.staff_member, harm="death").offers_created == 1


def test_nobody_available_leaves_the_offer_new_and_alerts_program_staff(
    cast, record_event
):
    record_event(cast.clinician.staff_member)
    offer = OutreachOffer.objects.get()
    assert offer.state == OfferState.NEW
    assert "No supporter is available" in offer.match_explanation["explanation"]
    alerts = OutboundEmail.objects.filter(purpose="outreach_alert_nobody_available")
    assert {a.recipient for a in alerts} == {
        cast.director.email,
        cast.administrator.email,
    }


def test_a_cluster_of_events_in_one_unit_offers_its_leader_a_group_debrief(
    cast, active_supporters, record_event
):
    chief = make_staff_member(cast.org, first_name="Cora", last_name="Chief")
    people = [
        make_staff_member(cast.org, supervisor=chief, department=cast.org.emergency)
        for _ in range(3)
    ]
    for person in people:
        record_event(person, unit=cast.org.emergency)
    debrief = OutreachOffer.objects.get(origin=OfferOrigin.CLUSTER)
    assert debrief.person == chief
    record_event(people[0], unit=cast.org.emergency)
    assert OutreachOffer.objects.filter(origin=OfferOrigin.CLUSTER).count() == 1


# --- The first-contact clock -----------------------------------------------------------------


def test_the_supporter_is_reminded_before_the_clock_runs_out(
    cast, active_supporters, record_event
):
    record_event(cast.clinician.staff_member)
    offer = OutreachOffer.objects.get()
    with time_machine.travel(offer.assigned_at + datetime.timedelta(hours=19)):
        run_due_work()
    reminder = OutboundEmail.objects.get(purpose="outreach_first_contact_reminder")
    assert reminder.recipient == offer.supporter.work_email
    offer.refresh_from_db()
    assert offer.state == OfferState.ASSIGNED


def test_when_the_clock_runs_out_staff_are_alerted_and_the_next_supporter_takes_it(
    cast, active_supporters, record_event
):
    record_event(cast.clinician.staff_member)
    offer = OutreachOffer.objects.get()
    first = offer.supporter
    with time_machine.travel(
        offer.first_contact_due_at + datetime.timedelta(minutes=1)
    ):
        run_due_work()
        offer.refresh_from_db()
        assert offer.supporter != first
        assert offer.state == OfferState.ASSIGNED
        assert offer.first_contact_due_at > timezone.now()
    assert OutboundEmail.objects.filter(
        purpose="outreach_alert_first_contact_missed"
    ).exists()
    assert offer.steps.filter(detail__contains="had not made it; escalated").exists()
    assert str(first.pk) in [
        str(pk) for pk in offer.match_explanation["earlier_supporters"]
    ]


def test_contact_stops_the_clock(cast, active_supporters, record_event):
    record_event(cast.clinician.staff_member)
    offer = OutreachOffer.objects.get()
    services.offer_move(
        actor=cast.supporter
        if offer.supporter == cast.supporter.staff_member
        else cast.other_supporter,
        offer=offer,
        to_state=OfferState.CONTACTED,
    )
    assert not BackgroundTask.objects.filter(
        kind__startswith="outreach.first_contact", status=DueStatus.PENDING
    ).exists()
    with time_machine.travel(offer.first_contact_due_at + datetime.timedelta(hours=1)):
        run_due_work()
    offer.refresh_from_db()
    assert offer.state == OfferState.CONTACTED
    assert not OutboundEmail.objects.filter(
        purpose__startswith="outreach_alert"
    ).exists()


def supporter_user(cast, offer):
    return next(
        user
        for user in (cast.supporter, cast.other_supporter)
        if user.staff_member_id == offer.supporter_id
    )


def test_not_now_sends_one_gentle_second_offer_after_a_week(
    cast, active_supporters, record_event
):
    record_event(cast.clinician.staff_member)
    offer = OutreachOffer.objects.get()
    services.first_message_send(actor=supporter_user(cast, offer), offer=offer)
    first = OutboundEmail.objects.get(purpose="outreach_touching_base")
    services.offer_answer(token=token_from(first), answer="not_now")
    with time_machine.travel(timezone.now() + datetime.timedelta(days=6)):
        run_due_work()
    assert OutboundEmail.objects.filter(purpose="outreach_touching_base").count() == 1
    with time_machine.travel(timezone.now() + datetime.timedelta(days=7, minutes=5)):
        run_due_work()
    second = OutboundEmail.objects.filter(purpose="outreach_touching_base").latest("pk")
    assert second.pk != first.pk
    # The worker has sent it (and cleared the body); read what went out.
    assert "one gentle second note" in mail.outbox[-1].body
    second_token = mail.outbox[-1].body.split("/o/", 1)[1].split("/", 1)[0]
    offer.refresh_from_db()
    assert offer.state == OfferState.CONTACTED
    assert offer.second_offer_sent
    services.offer_answer(token=second_token, answer="not_now")
    with time_machine.travel(timezone.now() + datetime.timedelta(days=30)):
        run_due_work()
    assert OutboundEmail.objects.filter(purpose="outreach_touching_base").count() == 2


def test_an_accepted_offer_brings_check_ins_at_a_week_and_a_month(
    cast, active_supporters, record_event
):
    record_event(cast.clinician.staff_member)
    offer = OutreachOffer.objects.get()
    services.first_message_send(actor=supporter_user(cast, offer), offer=offer)
    token = token_from(OutboundEmail.objects.get(purpose="outreach_touching_base"))
    services.offer_answer(token=token, answer="yes")
    start = timezone.now()
    with time_machine.travel(start + datetime.timedelta(days=7, minutes=1)):
        run_due_work()
    assert OutboundEmail.objects.filter(purpose="outreach_check_in").count() == 1
    with time_machine.travel(start + datetime.timedelta(days=30, minutes=1)):
        run_due_work()
    assert OutboundEmail.objects.filter(purpose="outreach_check_in").count() == 2
    assert "30 days" in offer.steps.latest("pk").detail


# --- Answers from the e-mail ---------------------------------------------------------------------


def test_the_first_message_is_neutral_and_says_nothing_about_the_event(
    cast, active_supporters, record_event
):
    record_event(cast.clinician.staff_member, trigger="unexpected-death", harm="")
    offer = OutreachOffer.objects.get()
    services.first_message_send(actor=supporter_user(cast, offer), offer=offer)
    email = OutboundEmail.objects.get(purpose="outreach_touching_base")
    assert email.subject == "Touching base"
    for word in ("death", "died", "event", "incident", "harm", "Unexpected"):
        assert word not in email.body_text
    offer.refresh_from_db()
    assert offer.state == OfferState.CONTACTED


def test_an_answer_link_works_once(cast, active_supporters, record_event):
    record_event(cast.clinician.staff_member)
    offer = OutreachOffer.objects.get()
    services.first_message_send(actor=supporter_user(cast, offer), offer=offer)
    token = token_from(OutboundEmail.objects.get(purpose="outreach_touching_base"))
    assert services.offer_answer(token=token, answer="yes").state == OfferState.ACCEPTED
    with pytest.raises(ValidationError, match="already been used"):
        services.offer_answer(token=token, answer="no")


def test_an_answer_link_expires(cast, active_supporters, record_event):
    record_event(cast.clinician.staff_member)
    offer = OutreachOffer.objects.get()
    services.first_message_send(actor=supporter_user(cast, offer), offer=offer)
    token = token_from(OutboundEmail.objects.get(purpose="outreach_touching_base"))
    with time_machine.travel(timezone.now() + datetime.timedelta(days=15)):
        assert services.offer_for_answer_token(token) is None


# --- Moving on ------------------------------------------------------------------------------------


def test_a_step_out_of_order_is_refused(cast, active_supporters, record_event):
    record_event(cast.clinician.staff_member)
    offer = OutreachOffer.objects.get()
    with pytest.raises(ValidationError, match="cannot become “in support”"):
        services.offer_move(
            actor=cast.director, offer=offer, to_state=OfferState.IN_SUPPORT
        )


def test_closing_needs_a_reason(cast, active_supporters, record_event):
    record_event(cast.clinician.staff_member)
    offer = OutreachOffer.objects.get()
    with pytest.raises(ValidationError):
        services.offer_move(
            actor=cast.director, offer=offer, to_state=OfferState.CLOSED
        )
    services.offer_move(
        actor=cast.director,
        offer=offer,
        to_state=OfferState.CLOSED,
        close_reason=CloseReason.DUPLICATE,
    )
    assert OutreachOffer.objects.get().closed_at is not None


def test_another_supporter_cannot_move_an_offer(cast, active_supporters, record_event):
    record_event(cast.clinician.staff_member)
    offer = OutreachOffer.objects.get()
    other = (
        cast.other_supporter
        if offer.supporter == cast.supporter.staff_member
        else cast.supporter
    )
    with pytest.raises(PermissionDenied):
        services.offer_move(actor=other, offer=offer, to_state=OfferState.CONTACTED)


def test_every_move_is_a_timeline_step_and_an_audit_event(
    cast, active_supporters, record_event
):
    record_event(cast.clinician.staff_member)
    offer = OutreachOffer.objects.get()
    services.offer_move(
        actor=supporter_user(cast, offer), offer=offer, to_state=OfferState.CONTACTED
    )
    assert list(offer.steps.values_list("to_state", flat=True)) == [
        "new",
        "assigned",
        "contacted",
    ]
    assert AuditEvent.objects.filter(
        action=AuditAction.OFFER_MOVED, subject=cast.clinician.staff_member
    ).exists()


def test_the_administrator_overrides_the_match_and_the_reason_is_kept(
    cast, active_supporters, record_event
):
    record_event(cast.clinician.staff_member)
    offer = OutreachOffer.objects.get()
    other = (
        cast.other_supporter.staff_member
        if offer.supporter == cast.supporter.staff_member
        else cast.supporter.staff_member
    )
    services.offer_reassign(
        actor=cast.administrator, offer=offer, supporter=other, reason="Knows nights."
    )
    offer.refresh_from_db()
    assert offer.supporter == other
    assert offer.match_explanation["override"]["reason"] == "Knows nights."
    assert "Knows nights." in offer.steps.latest("pk").detail
    with pytest.raises(ValidationError):
        services.offer_reassign(
            actor=cast.administrator, offer=offer, supporter=other, reason=" "
        )


def test_a_litigation_notice_reopens_support_for_closed_offers(
    cast, active_supporters, record_event
):
    event = record_event(cast.clinician.staff_member).event
    offer = OutreachOffer.objects.get()
    services.offer_move(
        actor=cast.director,
        offer=offer,
        to_state=OfferState.CLOSED,
        close_reason=CloseReason.SUPPORT_ENDED,
    )
    assert (
        event_litigation_notice(
            actor=cast.risk, event=event, noticed_on=timezone.localdate()
        )
        == 1
    )
    reopened = OutreachOffer.objects.get(origin=OfferOrigin.REOPENED)
    assert reopened.reopened_from == offer
    assert reopened.state == OfferState.ASSIGNED


# --- Referrals -----------------------------------------------------------------------------------


def test_a_self_referral_is_counted_and_offered(cast, active_supporters):
    offer, in_scope = self_refer(
        person=cast.clinician.staff_member,
        preferences={
            "department_preference": "other",
            "same_profession": True,
            "supporter_gender": "",
            "modality": "phone",
            "good_times": "evenings",
            "phone": "555-0100",
            "how_heard": "grand_rounds",
        },
        actor=cast.clinician,
    )
    assert in_scope
    assert offer.origin == OfferOrigin.SELF
    assert offer.referral.phone == "555-0100"
    assert DemandRecord.objects.get().in_scope


def test_asking_twice_keeps_one_open_offer(cast, active_supporters):
    prefs = {"how_heard": "colleague"}
    first, _ = self_refer(
        person=cast.clinician.staff_member, preferences=prefs, actor=None
    )
    second, _ = self_refer(
        person=cast.clinician.staff_member, preferences=prefs, actor=None
    )
    assert first == second
    assert OutreachOffer.objects.count() == 1


def test_a_colleague_outside_the_scope_is_counted_not_offered(cast, active_supporters):
    assert (
        colleague_refer(
            user=cast.clinician,
            colleague=cast.risk.staff_member,
            kind=ReferralKind.COLLEAGUE,
        )
        is None
    )
    assert not OutreachOffer.objects.exists()
    assert DemandRecord.objects.get().in_scope is False


def test_a_leader_referral_records_the_referrer_for_program_staff(
    cast, active_supporters
):
    offer = colleague_refer(
        user=cast.leader,
        colleague=cast.clinician.staff_member,
        kind=ReferralKind.LEADER,
    )
    assert offer.origin == OfferOrigin.LEADER
    assert offer.referral.referrer == cast.leader.staff_member


def test_second_offer_interval_follows_the_setting(
    cast, active_supporters, record_event
):
    settings_row = program_settings()
    settings_row.second_offer_after_days = 3
    settings_row.save()
    record_event(cast.clinician.staff_member)
    offer = OutreachOffer.objects.get()
    services.first_message_send(actor=supporter_user(cast, offer), offer=offer)
    token = token_from(OutboundEmail.objects.get(purpose="outreach_touching_base"))
    services.offer_answer(token=token, answer="not_now")
    task = BackgroundTask.objects.get(kind="outreach.second_offer")
    assert (task.due_at - timezone.now()).days == 2  # three days, less a moment
