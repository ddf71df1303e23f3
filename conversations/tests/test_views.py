"""The conversation pages: logging, the care check, safety concerns and the director's care page."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conversations import services
from conversations.models import CareCheck, DebriefRequest, Encounter, SafetyConcern
from conversations.tests.conftest import an_offer
from outbox.models import OutboundEmail
from program.models import ProgramSettings


def a_conversation(**fields) -> dict:
    values = {
        "occurred_on": timezone.localdate().isoformat(),
        "duration_minutes": "35",
        "modality": "video",
        "outcome": "continuing",
    }
    values.update(fields)
    return values


def test_the_supporter_logs_a_conversation_then_answers_for_themselves(
    cast, client_for, offer
):
    client = client_for(cast.supporter)
    page = client.get(reverse("encounter_log", args=[offer.pk])).content.decode()
    assert "Log a conversation" in page
    assert (
        'name="note"' not in page
    )  # notes are off unless the program switches them on
    response = client.post(reverse("encounter_log", args=[offer.pk]), a_conversation())
    encounter = Encounter.objects.get()
    assert response.url == reverse("care_check", args=[encounter.pk])
    response = client.post(
        reverse("care_check", args=[encounter.pk]),
        {"heaviness": "5", "wants_debrief": "on"},
        follow=True,
    )
    assert "asked to arrange a debrief" in response.content.decode()
    assert CareCheck.objects.get().heaviness == 5
    assert DebriefRequest.objects.filter(supporter=cast.supporter.staff_member).exists()


def test_a_wrong_conversation_is_shown_again_saying_what_to_fix(
    cast, client_for, offer
):
    response = client_for(cast.supporter).post(
        reverse("encounter_log", args=[offer.pk]),
        a_conversation(duration_minutes="0", modality=""),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "greater than or equal to 1" in page
    assert "This field is required." in page
    assert not Encounter.objects.exists()


def test_the_note_field_appears_when_the_program_allows_notes(cast, client_for, offer):
    ProgramSettings.objects.update_or_create(
        pk=1, defaults={"encounter_notes_enabled": True}
    )
    client = client_for(cast.supporter)
    assert (
        'name="note"'
        in client.get(reverse("encounter_log", args=[offer.pk])).content.decode()
    )
    client.post(
        reverse("encounter_log", args=[offer.pk]), a_conversation(note="Call Thursday")
    )
    assert Encounter.objects.get().note == "Call Thursday"


def test_past_the_norm_the_page_suggests_a_facilitated_referral(
    cast, client_for, offer, log
):
    client = client_for(cast.supporter)
    log()
    first = client.get(reverse("encounter_log", args=[offer.pk])).content.decode()
    assert "This would be conversation" not in first
    log()
    page = client.get(reverse("encounter_log", args=[offer.pk])).content.decode()
    assert "This would be conversation 3." in page
    assert "a facilitated referral to a counsellor" in page


def test_another_supporter_cannot_open_someone_elses_case(cast, client_for, offer):
    client = client_for(cast.other_supporter)
    assert client.get(reverse("encounter_log", args=[offer.pk])).status_code == 404
    response = client.post(reverse("encounter_log", args=[offer.pk]), a_conversation())
    assert response.status_code == 404
    assert not Encounter.objects.exists()


def test_a_care_check_is_only_for_the_supporter_who_talked(cast, client_for, log):
    encounter = log()
    response = client_for(cast.other_supporter).get(
        reverse("care_check", args=[encounter.pk])
    )
    assert response.status_code == 404


def test_a_supporter_raises_a_safety_concern_and_the_director_sees_it_at_home(
    cast, client_for
):
    supporter = client_for(cast.supporter)
    page = supporter.get(reverse("safety_concern")).content.decode()
    assert "button--urgent" in page
    assert "988" in page
    response = supporter.post(reverse("safety_concern"))
    assert "have been told" in response.content.decode()
    assert SafetyConcern.objects.count() == 1
    assert OutboundEmail.objects.filter(purpose="safety_concern").count() == 2

    director = client_for(cast.director)
    home = director.get(reverse("home")).content.decode()
    assert "raised a safety concern" in home
    concern = SafetyConcern.objects.get()
    director.post(reverse("safety_concern_acknowledged", args=[concern.pk]))
    assert (
        "raised a safety concern" not in director.get(reverse("home")).content.decode()
    )


def test_program_staff_read_the_protocol_without_the_alert_button(cast, client_for):
    page = client_for(cast.director).get(reverse("safety_concern")).content.decode()
    assert "What to do now" in page
    assert "button--urgent" not in page  # no alert button for program staff
    assert client_for(cast.director).post(reverse("safety_concern")).status_code == 404
    assert not SafetyConcern.objects.exists()


def test_the_director_sees_load_debriefs_and_cases_past_the_norm(
    cast, client_for, offer, log
):
    for _ in range(3):
        log()
    services.debrief_request(actor=cast.supporter)
    page = client_for(cast.director).get(reverse("supporter_care")).content.decode()
    assert str(cast.supporter.staff_member) in page
    assert "asked for one" in page
    assert reverse("offer_detail", args=[offer.pk]) in page


def test_the_care_page_takes_as_many_queries_for_many_cases_as_for_one(
    cast, client_for, log
):
    client = client_for(cast.director)
    log()

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("supporter_care"))
        return len(captured)

    queries()
    before = queries()
    for _ in range(10):
        offer = an_offer(cast, supporter=cast.other_supporter.staff_member)
        for _ in range(3):
            services.encounter_log(
                actor=cast.other_supporter,
                offer=offer,
                occurred_on=timezone.localdate(),
                duration_minutes=20,
                modality="phone",
                outcome="continuing",
            )
        services.debrief_request(actor=cast.other_supporter)
    assert queries() == before


def test_the_director_reads_notes_on_the_case_and_the_administrator_does_not(
    cast, client_for, offer, log
):
    ProgramSettings.objects.update_or_create(
        pk=1, defaults={"encounter_notes_enabled": True}
    )
    log(note="Prefers mornings")
    url = reverse("offer_detail", args=[offer.pk])
    assert "Prefers mornings" in client_for(cast.director).get(url).content.decode()
    page = client_for(cast.administrator).get(url).content.decode()
    assert "Conversations" in page
    assert "Prefers mornings" not in page
