import codecs
import datetime
import io
import sqlite3

import openpyxl
import psycopg
import pytest
from django.db import OperationalError
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from confidentiality.models import AuditAction, AuditEvent
from organization import roster_files
from organization import roster_import as service
from organization.models import (
    RosterImport,
    RosterImportMode,
    RosterImportStatus,
    StaffMember,
)
from organization.roster_checks import code_lookups, roster_rows_check
from organization.roster_files import RosterFileError, roster_table_read
from organization.roster_import import roster_import_file
from organization.tests.roster_builders import HEADER, csv_bytes, person, xlsx_bytes

ALL_OR_NOTHING = RosterImportMode.ALL_OR_NOTHING
VALID_ROWS = RosterImportMode.VALID_ROWS


def run(content: bytes, *, name="roster.csv", mode=ALL_OR_NOTHING) -> RosterImport:
    return roster_import_file(actor=None, file_name=name, content=content, mode=mode)


def problems(roster_import: RosterImport) -> list[tuple[int, str, str]]:
    return [
        (error["row"], error["field"], error["message"])
        for error in roster_import.errors
    ]


def refused(content: bytes, *, name="roster.csv") -> str:
    """Import a file that cannot be a roster; returns the reason it gives."""
    before = roster_state()
    roster_import = run(content, name=name)
    assert roster_import.status == RosterImportStatus.REJECTED
    assert (roster_import.error_count, roster_import.content) == (0, None)
    assert roster_state() == before
    return roster_import.failure


def staff(employee_id: str) -> StaffMember:
    return StaffMember.objects.get(employee_id=employee_id)


def roster_state() -> list[tuple]:
    return list(
        StaffMember.objects.order_by("employee_id").values_list(
            "employee_id", "first_name", "work_email", "supervisor_id", "updated_at"
        )
    )


# --- A good file --------------------------------------------------------------------------


def test_a_clean_file_adds_everyone_and_links_supervisors(org):
    roster_import = run(
        csv_bytes(
            person("H2", supervisor="H1", start_date="2021-03-15"),
            person("H1", first_name="Grace", profession="nurse", site="S"),
            person("H3", supervisor="H2", active="no", department="PEDS"),
        )
    )
    assert roster_import.status == RosterImportStatus.DONE
    assert (
        roster_import.created_count,
        roster_import.updated_count,
        roster_import.unchanged_count,
        roster_import.error_count,
        roster_import.total_rows,
    ) == (3, 0, 0, 0, 3)
    h1, h2, h3 = staff("H1"), staff("H2"), staff("H3")
    assert (h1.first_name, h1.profession, h1.site) == (
        "Grace",
        org.professions["nurse"],
        org.south,
    )
    assert h1.supervisor is None
    assert h2.supervisor == h1
    assert h2.start_date == datetime.date(2021, 3, 15)
    assert h2.work_email == "h2@hospital.test"
    assert h3.supervisor == h2
    assert (h3.is_active, h3.department) == (False, org.pediatrics)


def test_supervisors_new_to_the_roster_are_linked_at_any_depth(org):
    run(csv_bytes(person("H1")))
    roster_import = run(
        csv_bytes(
            person("H1", supervisor="H9"),
            person("H9", supervisor="H8"),
            person("H7", supervisor="H1"),
            person("H8"),
        )
    )
    assert (roster_import.created_count, roster_import.updated_count) == (3, 1)
    assert staff("H7").supervisor == staff("H1")
    assert staff("H1").supervisor == staff("H9")
    assert staff("H9").supervisor == staff("H8")


def test_a_finished_import_keeps_the_report_but_not_the_file(org):
    roster_import = run(csv_bytes(person("H1")))
    roster_import.refresh_from_db()
    assert roster_import.content is None
    assert roster_import.finished_at is not None
    assert roster_import.processed_rows == roster_import.total_rows == 1


