"""Importing a past wave from a REDCap or Qualtrics export."""

import csv
import datetime
import io
from collections import Counter
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection

from confidentiality.models import AuditAction, AuditEvent
from surveys.imports import (
    PROBLEMS_SHOWN,
    ResponseImportError,
    response_file_records,
    survey_responses_import,
)
from surveys.invitations import DIMENSIONS
from surveys.models import Answer, Comment, Response, Wave, WaveStatus, WaveSummary
from surveys.responses import response_submit
from surveys.tests.conftest import CALM, token_for

SAMPLES = Path(__file__).parent / "samples"
REDCAP = SAMPLES / "redcap_responses.csv"
QUALTRICS = SAMPLES / "qualtrics_responses.csv"
ITEMS = list(CALM)
SPRING = {
    "opens_on": datetime.date(2025, 4, 1),
    "closes_on": datetime.date(2025, 4, 21),
}


def records(path: Path) -> list[list[str]]:
    with path.open("rb") as stream:
        return list(response_file_records(stream))


def data_rows(path: Path, skip: int = 0) -> list[dict[str, str]]:
    header, *rows = records(path)
    return [dict(zip(header, row, strict=True)) for row in rows[skip:]]


def imported(survey, table, *, label="Spring 2025", **options):
    return survey_responses_import(
        actor=None,
        survey=survey,
        wave_label=label,
        records=table,
        **({**SPRING, **options}),
    )


def table(*rows: dict[str, str], header: list[str] | None = None) -> list[list[str]]:
    """A file's records: the header (every item, a department), then the rows."""
    header = header or ["record_id", "department", *ITEMS]
    return [header, *([row.get(name, "") for name in header] for row in rows)]


def calm(**changes: str) -> dict[str, str]:
    return {"department": "ED", **CALM, **changes}


def stored_answers() -> Counter:
    return Counter(Answer.objects.values_list("item", "value"))


# --- Round trips ---------------------------------------------------------------------


def test_a_redcap_export_is_stored_answer_for_answer(cast, survey):
    report = imported(survey, records(REDCAP), invited=20)
    assert report.ok and report.stored
    assert report.rows_read == 13
    assert report.rows_empty == 1
    assert report.responses == Response.objects.count() == 12
    expected = Counter(
        (item, int(row[item]))
        for row in data_rows(REDCAP)
        for item in ITEMS
        if row[item]
    )
    assert stored_answers() == expected
    assert report.answers == sum(expected.values()) == 131
    wave = Wave.objects.get()
    assert wave.label == "Spring 2025"
    assert wave.imported and wave.status == WaveStatus.CLOSED
    assert (wave.k, wave.k_comments) == (5, 10)
    assert (wave.opens_on, wave.closes_on) == (SPRING["opens_on"], SPRING["closes_on"])
    assert wave.invited == 20
    assert WaveSummary.objects.get(wave=wave).responses == 12


def test_comments_are_scrubbed_and_kept_apart_from_the_answers(cast, survey):
    imported(survey, records(REDCAP))
    texts = set(Comment.objects.values_list("text", flat=True))
    assert texts == {
        "The new rota has helped, but nights are still very short-staffed.",
        "Please bring back the Thursday debrief. Reach me at "
        "[e-mail address removed] if you want details.",
        "Charting after every shift takes an hour I do not have.",
    }
    assert {f.name for f in Comment._meta.get_fields()} == {"id", "wave", "text"}


def test_a_qualtrics_export_skips_the_question_text_and_import_id_rows(cast, survey):
    report = imported(survey, records(QUALTRICS), label="Autumn 2025")
    assert report.qualtrics_rows_skipped == 2
    assert report.rows_read == report.responses == 11
    expected = Counter(
        (item, int(row[item]))
        for row in data_rows(QUALTRICS, skip=2)
        for item in ITEMS
        if row[item]
    )
    assert stored_answers() == expected
    assert report.answers == 120
    assert "[number removed]" in " ".join(
        Comment.objects.values_list("text", flat=True)
    )
    assert "A Qualtrics export" in "\n".join(report.lines())


