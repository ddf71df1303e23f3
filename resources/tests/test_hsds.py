"""HSDS 3.0 import and export: the round trip, and row-level errors for bad files."""

import csv
import io
import json
import zipfile

import pytest

from confidentiality.models import AuditAction, AuditEvent
from resources import hsds
from resources.hsds_read import HsdsFileError, read_hsds
from resources.models import Resource
from resources.tests.conftest import (
    SAMPLE_IDS,
    sample_json,
    sample_services,
    sample_tables,
    sample_zip,
    snapshot,
    zipped,
)

pytestmark = pytest.mark.django_db


def problems_in(content: bytes, file_name: str = "directory.json") -> list[str]:
    with pytest.raises(HsdsFileError) as refusal:
        read_hsds(file_name, content)
    return [str(problem) for problem in refusal.value.problems]


def export(resources_format: str) -> bytes:
    resources = list(Resource.objects.all())
    if resources_format == "json":
        return hsds.services_json(resources)
    return hsds.services_csv_zip(resources)


# --- Reading the sample -------------------------------------------------------------------


def test_the_json_sample_becomes_three_resources_with_every_field(importing):
    result = importing(sample_json())

    assert (result.added, result.updated, result.unchanged) == (3, 0, 0)
    php = Resource.objects.get(hsds_id=SAMPLE_IDS["php"])
    assert php.name == "State Physician Health Program"
    assert php.kind == "php"
    assert php.organization_name == "State Physician Health Program, Inc."
    assert php.phone == "555-0187"  # the first of its two phones
    assert php.hours == "MO,TU,WE,TH,FR 08:30 to 17:00"
    assert php.location == "200 Capitol Avenue, Suite 4"
    assert php.cost == "Assessment free; treatment paid by you or your insurance."
    assert php.eligibility == "Physicians, residents and medical students in the state."
    assert php.reportable_to_licensing_board == "depends"
    assert php.confidentiality.startswith("Self-referral is not reported")
    assert php.sort_order == 20
    assert php.is_active and not php.is_crisis
    lifeline = Resource.objects.get(hsds_id=SAMPLE_IDS["988"])
    assert lifeline.is_crisis and lifeline.kind == "crisis_line"


def test_the_csv_sample_gives_the_same_directory_as_the_json_sample(importing):
    importing(sample_json())
    from_json = snapshot()
    Resource.objects.all().delete()

    importing(sample_zip(), file_name="directory.zip")

    assert snapshot() == from_json


def test_a_file_without_alongside_attributes_gets_kind_other_and_unknown_reportability(
    importing,
):
    services = sample_services()[:1]
    services[0]["attributes"] = []

    importing(sample_json(services))

    eap = Resource.objects.get()
    assert (eap.kind, eap.reportable_to_licensing_board, eap.confidentiality) == (
        "other",
        "unknown",
        "",
    )


def test_a_service_that_is_not_active_is_imported_retired(importing):
    services = sample_services()[:1]
    services[0]["status"] = "temporarily closed"

    importing(sample_json(services))

    assert Resource.objects.get().is_active is False


def test_an_hsds_api_page_of_services_is_read_too(importing):
    page = {"total_items": 3, "contents": sample_services()}

    assert importing(json.dumps(page).encode()).added == 3


def test_csv_tables_in_a_folder_of_the_zip_are_found(importing):
    content = zipped(sample_tables(), folder="hsds-export/")

    assert importing(content, file_name="export.zip").added == 3


# --- The round trip -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "first, second", [("json", "json"), ("csv", "csv"), ("json", "csv")]
)
def test_an_export_imported_again_gives_back_the_same_directory(
    importing, first, second
):
    importing(sample_json())
    Resource.objects.filter(hsds_id=SAMPLE_IDS["eap"]).update(
        is_active=False, location="Level 2, Annex", email="", sort_order=7
    )
    before = snapshot()

    exported = export(first)
    Resource.objects.all().delete()
    importing(exported, file_name=f"export.{'zip' if first == 'csv' else 'json'}")
    again = export(second)
    Resource.objects.all().delete()
    importing(again, file_name=f"again.{'zip' if second == 'csv' else 'json'}")

    assert snapshot() == before


def test_importing_its_own_export_changes_nothing(importing):
    importing(sample_json())

    result = importing(export("csv"), file_name="export.zip")

    assert (result.added, result.updated, result.unchanged) == (0, 0, 3)


def test_the_same_directory_always_exports_the_same_bytes(importing):
    importing(sample_json())

    assert export("json") == export("json")
    assert export("csv") == export("csv")


# --- The shape of an export ---------------------------------------------------------------


