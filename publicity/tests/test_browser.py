"""An administrator logs a grand-rounds talk and sees it on the channel chart,
in headless Chromium."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from confidentiality.models import AuditAction, AuditEvent
from outreach.tests.test_browser import signed_in
from publicity.models import ActivityStatus, OutreachActivity

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Peer support after adverse events"


def test_an_administrator_logs_a_grand_rounds_talk_and_sees_it_on_the_chart(
    live_cast, live_server, browser
):
    cast, base_url = live_cast, live_server.url
    today = timezone.localdate()
    page = signed_in(browser, base_url, cast.administrator)
    page.goto(f"{base_url}/publicity/")
    expect(page.get_by_text("Grand rounds: never used")).to_be_visible()

    page.get_by_role("link", name="Plan or log an activity").click()
    page.get_by_role("radio", name="No: plan it").check()
    page.get_by_label("Channel").select_option(label="Grand rounds")
    page.get_by_label("What it is").fill(TITLE)
    page.get_by_label("Date").fill(today.isoformat())
    page.get_by_label("Presenter").fill("Dr Dana Director")
    page.get_by_role("button", name="Save the activity").click()
    expect(page.get_by_text(f"Saved “{TITLE}”.")).to_be_visible()
    coming_up = page.get_by_role("region", name="Coming up")
    expect(coming_up).to_contain_text(TITLE)

    coming_up.get_by_role("link", name=f"Mark held “{TITLE}”").click()
    page.get_by_label("Audience reached").fill("80")
    page.get_by_role("button", name="Log it as held").click()
    expect(
        page.get_by_text(f"“{TITLE}” is logged as held, with an audience of 80.")
    ).to_be_visible()

    chart = page.get_by_role(
        "img", name="People reached by each channel's", exact=False
    )
    expect(chart.locator('g[data-label="Grand rounds"]')).to_contain_text("80")
    expect(chart.locator('g[data-label="Grand rounds"] rect')).to_have_count(1)
    table = page.get_by_role("table", name="Channels and requests", exact=False)
    expect(table.get_by_role("row", name="Grand rounds", exact=False)).to_contain_text(
        "80"
    )
    expect(page.get_by_text("Grand rounds: never used")).to_have_count(0)

    activity = OutreachActivity.objects.get()
    assert (activity.status, activity.audience_size) == (ActivityStatus.DONE, 80)
    assert activity.created_by == cast.administrator
    assert set(AuditEvent.objects.values_list("action", flat=True)) >= {
        AuditAction.PUBLICITY_PLANNED,
        AuditAction.PUBLICITY_HELD,
    }
