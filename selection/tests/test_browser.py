"""The whole selection journey in headless Chromium: a round, nominations, the pipeline."""

import pytest
from playwright.sync_api import expect

from accounts.models import Role, RoleAssignment
from alongside.testing.cast import make_staff_member, make_user
from alongside.testing.mfa import totp_code
from outbox.models import OutboundEmail
from selection.models import Candidate, CandidateStage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"


def sign_in(page, base_url, user, *, second_factor: bool = False):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    if second_factor:
        page.get_by_label("Code").fill(totp_code(user))
        page.get_by_role("button", name="Sign in").click()
    return page


def nominate(browser, base_url, user, *, reason: str):
    context = browser.new_context()
    page = sign_in(context.new_page(), base_url, user)
    page.get_by_role("link", name="Nominate a colleague").click()
    page.get_by_label("Colleague's name").fill("Noor")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Noor Nominee").click()
    page.get_by_label("Why would you trust them after a hard day?").fill(reason)
    page.get_by_role("button", name="Nominate Noor").click()
    expect(page.get_by_text("They will not be told who nominated them")).to_be_visible()
    context.close()


def test_the_director_runs_a_round_from_nominations_to_a_selected_supporter(
    live_cast, live_server, browser, page
):
    cast, base_url = live_cast, live_server.url
    noor = make_staff_member(
        cast.org, first_name="Noor", last_name="Nominee", department=cast.org.surgery
    )
    second_clinician = make_user(cast.org, first_name="Elif", last_name="Eligible")

    sign_in(page, base_url, cast.director, second_factor=True)
    page.get_by_role("link", name="Selection", exact=True).click()
    page.get_by_role("link", name="Open a nomination round").click()
    page.get_by_label("Name of the round").fill("Spring 2027")
    page.get_by_role("button", name="Open the round").click()
    expect(page.get_by_role("heading", name="Spring 2027")).to_be_visible()

    nominate(browser, base_url, cast.clinician, reason="Steady on the worst nights.")
    nominate(browser, base_url, second_clinician, reason="")

    page.reload()
    row = page.get_by_role("row", name="Nominee, Noor")
    expect(row.get_by_role("cell").nth(4)).to_have_text("2")
    page.get_by_role("link", name="Nominee, Noor").click()
    expect(page.get_by_text("Steady on the worst nights.")).to_be_visible()
    page.get_by_label("Note for program staff").fill("Ask about night shifts.")
    page.get_by_role("button", name="Send an invitation").click()
    expect(page.get_by_text("Noor Nominee: invited.")).to_be_visible()

    # Noor answers from the link in her e-mail, without signing in.
    body = OutboundEmail.objects.get(recipient=noor.work_email).body_text
    link = next(line for line in body.splitlines() if "/invitation/" in line)
    answer = browser.new_context().new_page()
    answer.goto(base_url + link.split("127.0.0.1:8000", 1)[1])
    answer.get_by_role("button", name="Yes, I'm interested").click()
    expect(answer.get_by_text("will be in touch")).to_be_visible()

    page.reload()
    page.get_by_role("button", name="Interview done").click()
    page.get_by_role("button", name="Select as a peer supporter").click()
    expect(page.get_by_role("definition").filter(has_text="Selected")).to_be_visible()
    history = page.get_by_role("table")
    expect(history).to_contain_text("Ask about night shifts.")
    expect(history).to_contain_text("Noor, from the invitation")

    assert Candidate.objects.get(staff_member=noor).stage == CandidateStage.SELECTED
    assert (
        RoleAssignment.objects.current()
        .filter(staff_member=noor, role=Role.PEER_SUPPORTER)
        .exists()
    )
    # Nowhere on the director's pages is a nominator named.
    for name in ("Chris Clinician", "Elif Eligible"):
        expect(page.get_by_text(name)).to_have_count(0)
