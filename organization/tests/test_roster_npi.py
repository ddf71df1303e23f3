"""The roster import's optional npi column, which incident systems may match people by."""

from organization.models import RosterImportMode, RosterImportStatus, StaffMember
from organization.roster_import import roster_import_file
from organization.tests.roster_builders import HEADER, csv_bytes, person

WITH_NPI = (*HEADER, "npi")


def run(content: bytes):
    return roster_import_file(
        actor=None,
        file_name="roster.csv",
        content=content,
        mode=RosterImportMode.ALL_OR_NOTHING,
    )


def test_an_npi_column_sets_each_persons_npi(org):
    result = run(
        csv_bytes((*person("H1"), "1234567893"), (*person("H2"), ""), header=WITH_NPI)
    )
    assert result.status == RosterImportStatus.DONE
    npis = dict(
        StaffMember.objects.filter(employee_id__in=["H1", "H2"]).values_list(
            "employee_id", "npi"
        )
    )
    assert npis == {"H1": "1234567893", "H2": ""}


def test_a_file_without_the_column_keeps_the_npis_the_roster_holds(org):
    run(csv_bytes((*person("H1"), "1234567893"), header=WITH_NPI))
    result = run(csv_bytes(person("H1", first_name="Adah")))
    assert result.status == RosterImportStatus.DONE
    assert StaffMember.objects.get(employee_id="H1").npi == "1234567893"


def test_an_npi_that_is_not_10_digits_is_an_error_naming_the_column(org):
    result = run(csv_bytes((*person("H1"), "12345"), header=WITH_NPI))
    assert result.status == RosterImportStatus.REJECTED
    assert [(e["field"], e["message"]) for e in result.errors] == [
        ("npi", '"12345" is not an NPI, which is 10 digits.')
    ]


def test_importing_the_same_npis_again_changes_nobody(org):
    content = csv_bytes((*person("H1"), "1234567893"), header=WITH_NPI)
    run(content)
    again = run(content)
    assert (again.unchanged_count, again.updated_count) == (1, 0)
