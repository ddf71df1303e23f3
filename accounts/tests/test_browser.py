"""Setting up the second factor, in headless Chromium, as a new peer supporter would."""

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from alongside.testing.cast import make_user
from alongside.testing.mfa import totp_code_for_secret

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_new_supporter_sets_up_an_authenticator_app_before_anything_else(
    live_cast, sign_in_page
):
    supporter = make_user(
        live_cast.org, roles=(Role.PEER_SUPPORTER,), mfa=False, first_name="Nadia"
    )
    page = sign_in_page(supporter)
    expect(page.get_by_role("heading", name="Confirm Access")).to_be_visible()
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Confirm").click()

    expect(
        page.get_by_role("heading", name="Set up your authenticator app")
    ).to_be_visible()
    secret = page.get_by_label("Authenticator secret").input_value()
    page.get_by_label("Authenticator code").fill(totp_code_for_secret(secret))
    page.get_by_role("button", name="Activate").click()

    page.goto(page.url.split("/accounts/")[0] + "/")
    expect(page.get_by_role("heading", name="Your assignments")).to_be_visible()
    assert supporter.authenticator_set.filter(type="totp").exists()
