"""The first journeys, in headless Chromium: signing in and finding one's way."""

import pytest
from playwright.sync_api import expect

from alongside.testing.mfa import totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def csp_violations(page):
    """Collect console errors, where the browser reports Content Security Policy violations."""
    errors = []
    page.on(
        "console",
        lambda message: message.type == "error" and errors.append(message.text),
    )
    return errors


def test_a_clinician_signs_in_and_lands_on_their_home(
    live_cast, sign_in_page, csp_violations
):
    page = sign_in_page(live_cast.clinician)
    expect(page.get_by_role("heading", name="Hello, Chris")).to_be_visible()
    expect(page.get_by_role("heading", name="For you")).to_be_visible()
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link")).to_have_text(
        ["Home", "Resources", "Ask for support"]
    )
    assert csp_violations == []


def test_the_director_signs_in_with_a_second_factor_and_finds_the_program(
    live_cast, sign_in_page, csp_violations
):
    page = sign_in_page(live_cast.director)
    page.get_by_label("Code").fill(totp_code(live_cast.director))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Your program")).to_be_visible()
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link")).to_have_text(
        [
            "Home",
            "Outreach",
            "Team",
            "Selection",
            "Training",
            "Results",
            "Surveys",
            "Brief",
            "Publicity",
            "Scope",
            "People",
            "Organization",
            "Roles",
            "Audit log",
            "Resources",
            "Ask for support",
        ]
    )
    nav.get_by_role("link", name="People").click()
    expect(page.get_by_role("heading", name="People", exact=True)).to_be_visible()
    page.get_by_role("link", name="Clinician, Chris").click()
    expect(page.get_by_role("heading", name="Chris Clinician")).to_be_visible()
    assert csp_violations == []


def test_the_it_administrator_sees_system_pages_but_not_the_roster(
    live_cast, sign_in_page
):
    page = sign_in_page(live_cast.it)
    page.get_by_label("Code").fill(totp_code(live_cast.it))
    page.get_by_role("button", name="Sign in").click()
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link")).to_have_text(
        [
            "Home",
            "Roles",
            "Audit log",
            "System",
            "API keys",
            "Resources",
            "Ask for support",
        ]
    )
    nav.get_by_role("link", name="System").click()
    expect(page.get_by_role("heading", name="System status")).to_be_visible()


def test_the_clinician_sees_who_opened_their_record(
    live_cast, sign_in_page, client_for
):
    client_for(live_cast.administrator).get(
        f"/people/{live_cast.clinician.staff_member_id}/"
    )
    page = sign_in_page(live_cast.clinician)
    page.get_by_text(live_cast.clinician.display_name, exact=True).click()
    page.get_by_role("link", name="What Alongside holds about me").click()
    expect(page.get_by_role("heading", name="Who opened your records")).to_be_visible()
    expect(page.get_by_role("cell", name="Alex Administrator")).to_be_visible()


def test_the_home_page_works_on_a_phone(live_cast, sign_in_page, page):
    page.set_viewport_size({"width": 375, "height": 740})
    sign_in_page(live_cast.clinician)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