def test_the_report_names_the_columns_it_used_and_those_it_ignored(cast, survey):
    report = imported(survey, records(QUALTRICS), label="Autumn 2025")
    assert report.items == ITEMS
    assert report.segments == ["department", "profession", "tenure_band"]
    assert report.comment_column == "comment"
    assert report.columns_ignored[:4] == ["StartDate", "EndDate", "Status", "IPAddress"]
    assert {"RecipientEmail", "RecipientFirstName", "ResponseId"} <= set(
        report.columns_ignored
    )
    text = "\n".join(report.lines())
    assert "Ignored, never stored (17 columns): StartDate, EndDate" in text
    assert "Rows read: 11. Responses: 11. Answers: 120. Comments: 3." in text


def test_segments_are_matched_by_code_or_name_and_tenure_years_become_bands(
    cast, survey
):
    rows = [
        calm(department=department, profession=profession, site=site, tenure_years=y)
        for department, profession, site, y in [
            ("ED", "physician", "N", "0.5"),
            ("Emergency Medicine", "Physician", "North Hospital", "0,9"),
            ("ed", "PHYSICIAN", "n", "0"),
            ("ED", "physician", "N", "0.99"),
            ("ED", "physician", "N", ".2"),
        ]
    ]
    header = ["department", "profession", "site", "tenure_years", *ITEMS]
    imported(survey, table(*rows, header=header))
    labels = set(Response.objects.values_list(*DIMENSIONS))
    org = cast.org
    assert labels == {
        (org.emergency.pk, org.professions["physician"].pk, org.north.pk, "<1")
    }


@pytest.mark.parametrize(
    ("years", "band"),
    [("0.99", "<1"), ("1", "1-4"), ("4.9", "1-4"), ("5", "5-9"), ("10", "10+")],
)
def test_tenure_years_fall_into_the_bands_invitations_use(cast, survey, years, band):
    rows = [calm(tenure_years=years) for _ in range(5)]
    imported(survey, table(*rows, header=["department", "tenure_years", *ITEMS]))
    assert set(Response.objects.values_list("tenure_band", flat=True)) == {band}


def test_a_cell_left_empty_is_a_question_not_answered(cast, survey):
    rows = [calm(stress="", burnout="") for _ in range(5)]
    report = imported(survey, table(*rows))
    assert report.answers == 5 * (len(ITEMS) - 2)
    assert not Answer.objects.filter(item__in=["stress", "burnout"]).exists()


def test_codes_written_as_decimals_or_with_spaces_are_those_codes(cast, survey):
    rows = [calm(stress=" 4 ", burnout="3.0") for _ in range(5)]
    imported(survey, table(*rows))
    assert set(
        Answer.objects.filter(item="stress").values_list("value", flat=True)
    ) == {4}
    assert set(
        Answer.objects.filter(item="burnout").values_list("value", flat=True)
    ) == {3}


# --- Problems ------------------------------------------------------------------------


def test_every_kind_of_problem_is_reported_with_its_row_and_column(cast, survey):
    header = ["department", "profession", "site", "tenure_band", *ITEMS]
    rows = [
        calm(),
        calm(stress="7"),
        calm(valued="Agree"),
        calm(department="Cardiology"),
        calm(profession="surgeon"),
        calm(site="West"),
        calm(tenure_band="about 3 years"),
        calm(workload="x", teamwork="0"),
    ]
    report = imported(survey, table(*rows, header=header))
    assert [str(problem) for problem in report.problems] == [
        "row 3, stress: “7” is not a code of “stress” (its codes: 1, 2, 3, 4, 5).",
        "row 4, valued: “Agree” is the label of option 4 of “valued”, not its code: "
        "export the codes (REDCap: raw data; Qualtrics: numeric values), not the "
        "labels.",
        "row 5, department: “Cardiology” is not the code or name of a department.",
        "row 6, profession: “surgeon” is not the code or name of a profession.",
        "row 7, site: “West” is not the code or name of a site.",
        "row 8, tenure_band: “about 3 years” is not a tenure band (one of <1, 1-4, "
        "5-9, 10+).",
        "row 9, workload: “x” is not a code of “workload” (its codes: 1, 2, 3, 4, 5).",
        "row 9, teamwork: “0” is not a code of “teamwork” (its codes: 1, 2, 3, 4, 5).",
    ]
    assert report.problem_count == 8
    assert not report.stored


