import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from confidentiality.models import AuditAction, AuditEvent
from organization.models import RosterImport, RosterImportStatus, StaffMember
from organization.tests.roster_builders import csv_bytes, person, xlsx_bytes


def import_roster(path, *options) -> str:
    out = io.StringIO()
    call_command("import_roster", str(path), *options, stdout=out)
    return out.getvalue()


def test_the_command_imports_a_csv_file_and_prints_the_counts(org, tmp_path):
    path = tmp_path / "hr.csv"
    path.write_bytes(csv_bytes(person("H1"), person("H2", supervisor="H1")))
    output = import_roster(path)
    assert "(hr.csv): Imported." in output
    assert "2 rows: 2 created, 0 updated, 0 unchanged, 0 not imported." in output
    assert StaffMember.objects.get(employee_id="H2").supervisor.employee_id == "H1"
    roster_import = RosterImport.objects.get()
    assert roster_import.created_by is None
    assert roster_import.content is None
    event = AuditEvent.objects.get(action=AuditAction.ROSTER_IMPORTED)
    assert event.actor is None


def test_the_command_reads_excel_workbooks(org, tmp_path):
    path = tmp_path / "hr.xlsx"
    path.write_bytes(xlsx_bytes(person("H1", start_date=datetime.date(2020, 9, 1))))
    import_roster(path)
    assert StaffMember.objects.get(employee_id="H1").start_date == datetime.date(
        2020, 9, 1
    )


def test_a_file_with_errors_is_reported_and_exits_with_status_1(org, tmp_path):
    path = tmp_path / "hr.csv"
    path.write_bytes(csv_bytes(person("H1"), person("H2", site="MOON")))
    out = io.StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("import_roster", str(path), stdout=out)
    assert refused.value.returncode == 1
    assert str(refused.value) == "Nothing was imported: the file has 1 errors."
    output = out.getvalue()
    assert "Not imported: the file has errors." in output
    assert '  row 3\tH2\tsite\tThere is no site with the code "MOON".' in output
    assert not StaffMember.objects.filter(employee_id__in=["H1", "H2"]).exists()
    assert RosterImport.objects.get().status == RosterImportStatus.REJECTED


def test_valid_rows_imports_the_good_rows_and_reports_the_rest(org, tmp_path):
    path = tmp_path / "hr.csv"
    path.write_bytes(csv_bytes(person("H1"), person("H2", site="MOON")))
    output = import_roster(path, "--valid-rows")
    assert "2 rows: 1 created, 0 updated, 0 unchanged, 1 not imported." in output
    assert "row 3\tH2\tsite" in output
    assert StaffMember.objects.filter(employee_id="H1").exists()


def test_importing_the_same_file_twice_reports_everyone_unchanged(org, tmp_path):
    path = tmp_path / "hr.csv"
    path.write_bytes(csv_bytes(person("H1"), person("H2")))
    import_roster(path)
    assert "0 created, 0 updated, 2 unchanged" in import_roster(path)


def test_a_missing_file_is_an_error(org, tmp_path):
    with pytest.raises(CommandError, match="There is no file at"):
        import_roster(tmp_path / "nowhere.csv")


def test_a_file_that_cannot_be_a_roster_is_rejected_with_the_reason(org, tmp_path):
    path = tmp_path / "hr.pdf"
    path.write_bytes(b"%PDF-1.7")
    out = io.StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("import_roster", str(path), stdout=out)
    reason = (
        "Alongside reads roster files saved as CSV (.csv) or as an Excel workbook "
        "(.xlsx). Save the file in one of those formats and try again."
    )
    assert str(refused.value) == reason
    assert out.getvalue().endswith(f"Not imported: the file has errors.\n{reason}\n")
    assert RosterImport.objects.get().failure == reason


def test_a_file_over_the_size_limit_is_refused_before_reading_it(
    org, tmp_path, monkeypatch
):
    monkeypatch.setattr(
        "organization.management.commands.import_roster.ROSTER_FILE_MAX_BYTES", 10
    )
    path = tmp_path / "hr.csv"
    path.write_bytes(csv_bytes(person("H1")))
    with pytest.raises(CommandError, match="larger than"):
        import_roster(path)