def test_an_import_is_audited_once_with_its_counts_only(org):
    roster_import = run(csv_bytes(person("H1"), person("H2")))
    event = AuditEvent.objects.get(action=AuditAction.ROSTER_IMPORTED)
    assert (event.object_type, event.object_id) == (
        "organization.rosterimport",
        str(roster_import.pk),
    )
    assert event.details == {
        "mode": "all_or_nothing",
        "rows": 2,
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "not_imported": 0,
    }
    assert AuditEvent.objects.count() == 1


def test_a_row_for_someone_on_the_roster_updates_them(cast):
    existing = cast.clinician.staff_member
    row = person(
        existing.employee_id,
        first_name="Christopher",
        last_name=existing.last_name,
        work_email=existing.work_email,
        department="SURG",
    )
    roster_import = run(csv_bytes(row))
    assert (roster_import.created_count, roster_import.updated_count) == (0, 1)
    existing.refresh_from_db()
    assert (existing.first_name, existing.department) == (
        "Christopher",
        cast.org.surgery,
    )
    assert StaffMember.objects.filter(employee_id=existing.employee_id).count() == 1


def test_importing_the_same_file_again_changes_nothing(org):
    content = csv_bytes(
        person("H1", start_date="2020-01-01"),
        person("H2", supervisor="H1"),
        person("H3", supervisor="H2", active="false", work_email=""),
    )
    run(content)
    before = roster_state()
    again = run(content)
    assert (again.created_count, again.updated_count, again.unchanged_count) == (
        0,
        0,
        3,
    )
    assert roster_state() == before


def test_people_missing_from_the_file_are_left_alone(cast):
    run(csv_bytes(person("H1")))
    assert StaffMember.objects.count() == 9
    assert StaffMember.objects.filter(is_active=True).count() == 9


def test_codes_match_whatever_their_case(org):
    roster_import = run(
        csv_bytes(person("H1", profession="NURSE", department="ed", site="s"))
    )
    assert roster_import.status == RosterImportStatus.DONE
    assert staff("H1").site == org.south


def test_active_accepts_the_usual_words(org):
    words = ["true", "false", "yes", "no", "1", "0", "TRUE", "No", ""]
    run(csv_bytes(*(person(f"H{i}", active=word) for i, word in enumerate(words))))
    assert [staff(f"H{i}").is_active for i in range(len(words))] == [
        True,
        False,
        True,
        False,
        True,
        False,
        True,
        False,
        True,
    ]


# --- Columns --------------------------------------------------------------------------------


def test_header_names_ignore_case_spaces_and_order(org):
    header = [
        "Site",
        "Last Name",
        "First Name",
        "EMPLOYEE ID",
        "Department",
        "Profession",
        "Badge colour",
    ]
    content = csv_bytes(
        ("N", "Hopper", "Grace", "H1", "ED", "physician", "blue"), header=header
    )
    assert run(content).status == RosterImportStatus.DONE
    assert staff("H1").full_name == "Grace Hopper"


def test_a_file_without_required_columns_is_refused_naming_them(org):
    header = ["employee_id", "first_name", "profession", "department"]
    content = csv_bytes(("H1", "Ada", "physician", "ED"), header=header)
    assert refused(content) == (
        "The first row must name the columns, and these required ones are missing: "
        "last_name, site."
    )


def test_a_column_named_twice_is_refused(org):
    header = [*HEADER, "Employee ID"]
    content = csv_bytes((*person("H1"), "H1"), header=header)
    assert refused(content) == "The column employee_id appears twice in the header."


def test_optional_columns_left_out_keep_what_the_roster_holds(org):
    run(csv_bytes(person("H1"), person("H2", supervisor="H1", start_date="2019-05-01")))
    header = HEADER[:3] + HEADER[4:7]
    row = ("H2", "Ada", "Renamed", "physician", "ED", "N")
    roster_import = run(csv_bytes(row, header=header))
    assert roster_import.updated_count == 1
    h2 = staff("H2")
    assert h2.last_name == "Renamed"
    assert (h2.work_email, h2.supervisor, h2.start_date) == (
        "h2@hospital.test",
        staff("H1"),
        datetime.date(2019, 5, 1),
    )


