"""Time the roster import on a synthetic roster, from CSV and from XLSX.

    .venv/bin/python bench/roster_import.py [--rows 100000]

Runs on a scratch database: a temporary SQLite file, or, when DATABASE_URL
points at PostgreSQL, a database named alongside_bench on that server
(created afresh, dropped at the end). The roster is generated with a fixed
seed, so every run imports the same people: a realistic spread of
professions, departments and sites, supervisors in a hierarchy a few levels
deep (listed in random order, so reports often come before their
supervisor), a few people without an e-mail, a few who have left.

Each import goes through the same service as ``manage.py import_roster``.
"""

import argparse
import csv
import datetime
import io
import os
import platform
import random
import sys
import time
import unicodedata
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.scratch import scratch_database  # noqa: E402 - needs ROOT on the path
from organization.roster_files import COLUMN_NAMES  # noqa: E402 - needs the path above

SEED = 20261126
BENCH_DATABASE = "alongside_bench"


def words(text: str) -> list[str]:
    return text.split()


FIRST_NAMES = words(
    "Ada Aisha Alejandro Amara Ana Andrei Anh Arjun Beatriz Ben Camille Carlos Chen Chloé "
    "Daniel Deepa Diego Dmitri Elena Emeka Emma Fatima Feng Grace Hana Hiroshi Ibrahim "
    "Inés Isaac Jamal Jana José Julia Kai Kavya Kwame Lars Layla Leila Li Lucas Maria "
    "Mateo Mei Mohammed Nadia Naomi Noah Nora Olga Omar Pablo Priya Rafael Ravi Rosa "
    "Sakura Samuel Sara Siddharth Sofia Tariq Thabo Tomás Uma Victor Wei Yara Yusuf "
    "Zainab Zoë"
)
LAST_NAMES = words(
    "Abbott Adeyemi Ahmed Alvarez Andersen Baker Banerjee Bauer Bennett Brown Castillo "
    "Chang Chowdhury Clarke Cohen Costa Diallo Dubois Edwards Evans Fernández Fischer "
    "Garcia Gómez Gupta Haddad Hansen Hernández Hoang Hughes Ibrahim Ivanova Jackson "
    "Jensen Johansson Kaur Kim Kowalski Kumar Larsen Lee Lewis Lopez Martin Mensah Meyer "
    "Miller Morales Müller Murphy Nakamura Nguyen Novak Okafor Olsen O'Brien Patel "
    "Pereira Petrov Popescu Quinn Rahman Reyes Rossi Santos Schmidt Shah Silva Singh "
    "Smith Sokolov Suzuki Tanaka Taylor Thompson Tran Wagner Walker Wang Williams Wilson "
    "Wójcik Yamamoto Yilmaz Zhang"
)
PROFESSIONS = (
    ("physician", "Physician", 16),
    ("resident", "Resident/fellow", 8),
    ("app", "Advanced practice provider", 6),
    ("nurse", "Nurse", 38),
    ("pharmacist", "Pharmacist", 3),
    ("other-clinical", "Other health professional", 14),
    ("non-clinical", "Non-clinical staff", 15),
)
SITES = ("MAIN", "NORTH", "SOUTH", "EAST", "WEST", "CHILD", "REHAB", "CLINICS")
DEPARTMENTS = words(
    "ED ICU SURG ORTHO NEURO CARD ONC PEDS NICU OBGYN PSYCH RAD PATH LAB ANES IM FM GERI "
    "DERM ENT URO NEPH GI PULM ENDO ID RHEUM OPH PT OT RT PHARM NUTR SW CM QI IT HR FIN "
    "FAC ENV SEC"
)
EXCEL_EPOCH = datetime.date(1899, 12, 30)
COLUMN_LETTERS = "ABCDEFGHIJK"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
XLSX_PARTS = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{SHEET_TYPE}.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        f'ContentType="{SHEET_TYPE}.worksheet+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{SHEET_TYPE}.styles+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" '
        f'ContentType="{SHEET_TYPE}.sharedStrings+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        f'<Relationships xmlns="{PACKAGE_NS}"><Relationship Id="rId1" '
        f'Type="{RELATIONSHIPS_NS}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    ),
    "xl/workbook.xml": (
        f'<workbook xmlns="{MAIN_NS}" xmlns:r="{RELATIONSHIPS_NS}"><sheets>'
        '<sheet name="Roster" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{PACKAGE_NS}">'
        f'<Relationship Id="rId1" Type="{RELATIONSHIPS_NS}/worksheet" '
        'Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{RELATIONSHIPS_NS}/styles" Target="styles.xml"/>'
        f'<Relationship Id="rId3" Type="{RELATIONSHIPS_NS}/sharedStrings" '
        'Target="sharedStrings.xml"/></Relationships>'
    ),
    # Style 1 is Excel's built-in date format 14, which makes a number a date cell.
    "xl/styles.xml": (
        f'<styleSheet xmlns="{MAIN_NS}"><fonts count="1"><font><sz val="11"/>'
        '<name val="Calibri"/></font></fonts><fills count="1"><fill>'
        '<patternFill patternType="none"/></fill></fills><borders count="1">'
        "<border><left/><right/><top/><bottom/><diagonal/></border></borders>"
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        '</cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" '
        'borderId="0" xfId="0"/><xf numFmtId="14" fontId="0" fillId="0" borderId="0" '
        'xfId="0" applyNumberFormat="1"/></cellXfs><cellStyles count="1">'
        '<cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
    ),
}
HEADER = COLUMN_NAMES


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    rows = parser.parse_args().rows
    database_url, drop = scratch_database(BENCH_DATABASE)
    os.environ["DATABASE_URL"] = database_url
    os.environ["ALONGSIDE_MODE"] = "test"  # throwaway keys; nothing leaves the machine
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alongside.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    try:
        results = benchmark(rows)
    finally:
        from django.db import connections

        connections.close_all()
        drop()
    print_table(rows, results)


