"""The resources page anyone may open, and the pages program staff keep it with."""

import json

import pytest
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from confidentiality.models import AccessEvent, AuditAction, AuditEvent
from resources.models import Resource
from resources.tests.conftest import (
    make_resource,
    sample_json,
    sample_tables,
    sample_zip,
)
from scope.models import DemandRecord

NOT_PROGRAM_STAFF = ["supporter", "clinician", "leader", "risk", "it"]
MANAGE_PAGES = [
    "resources_manage",
    "resource_new",
    "resources_import",
    "resources_export_json",
    "resources_export_csv",
]


def witness_rows() -> tuple[int, ...]:
    return (
        AccessEvent.objects.count(),
        AuditEvent.objects.count(),
        DemandRecord.objects.count(),
        Session.objects.count(),
    )


# --- The resources page -------------------------------------------------------------------


@pytest.mark.parametrize("who", [None, "clinician", "director"])
def test_the_page_records_nothing_about_who_opened_it(cast, client_for, who):
    make_resource()
    make_resource(name="988", kind="crisis_line", is_crisis=True)
    client = client_for(getattr(cast, who) if who else None)
    before = witness_rows()

    response = client.get(reverse("resources"))

    assert response.status_code == 200
    assert witness_rows() == before
    assert "does not record that you opened this page" in response.text


def test_anyone_may_open_it_without_signing_in(db):
    make_resource(name="Employee Assistance Program")

    response = Client().get(reverse("resources"))

    assert response.status_code == 200
    assert "Employee Assistance Program" in response.text


def test_crisis_lines_come_first_under_their_own_heading(db):
    make_resource(name="Employee Assistance Program", sort_order=1)
    make_resource(
        name="988 Suicide &amp; Crisis Lifeline",
        kind="crisis_line",
        is_crisis=True,
        sort_order=99,
    )

    page = Client().get(reverse("resources")).text

    crisis = page.index("If you are in crisis now")
    assert crisis < page.index("988 Suicide") < page.index("Employee Assistance")
    assert "panel--urgent" in page[crisis : page.index("Employee Assistance")]


def test_each_resource_says_how_to_reach_it_when_what_it_costs_who_may_use_it(db):
    make_resource(
        phone="1-800-555-0199",
        email="help@eap.example.org",
        url="https://eap.example.org",
        hours="Phone line 24 hours a day",
        cost="Free: six sessions a year",
        eligibility="Every employee and their household",
        confidentiality="Your employer learns only how many people called.",
        reportable_to_licensing_board="no",
    )

    page = Client().get(reverse("resources")).text

    assert 'href="tel:1-800-555-0199">Call 1-800-555-0199</a>' in page
    assert 'href="mailto:help@eap.example.org"' in page
    assert (
        'href="https://eap.example.org" rel="noopener noreferrer">eap.example.org'
        in page
    )
    for text in (
        "Phone line 24 hours a day",
        "Free: six sessions a year",
        "Every employee and their household",
        "Your employer learns only how many people called.",
        "Using it is not reported to a licensing board.",
    ):
        assert text in page


@pytest.mark.parametrize(
    "answer, words",
    [
        ("yes", "Using it may be reported to a licensing board."),
        ("depends", "reported to a licensing board only in some circumstances"),
        ("unknown", "We have not confirmed whether using it is reported"),
    ],
)
def test_whether_use_is_reportable_is_said_in_plain_words(db, answer, words):
    make_resource(reportable_to_licensing_board=answer)

    assert words in Client().get(reverse("resources")).text


def test_retired_resources_are_not_shown(db):
    make_resource(name="Old hotline", is_active=False)

    assert "Old hotline" not in Client().get(reverse("resources")).text


@pytest.mark.parametrize("who", [None, "clinician"])
def test_the_page_takes_as_many_queries_for_thirty_resources_as_for_three(
    cast, client_for, who
):
    client = client_for(getattr(cast, who) if who else None)

    def queries_with(count: int) -> int:
        Resource.objects.all().delete()
        for n in range(count):
            make_resource(name=f"Resource {n}", is_crisis=n % 3 == 0)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("resources")).status_code == 200
        return len(queries)

    assert queries_with(3) == queries_with(30)


def test_program_staff_find_the_way_to_keep_the_directory_and_others_do_not(
    cast, client_for
):
    link = reverse("resources_manage")

    assert link in client_for(cast.administrator).get(reverse("resources")).text
    assert link not in client_for(cast.clinician).get(reverse("resources")).text


def test_every_signed_in_person_has_resources_in_the_navigation(cast, client_for):
    page = client_for(cast.clinician).get(reverse("home")).text

    assert f'<a href="{reverse("resources")}"' in page


