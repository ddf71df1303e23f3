"""The resources page on a phone, in headless Chromium, reached from the out-of-scope answer."""

import pytest
from playwright.sync_api import expect

from alongside.testing.cast import make_user
from demo.resources import demo_resources_ensure

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_nurse_outside_the_scope_finds_the_crisis_line_first_on_a_phone(
    live_cast, sign_in_page, page
):
    demo_resources_ensure()
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.set_viewport_size({"width": 375, "height": 740})
    nurse = make_user(
        live_cast.org,
        first_name="Nina",
        last_name="Nurse",
        profession=live_cast.org.professions["nurse"],
    )
    sign_in_page(nurse)
    page.get_by_role("main").get_by_role("link", name="Ask for support").click()
    page.get_by_role("button", name="Ask for support").click()

    page.get_by_role("link", name="See every service you can reach on your own").click()

    expect(page.get_by_role("heading", name="Where you can turn")).to_be_visible()
    first = page.get_by_role("article").first
    expect(first).to_contain_text("988 Suicide & Crisis Lifeline")
    expect(first.get_by_role("link", name="Call 988")).to_have_attribute(
        "href", "tel:988"
    )
    expect(
        page.get_by_text("does not record that you opened this page")
    ).to_be_visible()
    expect(page.get_by_text("only in some circumstances", exact=False)).to_be_visible()
    assert (
        page.evaluate("document.documentElement.scrollWidth") <= 375
    )  # no sideways scroll
    assert errors == []
