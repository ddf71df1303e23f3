"""Surveys in headless Chromium: answering on a phone (checked with axe-core), and the
director launching a wave."""

import datetime

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from alongside.testing.cast import make_staff_member
from outreach.tests.test_browser import signed_in
from surveys.models import Answer, Response, Wave, WaveStatus
from surveys.services import (
    builtin_instruments_install,
    survey_create,
    wave_open,
    wave_plan,
)
from surveys.tests.conftest import run_worker, token_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
SERIOUS = {"serious", "critical"}


def serious_violations(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{violation['id']}: {violation['help']}"
        for violation in results.response["violations"]
        if violation["impact"] in SERIOUS
    ]


@pytest.fixture
def live_wave(live_cast):
    cast = live_cast
    [pulse] = builtin_instruments_install()
    survey = survey_create(
        actor=cast.director, slug="pulse", title="Staff pulse", instrument=pulse
    )
    people = [make_staff_member(cast.org) for _ in range(6)]
    today = timezone.localdate()
    wave = wave_plan(
        actor=cast.director,
        survey=survey,
        label="Spring",
        opens_on=today,
        closes_on=today + datetime.timedelta(days=14),
    )
    wave_open(actor=cast.director, wave=wave)
    run_worker()
    return wave, people


def test_a_clinician_answers_on_a_phone_one_question_at_a_time(
    live_wave, live_server, browser
):
    wave, people = live_wave
    page = browser.new_context(viewport=PHONE).new_page()
    page.goto(f"{live_server.url}/s/{token_for(wave, people[0])}/")
    expect(page.get_by_text("Your answers are anonymous")).to_be_visible()
    expect(page.get_by_text("Question 1 of 12", exact=True)).to_be_visible()
    assert serious_violations(page) == []

    first = page.get_by_role("group", name="work brought you")
    expect(first).to_be_visible()
    expect(page.get_by_role("group", name="workload")).to_be_hidden()
    first.get_by_role("radio").first.focus()
    page.keyboard.press("ArrowDown")  # a native radio group: arrows choose
    expect(first.get_by_role("radio").nth(1)).to_be_checked()
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_text("Question 2 of 12", exact=True)).to_be_visible()
    for _ in range(10):
        group = page.locator("[data-survey-question][data-current=true]")
        group.get_by_role("radio").nth(3).check()
        page.get_by_role("button", name="Next").click()
    page.get_by_label("Your comment").fill("Night shifts. Call me on 555-010-2020.")
    page.get_by_role("button", name="Send my answers").click()

    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    assert serious_violations(page) == []
    response = Response.objects.get()
    assert Answer.objects.filter(response=response).count() == 11
    assert Answer.objects.get(response=response, item="stress").value == 2
    assert wave.comments.get().text == "Night shifts. Call me on [number removed]."


def test_on_a_desktop_the_whole_short_form_shows_at_once(live_wave, live_server, page):
    wave, people = live_wave
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/s/{token_for(wave, people[1])}/")
    expect(page.locator("fieldset:visible")).to_have_count(12)
    expect(page.get_by_text("0 of 12 answered")).to_be_visible()
    assert serious_violations(page) == []


def test_the_director_launches_a_wave(live_cast, live_server, browser):
    cast = live_cast
    builtin_instruments_install()
    for _ in range(6):
        make_staff_member(cast.org)
    director = signed_in(browser, live_server.url, cast.director)
    director.get_by_role("link", name="Surveys").click()
    director.get_by_role("link", name="A new survey", exact=True).click()
    director.get_by_label("Title").fill("Staff pulse")
    director.get_by_label("Slug").fill("pulse")
    director.get_by_label("Instrument").select_option(index=1)
    director.get_by_role("button", name="Create the survey").click()
    today = timezone.localdate()
    director.get_by_label("Label").fill("Winter")
    director.get_by_label("Opens on").fill(today.isoformat())
    director.get_by_label("Closes on").fill(
        (today + datetime.timedelta(days=14)).isoformat()
    )
    director.get_by_role("button", name="Save the wave").click()
    expect(director.get_by_text("Being prepared")).to_be_visible()
    director.on("dialog", lambda dialog: dialog.accept())
    director.get_by_role("button", name="Open", exact=True).click()
    expect(director.get_by_text("is open")).to_be_visible()
    assert Wave.objects.get().status == WaveStatus.OPEN