def benchmark(rows: int) -> list[tuple[str, float, object]]:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    organization_create()
    people = synthetic_roster(rows)
    csv_content, xlsx_content = csv_bytes(people), xlsx_bytes(people)
    changed_content = csv_bytes(with_changes(people, share=0.05))
    openpyxl_content = openpyxl_xlsx_bytes(people)
    results = [
        ("CSV, empty roster", *timed_import("roster.csv", csv_content)),
        ("CSV again, unchanged", *timed_import("roster.csv", csv_content)),
        ("CSV, 5 % changed", *timed_import("roster.csv", changed_content)),
    ]
    roster_empty()
    results += [
        ("XLSX, empty roster", *timed_import("roster.xlsx", xlsx_content)),
        ("XLSX again, unchanged", *timed_import("roster.xlsx", xlsx_content)),
    ]
    roster_empty()
    results.append(
        ("XLSX (openpyxl), empty", *timed_import("roster.xlsx", openpyxl_content))
    )
    return results


def organization_create() -> None:
    from organization.models import Department, Profession, Site

    for position, (code, name, _) in enumerate(PROFESSIONS):
        Profession.objects.create(code=code, name=name, sort_order=position)
    for code in SITES:
        Site.objects.create(code=code, name=f"{code.title()} campus")
    for code in DEPARTMENTS:
        Department.objects.create(code=code, name=f"Department {code}")


def synthetic_roster(rows: int) -> list[tuple]:
    """People in a hierarchy: everyone after the first reports to someone earlier."""
    rng = random.Random(SEED)
    professions = [code for code, _, _ in PROFESSIONS]
    weights = [weight for _, _, weight in PROFESSIONS]
    first_day = datetime.date(1985, 1, 1).toordinal()
    last_day = datetime.date(2026, 10, 31).toordinal()
    people = []
    for number in range(rows):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        employee_id = f"E{number + 1:07d}"
        email = ascii_only(f"{first}.{last}.{number + 1}@hospital.example".lower())
        supervisor = ""
        if number and rng.random() > 0.01:
            supervisor = f"E{rng.randrange(max(number // 8, 1)) + 1:07d}"
        profession = rng.choices(professions, weights)[0]
        people.append(
            (
                employee_id,
                first,
                last,
                "" if rng.random() < 0.04 else email,
                f"{1_000_000_000 + number}" if profession == "physician" else "",
                profession,
                rng.choice(DEPARTMENTS),
                rng.choice(SITES),
                supervisor,
                datetime.date.fromordinal(rng.randint(first_day, last_day)),
                "false" if rng.random() < 0.03 else rng.choice(("true", "yes", "1")),
            )
        )
    rng.shuffle(people)
    return people


