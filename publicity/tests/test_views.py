"""The publicity pages: who may open them, and what program staff do there."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from confidentiality.models import AccessEvent, AuditAction, AuditEvent
from publicity.models import (
    ActivityStatus,
    HowTold,
    OnboardingContact,
    OutreachActivity,
)
from publicity.onboarding import onboarding_told_record
from publicity.tests.conftest import (
    days_ago,
    make_activity,
    make_every_answer,
    new_starter,
)

PROGRAM_STAFF = ["director", "administrator"]
OTHERS = ["supporter", "clinician", "leader", "risk", "it"]


def pages(activity, contact) -> list[tuple[str, str]]:
    """Every publicity URL, with the method it answers."""
    return [
        ("get", reverse("publicity")),
        ("get", reverse("publicity_activity_new")),
        ("get", reverse("publicity_activity_edit", args=[activity.pk])),
        ("get", reverse("publicity_activity_done", args=[activity.pk])),
        ("post", reverse("publicity_activity_cancel", args=[activity.pk])),
        ("get", reverse("publicity_activities_csv")),
        ("get", reverse("publicity_activities_xlsx")),
        ("get", reverse("publicity_channels_csv")),
        ("get", reverse("publicity_channels_xlsx")),
        ("get", reverse("publicity_onboarding")),
        ("post", reverse("publicity_onboarding_record")),
        ("post", reverse("publicity_onboarding_remove", args=[contact.pk])),
    ]


@pytest.fixture
def subjects(cast):
    activity = make_activity(status=ActivityStatus.PLANNED, held_on=days_ago(-3))
    person = new_starter(cast.org)
    contact = OnboardingContact.objects.create(
        staff_member=person, how=HowTold.EMAIL, told_on=days_ago(0)
    )
    return activity, contact


@pytest.mark.parametrize("who", PROGRAM_STAFF)
def test_program_staff_open_every_page(cast, client_for, subjects, who):
    client = client_for(getattr(cast, who))
    for method, url in pages(*subjects):
        response = getattr(client, method)(url)
        assert response.status_code == (302 if method == "post" else 200), url


@pytest.mark.parametrize("who", OTHERS)
def test_everyone_else_is_told_the_pages_do_not_exist(cast, client_for, subjects, who):
    client = client_for(getattr(cast, who))
    for method, url in pages(*subjects):
        assert getattr(client, method)(url).status_code == 404, url
    assert not AccessEvent.objects.exists()
    assert OnboardingContact.objects.exists()
    assert OutreachActivity.objects.get().status == ActivityStatus.PLANNED


def test_someone_signed_out_is_sent_to_sign_in(client_for, subjects):
    client = client_for(None)
    for method, url in pages(*subjects):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert "/accounts/login/" in response["Location"]


def test_an_activity_that_does_not_exist_is_404(cast, client_for):
    client = client_for(cast.director)

    assert client.get(reverse("publicity_activity_edit", args=[999])).status_code == 404
    assert client.get(reverse("publicity_activity_done", args=[999])).status_code == 404
    assert (
        client.post(reverse("publicity_activity_cancel", args=[999])).status_code == 404
    )
    assert (
        client.post(reverse("publicity_onboarding_remove", args=[999])).status_code
        == 404
    )


def test_the_page_shows_what_is_coming_what_was_held_and_channels_to_use_again(
    cast, client_for
):
    make_activity(
        title="Faculty meeting slot",
        channel="faculty_meeting",
        status=ActivityStatus.PLANNED,
        held_on=days_ago(-5),
    )
    make_activity(title="Grand rounds talk", audience_size=80)
    make_activity(
        title="Spring newsletter",
        channel="newsletter",
        held_on=days_ago(134),
        audience_size=2400,
    )
    make_activity(
        title="Forgotten one", status=ActivityStatus.PLANNED, held_on=days_ago(2)
    )

    page = client_for(cast.administrator).get(reverse("publicity")).text

    assert "Faculty meeting slot" in page
    assert "Grand rounds talk" in page
    assert "Newsletter: not used for 134 days" in page
    assert "Medical staff meeting: never used" in page
    assert "Held? Log them" in page and "Forgotten one" in page
    assert 'data-label="Grand rounds" data-value="80"' in page
    assert 'data-label="Newsletter" data-value="2,400"' in page


def test_hidden_request_counts_show_as_a_dash_on_chart_and_table(cast, client_for):
    make_every_answer(cast.org, 9, newsletter=2, onboarding=6)

    page = client_for(cast.director).get(reverse("publicity")).text

    assert 'data-label="Newsletter" data-value="—"' in page
    assert 'data-label="Onboarding and orientation" data-value="—"' in page
    assert 'data-label="Grand rounds" data-value="9"' in page
    channel_table = page.split('<table class="results-table">')[1].split("</table>")[0]
    assert ">2<" not in channel_table
    assert '<span class="suppressed">—</span>' in channel_table


def test_the_period_and_channel_filters_narrow_the_lists(cast, client_for):
    make_activity(title="Old talk", held_on=days_ago(200))
    make_activity(title="Recent newsletter", channel="newsletter", held_on=days_ago(5))
    client = client_for(cast.director)

    three_months = client.get(reverse("publicity"), {"months": 3}).text
    newsletters = client.get(reverse("publicity"), {"channel": "newsletter"}).text
    nonsense = client.get(reverse("publicity"), {"months": "x", "channel": "y"})

    assert "Old talk" not in three_months and "Recent newsletter" in three_months
    assert "Old talk" not in newsletters and "Recent newsletter" in newsletters
    assert nonsense.status_code == 200
    assert "Old talk" in nonsense.text


def test_planning_an_activity_through_the_form(cast, client_for):
    response = client_for(cast.administrator).post(
        reverse("publicity_activity_new"),
        {
            "status": "planned",
            "channel": "grand_rounds",
            "title": "Grand rounds: when things go wrong",
            "held_on": days_ago(-14).isoformat(),
            "presenter": "Dr Dana Director",
            "materials": "Slides\nhttps://intranet.example.org/peer-support",
        },
    )

    assert response.status_code == 302
    activity = OutreachActivity.objects.get()
    assert activity.status == ActivityStatus.PLANNED
    assert activity.created_by == cast.administrator
    assert AuditEvent.objects.filter(action=AuditAction.PUBLICITY_PLANNED).exists()


def test_the_form_is_preset_to_the_channel_a_reminder_named(cast, client_for):
    page = client_for(cast.director).get(
        reverse("publicity_activity_new"), {"channel": "newsletter"}
    )

    assert page.context["form"]["channel"].value() == "newsletter"


def test_logging_a_held_activity_without_its_audience_says_what_is_missing(
    cast, client_for
):
    response = client_for(cast.director).post(
        reverse("publicity_activity_new"),
        {
            "status": "done",
            "channel": "newsletter",
            "title": "Newsletter piece",
            "held_on": days_ago(3).isoformat(),
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["audience_size"] == [
        "Say how many people it reached: an activity that has been held needs its "
        "audience size."
    ]
    assert not OutreachActivity.objects.exists()


def test_marking_an_activity_held(cast, client_for):
    activity = make_activity(status=ActivityStatus.PLANNED, held_on=days_ago(0))
    client = client_for(cast.administrator)

    form = client.get(reverse("publicity_activity_done", args=[activity.pk]))
    response = client.post(
        reverse("publicity_activity_done", args=[activity.pk]),
        {"audience_size": "80", "held_on": days_ago(0).isoformat()},
        follow=True,
    )

    assert form.context["form"]["held_on"].value() == days_ago(0)
    assert "logged as held, with an audience of 80" in response.text
    activity.refresh_from_db()
    assert (activity.status, activity.audience_size) == ("done", 80)


def test_marking_held_needs_an_audience(cast, client_for):
    activity = make_activity(status=ActivityStatus.PLANNED, held_on=days_ago(0))

    response = client_for(cast.director).post(
        reverse("publicity_activity_done", args=[activity.pk]),
        {"held_on": days_ago(0).isoformat()},
    )

    assert response.status_code == 200
    assert "needs its audience size" in response.text


def test_marking_held_a_day_still_to_come_shows_why_not(cast, client_for):
    activity = make_activity(status=ActivityStatus.PLANNED, held_on=days_ago(-3))

    response = client_for(cast.director).post(
        reverse("publicity_activity_done", args=[activity.pk]),
        {"audience_size": "12", "held_on": days_ago(-3).isoformat()},
    )

    assert "still to come" in response.context["form"].errors["held_on"][0]


def test_a_held_activity_is_not_marked_held_again(cast, client_for):
    activity = make_activity()

    response = client_for(cast.director).get(
        reverse("publicity_activity_done", args=[activity.pk]), follow=True
    )

    assert "is held" in response.text


def test_editing_an_activity(cast, client_for):
    activity = make_activity(audience_size=80)
    client = client_for(cast.director)

    form = client.get(reverse("publicity_activity_edit", args=[activity.pk]))
    assert "status" not in form.context["form"].fields
    response = client.post(
        reverse("publicity_activity_edit", args=[activity.pk]),
        {
            "channel": "grand_rounds",
            "title": activity.title,
            "held_on": activity.held_on.isoformat(),
            "audience_size": "85",
            "presenter": "",
            "materials": "",
            "notes": "Good questions.",
        },
    )

    assert response.status_code == 302
    activity.refresh_from_db()
    assert (activity.audience_size, activity.notes) == (85, "Good questions.")


def test_a_planned_activitys_form_asks_no_audience(cast, client_for):
    activity = make_activity(status=ActivityStatus.PLANNED, held_on=days_ago(-2))

    form = client_for(cast.director).get(
        reverse("publicity_activity_edit", args=[activity.pk])
    )

    assert "audience_size" not in form.context["form"].fields


def test_a_cancelled_activity_is_not_edited(cast, client_for):
    activity = make_activity(status=ActivityStatus.CANCELLED)

    response = client_for(cast.director).get(
        reverse("publicity_activity_edit", args=[activity.pk]), follow=True
    )

    assert "cannot be changed" in response.text


def test_cancelling_an_activity(cast, client_for):
    activity = make_activity(status=ActivityStatus.PLANNED, held_on=days_ago(-3))

    response = client_for(cast.director).post(
        reverse("publicity_activity_cancel", args=[activity.pk]), follow=True
    )

    assert "Cancelled" in response.text
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.CANCELLED


def test_cancelling_a_held_activity_says_why_not(cast, client_for):
    activity = make_activity()

    response = client_for(cast.director).post(
        reverse("publicity_activity_cancel", args=[activity.pk]), follow=True
    )

    assert "cannot be cancelled" in response.text


def test_the_onboarding_list_names_new_starters_and_is_witnessed(cast, client_for):
    person = new_starter(cast.org, first_name="Noor", last_name="Newcomer")

    page = client_for(cast.administrator).get(reverse("publicity_onboarding"))

    assert "Newcomer, Noor" in page.text
    assert f'value="{person.pk}"' in page.text
    assert AccessEvent.objects.get().purpose == "Onboarding list (1 people)"


def test_recording_that_starters_were_told_from_the_list(cast, client_for):
    first, second = new_starter(cast.org), new_starter(cast.org)
    client = client_for(cast.director)

    response = client.post(
        reverse("publicity_onboarding_record"),
        {
            "people": [first.pk, second.pk],
            "how": "orientation",
            "told_on": days_ago(0).isoformat(),
        },
        follow=True,
    )

    assert "Recorded: 2 people told of the program." in response.text
    assert OnboardingContact.objects.count() == 2
    assert "At orientation" in response.text


def test_recording_without_choosing_anyone_says_so(cast, client_for):
    new_starter(cast.org)

    response = client_for(cast.director).post(
        reverse("publicity_onboarding_record"),
        {"how": "email", "told_on": days_ago(0).isoformat()},
        follow=True,
    )

    assert "Choose who was told." in response.text
    assert not OnboardingContact.objects.exists()


def test_someone_off_the_list_cannot_be_recorded_through_the_form(cast, client_for):
    outsider = new_starter(cast.org, profession=cast.org.professions["nurse"])

    client_for(cast.director).post(
        reverse("publicity_onboarding_record"),
        {
            "people": [outsider.pk],
            "how": "email",
            "told_on": days_ago(0).isoformat(),
        },
    )

    assert not OnboardingContact.objects.exists()


def test_undoing_a_record(cast, client_for):
    person = new_starter(cast.org, first_name="Noor", last_name="Newcomer")
    onboarding_told_record(
        actor=cast.director,
        staff_member_ids=[person.pk],
        how="email",
        told_on=days_ago(0),
    )

    response = client_for(cast.director).post(
        reverse(
            "publicity_onboarding_remove",
            args=[OnboardingContact.objects.get().pk],
        ),
        follow=True,
    )

    assert "Noor Newcomer shows as not yet told again." in response.text
    assert not OnboardingContact.objects.exists()


def test_the_publicity_page_counts_new_starters_without_naming_them(cast, client_for):
    new_starter(cast.org, first_name="Noor", last_name="Newcomer")

    page = client_for(cast.director).get(reverse("publicity")).text

    assert "1 person in the program's scope started in the last 60 days" in page
    assert "Newcomer" not in page
    assert not AccessEvent.objects.exists()


@pytest.mark.parametrize("name", ["publicity", "publicity_onboarding"])
def test_the_pages_take_as_many_queries_for_ten_times_the_data(cast, client_for, name):
    client = client_for(cast.director)
    client.get(reverse(name))  # the settings row and the session exist from here

    def queries_with(count: int) -> int:
        for n in range(count):
            make_activity(title=f"Talk {n}", held_on=days_ago(n % 200))
            make_activity(
                title=f"Plan {n}",
                status=ActivityStatus.PLANNED,
                held_on=days_ago(-1 - n),
            )
            person = new_starter(cast.org, started_days_ago=1 + n % 50)
            if n % 2:
                OnboardingContact.objects.create(
                    staff_member=person, how=HowTold.EMAIL, told_on=days_ago(0)
                )
        make_every_answer(cast.org, count)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(name)).status_code == 200
        return len(queries)

    assert queries_with(3) == queries_with(30)
