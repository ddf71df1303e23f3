"""Facilitated referral, closed loop: the handoff, the follow-up, the answer, the counts."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from confidentiality.models import AuditAction, AuditEvent
from conversations import referrals, selectors
from conversations.models import FacilitatedReferral, ReferralOutcome
from conversations.tests.conftest import an_offer
from outbox.models import OutboundEmail
from outreach.models import OfferState
from resources.tests.conftest import make_resource
from worker.models import BackgroundTask
from worker.runner import Worker


@pytest.fixture
def eap(db):
    return make_resource(name="Employee Assistance Program", kind="eap")


def refer(cast, offer, resource, **fields):
    values = {
        "actor": cast.supporter,
        "offer": offer,
        "resource": resource,
        "consent": True,
        "follow_up_with": "supporter",
    }
    values.update(fields)
    return referrals.facilitated_referral_make(**values)


def follow_up_due():
    with time_machine.travel(timezone.now() + datetime.timedelta(days=15)):
        Worker(worker_id="referral-test").run(once=True)


def sent_follow_up():
    """The follow-up as sent (the outbox clears a message's body once it is sent).

    Other daily work may mail the director meanwhile (a publicity channel due);
    only the follow-up's two subjects count here.
    """
    follow_ups = {"Touching base", "Did they get there?"}
    [message] = [m for m in mail.outbox if m.to != [] and m.subject in follow_ups]
    return message


def token_from(message) -> str:
    line = next(line for line in message.body.splitlines() if "answer=" in line)
    return line.split("/f/", 1)[1].split("/", 1)[0]


def test_a_referral_with_consent_schedules_the_follow_up(cast, offer, eap):
    referral = refer(cast, offer, eap)
    assert referral.outcome == ReferralOutcome.WAITING
    assert referral.follow_up_on == timezone.localdate() + datetime.timedelta(days=14)
    task = BackgroundTask.objects.get(kind="conversations.referral_follow_up")
    assert task.payload == {"referral_id": referral.pk}
    audit = AuditEvent.objects.get(action=AuditAction.FACILITATED_REFERRAL_MADE)
    assert audit.details == {"resource_kind": "eap", "follow_up_with": "supporter"}


def test_without_consent_there_is_no_referral(cast, offer, eap):
    with pytest.raises(ValidationError) as refused:
        refer(cast, offer, eap, consent=False)
    assert "consent" in refused.value.message_dict
    assert not FacilitatedReferral.objects.exists()


def test_only_the_assigned_supporter_refers(cast, offer, eap):
    with pytest.raises(PermissionDenied):
        refer(cast, offer, eap, actor=cast.other_supporter)


def test_a_retired_resource_cannot_be_referred_to(cast, offer, eap):
    eap.is_active = False
    eap.save()
    with pytest.raises(ValidationError) as refused:
        refer(cast, offer, eap)
    assert "resource" in refused.value.message_dict


def test_the_follow_up_asks_the_supporter_with_a_link_to_the_case(cast, offer, eap):
    refer(cast, offer, eap)
    follow_up_due()
    assert OutboundEmail.objects.filter(purpose="referral_follow_up").count() == 1
    message = sent_follow_up()
    assert message.to == [cast.supporter.staff_member.work_email]
    assert reverse("encounter_log", args=[offer.pk]) in message.body


def test_the_person_who_agreed_answers_once_from_their_e_mail(cast, offer, eap, client):
    referral = refer(cast, offer, eap, follow_up_with="person")
    follow_up_due()
    message = sent_follow_up()
    assert message.to == [cast.clinician.staff_member.work_email]
    assert message.subject == "Touching base"
    assert "Employee Assistance" not in message.body  # a work inbox is not private
    token = token_from(message)
    url = reverse("referral_answer", args=[token])
    page = client.get(url + "?answer=reached")  # opening the link changes nothing
    assert "Employee Assistance Program" in page.content.decode()
    assert FacilitatedReferral.objects.get().outcome == ReferralOutcome.WAITING
    response = client.post(url, {"answer": "reached"})
    assert "Your answer is recorded" in response.content.decode()
    referral.refresh_from_db()
    assert referral.outcome == ReferralOutcome.REACHED
    assert client.post(url, {"answer": "not_going"}).status_code == 404
    assert FacilitatedReferral.objects.get().outcome == ReferralOutcome.REACHED


def test_an_answered_referral_is_not_asked_about_again(cast, offer, eap):
    referral = refer(cast, offer, eap)
    referrals.facilitated_referral_record_outcome(
        actor=cast.supporter, referral=referral, outcome="not_yet"
    )
    follow_up_due()
    assert not OutboundEmail.objects.filter(purpose="referral_follow_up").exists()


def test_only_the_referring_supporter_records_how_it_went(cast, offer, eap):
    referral = refer(cast, offer, eap)
    with pytest.raises(PermissionDenied):
        referrals.facilitated_referral_record_outcome(
            actor=cast.other_supporter, referral=referral, outcome="reached"
        )
    with pytest.raises(ValidationError):
        referrals.facilitated_referral_record_outcome(
            actor=cast.supporter, referral=referral, outcome="cured"
        )


def test_outcomes_are_counted_by_kind_of_resource_for_the_director(cast, eap):
    php = make_resource(name="State physician health program", kind="php")
    first = an_offer(cast)
    second = an_offer(cast, person=cast.leader.staff_member)
    done = refer(cast, first, eap)
    refer(cast, second, eap)
    refer(cast, second, php)
    referrals.facilitated_referral_record_outcome(
        actor=cast.supporter, referral=done, outcome="reached"
    )
    rows = {row["kind"]: row for row in selectors.referral_outcomes(cast.director)}
    assert rows["Employee assistance program"]["total"] == 2
    assert rows["Employee assistance program"]["reached"] == 1
    assert rows["Employee assistance program"]["waiting"] == 1
    assert selectors.referral_outcomes(cast.administrator) == []


def test_the_supporter_makes_a_referral_from_the_case_page(
    cast, client_for, offer, eap
):
    client = client_for(cast.supporter)
    page = client.get(reverse("encounter_log", args=[offer.pk])).content.decode()
    assert "Make a facilitated referral" in page
    response = client.post(
        reverse("facilitated_referral_make", args=[offer.pk]),
        {"resource": eap.pk, "follow_up_with": "supporter"},
    )
    assert response.status_code == 200
    assert "Only with their consent" in response.content.decode()
    response = client.post(
        reverse("facilitated_referral_make", args=[offer.pk]),
        {"resource": eap.pk, "follow_up_with": "supporter", "consent": "on"},
        follow=True,
    )
    assert "Referral recorded" in response.content.decode()
    referral = FacilitatedReferral.objects.get()
    client.post(
        reverse("facilitated_referral_outcome", args=[referral.pk]),
        {"outcome": "reached"},
    )
    referral.refresh_from_db()
    assert referral.outcome == ReferralOutcome.REACHED


def test_a_referral_waits_until_the_person_was_reached(cast, eap):
    offer = an_offer(cast, state=OfferState.ASSIGNED)
    with pytest.raises(ValidationError):
        refer(cast, offer, eap)


def test_another_supporter_cannot_record_how_someone_elses_referral_went(
    cast, client_for, offer, eap
):
    referral = refer(cast, offer, eap)
    response = client_for(cast.other_supporter).post(
        reverse("facilitated_referral_outcome", args=[referral.pk]),
        {"outcome": "reached"},
    )
    assert response.status_code == 404
    referral.refresh_from_db()
    assert referral.outcome == ReferralOutcome.WAITING
