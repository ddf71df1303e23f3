"""A supporter's conversations end to end in headless Chromium: two conversations
logged with the care check after each, a facilitated referral, then a safety
concern the director sees."""

import pytest
from playwright.sync_api import expect

from conversations.models import Encounter, FacilitatedReferral, SafetyConcern
from conversations.tests.conftest import an_offer
from outreach.models import OfferState
from outreach.tests.test_browser import signed_in
from resources.tests.conftest import make_resource

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_supporter_logs_two_conversations_a_referral_and_a_safety_concern(
    live_cast, live_server, browser
):
    cast, base_url = live_cast, live_server.url
    offer = an_offer(cast, state=OfferState.ACCEPTED)
    eap = make_resource(name="Employee Assistance Program", kind="eap")
    supporter = signed_in(browser, base_url, cast.supporter)
    supporter.get_by_role("link", name="Your assignments").first.click()
    card = supporter.get_by_role("region", name="Chris Clinician")

    for minutes, how, heaviness in (("45", "Phone", "2"), ("30", "In person", "4")):
        card.get_by_role("link", name="Log a conversation").click()
        supporter.get_by_label("How long, in minutes").fill(minutes)
        supporter.get_by_role("radio", name=how).check()
        supporter.get_by_role("radio", name="We will talk again").check()
        supporter.get_by_role("button", name="Log it").click()
        expect(supporter.get_by_role("heading", name="And you?")).to_be_visible()
        supporter.get_by_role("radio", name=heaviness, exact=False).first.check()
        supporter.get_by_role("button", name="Done").click()
        expect(supporter.get_by_text("The conversation is logged")).to_be_visible()

    assert list(
        Encounter.objects.order_by("pk").values_list("duration_minutes", "modality")
    ) == [(45, "phone"), (30, "in_person")]
    offer.refresh_from_db()
    assert offer.state == OfferState.IN_SUPPORT

    card.get_by_role("link", name="Log a conversation").click()
    expect(supporter.get_by_text("This would be conversation 3.")).to_be_visible()
    supporter.get_by_label("Where to").select_option(label=eap.name)
    supporter.get_by_label("They agreed to this referral", exact=False).check()
    supporter.get_by_role("button", name="Record the referral").click()
    expect(supporter.get_by_text("Referral recorded")).to_be_visible()
    expect(
        supporter.get_by_role("region", name="Facilitated referrals")
    ).to_contain_text("Employee Assistance Program")
    assert FacilitatedReferral.objects.get().resource == eap
    supporter.get_by_role("link", name="Safety concern").first.click()
    expect(supporter.get_by_role("heading", name="What to do now")).to_be_visible()
    supporter.get_by_role("button", name="Alert the program director").click()
    expect(supporter.get_by_text("have been told")).to_be_visible()
    assert SafetyConcern.objects.count() == 1

    director = signed_in(browser, base_url, cast.director)
    needs_you = director.get_by_role("region", name="Needs you now")
    expect(needs_you).to_contain_text("Priya Supporter raised a safety concern")
    needs_you.get_by_role("button", name="I have called them").click()
    expect(director.get_by_text("Marked as handled.")).to_be_visible()
    expect(director.get_by_role("region", name="Needs you now")).to_have_count(0)
