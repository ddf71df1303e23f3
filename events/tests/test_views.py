"""The events pages: recording an event, the list, the detail page and the trigger catalogue."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alongside.testing.cast import make_staff_member
from confidentiality.models import AuditAction, AuditEvent
from events.models import AdverseEvent, EventInvolvement, MatchedBy
from events.selectors import active_trigger_types
from events.services import event_record
from events.tests.conftest import tomorrow, trigger, yesterday
from outreach.models import OutreachOffer

NOT_RISK_STAFF = ["director", "administrator", "supporter", "clinician", "leader", "it"]
NOT_THE_DIRECTOR = ["administrator", "supporter", "clinician", "leader", "risk", "it"]


def the_form(cast, **fields) -> dict:
    """What risk staff post to record an event; the clinician by employee id."""
    data = {
        "occurred_on": yesterday().isoformat(),
        "trigger_type": trigger("serious-safety-event").pk,
        "harm_level": "moderate",
        "unit": cast.org.emergency.pk,
        "site": cast.org.north.pk,
        "involved": cast.clinician.staff_member.employee_id,
    }
    data.update(fields)
    return data


def post_form(page: str) -> str:
    """The event form (not the staff search, not the sign-out button)."""
    match = re.search(r'<form method="post" novalidate.*?</form>', page, re.DOTALL)
    assert match, "the page has no form that posts"
    return match.group(0)


def field_errors(page: str) -> str:
    return " ".join(re.findall(r'<ul class="errorlist".*?</ul>', page, re.DOTALL))


# --- Recording an event --------------------------------------------------------------------


def test_risk_staff_record_an_event_against_people_chosen_from_the_roster(
    cast, client_for
):
    client = client_for(cast.risk)
    response = client.post(
        reverse("event_new"),
        the_form(
            cast,
            trigger_type=trigger("unexpected-death").pk,
            harm_level="",
            involved=(
                f"{cast.clinician.staff_member.employee_id}\n"
                f"{cast.supporter.staff_member.work_email.upper()}"
            ),
        ),
    )
    event = AdverseEvent.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("event_detail", args=[event.pk])
    assert event.source == "manual"
    assert event.recorded_by == cast.risk
    assert event.trigger_type.code == "unexpected-death"
    assert event.occurred_on == yesterday()
    assert (event.unit, event.site) == (cast.org.emergency, cast.org.north)
    assert set(
        EventInvolvement.objects.filter(event=event).values_list(
            "staff_member_id", "matched_by"
        )
    ) == {
        (cast.clinician.staff_member_id, MatchedBy.ROSTER),
        (cast.supporter.staff_member_id, MatchedBy.ROSTER),
    }

    page = client.get(response.url).content.decode()
    assert "Unexpected patient death" in page
    assert "Chris Clinician" in page
    assert "Priya Supporter" in page
    assert "Support is offered to the people involved" in page


def test_the_event_form_has_no_place_for_anything_clinical(cast, client_for):
    page = client_for(cast.risk).get(reverse("event_new")).content.decode()
    form = post_form(page)
    names = set(re.findall(r'name="([^"]+)"', form)) - {"csrfmiddlewaretoken"}
    assert names == {
        "occurred_on",
        "trigger_type",
        "harm_level",
        "unit",
        "site",
        "involved",
    }
    # The page's one multi-line box takes the roster ids of the people involved.
    assert re.findall(r'<textarea[^>]*name="([^"]+)"', page) == ["involved"]


def test_the_event_form_offers_only_triggers_still_in_the_catalogue(cast, client_for):
    retired = trigger("aggression")
    retired.is_active = False
    retired.save()
    form = post_form(client_for(cast.risk).get(reverse("event_new")).content.decode())
    assert "Unexpected patient death" in form
    assert "Patient or visitor aggression" not in form


def test_risk_staff_find_people_to_record_with_the_search(cast, client_for):
    page = (
        client_for(cast.risk)
        .get(reverse("event_new"), {"q": "clinician"})
        .content.decode()
    )
    assert "Chris Clinician" in page
    assert cast.clinician.staff_member.employee_id in page


def test_an_event_in_the_future_is_shown_again_saying_what_to_fix(cast, client_for):
    response = client_for(cast.risk).post(
        reverse("event_new"), the_form(cast, occurred_on=tomorrow().isoformat())
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "An event cannot have happened in the future." in field_errors(page)
    assert not AdverseEvent.objects.exists()
    assert not OutreachOffer.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.EVENT_RECORDED).exists()


@pytest.mark.parametrize("nobody", ["", "   \n  ", ",,\n,"])
def test_an_event_with_nobody_involved_is_shown_again_saying_what_to_fix(
    cast, client_for, nobody
):
    response = client_for(cast.risk).post(
        reverse("event_new"), the_form(cast, involved=nobody)
    )
    assert response.status_code == 200
    errors = field_errors(response.content.decode())
    assert "This field is required." in errors or "Add at least one" in errors
    assert not AdverseEvent.objects.exists()


def test_an_event_in_the_future_with_nobody_involved_says_both_at_once(
    cast, client_for
):
    response = client_for(cast.risk).post(
        reverse("event_new"),
        the_form(cast, occurred_on=tomorrow().isoformat(), involved=""),
    )
    assert response.status_code == 200
    errors = field_errors(response.content.decode())
    assert "This field is required." in errors
    assert "cannot have happened in the future" in errors
    assert not AdverseEvent.objects.exists()
    assert not EventInvolvement.objects.exists()


def test_someone_not_on_the_roster_is_named_back_to_risk_staff(cast, client_for):
    left = make_staff_member(cast.org, is_active=False)
    response = client_for(cast.risk).post(
        reverse("event_new"),
        the_form(
            cast,
            involved=(
                f"{cast.clinician.staff_member.employee_id}\nE-NOBODY\n"
                f"{left.employee_id}"
            ),
        ),
    )
    assert response.status_code == 200
    errors = field_errors(response.content.decode())
    assert "Nobody active on the roster has" in errors
    assert "E-NOBODY" in errors
    assert left.employee_id in errors
    assert not AdverseEvent.objects.exists()


def test_naming_many_people_takes_as_many_queries_as_naming_one(cast, client_for):
    client = client_for(cast.risk)
    many = [make_staff_member(cast.org) for _ in range(12)]

    def queries_to_record(people) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.post(
                reverse("event_new"),
                the_form(
                    cast,
                    involved="\n".join(
                        person.work_email.upper() if index % 2 else person.employee_id
                        for index, person in enumerate(people)
                    ),
                ),
            )
        assert response.status_code == 302
        return len(queries)

    queries_to_record([cast.leader.staff_member])  # caches warm
    one = queries_to_record([cast.clinician.staff_member])
    assert queries_to_record(many) == one
    assert AdverseEvent.objects.order_by("pk").last().involvements.count() == 12


def test_a_trigger_that_carries_a_harm_level_needs_one(cast, client_for):
    response = client_for(cast.risk).post(
        reverse("event_new"), the_form(cast, harm_level="")
    )
    assert response.status_code == 200
    assert "needs a harm level" in field_errors(response.content.decode())
    assert not AdverseEvent.objects.exists()


@pytest.mark.parametrize("role", NOT_RISK_STAFF)
def test_only_risk_staff_open_the_event_form(cast, client_for, role):
    client = client_for(cast.by_role_name()[role])
    assert client.get(reverse("event_new")).status_code == 404
    assert client.post(reverse("event_new"), the_form(cast)).status_code == 404
    assert not AdverseEvent.objects.exists()


# --- The event's page and notice of litigation ---------------------------------------------


@pytest.fixture
def an_event(cast):
    return event_record(
        source="incident-system",
        source_event_id="INC-42",
        occurred_on=yesterday(),
        trigger_type=trigger("aggression"),
        unit=cast.org.surgery,
        involved=[(cast.clinician.staff_member, MatchedBy.EMPLOYEE_ID)],
        unmatched_count=2,
    ).event


@pytest.mark.parametrize("role", ["risk", "director", "administrator"])
def test_risk_and_program_staff_see_an_event_and_who_was_involved(
    cast, client_for, an_event, role
):
    page = (
        client_for(cast.by_role_name()[role])
        .get(reverse("event_detail", args=[an_event.pk]))
        .content.decode()
    )
    assert "Patient or visitor aggression" in page
    assert "Chris Clinician" in page
    assert "INC-42" in page
    assert "2 people the source named matched nobody" in page


@pytest.mark.parametrize("role", ["supporter", "clinician", "leader", "it"])
def test_nobody_else_sees_an_event(cast, client_for, an_event, role):
    response = client_for(cast.by_role_name()[role]).get(
        reverse("event_detail", args=[an_event.pk])
    )
    assert response.status_code == 404


def test_risk_staff_record_a_notice_of_litigation_from_the_event_page(
    cast, client_for, an_event
):
    client = client_for(cast.risk)
    detail = reverse("event_detail", args=[an_event.pk])
    assert "Record the notice" in client.get(detail).content.decode()
    response = client.post(
        reverse("event_litigation", args=[an_event.pk]),
        {"noticed_on": yesterday().isoformat()},
    )
    assert response.url == detail
    an_event.refresh_from_db()
    assert an_event.litigation_noticed_on == yesterday()
    page = client.get(detail).content.decode()
    assert "Support is offered again" in page
    assert "Record the notice" not in page


def test_a_notice_of_litigation_in_the_future_is_refused_with_a_message(
    cast, client_for, an_event
):
    client = client_for(cast.risk)
    response = client.post(
        reverse("event_litigation", args=[an_event.pk]),
        {"noticed_on": tomorrow().isoformat()},
        follow=True,
    )
    assert "The notice cannot arrive in the future." in response.content.decode()
    an_event.refresh_from_db()
    assert an_event.litigation_noticed_on is None


def test_the_director_cannot_record_a_notice_of_litigation(cast, client_for, an_event):
    client = client_for(cast.director)
    detail = reverse("event_detail", args=[an_event.pk])
    assert "Record the notice" not in client.get(detail).content.decode()
    response = client.post(
        reverse("event_litigation", args=[an_event.pk]),
        {"noticed_on": yesterday().isoformat()},
        follow=True,
    )
    assert "Only risk &amp; quality staff" in response.content.decode()
    an_event.refresh_from_db()
    assert an_event.litigation_noticed_on is None


# --- The list ------------------------------------------------------------------------------


def events_recorded(cast, how_many: int) -> None:
    people = [cast.clinician.staff_member, cast.supporter.staff_member]
    for number in range(how_many):
        event_record(
            source="incident-system",
            source_event_id=f"INC-{AdverseEvent.objects.count()}-{number}",
            occurred_on=yesterday(),
            trigger_type=trigger("serious-safety-event"),
            harm_level="mild",
            unit=cast.org.emergency,
            site=cast.org.north,
            involved=[(person, MatchedBy.EMPLOYEE_ID) for person in people],
            unmatched_count=number % 2,
            reach_in_by_worker=True,
        )


def queries_for_the_list(client) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("event_list"))
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_event_list_takes_as_many_queries_for_thirty_events_as_for_three(
    cast, client_for
):
    client = client_for(cast.risk)
    client.get(reverse("event_list"))  # sessions, the user, the roles: warmed up
    events_recorded(cast, 3)
    few, page = queries_for_the_list(client)
    assert page.count("Serious safety event or patient harm") == 3
    events_recorded(cast, 27)
    many, page = queries_for_the_list(client)
    assert page.count("Serious safety event or patient harm") == 30
    assert "Emergency Medicine" in page
    assert many == few


def test_the_event_list_counts_the_people_involved(cast, client_for):
    events_recorded(cast, 1)
    page = client_for(cast.director).get(reverse("event_list")).content.decode()
    assert "<td>2</td>" in page


def test_only_risk_staff_are_offered_to_record_an_event_from_the_list(cast, client_for):
    link = reverse("event_new")
    assert link in client_for(cast.risk).get(reverse("event_list")).content.decode()
    assert (
        link
        not in client_for(cast.director).get(reverse("event_list")).content.decode()
    )


@pytest.mark.parametrize("role", ["supporter", "clinician", "leader", "it"])
def test_nobody_else_sees_the_event_list(cast, client_for, role):
    response = client_for(cast.by_role_name()[role]).get(reverse("event_list"))
    assert response.status_code == 404


# --- The trigger catalogue -----------------------------------------------------------------


def trigger_form(trigger_type, **fields) -> dict:
    """The trigger's form as the page posts it: unticked boxes are not posted at all."""
    values = {
        "name": trigger_type.name,
        "uses_harm_level": trigger_type.uses_harm_level,
        "creates_offers": trigger_type.creates_offers,
        "minimum_harm_level": trigger_type.minimum_harm_level,
        "first_contact_hours": trigger_type.first_contact_hours,
        "sort_order": trigger_type.sort_order,
        "is_active": trigger_type.is_active,
    }
    values.update(fields)
    return {
        name: "on" if value is True else value
        for name, value in values.items()
        if value is not False
    }


