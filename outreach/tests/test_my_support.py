"""The clinician's own page: requests and offers, withdrawing one, who opened the record."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from alongside.testing.cast import make_user
from confidentiality import policy
from confidentiality.models import AuditAction, AuditEvent
from conversations.models import Encounter
from outbox.models import OutboundEmail
from outreach.models import OfferOrigin, OfferStep, OutreachOffer, Referral
from outreach.my_support import own_request_withdraw
from outreach.referral_services import colleague_refer, self_refer
from worker.models import BackgroundTask, DueStatus

PREFERENCES = {"modality": "phone", "phone": "555-0199", "good_times": "evenings"}


@pytest.fixture
def my_request(cast, active_supporters):
    offer, _ = self_refer(
        person=cast.clinician.staff_member,
        preferences=PREFERENCES,
        actor=cast.clinician,
    )
    return offer


def test_my_support_shows_my_request_and_my_supporter(cast, client_for, my_request):
    page = client_for(cast.clinician).get(reverse("my_support")).content.decode()
    assert "You asked for support" in page
    assert my_request.supporter.last_name in page
    assert "Withdraw and delete this request" in page


def test_a_colleagues_referral_shows_without_who_referred(
    cast, client_for, active_supporters
):
    referrer = make_user(cast.org, first_name="Ursula", last_name="Worriedwell")
    colleague_refer(
        user=referrer, colleague=cast.clinician.staff_member, kind="colleague"
    )
    page = client_for(cast.clinician).get(reverse("my_support")).content.decode()
    assert "A colleague thought you might like to talk" in page
    assert "Worriedwell" not in page
    assert "Withdraw and delete" not in page


def test_withdrawing_deletes_the_request_and_everything_on_it_now(
    cast, client_for, my_request
):
    Encounter.objects.create(
        offer=my_request,
        supporter=my_request.supporter,
        occurred_on=timezone.localdate(),
        duration_minutes=30,
        modality="phone",
        outcome="continuing",
    )
    assert BackgroundTask.objects.filter(
        dedupe_key__endswith=f":{my_request.pk}", status=DueStatus.PENDING
    ).exists()
    response = client_for(cast.clinician).post(
        reverse("my_request_withdraw", args=[my_request.pk]), follow=True
    )
    assert "withdrawn and deleted" in response.content.decode()
    assert not OutreachOffer.objects.exists()
    assert not Referral.objects.exists()  # the phone number and good times with it
    assert not OfferStep.objects.exists()
    assert not Encounter.objects.exists()
    assert not BackgroundTask.objects.filter(
        dedupe_key__endswith=f":{my_request.pk}", status=DueStatus.PENDING
    ).exists()
    audit = AuditEvent.objects.get(action=AuditAction.REQUEST_WITHDRAWN)
    assert (audit.object_id, audit.details) == ("", {})
    about_the_request = AuditEvent.objects.filter(
        object_type__in=["outreach.outreachoffer", "outreach.referral"]
    )
    assert about_the_request.count() >= 2
    assert set(about_the_request.values_list("subject", flat=True)) == {None}
    assert all(
        details == {} for details in about_the_request.values_list("details", flat=True)
    )
    told = OutboundEmail.objects.get(purpose="outreach_request_withdrawn")
    assert told.recipient == my_request.supporter.work_email
    assert cast.clinician.staff_member.last_name not in told.body_text


def test_an_offer_after_an_event_is_not_withdrawn_here(cast, active_supporters):
    offer = OutreachOffer.objects.create(
        person=cast.clinician.staff_member,
        origin=OfferOrigin.EVENT,
        state_changed_at=timezone.now(),
    )
    with pytest.raises(ValidationError):
        own_request_withdraw(actor=cast.clinician, offer=offer)
    assert OutreachOffer.objects.exists()


def test_nobody_withdraws_someone_elses_request(cast, client_for, my_request):
    response = client_for(cast.leader).post(
        reverse("my_request_withdraw", args=[my_request.pk])
    )
    assert response.status_code == 404
    assert OutreachOffer.objects.filter(pk=my_request.pk).exists()


def test_my_support_shows_who_opened_my_record(cast, client_for, my_request):
    policy.access_offer(
        cast.director, my_request.pk, purpose="Opened an outreach offer"
    )
    page = client_for(cast.clinician).get(reverse("my_support")).content.decode()
    assert "Who opened your record" in page
    assert cast.director.staff_member.last_name in page
    assert "opened an outreach offer" in page
