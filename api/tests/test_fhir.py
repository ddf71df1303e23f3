"""POST /api/v1/fhir/AdverseEvent: an HL7 FHIR R4 resource, of which nothing clinical stays."""

import copy
import datetime
import json
import logging
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from alongside.testing.cast import make_staff_member
from api.tests.conftest import FHIR
from events.models import AdverseEvent, EventInvolvement, MatchedBy

# The AdverseEvent example published with the HL7 FHIR R4 specification, unchanged.
EXAMPLE = Path(__file__).parent / "fixtures" / "adverseevent-example-r4.json"
# What the example carries that Alongside must never keep.
CLINICAL = [
    "Patient/example",
    "This was a mild rash on the left forearm",
    "mild rash",
    "O/E - itchy rash",
    "304386008",
    "Medication/example",
    "Generated Narrative",
    "Product Use Error",
    "acme.com",
]
EMPLOYEE_ID_SYSTEM = "urn:alongside:employee-id"
NPI_SYSTEM = "http://hl7.org/fhir/sid/us-npi"


def the_example() -> dict:
    return json.loads(EXAMPLE.read_text())


def every_row_as_text() -> str:
    """Every row of every table, as text: what the database holds, all of it."""
    text = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, memoryview | bytes):
                        value = bytes(value).decode("utf-8", "replace")
                    text.append(str(value))
    return "\n".join(text)


def row_counts() -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


