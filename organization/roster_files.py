"""Reading HR's roster file (CSV or Excel) into rows of cell values.

Nothing here knows what a valid row is (that is organization.roster_checks);
this module only turns bytes into a header and numbered rows, and refuses
files that cannot be a roster at all, with a message that says why.
"""

import codecs
import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import PurePath

import openpyxl
from openpyxl.worksheet._reader import VALUE_TAG, WorkSheetParser
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import SubElement

ROSTER_FILE_MAX_BYTES = 50 * 1024 * 1024
ROSTER_FILE_MAX_ROWS = 500_000
ROSTER_FILE_TYPES = (".csv", ".xlsx")
TEXT_TAG = f"{{{SHEET_MAIN_NS}}}t"


@dataclass(frozen=True)
class RosterColumn:
    name: str
    label: str
    required: bool
    description: str


ROSTER_COLUMNS = (
    RosterColumn(
        "employee_id",
        "employee id",
        True,
        "HR's id for the person. A row whose employee id is already on the roster "
        "updates that person; any other row adds a new person.",
    ),
    RosterColumn("first_name", "first name", True, "First (given) name."),
    RosterColumn("last_name", "last name", True, "Last (family) name."),
    RosterColumn(
        "work_email",
        "work e-mail",
        False,
        "Work e-mail address. Two people cannot share one. An empty cell removes "
        "the address.",
    ),
    RosterColumn(
        "npi",
        "NPI",
        False,
        "The person's National Provider Identifier (10 digits), which incident "
        "systems may name them by. An empty cell removes it.",
    ),
    RosterColumn(
        "profession",
        "profession",
        True,
        "Profession code, as listed on the Organization page (for example "
        "physician or nurse).",
    ),
    RosterColumn(
        "department",
        "department",
        True,
        "Department code, as listed on the Organization page.",
    ),
    RosterColumn(
        "site", "site", True, "Site code, as listed on the Organization page."
    ),
    RosterColumn(
        "supervisor_employee_id",
        "supervisor",
        False,
        "The employee id of the person's supervisor, who must be in the same file "
        "or already on the roster. An empty cell removes the supervisor.",
    ),
    RosterColumn(
        "start_date",
        "start date",
        False,
        "First day of work, written YYYY-MM-DD (in Excel, a date cell works too).",
    ),
    RosterColumn(
        "active",
        "active",
        False,
        "Whether the person works here now: true or false, yes or no, 1 or 0. "
        "An empty cell means true.",
    ),
)
COLUMN_NAMES = tuple(column.name for column in ROSTER_COLUMNS)
REQUIRED_COLUMNS = tuple(column.name for column in ROSTER_COLUMNS if column.required)
OPTIONAL_COLUMNS = tuple(
    column.name for column in ROSTER_COLUMNS if not column.required
)
COLUMN_LABELS = {column.name: column.label for column in ROSTER_COLUMNS}


class RosterFileError(Exception):
    """The file as a whole cannot be imported; the message says why, in plain words."""


@dataclass
class RosterTable:
    """A roster file's header and rows, read lazily.

    ``columns`` maps each known column present in the file to its position.
    ``rows`` yields (row number as a spreadsheet shows it, cell values) for
    every row below the header that is not entirely empty.
    """

    columns: dict[str, int]
    rows: Iterator[tuple[int, Sequence]]
    estimated_rows: int


def roster_file_check(*, file_name: str, content: bytes) -> None:
    """Refuse, before anything is stored, a file that cannot be a roster."""
    table = roster_table_read(file_name=file_name, content=content)
    if next(table.rows, None) is None:
        raise RosterFileError("The file has a header row but nobody below it.")


def roster_table_read(*, file_name: str, content: bytes) -> RosterTable:
    suffix = _file_type(file_name)
    if not content:
        raise RosterFileError("The file is empty.")
    if len(content) > ROSTER_FILE_MAX_BYTES:
        raise RosterFileError(
            f"The file is larger than {ROSTER_FILE_MAX_BYTES // (1024 * 1024)} MB. "
            "Split it into smaller files and import them one after the other."
        )
    if suffix == ".xlsx":
        return _xlsx_table(content)
    return _csv_table(content)


def _file_type(file_name: str) -> str:
    suffix = PurePath(file_name).suffix.lower()
    if suffix not in ROSTER_FILE_TYPES:
        raise RosterFileError(
            "Alongside reads roster files saved as CSV (.csv) or as an Excel "
            "workbook (.xlsx). Save the file in one of those formats and try again."
        )
    return suffix


# --- The header ---------------------------------------------------------------------


def _header_columns(cells) -> dict[str, int]:
    """Known columns by position. Case, surrounding spaces and inner spaces don't matter."""
    columns: dict[str, int] = {}
    for position, cell in enumerate(cells):
        name = "_".join(cell_text(cell).lower().split())
        if name not in COLUMN_NAMES:
            continue
        if name in columns:
            raise RosterFileError(f"The column {name} appears twice in the header.")
        columns[name] = position
    if not columns and not any(cell_text(cell) for cell in cells):
        raise RosterFileError(
            "The first row is empty. It must be the header naming the columns."
        )
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        raise RosterFileError(
            "The first row must name the columns, and these required ones are "
            f"missing: {', '.join(missing)}."
        )
    return columns