@pytest.mark.parametrize("years", ["three", "-1", "71"])
def test_tenure_years_that_are_not_a_number_of_years_are_a_problem(cast, survey, years):
    header = ["department", "tenure_years", *ITEMS]
    report = imported(survey, table(calm(tenure_years=years), header=header))
    assert [str(p) for p in report.problems] == [
        f"row 2, tenure_years: “{years}” is not a number of years between 0 and 70."
    ]


def test_a_row_with_more_cells_than_the_header_is_a_problem(cast, survey):
    records_ = table(calm())
    records_[1] = [*records_[1], "Smith", "extra"]
    report = imported(survey, records_)
    assert [str(p) for p in report.problems] == [
        "row 2: the row has 15 cells but the header only 13; is a comma inside a "
        "cell without quotes?"
    ]


def test_the_rows_of_a_qualtrics_export_are_numbered_as_in_the_file(cast, survey):
    lines = QUALTRICS.read_text(encoding="utf-8").splitlines()
    lines[4] = lines[4].replace(",Emergency Medicine,", ",Cardiology,", 1)
    report = imported(survey, list(csv.reader(lines)), label="Autumn 2025")
    assert [str(p) for p in report.problems] == [
        "row 5, department: “Cardiology” is not the code or name of a department."
    ]


def test_one_bad_row_means_nothing_is_stored(cast, survey):
    rows = [calm() for _ in range(20)] + [calm(stress="9")]
    report = imported(survey, table(*rows))
    assert not report.ok
    assert report.responses == 20
    assert not Wave.objects.exists()
    assert not Response.objects.exists()
    assert not Answer.objects.exists()
    assert not Comment.objects.exists()
    assert not AuditEvent.objects.filter(
        action=AuditAction.SURVEY_RESPONSES_IMPORTED
    ).exists()
    assert report.lines()[-2:] == [
        "Rows read: 21, 1 of them with problems.",
        "Nothing was imported: correct the problems above and import the file again.",
    ]


def test_the_report_lists_at_most_two_hundred_problems(cast, survey):
    rows = [calm(stress="9", burnout="9") for _ in range(150)]
    report = imported(survey, table(*rows))
    assert report.problem_count == 300
    assert len(report.problems) == PROBLEMS_SHOWN
    lines = report.lines()
    assert "300 problems (row 1 is the header):" in lines
    assert "  … and 100 more." in lines
    assert sum(line.startswith("  row ") for line in lines) == 200


def test_fewer_invited_than_responses_is_a_problem(cast, survey):
    report = imported(survey, table(*[calm() for _ in range(6)]), invited=5)
    assert [str(p) for p in report.problems] == [
        "--invited: 5 invited is fewer than the 6 responses."
    ]
    assert not Wave.objects.exists()


def test_a_dry_run_checks_everything_and_stores_nothing(cast, survey):
    report = imported(survey, records(REDCAP), dry_run=True)
    assert report.ok and not report.stored
    assert report.responses == 12
    assert report.coarsened > 0
    assert "Dry run: the file can be imported; nothing was stored." in report.lines()
    assert not Wave.objects.exists()
    assert not Response.objects.exists()
    assert not Comment.objects.exists()


# --- The file ------------------------------------------------------------------------


def test_a_file_that_is_not_utf8_is_refused_naming_its_line(cast, survey):
    content = "department,stress\nED,4\nUrgences pédiatriques,3\n".encode("cp1252")
    with pytest.raises(ResponseImportError, match=r"not UTF-8 text: line 3 .*0xE9"):
        imported(survey, response_file_records(io.BytesIO(content)))


def test_a_utf16_file_is_refused_with_what_to_download_instead(cast, survey):
    content = "department\tstress\nED\t4\n".encode("utf-16")
    with pytest.raises(ResponseImportError, match="UTF-16"):
        imported(survey, response_file_records(io.BytesIO(content)))


def test_a_file_with_semicolons_is_read_too(cast, survey):
    content = "department;stress\n" + "ED;4\n" * 5
    report = imported(
        survey, response_file_records(io.BytesIO(content.encode("utf-8")))
    )
    assert report.ok and report.answers == 5


def test_a_file_without_any_item_column_is_refused(cast, survey):
    with pytest.raises(ResponseImportError, match="None of the columns is named"):
        imported(survey, [["record_id", "Q1", "Q2"], ["1", "4", "5"]])


def test_an_empty_file_is_refused(cast, survey):
    with pytest.raises(ResponseImportError, match="empty"):
        imported(survey, response_file_records(io.BytesIO(b"")))