def test_the_json_export_is_a_list_of_hsds_services_with_nested_objects(importing):
    importing(sample_json())

    services = {s["id"]: s for s in json.loads(export("json"))}

    lifeline = services[SAMPLE_IDS["988"]]
    assert lifeline["status"] == "active"
    assert lifeline["fees_description"] == "Free."
    assert lifeline["eligibility_description"] == "Anyone in the United States."
    assert lifeline["organization"]["name"] == "988 Lifeline"
    assert [p["number"] for p in lifeline["phones"]] == ["988"]
    assert lifeline["schedules"][0]["description"] == "24 hours a day, every day."
    assert "email" not in lifeline  # empty values are left out, not sent as ""
    attributes = {
        a["taxonomy_term"]["code"]: a["value"] for a in lifeline["attributes"]
    }
    assert attributes["alongside:is_crisis"] == "true"
    assert attributes["alongside:kind"] == "crisis_line"
    assert all(a["link_entity"] == "service" for a in lifeline["attributes"])
    php = services[SAMPLE_IDS["php"]]
    assert php["service_at_locations"][0]["location"] == {
        "id": php["service_at_locations"][0]["location"]["id"],
        "location_type": "physical",
        "name": "200 Capitol Avenue, Suite 4",
    }


def test_the_csv_export_is_a_zip_of_hsds_tables_with_their_column_names(importing):
    importing(sample_json())

    archive = zipfile.ZipFile(io.BytesIO(export("csv")))

    assert set(archive.namelist()) == {*hsds.COLUMNS, "datapackage.json"}
    services = list(csv.DictReader(io.StringIO(archive.read("services.csv").decode())))
    assert list(services[0]) == hsds.COLUMNS["services.csv"]
    assert {s["id"] for s in services} == set(SAMPLE_IDS.values())
    organizations = list(
        csv.DictReader(io.StringIO(archive.read("organizations.csv").decode()))
    )
    assert {s["organization_id"] for s in services} == {o["id"] for o in organizations}
    package = json.loads(archive.read("datapackage.json"))
    assert {r["path"] for r in package["resources"]} == set(hsds.COLUMNS)


# --- Bad files: every problem, where it is ------------------------------------------------


def test_a_bad_email_is_reported_on_its_row_and_column():
    services = sample_tables()["services.csv"].replace(
        "help@eap.example.org", "help-at-eap"
    )

    assert problems_in(sample_zip(services_csv=services), "d.zip") == [
        "services.csv row 2, column email: “help-at-eap” is not an e-mail address."
    ]


def test_a_missing_name_is_reported_on_its_row():
    services = sample_tables()["services.csv"].replace(
        ",988 Suicide & Crisis Lifeline,", ",,"
    )

    assert problems_in(sample_zip(services_csv=services), "d.zip") == [
        "services.csv row 4, column name: is empty: every service needs a name."
    ]


def test_an_unknown_kind_is_reported_on_the_attribute_row():
    attributes = sample_tables()["attributes.csv"].replace(
        "service,crisis_line", "service,hotline"
    )

    assert problems_in(sample_zip(attributes_csv=attributes), "d.zip") == [
        "attributes.csv row 10, column value: “hotline” is not a kind of resource "
        "Alongside knows; use one of eap, counselling, php, stress_reduction, "
        "chaplaincy, crisis_line, peer_hotline, other."
    ]


def test_a_phone_for_an_unknown_service_is_reported():
    phones = sample_tables()["phones.csv"].replace(
        "2b0f6a1e-5c3d-4e8f-9a7b-1c2d3e4f5a60", "2b0f6a1e-0000-4e8f-9a7b-1c2d3e4f5a60"
    )

    assert problems_in(sample_zip(phones_csv=phones), "d.zip") == [
        "phones.csv row 2, column service_id: no service in services.csv has this id."
    ]


def test_a_zip_without_services_csv_is_refused():
    assert problems_in(sample_zip(services_csv=None), "d.zip") == [
        "d.zip: has no services.csv. An HSDS tabular export keeps its services in "
        "services.csv, with phones.csv, schedules.csv and the other tables beside it."
    ]


def test_malformed_json_is_refused_with_where_it_broke():
    [problem] = problems_in(b'[{"id": "x",]', "directory.json")

    assert problem.startswith("directory.json: is not valid JSON (")
    assert "line 1, column 13" in problem


def test_json_problems_name_the_service_and_the_field():
    services = sample_services()
    services[1]["email"] = "php at example"
    services[2]["attributes"][1]["value"] = "maybe"

    assert problems_in(sample_json(services)) == [
        "directory.json service 2, field email: “php at example” is not an e-mail "
        "address.",
        "directory.json service 3, field attributes[1].value: “maybe” should be true "
        "or false.",
    ]


def test_an_id_that_is_not_a_uuid_and_a_repeated_id_are_both_reported():
    services = sample_services()
    services[0]["id"] = "eap-1"
    services[2]["id"] = services[1]["id"]

    assert problems_in(sample_json(services)) == [
        "directory.json service 1, field id: “eap-1” is not a UUID; HSDS 3.0 ids look "
        "like 3f7b145d-84af-42d7-8fae-eaca714b02b2.",
        "directory.json service 3, field id: the same id as directory.json service 2; "
        "every service needs its own id.",
    ]


def test_an_unknown_alongside_attribute_is_reported_and_other_taxonomies_are_not():
    terms = sample_tables()["taxonomy_terms.csv"].replace(
        "alongside:sort_order", "alongside:colour"
    )

    [problem] = problems_in(sample_zip(taxonomy_terms_csv=terms), "d.zip")

    assert problem.startswith(
        "taxonomy_terms.csv row 5, column code: “alongside:colour” is not an "
        "Alongside attribute; use one of alongside:kind,"
    )