@pytest.fixture
def every_log_record(caplog):
    """Capture every log record at DEBUG, SQL statements and their values included."""
    loggers = [logging.getLogger()] + [
        logging.getLogger(name) for name in logging.root.manager.loggerDict
    ]
    levels = [(logger, logger.level) for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    caplog.set_level(logging.DEBUG)
    connection.force_debug_cursor = True
    yield caplog
    connection.force_debug_cursor = False
    for logger, level in levels:
        logger.setLevel(level)


def logged_text(caplog) -> str:
    return "\n".join(
        f"{record.getMessage()} {record.args!r} {record.exc_text or ''} "
        f"{getattr(record, 'sql', '')} {getattr(record, 'params', '')}"
        for record in caplog.records
    )


def with_people(*contained, contributors=(), recorder=None, **changes) -> dict:
    resource = the_example()
    resource["contained"] = list(contained)
    resource["contributor"] = list(contributors)
    if recorder is not None:
        resource["recorder"] = recorder
    resource.update(changes)
    return resource


# --- The official example ------------------------------------------------------------------


def test_the_official_example_is_accepted_and_nothing_clinical_is_kept(
    cast, caller, every_log_record
):
    response = caller.post(FHIR, the_example(), content_type="application/fhir+json")

    assert response.status_code == 201
    answer = response.json()
    assert answer["created"] is True
    assert answer["involved_matched"] == 0
    event = AdverseEvent.objects.get(pk=answer["event"])
    assert event.source_event_id == "49476534"
    assert event.occurred_on == datetime.date(2017, 1, 29)
    assert event.trigger_type.code == "serious-safety-event"  # product-use-error
    assert event.harm_level == "mild"
    assert event.unmatched_count == 1
    stored = every_row_as_text()
    logged = logged_text(every_log_record)
    assert "49476534" in stored  # the dump does see what was kept
    assert "INSERT" in logged  # and the log capture saw the SQL
    for text in CLINICAL:
        assert text not in stored, f"{text!r} is in the database"
        assert text not in logged, f"{text!r} is in the logs"


def test_the_examples_practitioner_is_reported_unmatched_without_repeating_it(
    cast, caller
):
    answer = caller.post(FHIR, the_example()).json()
    (unmatched,) = answer["unmatched"]
    assert unmatched["index"] == 0
    assert unmatched["field"] == "recorder"
    assert "outside this message" in unmatched["reason"]
    assert "example" not in unmatched["reason"]


def test_a_retry_of_the_example_returns_the_same_event_and_adds_no_rows(cast, caller):
    first = caller.post(FHIR, the_example())
    counts = row_counts()
    again = caller.post(FHIR, the_example())
    assert again.status_code == 200
    assert again.json()["event"] == first.json()["event"]
    assert again.json()["created"] is False
    assert row_counts() == counts


# --- People ------------------------------------------------------------------------------


def test_contained_practitioners_are_matched_by_employee_id_npi_and_email(cast, caller):
    by_npi = make_staff_member(cast.org, npi="1234567893")
    by_email = make_staff_member(cast.org)
    clinician = cast.clinician.staff_member
    resource = with_people(
        {
            "resourceType": "Practitioner",
            "id": "p1",
            "identifier": [
                {"system": EMPLOYEE_ID_SYSTEM, "value": clinician.employee_id}
            ],
            "name": [{"family": "Clinician", "given": ["Chris"]}],
        },
        {
            "resourceType": "Practitioner",
            "id": "p2",
            "identifier": [{"system": NPI_SYSTEM, "value": "1234567893"}],
        },
        {
            "resourceType": "Practitioner",
            "id": "p3",
            "telecom": [
                {"system": "phone", "value": "555-0100"},
                {"system": "email", "value": by_email.work_email.upper()},
            ],
        },
        recorder={"reference": "#p1"},
        contributors=[{"reference": "#p2"}, {"reference": "#p3"}],
    )
    response = caller.post(FHIR, resource)
    assert response.status_code == 201
    assert response.json()["involved_matched"] == 3
    assert response.json()["unmatched"] == []
    matched = dict(
        EventInvolvement.objects.values_list("staff_member_id", "matched_by")
    )
    assert matched == {
        clinician.pk: MatchedBy.EMPLOYEE_ID,
        by_npi.pk: MatchedBy.NPI,
        by_email.pk: MatchedBy.EMAIL,
    }


def test_a_reference_with_an_identifier_needs_no_contained_resource(cast, caller):
    clinician = cast.clinician.staff_member
    resource = with_people(
        recorder={
            "reference": "Practitioner/123",
            "identifier": {
                "system": EMPLOYEE_ID_SYSTEM,
                "value": clinician.employee_id,
            },
        }
    )
    response = caller.post(FHIR, resource)
    assert response.json()["involved_matched"] == 1
    assert EventInvolvement.objects.get().staff_member == clinician


def test_a_contained_practitioner_role_is_followed_to_its_practitioner(cast, caller):
    clinician = cast.clinician.staff_member
    resource = with_people(
        {
            "resourceType": "PractitionerRole",
            "id": "r1",
            "practitioner": {"reference": "#p1"},
        },
        {
            "resourceType": "Practitioner",
            "id": "p1",
            "identifier": [
                {"system": EMPLOYEE_ID_SYSTEM, "value": clinician.employee_id}
            ],
        },
        recorder={"reference": "#r1"},
    )
    assert caller.post(FHIR, resource).json()["involved_matched"] == 1


def test_the_employee_id_system_is_configurable(cast, caller, settings):
    settings.FHIR_EMPLOYEE_ID_SYSTEM = "https://hr.hospital.test/ids"
    clinician = cast.clinician.staff_member
    resource = with_people(
        recorder={
            "identifier": {
                "system": "https://hr.hospital.test/ids",
                "value": clinician.employee_id,
            }
        }
    )
    assert caller.post(FHIR, resource).json()["involved_matched"] == 1


def test_people_who_cannot_be_matched_are_each_reported_with_a_reason(cast, caller):
    resource = with_people(
        {"resourceType": "Practitioner", "id": "nobody", "name": [{"family": "Doe"}]},
        {"resourceType": "Patient", "id": "pat", "name": [{"family": "Roe"}]},
        {
            "resourceType": "Practitioner",
            "id": "stranger",
            "identifier": [{"system": EMPLOYEE_ID_SYSTEM, "value": "E-404"}],
        },
        recorder={"reference": "#nobody", "display": "Dr Jane Doe"},
        contributors=[
            {"reference": "#pat"},
            {"reference": "#missing"},
            {"reference": "#stranger"},
            {"display": "Dr John Roe"},
        ],
    )
    response = caller.post(FHIR, resource)
    assert response.status_code == 201
    reasons = {item["field"]: item["reason"] for item in response.json()["unmatched"]}
    assert reasons == {
        "recorder": "has no identifier with the employee-id or NPI system and no "
        "e-mail to match by",
        "contributor[0]": "refers to a contained resource that is not a practitioner",
        "contributor[1]": "refers to a contained resource (#id) that is not in the "
        "message",
        "contributor[2]": "no active staff member with employee id E-404",
        "contributor[3]": "has no identifier with the employee-id or NPI system and "
        "no e-mail to match by",
    }
    assert "Doe" not in response.content.decode()
    assert "Roe" not in response.content.decode()
    assert AdverseEvent.objects.get().unmatched_count == 5


# --- Mapping --------------------------------------------------------------------------------


def test_a_death_maps_to_the_unexpected_death_trigger_and_harm(cast, caller):
    resource = the_example()
    resource["seriousness"]["coding"][0]["code"] = "SeriousResultsInDeath"
    caller.post(FHIR, resource)
    event = AdverseEvent.objects.get()
    assert (event.trigger_type.code, event.harm_level) == ("unexpected-death", "death")


def test_the_worse_of_seriousness_and_severity_is_the_harm_level(cast, caller):
    resource = the_example()
    resource["seriousness"]["coding"][0]["code"] = "SeriousIsLifeThreatening"
    caller.post(FHIR, resource)
    assert AdverseEvent.objects.get().harm_level == "severe"


def test_alongsides_own_codes_can_be_named_outright(cast, caller):
    resource = the_example()
    resource["category"].append(
        {"coding": [{"system": "urn:alongside:trigger-type", "code": "aggression"}]}
    )
    resource["severity"]["coding"].append(
        {"system": "urn:alongside:harm-level", "code": "none"}
    )
    caller.post(FHIR, resource)
    event = AdverseEvent.objects.get()
    assert (event.trigger_type.code, event.harm_level) == ("aggression", "none")


def test_an_unknown_category_is_another_hard_event_and_no_severity_is_no_harm_level(
    cast, caller
):
    resource = the_example()
    resource["category"] = [{"coding": [{"system": "urn:local", "code": "slip"}]}]
    del resource["seriousness"]
    del resource["severity"]
    caller.post(FHIR, resource)
    event = AdverseEvent.objects.get()
    assert (event.trigger_type.code, event.harm_level) == ("other", "")


def test_a_near_miss_without_a_severity_harmed_nobody(cast, caller):
    resource = the_example()
    resource["actuality"] = "potential"
    del resource["seriousness"]
    del resource["severity"]
    caller.post(FHIR, resource)
    assert AdverseEvent.objects.get().harm_level == "none"


@pytest.mark.parametrize(
    ("value", "day"),
    [
        ("2017-01-29", datetime.date(2017, 1, 29)),
        # 02:00 UTC is still the evening before in New York.
        ("2017-01-29T02:00:00Z", datetime.date(2017, 1, 28)),
        ("2017-01-29T23:30:00-05:00", datetime.date(2017, 1, 29)),
    ],
)
def test_the_day_is_the_organizations_day(cast, caller, value, day):
    resource = the_example()
    resource["date"] = value
    caller.post(FHIR, resource)
    assert AdverseEvent.objects.get().occurred_on == day


def test_detected_stands_in_for_a_missing_date(cast, caller):
    resource = the_example()
    del resource["date"]
    resource["detected"] = "2017-02-01"
    caller.post(FHIR, resource)
    assert AdverseEvent.objects.get().occurred_on == datetime.date(2017, 2, 1)


def test_an_identifier_list_uses_its_first_entry(cast, caller):
    resource = the_example()
    resource["identifier"] = [{"value": "A-1"}, {"value": "A-2"}]
    caller.post(FHIR, resource)
    assert AdverseEvent.objects.get().source_event_id == "A-1"


# --- Refusals -------------------------------------------------------------------------------


def problems(response) -> dict[str, str]:
    return {
        problem["field"]: problem["message"] for problem in response.json()["detail"]
    }


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"resourceType": "Patient"}, "resourceType"),
        ({"identifier": None}, "identifier"),
        ({"identifier": {"system": "urn:x"}}, "identifier"),
        ({"identifier": {"value": "x" * 201}}, "identifier.value"),
        ({"date": None}, "date"),
        ({"date": "2017-01"}, "date"),
        ({"date": "29/01/2017"}, "date"),
        ({"date": "2017-02-30"}, "date"),
        ({"date": "2099-01-01"}, "date"),
        ({"contributor": "Practitioner/1"}, "contributor"),
        ({"contained": [{"id": "p1"}]}, "contained[0].resourceType"),
    ],
)
def test_a_resource_missing_what_alongside_needs_is_a_422_naming_it(
    cast, caller, change, field
):
    resource = the_example()
    resource.update(change)
    resource = {key: value for key, value in resource.items() if value is not None}
    response = caller.post(FHIR, resource)
    assert response.status_code == 422
    assert field in problems(response)
    for text in CLINICAL:
        assert text not in response.content.decode()
    assert not AdverseEvent.objects.exists()


def test_a_resource_without_a_resource_type_is_a_422(cast, caller):
    resource = copy.deepcopy(the_example())
    del resource["resourceType"]
    response = caller.post(FHIR, resource)
    assert problems(response) == {"resourceType": "This field is required."}


def test_a_fhir_call_without_a_key_is_a_401(cast, caller):
    response = caller.client.post(FHIR, the_example(), content_type="application/json")
    assert response.status_code == 401


def test_the_day_it_happened_cannot_be_today_plus_one(cast, caller):
    resource = the_example()
    resource["date"] = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = caller.post(FHIR, resource)
    assert list(problems(response)) == ["date"]
