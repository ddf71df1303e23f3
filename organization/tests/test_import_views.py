import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.urls import reverse

from confidentiality import policy
from confidentiality.models import AccessEvent
from organization.models import RosterImport, RosterImportStatus, StaffMember
from organization.roster_import import ROSTER_IMPORT_TASK
from organization.tests.roster_builders import csv_bytes, person, xlsx_bytes
from worker.models import BackgroundTask, DueStatus
from worker.runner import Worker

NOT_PROGRAM_STAFF = ["supporter", "clinician", "leader", "risk", "it"]


def upload(client, content: bytes, *, name="roster.csv", mode="all_or_nothing"):
    return client.post(
        reverse("roster_import_new"),
        {"file": SimpleUploadedFile(name, content), "mode": mode},
    )


def make_import(user, **fields) -> RosterImport:
    fields.setdefault("file_name", "hr.csv")
    return RosterImport.objects.create(created_by=user, **fields)


def no_inline_scripts_or_styles(html: str) -> bool:
    inline_script = re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    return not inline_script and "<style" not in html and " style=" not in html


# --- The upload page -----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["administrator", "director"])
def test_program_staff_see_the_upload_page_with_the_columns_explained(
    cast, client_for, name
):
    response = client_for(getattr(cast, name)).get(reverse("roster_import_new"))
    assert response.status_code == 200
    html = response.content.decode()
    for column in ("employee_id", "supervisor_employee_id", "start_date", "active"):
        assert f"<code>{column}</code>" in html
    assert "Import the valid rows and report the rest" in html
    assert 'enctype="multipart/form-data"' in html
    assert no_inline_scripts_or_styles(html)


@pytest.mark.parametrize("name", NOT_PROGRAM_STAFF)
def test_nobody_else_can_open_or_post_to_the_upload_page(cast, client_for, name):
    client = client_for(getattr(cast, name))
    assert client.get(reverse("roster_import_new")).status_code == 404
    assert upload(client, csv_bytes(person("H1"))).status_code == 404
    assert not RosterImport.objects.exists()


def test_the_upload_page_lists_recent_imports(cast, client_for):
    make_import(cast.director, status=RosterImportStatus.DONE, created_count=12)
    make_import(None, file_name="nightly.xlsx", status=RosterImportStatus.REJECTED)
    html = client_for(cast.administrator).get(reverse("roster_import_new")).content
    html = html.decode()
    assert "hr.csv" in html and "Dana Director" in html
    assert "nightly.xlsx" in html and "command line" in html
    assert "Not imported: the file has errors" in html


def test_uploading_queues_the_import_and_shows_its_page(cast, client_for):
    content = csv_bytes(person("H1"), person("H2", supervisor="H1"))
    response = upload(client_for(cast.administrator), content, mode="valid_rows")
    roster_import = RosterImport.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("roster_import_detail", args=[roster_import.pk])
    assert (roster_import.status, roster_import.mode) == ("queued", "valid_rows")
    assert roster_import.created_by == cast.administrator
    assert bytes(roster_import.content) == content
    task = BackgroundTask.objects.get(kind=ROSTER_IMPORT_TASK)
    assert task.payload == {"import_id": roster_import.pk}