def test_an_empty_cell_in_an_optional_column_clears_the_value(org):
    run(csv_bytes(person("H1"), person("H2", supervisor="H1", start_date="2019-05-01")))
    run(csv_bytes(person("H1"), person("H2", work_email="")))
    h2 = staff("H2")
    assert (h2.work_email, h2.supervisor, h2.start_date) == ("", None, None)


def test_semicolon_separated_files_are_read(org):
    content = csv_bytes(person("H1"), delimiter=";")
    assert run(content).created_count == 1


# --- Files that cannot be a roster ------------------------------------------------------------


def test_an_upload_that_cannot_be_a_roster_is_refused_before_anything_is_stored(org):
    with pytest.raises(RosterFileError) as refusal:
        service.roster_import_create(
            actor=None, file_name="roster.csv", content=b"", mode=ALL_OR_NOTHING
        )
    assert str(refusal.value) == "The file is empty."
    assert not RosterImport.objects.exists()


@pytest.mark.parametrize(
    "name", ["roster.xls", "roster.pdf", "roster", "roster.csv.txt"]
)
def test_other_file_types_are_refused(org, name):
    assert refused(csv_bytes(person("H1")), name=name) == (
        "Alongside reads roster files saved as CSV (.csv) or as an Excel workbook "
        "(.xlsx). Save the file in one of those formats and try again."
    )


def test_an_empty_file_is_refused(org):
    assert refused(b"") == "The file is empty."


def test_a_file_with_only_a_header_is_refused(org):
    assert refused(csv_bytes()) == "The file has a header row but nobody below it."


def test_a_file_over_the_size_limit_is_refused(org, monkeypatch):
    monkeypatch.setattr("organization.roster_files.ROSTER_FILE_MAX_BYTES", 2**20)
    content = csv_bytes(person("H1")) + b"x" * 2**20
    assert refused(content) == (
        "The file is larger than 1 MB. Split it into smaller files and import them "
        "one after the other."
    )


@pytest.mark.parametrize("name", ["roster.csv", "roster.xlsx"])
def test_a_file_with_too_many_rows_is_refused(org, monkeypatch, name):
    monkeypatch.setattr("organization.roster_files.ROSTER_FILE_MAX_ROWS", 3)
    rows = [person(f"H{number}") for number in range(4)]
    content = xlsx_bytes(*rows) if name.endswith("xlsx") else csv_bytes(*rows)
    assert refused(content, name=name) == (
        "The file has more than 3 rows. Split it into smaller files and import them "
        "one after the other."
    )


def test_blank_rows_are_skipped_but_still_counted(org):
    content = csv_bytes(person("H1"), ("",) * 10, ("  ",) * 10, person("H2", site="X"))
    roster_import = run(content)
    assert problems(roster_import) == [
        (5, "site", 'There is no site with the code "X".')
    ]
    assert roster_import.total_rows == 2


def test_a_binary_file_named_csv_is_refused(org):
    assert refused(b"\x00\x01\x02binary").startswith("This is not a CSV text file.")


def test_a_file_named_xlsx_that_is_not_a_workbook_is_refused(org):
    assert refused(csv_bytes(person("H1")), name="roster.xlsx").startswith(
        "The file could not be opened as an Excel workbook (.xlsx)."
    )


def test_an_unclosed_quote_is_refused_with_its_row(org):
    content = csv_bytes(person("H1")) + b'H2,"Ada' + b"x" * 200_000 + b"\r\n"
    assert refused(content).startswith("Row 3 could not be read")


# --- Encodings and Excel ------------------------------------------------------------------------


def test_a_utf8_file_with_a_byte_order_mark_is_read(org):
    content = codecs.BOM_UTF8 + csv_bytes(person("H1", first_name="Zoë"))
    assert run(content).status == RosterImportStatus.DONE
    assert staff("H1").first_name == "Zoë"


