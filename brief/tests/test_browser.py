"""The director builds the brief in headless Chromium: opens it, changes an assumption,
sees the arithmetic follow, and downloads the PDF."""

import os

import pytest
from playwright.sync_api import expect

from brief.evidence import seeded_findings_load
from brief.models import EvidenceFinding
from brief.tests.test_pdf import pdf_text
from confidentiality.models import AccessEvent, AccessKind
from outreach.tests.test_browser import signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def step(page, key: str):
    return page.locator(f"#step-{key}")


def test_the_director_changes_an_assumption_and_downloads_the_brief(
    live_cast, live_server, browser
):
    cast, base_url = live_cast, live_server.url
    # Transactional tests empty the database between them, data migrations included.
    seeded_findings_load(EvidenceFinding)
    director = signed_in(browser, base_url, cast.director)
    director.goto(f"{base_url}/brief/")
    expect(
        director.get_by_role("heading", name="The case for peer support", exact=False)
    ).to_be_visible()
    expect(director.get_by_text("Data period:")).to_be_visible()
    expect(step(director, "departures")).to_contain_text("500 × 7 %")
    expect(step(director, "departures")).to_contain_text("35")

    director.get_by_role("link", name="Change the assumptions").click()
    director.get_by_label("Yearly turnover (%)").fill("10")
    director.get_by_role("button", name="Save and show the arithmetic").click()

    expect(director.get_by_text("Saved the assumptions.")).to_be_visible()
    expect(step(director, "departures")).to_contain_text("500 × 10 %")
    expect(step(director, "departures")).to_contain_text("50")
    # 50 × 31.03 % × 10 % × $500,000 = $775,862, less the program's $175,000.
    expect(step(director, "net")).to_contain_text("$600,862")
    if os.environ.get("BRIEF_SCREENSHOT"):
        director.screenshot(path=os.environ["BRIEF_SCREENSHOT"], full_page=True)

    with director.expect_download() as download_info:
        director.get_by_role("link", name="Download the PDF").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as pdf:
        content = pdf.read()
    assert content.startswith(b"%PDF-")
    _, text = pdf_text(content)
    assert "Data period:" in text
    assert "500 × 10 %" in text
    assert "$600,862" in text
    assert AccessEvent.objects.filter(
        kind=AccessKind.EXPORT, actor=cast.director
    ).exists()