def test_the_worker_imports_the_upload_and_the_page_shows_the_report(cast, client_for):
    client = client_for(cast.administrator)
    content = xlsx_bytes(person("H1"), person("H2", supervisor="H1", site="MOON"))
    upload(client, content, name="hr.xlsx", mode="valid_rows")
    roster_import = RosterImport.objects.get()
    Worker().run(once=True)
    roster_import.refresh_from_db()
    assert roster_import.status == RosterImportStatus.DONE
    assert roster_import.content is None
    assert StaffMember.objects.filter(employee_id="H1").exists()
    assert not BackgroundTask.objects.filter(
        kind=ROSTER_IMPORT_TASK, status=DueStatus.PENDING
    ).exists()
    html = client.get(reverse("roster_import_detail", args=[roster_import.pk]))
    html = html.content.decode()
    assert "Imported, except 1 row with errors, listed below." in html
    assert "There is no site with the code &quot;MOON&quot;." in html
    assert "hx-trigger" not in html
    assert no_inline_scripts_or_styles(html)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("roster.xls", b"anything", "Alongside reads roster files saved as CSV"),
        ("roster.csv", b"", "The file is empty."),
        (
            "roster.csv",
            b"employee_id,first_name\r\nH1,Ada\r\n",
            "these required ones are missing: last_name, profession, department, site.",
        ),
        ("roster.csv", csv_bytes(), "The file has a header row but nobody below it."),
    ],
)
def test_a_file_that_cannot_be_a_roster_is_refused_on_the_page(
    cast, client_for, name, content, message
):
    response = upload(client_for(cast.administrator), content, name=name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not RosterImport.objects.exists()
    assert not BackgroundTask.objects.filter(kind=ROSTER_IMPORT_TASK).exists()


def test_a_file_over_the_size_limit_is_refused_on_the_page(
    cast, client_for, monkeypatch
):
    monkeypatch.setattr("organization.forms.ROSTER_FILE_MAX_BYTES", 10)
    response = upload(client_for(cast.administrator), csv_bytes(person("H1")))
    assert "The file is larger than" in response.content.decode()
    assert not RosterImport.objects.exists()


# --- An import's page and its progress ----------------------------------------------------------


@pytest.mark.parametrize("view", ["roster_import_detail", "roster_import_progress"])
@pytest.mark.parametrize("name", NOT_PROGRAM_STAFF)
def test_nobody_else_can_see_an_import(cast, client_for, view, name):
    roster_import = make_import(cast.administrator)
    response = client_for(getattr(cast, name)).get(
        reverse(view, args=[roster_import.pk])
    )
    assert response.status_code == 404


def test_an_import_that_does_not_exist_looks_like_a_forbidden_one(cast, client_for):
    response = client_for(cast.director).get(
        reverse("roster_import_detail", args=[999999])
    )
    assert response.status_code == 404


def test_the_progress_fragment_shows_how_far_checking_has_got(cast, client_for):
    roster_import = make_import(
        cast.administrator,
        status=RosterImportStatus.CHECKING,
        total_rows=100_000,
        processed_rows=42_000,
    )
    url = reverse("roster_import_progress", args=[roster_import.pk])
    response = client_for(cast.administrator).get(url, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html
    assert '<progress value="42000" max="100000">' in html
    assert "Checked 42,000 of about 100,000 rows." in html
    assert f'hx-get="{url}"' in html and 'hx-trigger="every 2s"' in html
    assert "HX-Request" in response["Vary"]


def test_the_progress_address_is_a_whole_page_without_htmx(cast, client_for):
    roster_import = make_import(cast.director, status=RosterImportStatus.SAVING)
    response = client_for(cast.director).get(
        reverse("roster_import_progress", args=[roster_import.pk])
    )
    html = response.content.decode()
    assert "<html" in html and "Roster import: hr.csv" in html
    assert "Nothing on the roster changes until every row is saved." in html
    assert no_inline_scripts_or_styles(html)


def test_a_waiting_import_says_what_it_waits_for(cast, client_for):
    roster_import = make_import(cast.administrator)
    html = client_for(cast.administrator).get(
        reverse("roster_import_detail", args=[roster_import.pk])
    )
    assert "Waiting for the background worker" in html.content.decode()


def test_a_rejected_import_lists_its_errors_and_says_when_they_are_cut_short(
    cast, client_for, django_assert_max_num_queries
):
    errors = [
        {"row": row, "employee_id": f"H{row}", "field": "site", "message": "No site."}
        for row in range(2, 1002)
    ]
    roster_import = make_import(
        cast.administrator,
        status=RosterImportStatus.REJECTED,
        total_rows=1500,
        errors=errors,
        error_count=1500,
    )
    client = client_for(cast.administrator)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("roster_import_detail", args=[roster_import.pk]))
    html = response.content.decode()
    assert "Nothing was imported. The file has 1,500 errors." in html
    assert "The first 1,000 of 1,500 errors are listed" in html
    assert html.count("<td>No site.</td>") == 1000
    assert "<td>1001</td>" in html


def test_a_file_refused_by_the_worker_shows_why(cast, client_for):
    roster_import = make_import(
        cast.administrator,
        status=RosterImportStatus.REJECTED,
        failure="The workbook could not be read after row 12.",
    )
    html = client_for(cast.administrator).get(
        reverse("roster_import_progress", args=[roster_import.pk]),
        headers={"HX-Request": "true"},
    )
    html = html.content.decode()
    assert "Nothing was imported. The workbook could not be read after row 12." in html
    assert "hx-trigger" not in html


def test_the_progress_fragment_needs_few_queries(
    cast, client_for, django_assert_max_num_queries
):
    roster_import = make_import(cast.administrator, status=RosterImportStatus.CHECKING)
    client = client_for(cast.administrator)
    url = reverse("roster_import_progress", args=[roster_import.pk])
    with django_assert_max_num_queries(8):
        client.get(url, headers={"HX-Request": "true"})


# --- The policy ------------------------------------------------------------------------------------


def test_program_staff_see_every_import_and_nobody_else_any(cast):
    make_import(cast.administrator)
    make_import(cast.director)
    assert policy.roster_imports_visible_to(cast.director).count() == 2
    assert policy.roster_imports_visible_to(cast.administrator).count() == 2
    for name in NOT_PROGRAM_STAFF:
        user = getattr(cast, name)
        assert not policy.roster_imports_visible_to(user).exists(), name


def test_access_to_an_import_is_404_for_others_missing_ids_and_nonsense(cast):
    roster_import = make_import(cast.administrator)
    opened = policy.access_roster_import(cast.director, roster_import.pk, purpose=None)
    assert opened == roster_import
    for user, import_id in [
        (cast.clinician, roster_import.pk),
        (cast.director, 999999),
        (cast.director, "not-a-number"),
    ]:
        with pytest.raises(Http404):
            policy.access_roster_import(user, import_id, purpose=None)


def test_opening_an_import_report_is_witnessed_but_polling_its_progress_is_not(
    cast, client_for
):
    roster_import = make_import(cast.administrator)
    client = client_for(cast.director)
    client.get(
        reverse("roster_import_progress", args=[roster_import.pk]),
        HTTP_HX_REQUEST="true",
    )
    assert not AccessEvent.objects.exists()
    client.get(reverse("roster_import_detail", args=[roster_import.pk]))
    event = AccessEvent.objects.get()
    assert (event.actor, event.object_id) == (cast.director, str(roster_import.pk))
