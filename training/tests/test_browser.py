"""Training in headless Chromium: scheduled, joined, invited, attended, signed off, active."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from alongside.testing.mfa import totp_code
from outbox.models import OutboundEmail
from training.curriculum import default_curriculum_load
from training.models import TrainingModule, TrainingSession

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"


def signed_in(browser, base_url, user):
    page = browser.new_context().new_page()
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Code").fill(totp_code(user))
    page.get_by_role("button", name="Sign in").click()
    return page


def test_a_supporter_is_trained_from_scheduling_to_active(
    live_cast, live_server, browser
):
    cast, base_url = live_cast, live_server.url
    # Transactional tests empty the database between them, data migrations included.
    default_curriculum_load(TrainingModule)

    administrator = signed_in(browser, base_url, cast.administrator)
    administrator.get_by_role("link", name="Training", exact=True).click()
    administrator.get_by_role("link", name="Schedule a session").click()
    administrator.get_by_label("Title").fill("Foundations of peer support")
    for title in TrainingModule.objects.values_list("title", flat=True):
        administrator.get_by_label(title).check()
    day = timezone.localdate() + datetime.timedelta(days=5)
    administrator.get_by_label("Day").fill(day.isoformat())
    administrator.get_by_label("From").fill("17:30")
    administrator.get_by_label("Until").fill("20:30")
    administrator.get_by_label("In person").check()
    administrator.get_by_role("textbox", name="Room").fill("Education Centre, room 2")
    administrator.get_by_label("The setting is private").check()
    administrator.get_by_label("Facilitator").select_option(label="Dana Director")
    administrator.get_by_role("button", name="Schedule").click()
    expect(
        administrator.get_by_role("heading", name="Foundations of peer support")
    ).to_be_visible()

    supporter = signed_in(browser, base_url, cast.supporter)
    supporter.get_by_role("link", name="Your training").first.click()
    expect(supporter.get_by_role("heading", name="In training")).to_be_visible()
    supporter.get_by_role("link", name="Foundations of peer support").click()
    supporter.get_by_role("button", name="Enrol me").click()
    expect(supporter.get_by_text("The invitation is on its way")).to_be_visible()
    invitation = OutboundEmail.objects.get(recipient=cast.supporter.email)
    assert invitation.calendar_method == "REQUEST"
    assert "Foundations of peer support" in invitation.calendar

    # The evening comes; the session happens.
    session = TrainingSession.objects.get()
    TrainingSession.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=3),
        ends_at=timezone.now() - datetime.timedelta(minutes=1),
    )
    administrator.reload()
    administrator.get_by_label("Priya Supporter").check()
    administrator.get_by_role("button", name="Save attendance").click()
    expect(administrator.get_by_text("Attendance saved.")).to_be_visible()

    director = signed_in(browser, base_url, cast.director)
    director.get_by_role("link", name="Training", exact=True).click()
    director.get_by_role("link", name="Supporter, Priya").click()
    expect(director.get_by_role("heading", name="Awaiting sign-off")).to_be_visible()
    director.get_by_label("Note for program staff").fill("Role-play went well.")
    director.get_by_role("button", name="Sign off Priya's competency").click()
    expect(director.get_by_role("heading", name="Active")).to_be_visible()

    supporter.get_by_role("link", name="Your training").first.click()
    expect(supporter.get_by_role("heading", name="Active")).to_be_visible()
    expect(supporter.get_by_text("You can be assigned")).to_be_visible()