def test_an_attribute_whose_term_is_missing_is_reported():
    terms = "\n".join(
        line
        for line in sample_tables()["taxonomy_terms.csv"].splitlines()
        if "alongside:is_crisis" not in line
    )

    assert problems_in(sample_zip(taxonomy_terms_csv=terms), "d.zip") == [
        "attributes.csv row 11, column taxonomy_term_id: no term in taxonomy_terms.csv "
        "has this id."
    ]


def test_a_service_with_no_way_to_reach_it_is_reported_on_its_row():
    services = sample_services()
    for key in ("url", "email", "phones"):
        services[2].pop(key, None)

    assert problems_in(sample_json(services)) == [
        "directory.json service 3: says no way to reach the service: give a phone "
        "number, an e-mail address, a web address (url) or a location."
    ]


def test_a_missing_status_column_and_a_bad_status_are_reported():
    services = sample_tables()["services.csv"]
    out = io.StringIO()
    csv.writer(out).writerows(
        cells[:7] + cells[8:] for cells in csv.reader(io.StringIO(services))
    )
    without_status = out.getvalue()
    bad_status = sample_services()
    bad_status[0]["status"] = "open"

    assert problems_in(sample_zip(services_csv=without_status), "d.zip") == [
        "services.csv row 1, column status: is missing: services.csv needs a column "
        "called “status”."
    ]
    assert problems_in(sample_json(bad_status)) == [
        "directory.json service 1, field status: “open” is not an HSDS status; use "
        "active, inactive, defunct or temporarily closed."
    ]


def test_every_problem_in_a_file_is_reported_at_once():
    services = sample_services()
    services[0]["url"] = "eap.example.org"
    services[1]["organization"] = None
    services[2]["phones"] = [{"id": "p"}]

    assert problems_in(sample_json(services)) == [
        "directory.json service 3, field phones[0].number: is empty: give the phone "
        "number.",
        "directory.json service 1, field url: “eap.example.org” is not a web address; "
        "give it in full, starting https://.",
        "directory.json service 2, field organization.name: is empty: say who runs the "
        "service (its organization's name).",
    ]


@pytest.mark.parametrize(
    "content, file_name, expected",
    [
        (
            b"PK\x03\x04 not really",
            "d.zip",
            "d.zip: is not a zip file that can be opened.",
        ),
        (b"id,name\n", "services.csv", "services.csv: is a single CSV file."),
        (b"\xff\xfe[]", "d.json", "d.json: is not UTF-8 text"),
        (b"[]", "d.json", "d.json: holds no services."),
        (b'"text"', "d.json", "d.json: should hold a list of HSDS services."),
        (b"[1]", "d.json", "d.json service 1: should be a service object."),
    ],
)
def test_files_that_are_not_an_hsds_directory_are_refused(content, file_name, expected):
    [problem] = problems_in(content, file_name)

    assert problem.startswith(expected)


def test_a_text_field_that_is_too_long_says_how_long_it_may_be():
    services = sample_services()
    services[0]["name"] = "E" * 201

    assert problems_in(sample_json(services)) == [
        "directory.json service 1, field name: is 201 characters long; at most 200 fit."
    ]


# --- All or nothing -----------------------------------------------------------------------


def test_nothing_is_imported_or_changed_when_any_row_is_bad(importing, cast):
    importing(sample_json())
    before = snapshot()
    audits = AuditEvent.objects.count()
    services = sample_services()
    services[0]["name"] = "A new name"
    services.append(
        {**sample_services()[2], "id": "5e3f9d4b-8f6a-4b12-9dae-4f5a6b7c8d93"}
    )
    services[1]["email"] = "not an address"

    with pytest.raises(HsdsFileError):
        importing(sample_json(services))

    assert snapshot() == before
    assert AuditEvent.objects.count() == audits


def test_an_import_updates_known_services_adds_new_ones_and_leaves_the_rest(importing):
    importing(sample_json())
    services = sample_services()
    services[0]["fees_description"] = "Free, always."
    services[0]["attributes"] = []  # Alongside's own fields are kept when left out
    services.pop(2)
    services.append(
        {**sample_services()[2], "id": "5e3f9d4b-8f6a-4b12-9dae-4f5a6b7c8d93"}
    )

    result = importing(sample_json(services))

    assert (result.added, result.updated, result.unchanged) == (1, 1, 1)
    eap = Resource.objects.get(hsds_id=SAMPLE_IDS["eap"])
    assert eap.cost == "Free, always."
    assert eap.kind == "eap" and eap.reportable_to_licensing_board == "no"
    assert Resource.objects.filter(hsds_id=SAMPLE_IDS["988"]).exists()
    assert Resource.objects.count() == 4
    event = AuditEvent.objects.get(
        action=AuditAction.RESOURCES_IMPORTED, details__added=1
    )
    assert event.details == {"format": "json", "added": 1, "updated": 1, "unchanged": 1}