def test_a_windows_1252_file_from_excel_is_read(org):
    content = csv_bytes(
        person("H1", first_name="Zoë", last_name="Ørsted—Núñez"), encoding="cp1252"
    )
    assert run(content).status == RosterImportStatus.DONE
    assert staff("H1").full_name == "Zoë Ørsted—Núñez"


def test_an_excel_workbook_with_date_cells_and_numbers_is_read(org):
    rows = [
        person("1001", start_date=datetime.datetime(2022, 7, 1), active=True),
        person("H2", supervisor=1001, start_date=datetime.date(2023, 1, 9), active=0),
        person("H3", start_date="2024-02-29", active="yes"),
    ]
    rows[0] = (1001, *rows[0][1:])
    roster_import = run(xlsx_bytes(*rows), name="Roster.XLSX")
    assert roster_import.status == RosterImportStatus.DONE, roster_import.errors
    assert staff("1001").start_date == datetime.date(2022, 7, 1)
    h2 = staff("H2")
    assert (h2.supervisor, h2.start_date, h2.is_active) == (
        staff("1001"),
        datetime.date(2023, 1, 9),
        False,
    )
    assert staff("H3").start_date == datetime.date(2024, 2, 29)


def test_workbooks_are_read_exactly_as_openpyxl_itself_reads_them():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["employee_id", "first_name", "start_date", "active", "number"])
    bold = TextBlock(InlineFont(b=True), "Zo")
    sheet.append(["H1", CellRichText([bold, "ë"]), datetime.date(2020, 1, 2), True, 7])
    sheet.append([])
    sheet.append([None, "  spaced ", datetime.datetime(2021, 5, 6, 7, 8), False, 2.5])
    sheet["G9"] = "far away"
    buffer = io.BytesIO()
    workbook.save(buffer)

    def read(rows_of):
        opened = openpyxl.load_workbook(buffer, read_only=True, data_only=True)
        sheet = opened.worksheets[0]
        sheet.reset_dimensions()
        return [tuple(row) for row in rows_of(opened, sheet)]

    ours = read(roster_files._sheet_rows)
    theirs = read(lambda _, sheet: sheet.iter_rows(values_only=True))
    assert ours == theirs
    assert ours[1][:2] == ("H1", "Zoë")
    assert len(ours) == 9


def test_excel_row_numbers_count_empty_rows_as_a_spreadsheet_does(org):
    content = xlsx_bytes(person("H1"), (None,) * 10, person("H2", site="MOON"))
    roster_import = run(content, name="roster.xlsx")
    assert problems(roster_import) == [
        (4, "site", 'There is no site with the code "MOON".')
    ]


def test_an_excel_workbook_without_required_columns_is_refused(org):
    header = ["employee_id", "last_name", "profession", "department", "site"]
    failure = refused(xlsx_bytes(("H1",), header=header), name="roster.xlsx")
    assert failure.endswith("missing: first_name.")


# --- Every kind of bad row, and its message ------------------------------------------------------

