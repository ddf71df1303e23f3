from django.core import signing
from django.urls import reverse

from alongside.testing.cast import make_user
from alongside.tests.test_every_url import TABLE, request_path
from confidentiality.models import AccessEvent
from outbox.models import OutboundEmail
from outreach.models import OfferOrigin, OfferState, OutreachOffer, Referral
from outreach.referral_views import REQUEST_SALT
from scope.models import DemandRecord

SIGN_IN_PAGES = ("accounts/", "account_", "mfa_", "socialaccount", "openid")


def assigned_user(cast, offer):
    return next(
        user
        for user in (cast.supporter, cast.other_supporter)
        if user.staff_member_id == offer.supporter_id
    )


def test_a_clinician_asks_for_support_with_preferences(
    cast, client_for, active_supporters
):
    client = client_for(cast.clinician)
    page = client.get(reverse("support_ask")).content.decode()
    assert "How would you like to talk?" in page
    response = client.post(
        reverse("support_ask"),
        {
            "department_preference": "other",
            "same_profession": "on",
            "modality": "phone",
            "good_times": "after 6 pm",
            "phone": "555 0100",
            "how_heard": "grand_rounds",
        },
    )
    assert response.url == reverse("support_contact")
    offer = OutreachOffer.objects.get()
    assert offer.origin == OfferOrigin.SELF
    assert offer.referral.how_heard == "grand_rounds"
    assert DemandRecord.objects.get().in_scope


def test_a_nurse_outside_the_scope_still_gets_the_one_button_page(cast, client_for):
    client = client_for(cast.risk)
    assert (
        "How would you like to talk?"
        not in client.get(reverse("support_ask")).content.decode()
    )
    response = client.post(reverse("support_ask"))
    assert response.url == reverse("support_other_help")
    assert not OutreachOffer.objects.exists()


def test_the_supporter_sees_their_assignment_without_event_details(
    cast, client_for, active_supporters, record_event
):
    record_event(cast.clinician.staff_member, trigger="unexpected-death", harm="")
    offer = OutreachOffer.objects.get()
    page = (
        client_for(assigned_user(cast, offer))
        .get(reverse("my_assignments"))
        .content.decode()
    )
    assert "Chris Clinician" in page
    assert cast.clinician.email in page
    assert "Unexpected patient death" in page
    assert "first contact by" in page


def test_the_supporter_sends_touching_base_from_the_page(
    cast, client_for, active_supporters, record_event
):
    record_event(cast.clinician.staff_member)
    offer = OutreachOffer.objects.get()
    client = client_for(assigned_user(cast, offer))
    client.post(reverse("assignment_first_message", args=[offer.pk]))
    assert OutboundEmail.objects.get(purpose="outreach_touching_base").recipient == (
        cast.clinician.email
    )
    offer.refresh_from_db()
    assert offer.state == OfferState.CONTACTED


def test_opening_the_answer_link_changes_nothing_and_the_button_answers(
    cast, client, active_supporters, record_event
):
    from outreach import services

    record_event(cast.clinician.staff_member)
    offer = OutreachOffer.objects.get()
    services.first_message_send(actor=assigned_user(cast, offer), offer=offer)
    body = OutboundEmail.objects.get(purpose="outreach_touching_base").body_text
    link = next(line for line in body.splitlines() if "answer=yes" in line)
    path = link.split("127.0.0.1:8000", 1)[1]
    page = client.get(path)
    assert page.status_code == 200
    assert "Would you like to talk?" in page.content.decode()
    offer.refresh_from_db()
    assert offer.state == OfferState.CONTACTED
    response = client.post(path.split("?")[0], {"answer": "yes"})
    assert "will be in touch soon" in response.content.decode()
    offer.refresh_from_db()
    assert offer.state == OfferState.ACCEPTED


def test_program_staff_see_the_timeline_and_the_explanation(
    cast, client_for, active_supporters, record_event
):
    record_event(cast.clinician.staff_member)
    offer = OutreachOffer.objects.get()
    page = (
        client_for(cast.administrator)
        .get(reverse("offer_detail", args=[offer.pk]))
        .content.decode()
    )
    assert "Why this supporter" in page
    assert "Timeline" in page
    assert AccessEvent.objects.filter(
        object_type="outreach.outreachoffer", subject=cast.clinician.staff_member
    ).exists()


