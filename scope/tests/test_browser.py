"""Asking for help from outside the scope, in headless Chromium: answered, and counted."""

import pytest
from playwright.sync_api import expect

from alongside.testing.cast import make_user
from alongside.testing.mfa import totp_code
from outreach.models import OutreachOffer
from scope.models import DemandRecord

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_nurse_outside_the_scope_is_answered_and_the_director_sees_the_demand(
    live_cast, sign_in_page, browser, live_server
):
    nurse = make_user(
        live_cast.org,
        first_name="Nina",
        last_name="Nurse",
        profession=live_cast.org.professions["nurse"],
        department=live_cast.org.pediatrics,
    )
    page = sign_in_page(nurse)
    page.get_by_role("main").get_by_role("link", name="Ask for support").click()
    page.get_by_role("button", name="Ask for support").click()

    expect(page.get_by_role("heading", name="Help is here for you")).to_be_visible()
    expect(page.get_by_text("does not yet cover your role")).to_be_visible()
    expect(page.get_by_text("Employee Assistance Program")).to_be_visible()
    expect(page.get_by_text("988").first).to_be_visible()
    record = DemandRecord.objects.get()
    assert not record.in_scope

    director = browser.new_context().new_page()
    director.goto(f"{live_server.url}/accounts/login/")
    director.get_by_label("Email").fill(live_cast.director.email)
    director.get_by_label("Password").fill("a-long-test-password")
    director.get_by_role("button", name="Sign in").click()
    director.get_by_label("Code").fill(totp_code(live_cast.director))
    director.get_by_role("button", name="Sign in").click()
    director.get_by_role("link", name="Scope", exact=True).click()

    unmet = director.get_by_role("region", name="Asked for help from outside the scope")
    expect(unmet.get_by_role("definition").first).to_have_text("1")
    by_profession = unmet.get_by_role("table", name="By profession")
    expect(by_profession.get_by_role("row", name="Nurse 1")).to_be_visible()
    by_department = unmet.get_by_role("table", name="By department")
    expect(by_department.get_by_role("row", name="Pediatrics 1")).to_be_visible()
    expect(director.get_by_text("Nina")).to_have_count(0)


def test_a_physician_in_the_scope_asks_for_a_supporter_with_preferences(
    live_cast, sign_in_page
):
    page = sign_in_page(live_cast.clinician)
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Ask for support"
    ).click()
    page.get_by_label("How would you like to talk?").select_option("phone")
    page.get_by_label("When is a good time to reach you?").fill("After 6 pm")
    page.get_by_role("button", name="Ask for a peer supporter").click()
    expect(
        page.get_by_role("heading", name="Thank you for reaching out")
    ).to_be_visible()
    expect(
        page.get_by_role(
            "heading", name="If you would rather reach the program yourself"
        )
    ).to_be_visible()
    assert DemandRecord.objects.get().in_scope
    offer = OutreachOffer.objects.get()
    assert offer.person == live_cast.clinician.staff_member
    assert offer.referral.modality == "phone"