BAD_ROWS = {
    "missing first name": (
        person("H1", first_name=""),
        "first_name",
        "The first name is missing.",
    ),
    "missing employee id": (
        person("", work_email="nobody@hospital.test"),
        "employee_id",
        "The employee id is missing.",
    ),
    "missing site": (person("H1", site=""), "site", "The site is missing."),
    "name too long": (
        person("H1", last_name="x" * 101),
        "last_name",
        "The last name is longer than 100 characters.",
    ),
    "unknown department": (
        person("H1", department="CARD"),
        "department",
        'There is no department with the code "CARD".',
    ),
    "unknown site": (
        person("H1", site="MOON"),
        "site",
        'There is no site with the code "MOON".',
    ),
    "unknown profession": (
        person("H1", profession="wizard"),
        "profession",
        'There is no profession with the code "wizard".',
    ),
    "bad email": (
        person("H1", work_email="ada.at.hospital"),
        "work_email",
        '"ada.at.hospital" is not a valid e-mail address.',
    ),
    "bad date": (
        person("H1", start_date="15/03/2021"),
        "start_date",
        '"15/03/2021" is not a date; write it as YYYY-MM-DD.',
    ),
    "impossible date": (
        person("H1", start_date="2023-02-30"),
        "start_date",
        '"2023-02-30" is not a date; write it as YYYY-MM-DD.',
    ),
    "bad active": (
        person("H1", active="maybe"),
        "active",
        '"maybe" is not one of true, false, yes, no, 1 or 0.',
    ),
    "unknown supervisor": (
        person("H1", supervisor="H404"),
        "supervisor_employee_id",
        "The supervisor H404 is neither in this file nor on the roster.",
    ),
    "own supervisor": (
        person("H1", supervisor="H1"),
        "supervisor_employee_id",
        "This person is named as their own supervisor.",
    ),
}


@pytest.mark.parametrize("kind", BAD_ROWS)
def test_a_bad_row_is_named_with_what_is_wrong(org, kind):
    row, field, message = BAD_ROWS[kind]
    roster_import = run(csv_bytes(person("H0"), row))
    assert roster_import.status == RosterImportStatus.REJECTED
    assert problems(roster_import) == [(3, field, message)]
    assert roster_import.errors[0]["employee_id"] == row[0]


def test_a_row_with_several_problems_lists_them_all_in_column_order(org):
    roster_import = run(csv_bytes(person("H1", first_name="", site="X", active="?")))
    assert problems(roster_import) == [
        (2, "first_name", "The first name is missing."),
        (2, "site", 'There is no site with the code "X".'),
        (2, "active", '"?" is not one of true, false, yes, no, 1 or 0.'),
    ]


def test_an_employee_id_twice_in_the_file_rejects_every_copy(org):
    roster_import = run(
        csv_bytes(person("H1"), person("H2"), person("H1", work_email=""))
    )
    assert problems(roster_import) == [
        (
            2,
            "employee_id",
            "The employee id H1 is also on row 4; each person can be on one row only.",
        ),
        (
            4,
            "employee_id",
            "The employee id H1 is also on row 2; each person can be on one row only.",
        ),
    ]


def test_an_email_twice_in_the_file_rejects_every_copy(org):
    roster_import = run(
        csv_bytes(
            person("H1", work_email="team@hospital.test"),
            person("H2", work_email="TEAM@hospital.test"),
            person("H3", work_email="team@hospital.test"),
        )
    )
    assert problems(roster_import) == [
        (
            2,
            "work_email",
            "The work e-mail team@hospital.test is also on rows 3 and 4.",
        ),
        (
            3,
            "work_email",
            "The work e-mail TEAM@hospital.test is also on rows 2 and 4.",
        ),
        (
            4,
            "work_email",
            "The work e-mail team@hospital.test is also on rows 2 and 3.",
        ),
    ]


def test_an_email_that_belongs_to_someone_else_on_the_roster_is_rejected(cast):
    taken = cast.clinician.staff_member
    roster_import = run(csv_bytes(person("H1", work_email=taken.work_email.upper())))
    assert problems(roster_import) == [
        (
            2,
            "work_email",
            f"The work e-mail {taken.work_email.upper()} belongs to someone else on "
            f"the roster (employee id {taken.employee_id}).",
        )
    ]


def test_two_people_can_swap_emails(org):
    run(
        csv_bytes(
            person("H1", work_email="a@hospital.test"),
            person("H2", work_email="b@hospital.test"),
        )
    )
    roster_import = run(
        csv_bytes(
            person("H1", work_email="b@hospital.test"),
            person("H2", work_email="a@hospital.test"),
        )
    )
    assert roster_import.updated_count == 2
    assert staff("H1").work_email == "b@hospital.test"
    assert staff("H2").work_email == "a@hospital.test"