def test_the_queue_takes_a_fixed_number_of_queries(
    cast, client_for, active_supporters, record_event, django_assert_max_num_queries
):
    for _ in range(20):
        record_event(make_user(cast.org).staff_member)
    client = client_for(cast.director)
    # The first request also counts ended offers, kept ten minutes after.
    with django_assert_max_num_queries(16):
        response = client.get(reverse("outreach_queue"))
    assert response.content.decode().count("/outreach/") >= 20


def test_the_assignments_page_takes_a_fixed_number_of_queries(
    cast, client_for, active_supporters, record_event, django_assert_max_num_queries
):
    for _ in range(6):
        record_event(make_user(cast.org).staff_member)
    client = client_for(cast.supporter)
    with django_assert_max_num_queries(12):
        client.get(reverse("my_assignments"))


def test_a_colleague_is_referred_and_told_nothing_of_who_asked(
    cast, client_for, active_supporters
):
    referrer = make_user(cast.org, first_name="Ursula", last_name="Worriedwell")
    client = client_for(referrer)
    client.post(
        reverse("refer_colleague_confirm", args=[cast.clinician.staff_member_id]), {}
    )
    offer = OutreachOffer.objects.get()
    assert offer.origin == OfferOrigin.COLLEAGUE
    assert Referral.objects.get().referrer == referrer.staff_member


def test_the_referrer_appears_on_no_page_the_referred_person_or_the_supporter_opens(
    cast, client_for, active_supporters
):
    referrer = make_user(cast.org, first_name="Ursula", last_name="Worriedwell")
    client_for(referrer).post(
        reverse("refer_colleague_confirm", args=[cast.clinician.staff_member_id]),
        {"as_leader": "on"},
    )
    offer = OutreachOffer.objects.get()
    from outreach import services

    services.first_message_send(actor=assigned_user(cast, offer), offer=offer)
    body = OutboundEmail.objects.get(purpose="outreach_touching_base").body_text
    answer_path = next(
        line for line in body.splitlines() if "answer=yes" in line
    ).split("127.0.0.1:8000", 1)[1]
    identifiers = (
        "Ursula",
        "Worriedwell",
        referrer.email,
        referrer.staff_member.employee_id,
    )
    assert not any(identifier in body for identifier in identifiers)
    everything = [
        request_path(key, entry, cast)
        for key, entry in TABLE.items()
        if entry.method == "get" and not key.startswith(SIGN_IN_PAGES)
    ]
    everything += [answer_path, reverse("my_record"), reverse("my_assignments")]
    opened = 0
    for name, viewer in (
        ("the referred person", cast.clinician),
        ("the supporter", assigned_user(cast, offer)),
    ):
        client = client_for(viewer)
        for path in everything:
            response = client.get(path)
            # The guide's pocket card (a PDF) names nobody; every page is HTML.
            if response.status_code != 200 or "html" not in response["Content-Type"]:
                continue
            opened += 1
            for identifier in identifiers:
                assert identifier not in response.content.decode(), (
                    f"{identifier} shown to {name} on {path}"
                )
    assert opened > 20
    # Program staff do see who referred.
    page = (
        client_for(cast.director)
        .get(reverse("offer_detail", args=[offer.pk]))
        .content.decode()
    )
    assert "Ursula Worriedwell" in page


def test_the_public_request_says_the_same_for_any_address(cast, client):
    for email in (cast.clinician.email, "nobody@elsewhere.test"):
        response = client.post(reverse("public_request"), {"email": email})
        assert "If that address is on the staff roster" in response.content.decode()
    assert OutboundEmail.objects.filter(purpose="outreach_public_request").count() == 1


def test_the_public_request_link_leads_to_an_offer(cast, client, active_supporters):
    token = signing.dumps({"email": cast.clinician.email}, salt=REQUEST_SALT)
    path = reverse("public_request_confirm", args=[token])
    assert "Ask for support, Chris" in client.get(path).content.decode()
    client.post(path, {"department_preference": "any", "modality": "any"})
    assert OutreachOffer.objects.get().person == cast.clinician.staff_member


def test_a_forged_public_request_link_is_refused(cast, client):
    path = reverse("public_request_confirm", args=["not-a-signed-token"])
    assert client.get(path).status_code == 404


def test_the_public_request_sends_one_link_per_address_every_ten_minutes(cast, client):
    for _ in range(3):
        client.post(reverse("public_request"), {"email": cast.clinician.email})
    assert OutboundEmail.objects.filter(purpose="outreach_public_request").count() == 1