def cell_text(value) -> str:
    """A cell as text: Excel's whole numbers (employee ids, say) without ".0"."""
    if type(value) is str:
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _numbered(rows, *, first_row: int) -> Iterator[tuple[int, Sequence]]:
    """Number rows as a spreadsheet does and skip the empty ones."""
    count = 0
    for number, cells in enumerate(rows, start=first_row):
        if not any(cell_text(cell) for cell in cells):
            continue
        count += 1
        if count > ROSTER_FILE_MAX_ROWS:
            raise _too_many_rows()
        yield number, cells


def _too_many_rows() -> RosterFileError:
    return RosterFileError(
        f"The file has more than {ROSTER_FILE_MAX_ROWS:,} rows. "
        "Split it into smaller files and import them one after the other."
    )


# --- CSV -------------------------------------------------------------------------------


def _csv_table(content: bytes) -> RosterTable:
    if b"\x00" in content[:8192]:
        raise RosterFileError(
            "This is not a CSV text file. Save it as CSV UTF-8 (.csv) or as an Excel "
            "workbook (.xlsx)."
        )
    text = _decode(content)
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)
    records = _csv_records(text, delimiter)
    header = records[0] if records else []
    columns = _header_columns(header)
    return RosterTable(
        columns=columns,
        rows=_numbered(records[1:], first_row=2),
        estimated_rows=len(records) - 1,
    )


def _decode(content: bytes) -> str:
    """UTF-8 (with or without the BOM Excel adds), else Windows-1252 (Excel's "CSV")."""
    if content.startswith(codecs.BOM_UTF8):
        content = content[len(codecs.BOM_UTF8) :]
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252")
    except UnicodeDecodeError:
        raise RosterFileError(
            "Some characters in the file could not be read. Save it as CSV UTF-8 "
            "and try again."
        )


def _csv_records(text: str, delimiter: str) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records = []
    try:
        for record in reader:
            records.append(record)
            if len(records) > ROSTER_FILE_MAX_ROWS + 1:
                raise _too_many_rows()
    except csv.Error as error:
        raise RosterFileError(
            f"Row {len(records) + 1} could not be read ({error}). Look for a quote "
            "mark that is not closed."
        )
    return records


# --- Excel -----------------------------------------------------------------------------


def _xlsx_table(content: bytes) -> RosterTable:
    try:
        workbook = openpyxl.load_workbook(
            io.BytesIO(content), read_only=True, data_only=True
        )
        sheet = workbook.worksheets[0]
        estimated_rows = max((sheet.max_row or 1) - 1, 0)
        rows = _sheet_rows(workbook, sheet)
        header = next(rows, ())
    except Exception:  # noqa: BLE001 - whatever fails, the file is not a usable workbook
        raise RosterFileError(
            "The file could not be opened as an Excel workbook (.xlsx). Open it in "
            "Excel and save it again as an Excel workbook, or as CSV UTF-8."
        )
    try:
        columns = _header_columns(header)
    except RosterFileError:
        workbook.close()
        raise
    return RosterTable(
        columns=columns,
        rows=_numbered(_xlsx_rows(workbook, rows), first_row=2),
        estimated_rows=estimated_rows,
    )


def _xlsx_rows(workbook, rows) -> Iterator[tuple]:
    last_read = 1
    try:
        for cells in rows:
            last_read += 1
            yield cells
    except Exception:  # noqa: BLE001 - a damaged sheet part way through
        raise RosterFileError(
            f"The workbook could not be read after row {last_read}. Open it in Excel "
            "and save it again."
        )
    finally:
        workbook.close()


class _SheetParser(WorkSheetParser):
    """openpyxl's read-only sheet parser, taking inline strings as plain text.

    Workbooks written by openpyxl or pandas keep every text cell inline (Excel
    uses a shared-strings table), and openpyxl builds a rich-text object for
    each such cell, which doubles the time a large roster takes to read. A
    roster needs only the text, so the cell is handed on as a plain string.
    """

    def parse_cell(self, element):
        if element.get("t") == "inlineStr":
            text = "".join(node.text or "" for node in element.iter(TEXT_TAG))
            element.set("t", "str")
            SubElement(element, VALUE_TAG).text = text
        return super().parse_cell(element)


def _sheet_rows(workbook, sheet) -> Iterator[tuple]:
    """Every row of a read-only sheet, as ``sheet.iter_rows(values_only=True)`` gives.

    Unlike iter_rows it does not trust the sheet's recorded dimensions, which
    some programs write wrongly, and it reads inline strings faster.
    """
    with sheet._get_source() as source:
        parser = _SheetParser(
            source,
            sheet._shared_strings,
            data_only=True,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        expected = 1
        for number, cells in parser.parse():
            for _ in range(expected, number):
                yield ()
            yield sheet._get_row(cells, values_only=True)
            expected = number + 1