def test_an_email_can_pass_from_a_person_who_changes_theirs_to_a_new_person(org):
    run(csv_bytes(person("H1", work_email="shared@hospital.test")))
    roster_import = run(
        csv_bytes(
            person("H2", work_email="shared@hospital.test"),
            person("H1", work_email="h1.new@hospital.test"),
        )
    )
    assert (roster_import.created_count, roster_import.updated_count) == (1, 1)
    assert staff("H2").work_email == "shared@hospital.test"


def test_a_supervisor_loop_rejects_every_row_in_it(org):
    roster_import = run(
        csv_bytes(
            person("H1", supervisor="H2"),
            person("H2", supervisor="H1"),
            person("H3", supervisor="H4"),
            person("H4", supervisor="H5"),
            person("H5", supervisor="H3"),
        )
    )
    assert problems(roster_import) == [
        (2, "supervisor_employee_id", "Supervisor loop: H1 → H2 → H1."),
        (3, "supervisor_employee_id", "Supervisor loop: H2 → H1 → H2."),
        (4, "supervisor_employee_id", "Supervisor loop: H3 → H4 → H5 → H3."),
        (5, "supervisor_employee_id", "Supervisor loop: H4 → H5 → H3 → H4."),
        (6, "supervisor_employee_id", "Supervisor loop: H5 → H3 → H4 → H5."),
    ]


def test_a_long_supervisor_loop_is_shown_shortened(org):
    rows = [person(f"H{i}", supervisor=f"H{(i + 1) % 10}") for i in range(10)]
    roster_import = run(csv_bytes(*rows))
    assert problems(roster_import)[0] == (
        2,
        "supervisor_employee_id",
        "Supervisor loop of 10 people: H0 → H1 → H2 → … → H9 → H0.",
    )
    assert roster_import.error_count == 10


def test_a_loop_through_someone_already_on_the_roster_is_found(org):
    run(csv_bytes(person("H1"), person("H2", supervisor="H1")))
    roster_import = run(
        csv_bytes(person("H1", supervisor="H2"), header=HEADER), mode=VALID_ROWS
    )
    assert problems(roster_import) == [
        (2, "supervisor_employee_id", "Supervisor loop: H1 → H2 → H1.")
    ]
    assert staff("H1").supervisor is None


def test_a_row_whose_supervisors_row_is_rejected_is_rejected_too(org):
    roster_import = run(
        csv_bytes(
            person("H1", site="MOON"),
            person("H2", supervisor="H1"),
            person("H3", supervisor="H2"),
            person("H4"),
        )
    )
    assert problems(roster_import) == [
        (2, "site", 'There is no site with the code "MOON".'),
        (
            3,
            "supervisor_employee_id",
            "The supervisor H1 is on row 2, which was rejected.",
        ),
        (
            4,
            "supervisor_employee_id",
            "The supervisor H2 is on row 3, which was rejected.",
        ),
    ]


def test_a_supervisor_on_two_rows_rejects_their_reports(org):
    roster_import = run(
        csv_bytes(
            person("H1"), person("H1", work_email=""), person("H2", supervisor="H1")
        )
    )
    assert problems(roster_import)[-1] == (
        4,
        "supervisor_employee_id",
        "The supervisor H1 is on rows 2 and 3, which were rejected.",
    )


def test_an_email_kept_by_a_rejected_row_is_not_given_to_another(org):
    run(csv_bytes(person("H1", work_email="h1@hospital.test")))
    roster_import = run(
        csv_bytes(
            person("H1", work_email="new@hospital.test", start_date="soon"),
            person("H2", work_email="h1@hospital.test"),
            person("H3"),
        ),
        mode=VALID_ROWS,
    )
    assert problems(roster_import) == [
        (2, "start_date", '"soon" is not a date; write it as YYYY-MM-DD.'),
        (
            3,
            "work_email",
            "The work e-mail h1@hospital.test still belongs to employee id H1, "
            "whose row was rejected.",
        ),
    ]
    assert roster_import.created_count == 1
    assert staff("H1").work_email == "h1@hospital.test"