def test_two_columns_for_one_item_are_refused(cast, survey):
    with pytest.raises(ResponseImportError, match="Two columns are named “Stress”"):
        imported(survey, [["stress", "Stress"], ["4", "5"]])


# --- The wave ------------------------------------------------------------------------


def test_a_new_wave_needs_its_dates(cast, survey):
    with pytest.raises(ResponseImportError, match="--opens-on and --closes-on"):
        imported(survey, table(calm()), opens_on=None)


def test_a_wave_still_to_close_is_not_imported(cast, survey):
    with pytest.raises(ResponseImportError, match="still to come"):
        imported(survey, table(calm()), closes_on=datetime.date(2099, 1, 1))


def test_a_wave_run_in_alongside_is_refused(cast, survey, planned_wave):
    with pytest.raises(ResponseImportError, match="was run in Alongside"):
        imported(survey, table(calm()), label=planned_wave.label)


def test_a_wave_is_imported_once(cast, survey):
    imported(survey, records(REDCAP))
    with pytest.raises(ResponseImportError, match="already has responses"):
        imported(survey, records(REDCAP))
    assert Response.objects.count() == 12


def test_an_imported_wave_without_responses_is_filled(cast, survey):
    imported(survey, records(REDCAP))
    wave = Wave.objects.get()
    Response.objects.all().delete()
    report = imported(survey, records(REDCAP), opens_on=None, closes_on=None)
    assert not report.wave_created
    assert Wave.objects.get() == wave
    assert wave.responses.count() == 12


def test_an_existing_wave_keeps_its_dates(cast, survey):
    imported(survey, records(REDCAP))
    Response.objects.all().delete()
    with pytest.raises(ResponseImportError, match="opened on 2025-04-01"):
        imported(survey, records(REDCAP), opens_on=datetime.date(2025, 4, 2))


def test_an_import_is_audited_with_counts_only(cast, survey):
    imported(survey, records(REDCAP), invited=20)
    event = AuditEvent.objects.get(action=AuditAction.SURVEY_RESPONSES_IMPORTED)
    assert event.details == {
        "rows": 13,
        "responses": 12,
        "answers": 131,
        "comments": 3,
        "coarsened": event.details["coarsened"],
        "columns_ignored": 4,
        "invited": 20,
    }
    assert event.object_id == str(Wave.objects.get().pk)


# --- Anonymity -----------------------------------------------------------------------


def _emails(path: Path) -> set[str]:
    return {
        cell.strip()
        for record in records(path)
        for cell in record
        if "@" in cell and " " not in cell.strip()
    }


def test_no_value_from_an_identifying_column_is_stored_anywhere(cast, survey):
    imported(survey, records(REDCAP))
    imported(survey, records(QUALTRICS), label="Autumn 2025")
    emails = _emails(REDCAP) | _emails(QUALTRICS) | {"r.okafor@hospital.test"}
    assert len(emails) == 25
    names = {"Alvarez", "Kolade", "203.0.113.20", "R_2fa9cb008853"}
    for model in apps.get_models():
        for row in model._default_manager.all():
            for model_field in model._meta.concrete_fields:
                value = str(getattr(row, model_field.attname))
                for needle in emails | names:
                    assert needle not in value, (model, model_field.name)
    with connection.cursor() as cursor:
        for table_name in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table_name}"')
            dump = repr(cursor.fetchall())
            assert not any(needle in dump for needle in emails | names), table_name


def test_a_rare_segment_is_coarsened_so_no_combination_is_smaller_than_k(cast, survey):
    report = imported(survey, records(REDCAP))
    combinations = Counter(Response.objects.values_list(*DIMENSIONS))
    assert min(combinations.values()) >= 5
    pediatrics = cast.org.pediatrics.pk
    assert not Response.objects.filter(department_id=pediatrics).exists()
    assert report.coarsened > 0
    assert f"Segment labels coarsened on {report.coarsened} responses" in "\n".join(
        report.lines()
    )


