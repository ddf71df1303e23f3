"""Reach-in, end to end in headless Chromium: an event arrives through the API, the
assigned supporter reaches out, the clinician answers yes from the e-mail, and
program staff read the timeline."""

import datetime
import json
import urllib.request

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from alongside.testing.mfa import totp_code
from api.services import api_key_create
from events.catalogue import default_triggers_load
from events.models import TriggerType
from outbox.models import OutboundEmail
from outreach.models import OfferState, OutreachOffer
from outreach.tests.conftest import make_active
from worker.runner import Worker

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


def post_event(base_url: str, key: str, body: dict) -> dict:
    request = urllib.request.Request(  # noqa: S310 - the live test server on loopback
        f"{base_url}/api/v1/events",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        assert response.status == 201
        return json.loads(response.read())


def test_an_event_from_the_incident_system_reaches_the_clinician_and_the_timeline(
    live_cast, live_server, browser
):
    cast, base_url = live_cast, live_server.url
    # Transactional tests empty the database between them, data migrations included.
    default_triggers_load(TriggerType)
    make_active(cast.supporter.staff_member)
    _, key = api_key_create(source="incident-system")

    answer = post_event(
        base_url,
        key,
        {
            "event_id": "INC-2026-0042",
            "occurred_on": (
                timezone.localdate() - datetime.timedelta(days=1)
            ).isoformat(),
            "trigger_type": "unexpected-death",
            "involved": [{"employee_id": cast.clinician.staff_member.employee_id}],
        },
    )
    assert answer["involved_matched"] == 1
    # The incident system is answered at once; the worker reaches in.
    Worker(worker_id="browser-test").run(once=True)

    supporter = signed_in(browser, base_url, cast.supporter)
    supporter.get_by_role("link", name="Your assignments").first.click()
    card = supporter.get_by_role("region", name="Chris Clinician")
    expect(card).to_contain_text("Unexpected patient death")
    expect(card).to_contain_text("first contact by")
    card.get_by_role("button", name="Send “Touching base”").click()
    expect(supporter.get_by_text("is on its way to Chris")).to_be_visible()

    email = OutboundEmail.objects.get(purpose="outreach_touching_base")
    assert email.subject == "Touching base"
    yes_link = next(
        line for line in email.body_text.splitlines() if "answer=yes" in line
    )
    clinician = browser.new_context().new_page()
    clinician.goto(base_url + yes_link.split("127.0.0.1:8000", 1)[1])
    expect(
        clinician.get_by_role("heading", name="Would you like to talk?")
    ).to_be_visible()
    clinician.get_by_role("button", name="Yes, let's talk").click()
    expect(clinician.get_by_text("will be in touch soon")).to_be_visible()
    assert OutreachOffer.objects.get().state == OfferState.ACCEPTED

    director = signed_in(browser, base_url, cast.director)
    director.get_by_role("link", name="Outreach", exact=True).click()
    director.get_by_role("link", name="accepted").click()
    director.get_by_role("link", name="Chris Clinician").click()
    timeline = director.get_by_role("table")
    expect(timeline).to_contain_text("New")
    expect(timeline).to_contain_text("Assigned")
    expect(timeline).to_contain_text("“Touching base” e-mail sent.")
    expect(timeline).to_contain_text("Answered from the e-mail.")
    expect(director.get_by_text("Priya Supporter").first).to_be_visible()
