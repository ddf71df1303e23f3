"""The survey pages: answering with a link, and program staff running waves."""

import datetime
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from surveys.models import Instrument, Response, Survey, Wave, WaveStatus
from surveys.tests.conftest import CALM, token_for

pytestmark = pytest.mark.django_db


def test_the_form_states_the_thresholds_and_shows_every_question(
    client, open_wave, tokens
):
    page = client.get(reverse("survey_respond", args=[tokens[0]]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Your answers are anonymous" in html
    assert "at least <strong>5</strong> people" in html
    assert "at least <strong>10</strong> people have answered" in html
    assert html.count("<fieldset") == 12  # eleven questions and the comment
    assert html.count("<legend>") == 12
    assert "Question 1 of 12" in html
    assert page["Cache-Control"].startswith("max-age=0")


def test_answering_thanks_the_person_and_spends_the_link(client, open_wave, tokens):
    response = client.post(reverse("survey_respond", args=[tokens[0]]), CALM)
    assert response.status_code == 302
    assert response.url == reverse("survey_thanks")
    thanks = client.get(response.url).content.decode()
    assert "sent anonymously" in thanks
    assert "988" in thanks
    again = client.get(reverse("survey_respond", args=[tokens[0]])).content.decode()
    assert "already answered" in again
    assert Response.objects.count() == 1


def test_a_wrong_answer_is_shown_beside_its_question_and_the_rest_kept(
    client, open_wave, tokens
):
    page = client.post(
        reverse("survey_respond", args=[tokens[0]]), {**CALM, "stress": "8"}
    )
    html = page.content.decode()
    assert page.status_code == 400
    assert "“8” is not one of the answers" in html
    assert 'value="4" checked' in html  # what they had answered is still there
    assert not Response.objects.exists()


def test_an_unknown_link_says_so_and_offers_support(client, open_wave):
    page = client.get(reverse("survey_respond", args=["not-a-real-link"]))
    assert page.status_code == 404
    assert "ask the peer support program" in page.content.decode()


def test_answering_needs_no_account_and_records_no_session(client, open_wave, tokens):
    client.post(reverse("survey_respond", args=[tokens[0]]), CALM)
    assert "sessionid" not in client.cookies


def test_the_director_creates_a_survey_and_plans_a_wave(cast, client_for, pulse):
    client = client_for(cast.director)
    created = client.post(
        reverse("survey_new"),
        {"title": "Staff pulse", "slug": "pulse", "instrument": pulse.pk},
    )
    assert created.status_code == 302
    today = timezone.localdate()
    planned = client.post(
        reverse("wave_new", args=["pulse"]),
        {
            "label": "Winter",
            "opens_on": today.isoformat(),
            "closes_on": (today + datetime.timedelta(days=10)).isoformat(),
            "reminder_days": "5",
        },
    )
    assert planned.status_code == 302
    wave = Wave.objects.get(survey__slug="pulse")
    assert (wave.label, wave.status, wave.reminder_days) == ("Winter", "draft", "5")
    listing = client.get(reverse("survey_list")).content.decode()
    assert "Winter" in listing and "Being prepared" in listing
    assert reverse("survey_results", args=["pulse"]) in listing


def test_a_bad_wave_is_explained_beside_the_field(cast, client_for, survey):
    today = timezone.localdate()
    page = client_for(cast.director).post(
        reverse("wave_new", args=[survey.slug]),
        {
            "label": "Oops",
            "opens_on": today.isoformat(),
            "closes_on": (today - datetime.timedelta(days=3)).isoformat(),
        },
    )
    assert "A wave closes on or after the day it opens." in page.content.decode()
    assert not Wave.objects.exists()


def test_opening_a_wave_from_the_list(cast, client_for, planned_wave):
    client = client_for(cast.director)
    response = client.post(reverse("wave_open", args=[planned_wave.pk]), follow=True)
    planned_wave.refresh_from_db()
    assert planned_wave.status == WaveStatus.OPEN
    assert "is open" in response.content.decode()


def test_the_response_rate_counts_answers_and_nothing_else(
    cast, client_for, open_wave, colleagues
):
    from surveys.responses import response_submit

    for person in colleagues[:3]:
        response_submit(token=token_for(open_wave, person), answers=CALM)
    page = client_for(cast.leader).get(reverse("survey_list")).content.decode()
    rate = round(100 * 3 / open_wave.invited, 1)
    assert f"{rate} %" in page
    assert colleagues[0].last_name not in page


def test_the_survey_list_takes_the_same_queries_for_many_waves(
    cast, client_for, survey, django_assert_max_num_queries
):
    client = client_for(cast.director)
    client.get(reverse("survey_list"))
    today = timezone.localdate()
    for n in range(6):
        Wave.objects.create(
            survey=survey,
            label=f"Wave {n}",
            opens_on=today,
            closes_on=today,
        )
    with django_assert_max_num_queries(12):
        client.get(reverse("survey_list"))


def test_a_licensed_instrument_is_loaded_from_its_definition(cast, client_for, pulse):
    definition = dict(pulse.definition, slug="licensed-scale", version="2.1")
    upload = io.BytesIO(json.dumps(definition).encode())
    upload.name = "licensed.json"
    client = client_for(cast.director)
    client.post(reverse("survey_instruments"), {"kind": "json", "definition": upload})
    assert Instrument.objects.filter(slug="licensed-scale", version="2.1").exists()


def test_a_broken_definition_is_refused_with_every_problem_named(
    cast, client_for, pulse
):
    definition = dict(pulse.definition, slug="broken", version="1")
    definition["outcomes"] = [
        {"id": "high", "label": "High", "item": "nowhere", "codes": [9]}
    ]
    upload = io.BytesIO(json.dumps(definition).encode())
    upload.name = "broken.json"
    page = client_for(cast.director).post(
        reverse("survey_instruments"), {"kind": "json", "definition": upload}
    )
    html = page.content.decode()
    assert "The file was not loaded" in html
    assert "nowhere" in html
    assert not Instrument.objects.filter(slug="broken").exists()
    assert not Survey.objects.filter(slug="broken").exists()