def ascii_only(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def with_changes(people: list[tuple], *, share: float) -> list[tuple]:
    """The same roster with a share of people moved to another department."""
    rng = random.Random(SEED + 1)
    changed = []
    for person in people:
        if rng.random() < share:
            person = (*person[:6], rng.choice(DEPARTMENTS), *person[7:])
        changed.append(person)
    return changed


def csv_bytes(people: list[tuple]) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(HEADER)
    writer.writerows(
        (*person[:9], person[9].isoformat(), person[10]) for person in people
    )
    return text.getvalue().encode()


def xlsx_bytes(people: list[tuple]) -> bytes:
    """A workbook as Excel saves one: text in a shared-strings table, dates as date cells."""
    strings: dict[str, int] = {}
    rows = []
    for number, person in enumerate([HEADER, *people], start=1):
        cells = []
        for column, value in zip(COLUMN_LETTERS, person, strict=True):
            reference = f"{column}{number}"
            if isinstance(value, datetime.date):
                serial = (value - EXCEL_EPOCH).days
                cells.append(f'<c r="{reference}" s="1"><v>{serial}</v></c>')
            elif value:
                index = strings.setdefault(value, len(strings))
                cells.append(f'<c r="{reference}" t="s"><v>{index}</v></c>')
        rows.append(f'<row r="{number}">{"".join(cells)}</row>')
    shared = "".join(f"<si><t>{escape(text)}</t></si>" for text in strings)
    parts = {
        **XLSX_PARTS,
        "xl/sharedStrings.xml": f'<sst xmlns="{MAIN_NS}" uniqueCount="{len(strings)}">'
        f"{shared}</sst>",
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{MAIN_NS}"><dimension '
        f'ref="A1:J{len(rows)}"/><sheetData>{"".join(rows)}</sheetData></worksheet>',
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, xml in parts.items():
            archive.writestr(name, XML_DECLARATION + xml)
    return buffer.getvalue()


def openpyxl_xlsx_bytes(people: list[tuple]) -> bytes:
    """The same workbook as openpyxl (and pandas) write it: every text cell inline."""
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Roster")
    sheet.append(HEADER)
    for person in people:
        sheet.append(person)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def timed_import(file_name: str, content: bytes):
    from organization.models import RosterImportMode, RosterImportStatus
    from organization.roster_import import roster_import_file

    started = time.perf_counter()
    roster_import = roster_import_file(
        actor=None,
        file_name=file_name,
        content=content,
        mode=RosterImportMode.ALL_OR_NOTHING,
    )
    seconds = time.perf_counter() - started
    if roster_import.status != RosterImportStatus.DONE:
        raise SystemExit(
            f"{file_name}: {roster_import.status} {roster_import.failure} "
            f"{roster_import.errors[:5]}"
        )
    return seconds, roster_import


def roster_empty() -> None:
    from django.db import connection

    from organization.models import StaffMember

    StaffMember.objects.update(supervisor=None)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {StaffMember._meta.db_table}")  # noqa: S608


def print_table(rows: int, results) -> None:
    from django.db import connection

    database = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}[connection.vendor]
    print(
        f"\nRoster import, {rows:,} rows, on {database}; Python "
        f"{platform.python_version()}, {os.cpu_count()} CPUs\n"
    )
    print(
        f"{'file':<24}{'seconds':>9}{'rows/s':>10}{'created':>10}{'updated':>10}"
        f"{'unchanged':>11}"
    )
    for label, seconds, roster_import in results:
        print(
            f"{label:<24}{seconds:>9.1f}{rows / seconds:>10,.0f}"
            f"{roster_import.created_count:>10,}{roster_import.updated_count:>10,}"
            f"{roster_import.unchanged_count:>11,}"
        )


if __name__ == "__main__":
    main()
