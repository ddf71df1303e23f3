"""A clinician opens "your support" in headless Chromium, sees who opened their
record, and withdraws their request."""

import pytest
from playwright.sync_api import expect

from confidentiality import policy
from outreach.models import OutreachOffer
from outreach.referral_services import self_refer
from outreach.tests.conftest import make_active

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_clinician_sees_who_opened_their_record_and_withdraws_their_request(
    live_cast, live_server, sign_in_page
):
    cast = live_cast
    make_active(cast.supporter.staff_member, cast.other_supporter.staff_member)
    offer, _ = self_refer(
        person=cast.clinician.staff_member,
        preferences={"modality": "phone"},
        actor=cast.clinician,
    )
    policy.access_offer(cast.director, offer.pk, purpose="Opened an outreach offer")

    page = sign_in_page(cast.clinician)
    page.get_by_role("link", name="Your support").click()
    expect(page.get_by_role("heading", name="Your support", exact=True)).to_be_visible()
    expect(page.get_by_text("You asked for support")).to_be_visible()
    reads = page.get_by_role("region", name="Who opened your record")
    expect(reads).to_contain_text(cast.director.staff_member.last_name)
    expect(reads).to_contain_text("opened an outreach offer")

    page.get_by_role("button", name="Withdraw and delete this request").click()
    expect(page.get_by_text("withdrawn and deleted")).to_be_visible()
    expect(page.get_by_text("Nothing open.")).to_be_visible()
    assert not OutreachOffer.objects.exists()