def test_a_loop_made_with_a_rejected_persons_old_supervisor_is_found(org):
    # On the roster: H2 reports to H3, and H3 to H1.
    run(
        csv_bytes(
            person("H1"), person("H3", supervisor="H1"), person("H2", supervisor="H3")
        )
    )
    # The file points H1 at H2; H3's row is rejected, so H3 keeps reporting to H1.
    roster_import = run(
        csv_bytes(person("H1", supervisor="H2"), person("H3", site="MOON")),
        mode=VALID_ROWS,
    )
    assert problems(roster_import) == [
        (2, "supervisor_employee_id", "Supervisor loop: H1 → H2 → H3 → H1."),
        (3, "site", 'There is no site with the code "MOON".'),
    ]
    assert roster_import.status == RosterImportStatus.REJECTED
    assert staff("H1").supervisor is None


def test_errors_are_kept_up_to_a_thousand_and_all_are_counted(org):
    rows = [person(f"H{i}", site="MOON") for i in range(1200)]
    roster_import = run(csv_bytes(*rows))
    assert roster_import.error_count == 1200
    assert len(roster_import.errors) == 1000
    assert roster_import.errors[-1]["row"] == 1001


# --- The two modes -------------------------------------------------------------------------------


def test_all_or_nothing_leaves_the_roster_untouched_when_any_row_is_bad(cast):
    existing = cast.clinician.staff_member
    before = roster_state()
    update = person(
        existing.employee_id, first_name="Changed", work_email=existing.work_email
    )
    roster_import = run(
        csv_bytes(update, person("H1"), person("H2", department="CARD"))
    )
    assert roster_import.status == RosterImportStatus.REJECTED
    assert (roster_import.created_count, roster_import.updated_count) == (0, 0)
    assert roster_state() == before
    assert not AuditEvent.objects.filter(action=AuditAction.ROSTER_IMPORTED).exists()
    roster_import.refresh_from_db()
    assert roster_import.content is None


def test_valid_rows_mode_imports_exactly_the_rows_without_errors(org):
    roster_import = run(
        csv_bytes(
            person("H1"),
            person("H2", department="CARD"),
            person("H3", supervisor="H2"),
            person("H4", supervisor="H1"),
        ),
        mode=VALID_ROWS,
    )
    assert roster_import.status == RosterImportStatus.DONE
    assert (roster_import.created_count, roster_import.total_rows) == (2, 4)
    assert [error["row"] for error in roster_import.errors] == [3, 4]
    assert set(
        StaffMember.objects.filter(employee_id__startswith="H").values_list(
            "employee_id", flat=True
        )
    ) == {"H1", "H4"}
    assert staff("H4").supervisor == staff("H1")
    event = AuditEvent.objects.get(action=AuditAction.ROSTER_IMPORTED)
    assert event.details["not_imported"] == 2


def test_valid_rows_mode_with_no_valid_row_imports_nothing(org):
    roster_import = run(csv_bytes(person("H1", site="MOON")), mode=VALID_ROWS)
    assert roster_import.status == RosterImportStatus.REJECTED
    assert not AuditEvent.objects.exists()


# --- Progress, failures and retries -----------------------------------------------------------------


def test_checking_reports_progress_every_2000_rows(org):
    table = roster_table_read(
        file_name="roster.csv",
        content=csv_bytes(*(person(f"H{i}") for i in range(4500))),
    )
    seen = []
    checked = roster_rows_check(table, codes=code_lookups(), on_progress=seen.append)
    assert seen == [2000, 4000]
    assert len(checked.rows) == 4500


