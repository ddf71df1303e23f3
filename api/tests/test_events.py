"""POST /api/v1/events: Alongside's own shape, and every way a call can be refused."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from alongside.testing.cast import make_staff_member
from api.services import api_key_create, api_key_revoke
from api.tests.conftest import EVENTS
from confidentiality.models import AuditEvent
from events.models import AdverseEvent, EventInvolvement, MatchedBy, TriggerType
from events.services import trigger_type_save


def an_event(cast, **fields) -> dict:
    payload = {
        "event_id": "INC-1",
        "occurred_on": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
        "trigger_type": "serious-safety-event",
        "harm_level": "moderate",
        "unit": "ED",
        "site": "N",
        "involved": [{"employee_id": cast.clinician.staff_member.employee_id}],
    }
    payload.update(fields)
    return payload


def problems(response) -> dict[str, str]:
    return {
        problem["field"]: problem["message"] for problem in response.json()["detail"]
    }


# --- Recording -----------------------------------------------------------------------------


def test_an_event_is_recorded_against_the_staff_involved(cast, caller):
    response = caller.post(EVENTS, an_event(cast))
    assert response.status_code == 201
    answer = response.json()
    event = AdverseEvent.objects.get(pk=answer["event"])
    assert answer == {
        "event": event.pk,
        "created": True,
        "involved_matched": 1,
        "unmatched": [],
    }
    assert event.source == "incident-system"
    assert event.source_event_id == "INC-1"
    assert event.trigger_type.code == "serious-safety-event"
    assert event.harm_level == "moderate"
    assert (event.unit, event.site) == (cast.org.emergency, cast.org.north)
    assert event.api_key == caller.api_key
    involvement = EventInvolvement.objects.get(event=event)
    assert involvement.staff_member == cast.clinician.staff_member
    assert involvement.matched_by == MatchedBy.EMPLOYEE_ID


def test_people_are_matched_by_npi_and_by_email_ignoring_case(cast, caller):
    by_npi = make_staff_member(cast.org, npi="1234567893")
    by_email = make_staff_member(cast.org, work_email="Ana.Lopez@hospital.test")
    response = caller.post(
        EVENTS,
        an_event(
            cast,
            involved=[{"npi": "1234567893"}, {"email": "ana.lopez@HOSPITAL.test"}],
        ),
    )
    assert response.status_code == 201
    assert response.json()["involved_matched"] == 2
    matched = dict(
        EventInvolvement.objects.values_list("staff_member_id", "matched_by")
    )
    assert matched == {by_npi.pk: MatchedBy.NPI, by_email.pk: MatchedBy.EMAIL}


def test_unit_site_and_harm_level_are_optional(cast, caller):
    payload = an_event(cast)
    for name in ("unit", "site", "harm_level"):
        del payload[name]
    response = caller.post(EVENTS, payload)
    assert response.status_code == 201
    event = AdverseEvent.objects.get()
    assert (event.unit, event.site, event.harm_level) == (None, None, "")


def test_people_who_match_nobody_are_reported_and_the_event_is_still_recorded(
    cast, caller
):
    gone = make_staff_member(cast.org, is_active=False)
    response = caller.post(
        EVENTS,
        an_event(
            cast,
            involved=[
                {"employee_id": "NOBODY-7"},
                {"employee_id": cast.clinician.staff_member.employee_id},
                {"employee_id": gone.employee_id},
                {"email": "someone@elsewhere.test"},
            ],
        ),
    )
    assert response.status_code == 201
    answer = response.json()
    assert answer["involved_matched"] == 1
    assert answer["unmatched"] == [
        {
            "index": 0,
            "field": "involved[0]",
            "reason": "no active staff member with employee id NOBODY-7",
        },
        {
            "index": 2,
            "field": "involved[2]",
            "reason": f"no active staff member with employee id {gone.employee_id}",
        },
        {
            "index": 3,
            "field": "involved[3]",
            "reason": "no active staff member with the work e-mail given",
        },
    ]
    assert AdverseEvent.objects.get().unmatched_count == 3


def test_an_npi_two_people_share_matches_neither(cast, caller):
    make_staff_member(cast.org, npi="1234567893")
    make_staff_member(cast.org, npi="1234567893")
    response = caller.post(EVENTS, an_event(cast, involved=[{"npi": "1234567893"}]))
    assert response.json()["unmatched"][0]["reason"] == (
        "more than one active staff member has NPI 1234567893"
    )


def test_the_same_person_named_twice_is_involved_once(cast, caller):
    person = cast.clinician.staff_member
    response = caller.post(
        EVENTS,
        an_event(
            cast,
            involved=[
                {"employee_id": person.employee_id},
                {"email": person.work_email},
            ],
        ),
    )
    assert response.json()["involved_matched"] == 1
    assert EventInvolvement.objects.count() == 1


# --- Idempotency ---------------------------------------------------------------------------


def test_a_retry_returns_the_same_event_and_changes_nothing(cast, caller):
    first = caller.post(EVENTS, an_event(cast))
    counts = (
        AdverseEvent.objects.count(),
        EventInvolvement.objects.count(),
        AuditEvent.objects.count(),
    )
    again = caller.post(EVENTS, an_event(cast))
    assert again.status_code == 200
    assert again.json()["event"] == first.json()["event"]
    assert again.json()["created"] is False
    assert again.json()["involved_matched"] == 1
    assert counts == (
        AdverseEvent.objects.count(),
        EventInvolvement.objects.count(),
        AuditEvent.objects.count(),
    )


def test_a_retry_after_its_trigger_was_retired_still_returns_the_event(cast, caller):
    first = caller.post(EVENTS, an_event(cast))
    trigger = TriggerType.objects.get(code="serious-safety-event")
    trigger.is_active = False
    trigger_type_save(actor=cast.director, trigger_type=trigger)
    again = caller.post(EVENTS, an_event(cast))
    assert again.status_code == 200
    assert again.json()["event"] == first.json()["event"]
    assert again.json()["created"] is False
    assert again.json()["involved_matched"] == 1
    new = caller.post(EVENTS, an_event(cast, event_id="INC-2"))
    assert new.status_code == 422
    assert list(problems(new)) == ["trigger_type"]


def test_the_same_event_id_from_another_source_is_another_event(cast, caller):
    caller.post(EVENTS, an_event(cast))
    _, other_key = api_key_create(source="another-system")
    response = caller.post(EVENTS, an_event(cast), key=other_key)
    assert response.status_code == 201
    assert AdverseEvent.objects.count() == 2


# --- Refusals: the payload --------------------------------------------------------------


def test_malformed_json_is_a_400(caller):
    response = caller.post(EVENTS, '{"event_id": "INC-1",')
    assert response.status_code == 400
    assert response.json()["detail"].startswith("The request body is not valid JSON")


def test_an_empty_body_is_a_400(caller):
    response = caller.post(EVENTS, "  ")
    assert response.status_code == 400
    assert "empty" in response.json()["detail"]


def test_a_body_that_is_not_json_is_a_415(cast, caller):
    response = caller.post(EVENTS, "event_id=INC-1", content_type="text/plain")
    assert response.status_code == 415


@pytest.mark.parametrize(
    "missing", ["event_id", "occurred_on", "trigger_type", "involved"]
)
def test_a_missing_field_is_a_422_naming_it(cast, caller, missing):
    payload = an_event(cast)
    del payload[missing]
    response = caller.post(EVENTS, payload)
    assert response.status_code == 422
    assert problems(response) == {missing: "This field is required."}


def test_an_unknown_trigger_type_is_a_422_naming_the_field(cast, caller):
    response = caller.post(EVENTS, an_event(cast, trigger_type="bad-day"))
    assert response.status_code == 422
    message = problems(response)["trigger_type"]
    assert "serious-safety-event" in message  # the codes it could have used


@pytest.mark.parametrize("field", ["unit", "site"])
def test_an_unknown_unit_or_site_is_a_422_naming_the_field(cast, caller, field):
    response = caller.post(EVENTS, an_event(cast, **{field: "NOWHERE"}))
    assert response.status_code == 422
    assert list(problems(response)) == [field]


def test_an_extra_property_is_refused_rather_than_silently_dropped(cast, caller):
    payload = an_event(cast, narrative="The patient in bed 4 was given 10x the dose")
    response = caller.post(EVENTS, payload)
    assert response.status_code == 422
    assert list(problems(response)) == ["narrative"]
    assert "bed 4" not in response.content.decode()
    assert not AdverseEvent.objects.exists()


def test_an_extra_property_on_a_person_is_refused(cast, caller):
    person = {"employee_id": "E1", "name": "Dr Someone"}
    response = caller.post(EVENTS, an_event(cast, involved=[person]))
    assert list(problems(response)) == ["involved[0].name"]


@pytest.mark.parametrize(
    "person",
    [{}, {"employee_id": "E1", "npi": "1234567893"}],
    ids=["no identifier", "two identifiers"],
)
def test_a_person_is_named_by_exactly_one_identifier(cast, caller, person):
    response = caller.post(EVENTS, an_event(cast, involved=[person]))
    assert response.status_code == 422
    assert problems(response) == {
        "involved[0]": "Give exactly one of employee_id, npi or email."
    }


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"occurred_on": "2099-01-01"}, "occurred_on"),
        ({"occurred_on": "20/11/2026"}, "occurred_on"),
        ({"occurred_on": "2026-02-30"}, "occurred_on"),
        ({"harm_level": "catastrophic"}, "harm_level"),
        ({"involved": []}, "involved"),
        ({"involved": [{"npi": "123"}]}, "involved[0].npi"),
        ({"event_id": "   "}, "event_id"),
        ({"event_id": "INC\x001"}, "event_id"),
        ({"event_id": 12}, "event_id"),
    ],
)
def test_a_wrong_value_is_a_422_naming_its_field(cast, caller, fields, field):
    response = caller.post(EVENTS, an_event(cast, **fields))
    assert response.status_code == 422
    assert field in problems(response)


def test_a_value_in_the_wrong_form_is_explained_in_words(cast, caller):
    response = caller.post(
        EVENTS, an_event(cast, event_id="INC\n1", involved=[{"npi": "12"}])
    )
    assert problems(response) == {
        "event_id": "Control characters (such as line breaks) are not allowed here.",
        "involved[0].npi": "An NPI is 10 digits.",
    }


def test_a_body_that_is_not_an_object_is_a_422(caller):
    response = caller.post(EVENTS, "[1, 2]")
    assert response.status_code == 422
    assert list(problems(response)) == ["body"]


def test_an_oversized_body_is_a_413_before_it_is_parsed(cast, caller, settings):
    settings.API_MAX_BODY_BYTES = 2048
    payload = an_event(cast, event_id="x" * 3000)
    response = caller.post(EVENTS, payload)
    assert response.status_code == 413
    assert not AdverseEvent.objects.exists()


# --- Refusals: the key -------------------------------------------------------------------


def test_a_call_without_a_key_is_a_401(cast, caller):
    response = caller.client.post(
        EVENTS, an_event(cast), content_type="application/json"
    )
    assert response.status_code == 401
    assert "Authorization" in response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "header",
    [
        "Basic dXNlcjpwYXNz",
        "Bearer ",
        "Bearer al_00000000_not-the-secret",
        "Bearer not-a-key-at-all",
    ],
)
def test_a_wrong_key_is_a_401(cast, caller, header):
    caller.client.defaults["HTTP_AUTHORIZATION"] = header
    response = caller.client.post(
        EVENTS, an_event(cast), content_type="application/json"
    )
    assert response.status_code == 401
    assert "detail" in response.json()


def test_a_key_with_the_right_prefix_and_a_wrong_secret_is_a_401(cast, caller):
    wrong = caller.key[:-4] + "abcd"
    response = caller.post(EVENTS, an_event(cast), key=wrong)
    assert response.status_code == 401
    assert response.json()["detail"] == "This API key is not valid."


def test_a_revoked_key_is_a_401(cast, caller):
    api_key_revoke(actor=cast.it, api_key=caller.api_key)
    response = caller.post(EVENTS, an_event(cast))
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]
    assert not AdverseEvent.objects.exists()


def test_a_key_notes_when_it_was_used_at_most_once_a_minute(cast, caller):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        caller.post(EVENTS, an_event(cast))
        caller.api_key.refresh_from_db()
        assert caller.api_key.last_used_at == start
    with time_machine.travel(start + datetime.timedelta(seconds=30), tick=False):
        caller.post(EVENTS, an_event(cast))
        caller.api_key.refresh_from_db()
        assert caller.api_key.last_used_at == start
    later = start + datetime.timedelta(seconds=61)
    with time_machine.travel(later, tick=False):
        caller.post(EVENTS, an_event(cast))
        caller.api_key.refresh_from_db()
        assert caller.api_key.last_used_at == later


# --- Refusals: the rate ------------------------------------------------------------------


def test_the_121st_request_in_a_minute_is_a_429_with_retry_after(cast, caller):
    moment = datetime.datetime(2026, 3, 2, 12, 0, 10, tzinfo=datetime.UTC)
    with time_machine.travel(moment, tick=False):
        answers = [caller.post(EVENTS, "{").status_code for _ in range(120)]
        assert set(answers) == {400}
        refused = caller.post(EVENTS, an_event(cast))
        assert refused.status_code == 429
        assert refused["Retry-After"] == "50"
        assert "120 a minute" in refused.json()["detail"]
        _, other_key = api_key_create(source="another-system")
        assert caller.post(EVENTS, "{", key=other_key).status_code == 400
    with time_machine.travel(moment + datetime.timedelta(seconds=50), tick=False):
        assert caller.post(EVENTS, an_event(cast)).status_code == 201