def test_the_director_edits_a_trigger(cast, client_for):
    death = trigger("unexpected-death")
    client = client_for(cast.director)
    assert "Unexpected patient death" in (
        client.get(reverse("trigger_edit", args=[death.pk])).content.decode()
    )
    response = client.post(
        reverse("trigger_edit", args=[death.pk]),
        trigger_form(
            death,
            name="Unexpected death of a patient",
            first_contact_hours=1,
            minimum_harm_level="severe",
        ),
    )
    assert response.url == reverse("trigger_catalogue")
    death.refresh_from_db()
    assert death.name == "Unexpected death of a patient"
    assert death.first_contact_hours == 1
    assert death.minimum_harm_level == "severe"
    assert death.code == "unexpected-death"
    assert AuditEvent.objects.get(
        action=AuditAction.TRIGGER_TYPE_CHANGED
    ).object_id == str(death.pk)
    page = client.get(response.url).content.decode()
    assert "Saved “Unexpected death of a patient”." in page
    assert "1 hours" in page


def test_the_director_retires_a_trigger_and_machines_no_longer_find_it(
    cast, client_for
):
    aggression = trigger("aggression")
    assert "aggression" in active_trigger_types()
    response = client_for(cast.director).post(
        reverse("trigger_edit", args=[aggression.pk]),
        trigger_form(aggression, is_active=False),
    )
    assert response.status_code == 302
    aggression.refresh_from_db()
    assert not aggression.is_active
    assert "aggression" not in active_trigger_types()