@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite's rowid")
def test_responses_and_comments_are_stored_in_no_order_the_file_gives(cast, survey):
    rows = [calm(stress=str(1 + n % 5), comment=f"Comment {n}") for n in range(60)]
    imported(survey, table(*rows, header=["department", *ITEMS, "comment"]))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.value FROM surveys_response r JOIN surveys_answer a "
            "ON a.response_id = r.id AND a.item = 'stress' ORDER BY r.rowid"
        )
        stresses = [value for (value,) in cursor.fetchall()]
    comments = [
        Comment.objects.get(pk=pk).text for pk in _comment_ids_in_storage_order()
    ]
    assert sorted(comments) == sorted(f"Comment {n}" for n in range(60))
    assert comments != [f"Comment {n}" for n in range(60)]
    assert sorted(stresses) == sorted(1 + n % 5 for n in range(60))
    assert stresses != [1 + n % 5 for n in range(60)]


def _comment_ids_in_storage_order() -> list:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM surveys_comment ORDER BY rowid")
        return [Comment._meta.pk.to_python(pk) for (pk,) in cursor.fetchall()]


def test_imported_waves_are_summarized_like_answered_ones(cast, survey, open_wave):
    response_submit(
        token=token_for(open_wave, open_wave.invitations.first().staff_member),
        answers=CALM,
    )
    imported(survey, table(*[calm(stress="4") for _ in range(5)]))
    summary = Wave.objects.get(label="Spring 2025").summary
    assert summary.outcomes["high_stress"]["all"][""] == [5, 5]
    assert summary.counts["all"][""]["stress"] == {"4": 5}


# --- The command ---------------------------------------------------------------------


def command(*args: str) -> str:
    out = io.StringIO()
    call_command("import_survey_responses", *args, stdout=out)
    return out.getvalue()


def test_the_command_imports_a_file_and_prints_the_report(cast, survey):
    output = command(
        str(REDCAP),
        "--survey=pulse",
        "--wave=Spring 2025",
        "--opens-on=2025-04-01",
        "--closes-on=2025-04-21",
        "--invited=20",
    )
    lines = output.splitlines()
    assert lines[0] == "Import of “Spring 2025” into “pulse” from redcap_responses.csv"
    assert (
        "Ignored, never stored (4 columns): record_id, redcap_survey_identifier, "
        "pulse_timestamp, pulse_complete"
    ) in lines
    assert (
        "Rows read: 13. Responses: 12 (1 row without any answer skipped). "
        "Answers: 131. Comments: 3."
    ) in lines
    assert lines[-1] == (
        "Imported into the wave “Spring 2025” (created, closed; 20 invited, 60.0 % "
        "responded). Its summary has been computed."
    )
    assert Response.objects.count() == 12


def test_the_command_lists_the_problems_and_fails(cast, survey, tmp_path):
    path = tmp_path / "export.csv"
    content = REDCAP.read_text(encoding="utf-8-sig").replace(",ED,", ",ICU,", 1)
    path.write_text(content, encoding="utf-8")
    out = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was imported: the file has 1 "):
        call_command(
            "import_survey_responses",
            str(path),
            survey="pulse",
            wave="Spring 2025",
            opens_on=SPRING["opens_on"],
            closes_on=SPRING["closes_on"],
            stdout=out,
        )
    assert (
        "  row 2, department: “ICU” is not the code or name of a department."
        in out.getvalue().splitlines()
    )
    assert not Response.objects.exists()


def test_the_command_dry_run_stores_nothing(cast, survey):
    output = command(
        str(QUALTRICS),
        "--survey=pulse",
        "--wave=Autumn 2025",
        "--opens-on=2025-10-01",
        "--closes-on=2025-10-21",
        "--dry-run",
    )
    assert output.splitlines()[0].endswith("(dry run)")
    assert "Dry run: the file can be imported; nothing was stored." in output
    assert not Wave.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--survey=nope", "--wave=W"], "There is no survey “nope”"),
        (["--survey=pulse", "--wave=W"], "give the days it opened and closed"),
        (
            ["--survey=pulse", "--wave=W", "--opens-on=1 April"],
            "“1 April” is not a day written YYYY-MM-DD",
        ),
        (["--survey=pulse", "--wave=W", "--invited=many"], "not a number of people"),
    ],
)
def test_the_command_explains_what_it_cannot_do(cast, survey, args, message):
    with pytest.raises(CommandError, match=message):
        command(str(REDCAP), *args)


def test_the_command_needs_a_file_that_is_there(cast, survey):
    with pytest.raises(CommandError, match="There is no file at"):
        command("/nowhere/export.csv", "--survey=pulse", "--wave=W")