def test_a_failure_while_saving_changes_nothing_and_says_so(org, monkeypatch, caplog):
    def broken(**kwargs):
        raise RuntimeError("disk full")

    run(csv_bytes(person("H1")))
    monkeypatch.setattr(service, "audit_event_record", broken)
    roster_import = run(csv_bytes(person("H1", first_name="New"), person("H2")))
    assert roster_import.status == RosterImportStatus.FAILED
    assert roster_import.failure == (
        "Something went wrong and nothing was changed. Try again; if it happens "
        f"again, tell your IT administrator (roster import {roster_import.pk})."
    )
    assert staff("H1").first_name == "Ada"
    assert not StaffMember.objects.filter(employee_id="H2").exists()
    roster_import.refresh_from_db()
    assert roster_import.content is None
    assert "disk full" in caplog.text


def postgresql_disk_full() -> Exception:
    return psycopg.errors.DiskFull(
        'could not extend file "base/16384/16500": No space left on device'
    )


def sqlite_disk_full() -> Exception:
    error = sqlite3.OperationalError("database or disk is full")
    error.sqlite_errorcode = sqlite3.SQLITE_FULL
    return error


@pytest.mark.parametrize("database_error", [postgresql_disk_full, sqlite_disk_full])
def test_a_database_out_of_disk_space_is_named_and_nothing_is_imported(
    org, monkeypatch, database_error
):
    def disk_full(**kwargs):
        cause = database_error()
        raise OperationalError(str(cause)) from cause

    monkeypatch.setattr(service, "audit_event_record", disk_full)
    roster_import = run(csv_bytes(person("H1"), person("H2")))
    assert roster_import.status == RosterImportStatus.FAILED
    assert roster_import.failure == (
        "The database ran out of disk space, so nothing from this file was "
        "imported. Tell your IT administrator; once they have freed space, import "
        "the file again."
    )
    assert not StaffMember.objects.filter(employee_id__in=["H1", "H2"]).exists()


def test_rows_are_checked_again_under_the_lock_before_saving(org, monkeypatch):
    def meanwhile():
        StaffMember.objects.create(
            employee_id="X1",
            first_name="Quick",
            last_name="Other",
            work_email="h1@hospital.test",
            profession=org.professions["nurse"],
            department=org.emergency,
            site=org.north,
        )

    monkeypatch.setattr(service, "_lock_roster", meanwhile)
    roster_import = run(csv_bytes(person("H1")))
    assert roster_import.status == RosterImportStatus.REJECTED
    assert problems(roster_import) == [
        (
            2,
            "work_email",
            "The work e-mail h1@hospital.test belongs to someone else on the roster "
            "(employee id X1).",
        )
    ]


def test_an_import_left_unfinished_by_a_dead_worker_starts_again(org):
    roster_import = RosterImport.objects.create(
        file_name="roster.csv",
        content=csv_bytes(person("H1")),
        status=RosterImportStatus.CHECKING,
        processed_rows=2000,
        runs=1,
    )
    service.roster_import_queued_run(import_id=roster_import.pk)
    roster_import.refresh_from_db()
    assert roster_import.status == RosterImportStatus.DONE
    assert roster_import.created_count == 1
    assert roster_import.runs == 2


def test_an_import_that_keeps_stopping_is_given_up(org):
    roster_import = RosterImport.objects.create(
        file_name="roster.csv",
        content=csv_bytes(person("H1")),
        status=RosterImportStatus.CHECKING,
        runs=service.MAX_RUNS,
    )
    service.roster_import_queued_run(import_id=roster_import.pk)
    roster_import.refresh_from_db()
    assert roster_import.status == RosterImportStatus.FAILED
    assert "stopped 3 times" in roster_import.failure
    assert roster_import.content is None
    assert not StaffMember.objects.filter(employee_id="H1").exists()


def test_a_finished_import_is_not_run_again(org):
    roster_import = run(csv_bytes(person("H1")))
    service.roster_import_queued_run(import_id=roster_import.pk)
    assert AuditEvent.objects.count() == 1