def test_a_trigger_that_does_not_validate_is_shown_again(cast, client_for):
    death = trigger("unexpected-death")
    response = client_for(cast.director).post(
        reverse("trigger_edit", args=[death.pk]),
        trigger_form(death, name="Pediatric event", first_contact_hours=-3),
    )
    assert response.status_code == 200
    errors = field_errors(response.content.decode())
    assert "already exists" in errors
    assert "greater than or equal to 0" in errors
    death.refresh_from_db()
    assert death.name == "Unexpected patient death"
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("role", NOT_THE_DIRECTOR)
def test_only_the_director_edits_a_trigger(cast, client_for, role):
    death = trigger("unexpected-death")
    client = client_for(cast.by_role_name()[role])
    url = reverse("trigger_edit", args=[death.pk])
    assert client.get(url).status_code == 404
    response = client.post(url, trigger_form(death, first_contact_hours=1))
    assert response.status_code == 404
    death.refresh_from_db()
    assert death.first_contact_hours == 2
    assert not AuditEvent.objects.exists()


def test_program_staff_see_the_catalogue_and_only_the_director_may_edit_it(
    cast, client_for
):
    edit = reverse("trigger_edit", args=[trigger("other").pk])
    director_page = (
        client_for(cast.director).get(reverse("trigger_catalogue")).content.decode()
    )
    administrator_page = (
        client_for(cast.administrator)
        .get(reverse("trigger_catalogue"))
        .content.decode()
    )
    assert "Another hard event" in director_page
    assert "Another hard event" in administrator_page
    assert edit in director_page
    assert edit not in administrator_page
    assert client_for(cast.risk).get(reverse("trigger_catalogue")).status_code == 404


def test_the_event_form_defaults_to_today(cast, client_for):
    form = post_form(client_for(cast.risk).get(reverse("event_new")).content.decode())
    assert f'value="{timezone.localdate().isoformat()}"' in form