def test_the_answer_for_people_outside_the_scope_points_to_the_resources(
    cast, client_for
):
    page = client_for(cast.clinician).get(reverse("support_other_help")).text

    assert f'href="{reverse("resources")}"' in page


# --- Keeping the directory ----------------------------------------------------------------


@pytest.mark.parametrize("who", NOT_PROGRAM_STAFF)
@pytest.mark.parametrize("page", MANAGE_PAGES)
def test_nobody_but_program_staff_may_open_the_pages_that_keep_it(
    cast, client_for, who, page
):
    assert client_for(getattr(cast, who)).get(reverse(page)).status_code == 404


@pytest.mark.parametrize("who", NOT_PROGRAM_STAFF)
def test_nobody_but_program_staff_may_edit_or_retire_a_resource(cast, client_for, who):
    resource = make_resource()
    client = client_for(getattr(cast, who))

    assert client.get(reverse("resource_edit", args=[resource.pk])).status_code == 404
    retire = client.post(reverse("resource_retire", args=[resource.pk]))

    assert retire.status_code == 404
    assert Resource.objects.get().is_active


def form_data(**fields) -> dict:
    data = {
        "name": "Spiritual care",
        "kind": "chaplaincy",
        "organization_name": "Riverside Health Chaplaincy",
        "location": "Chapel, ground floor",
        "hours": "A chaplain is on call 24 hours a day.",
        "reportable_to_licensing_board": "no",
        "sort_order": "70",
        "is_active": "on",
    }
    data.update(fields)
    return data


def test_the_director_adds_a_resource(cast, client_for):
    response = client_for(cast.director).post(reverse("resource_new"), form_data())

    assert response.status_code == 302
    resource = Resource.objects.get()
    assert (resource.name, resource.kind, resource.is_active) == (
        "Spiritual care",
        "chaplaincy",
        True,
    )
    assert AuditEvent.objects.filter(action=AuditAction.RESOURCE_CHANGED).count() == 1


def test_a_resource_without_a_way_to_reach_it_is_sent_back_with_the_reason(
    cast, client_for
):
    response = client_for(cast.director).post(
        reverse("resource_new"), form_data(location="")
    )

    assert response.status_code == 200
    assert "Say how to reach it" in response.text
    assert not Resource.objects.exists()


def test_the_administrator_edits_a_resource(cast, client_for):
    resource = make_resource()

    client_for(cast.administrator).post(
        reverse("resource_edit", args=[resource.pk]),
        form_data(name="Employee Assistance Program (EAP)", kind="eap"),
    )

    resource.refresh_from_db()
    assert resource.name == "Employee Assistance Program (EAP)"
    assert resource.hsds_id == Resource.objects.get().hsds_id


def test_a_retired_resource_leaves_the_page(cast, client_for):
    resource = make_resource(name="Old hotline")
    client = client_for(cast.director)

    response = client.post(reverse("resource_retire", args=[resource.pk]), follow=True)

    assert response.redirect_chain == [(reverse("resources_manage"), 302)]
    assert "retired</span>" in response.text
    assert "Old hotline" not in client.get(reverse("resources")).text


def upload(content: bytes, name: str) -> dict:
    return {"file": SimpleUploadedFile(name, content)}


def test_an_upload_with_bad_rows_shows_each_problem_and_imports_nothing(
    cast, client_for
):
    services = sample_tables()["services.csv"].replace(
        "help@eap.example.org", "help-at-eap"
    )
    content = sample_zip(services_csv=services)

    response = client_for(cast.director).post(
        reverse("resources_import"), upload(content, "directory.zip")
    )

    assert response.status_code == 200
    page = response.text
    assert "Nothing was imported: 1 problem to fix" in page
    assert "<code>services.csv</code>" in page
    assert "row 2" in page
    assert "<code>email</code>" in page
    assert "is not an e-mail address." in page
    assert not Resource.objects.exists()


def test_a_good_upload_says_what_it_did(cast, client_for):
    client = client_for(cast.administrator)

    response = client.post(
        reverse("resources_import"),
        upload(sample_json(), "directory.json"),
        follow=True,
    )

    assert "Imported: 3 added, 0 updated, 0 unchanged." in response.text
    assert Resource.objects.count() == 3


def test_exports_download_as_files(cast, client_for):
    make_resource()
    client = client_for(cast.director)

    as_json = client.get(reverse("resources_export_json"))
    as_zip = client.get(reverse("resources_export_csv"))

    assert as_json["Content-Type"] == "application/json"
    assert as_json["Content-Disposition"] == (
        'attachment; filename="alongside-resources.json"'
    )
    assert json.loads(as_json.content)[0]["name"] == "Employee Assistance Program"
    assert as_zip["Content-Type"] == "application/zip"
    assert as_zip.content.startswith(b"PK")
