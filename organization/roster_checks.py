"""Checking a roster file's rows: each row on its own, then the rows together.

The checks are the same in both import modes, so the report is too; the mode
only decides whether the rows that passed are saved when others did not.

A row is rejected for any error of its own, and also when what it points at
was rejected: a supervisor whose row was rejected, or a work e-mail that
someone whose row was rejected keeps. Rejections are followed until nothing
more changes, so the rows that pass can always be saved together.
"""

import datetime
import re
from collections import defaultdict, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from organization.models import Department, Profession, Site, StaffMember
from organization.roster_files import (
    COLUMN_LABELS,
    COLUMN_NAMES,
    OPTIONAL_COLUMNS,
    RosterTable,
    cell_text,
)

PROGRESS_EVERY = 2000
MAX_LENGTHS = {"employee_id": 64, "first_name": 100, "last_name": 100}
EMAIL_MAX_LENGTH = 254
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
NPI = re.compile(r"\d{10}")
TRUE_WORDS = frozenset({"true", "yes", "1"})
FALSE_WORDS = frozenset({"false", "no", "0"})
CODE_COLUMNS = ("profession", "department", "site")
TEXT_COLUMNS = tuple(
    name for name in COLUMN_NAMES if name not in ("start_date", "active")
)
SHOWN_ROWS = 5
SHOWN_VALUE_LENGTH = 60
COLUMN_ORDER = {name: position for position, name in enumerate(COLUMN_NAMES)}


@dataclass(frozen=True, slots=True)
class RowError:
    row: int
    employee_id: str
    field: str
    message: str

    def as_dict(self) -> dict:
        return {
            "row": self.row,
            "employee_id": self.employee_id,
            "field": self.field,
            "message": self.message,
        }


@dataclass(slots=True)
class RosterRow:
    """One person as a row of the file describes them, with codes turned into ids."""

    row: int
    employee_id: str
    first_name: str
    last_name: str
    work_email: str
    profession_id: int | None
    department_id: int | None
    site_id: int | None
    supervisor: str  # the supervisor's employee id; "" for none
    start_date: datetime.date | None
    is_active: bool
    npi: str


class StaffRecord(NamedTuple):
    """A person already on the roster, laid out like RosterRow's values."""

    pk: int
    first_name: str
    last_name: str
    work_email: str
    profession_id: int
    department_id: int
    site_id: int
    supervisor: str
    start_date: datetime.date | None
    is_active: bool
    npi: str


@dataclass
class RosterSnapshot:
    people: dict[str, StaffRecord]
    email_owners: dict[str, str]  # lower-cased work e-mail → employee id


def roster_snapshot() -> RosterSnapshot:
    """Everyone on the roster, in one query, as the checks and the upsert need them."""
    people: dict[str, StaffRecord] = {}
    email_owners: dict[str, str] = {}
    rows = StaffMember.objects.order_by().values_list(
        "pk",
        "employee_id",
        "first_name",
        "last_name",
        "work_email",
        "profession_id",
        "department_id",
        "site_id",
        "supervisor__employee_id",
        "start_date",
        "is_active",
        "npi",
    )
    for row in rows:
        pk, employee_id, first, last, email, *units, supervisor, start, active, npi = (
            row
        )
        people[employee_id] = StaffRecord(
            pk, first, last, email, *units, supervisor or "", start, active, npi
        )
        if email:
            email_owners[email.lower()] = employee_id
    return RosterSnapshot(people=people, email_owners=email_owners)


class CodeLookup:
    """Codes of one kind (sites, say): an exact match first, then one ignoring case."""

    def __init__(self, codes: dict[str, int]):
        self.exact = codes
        folded: dict[str, int] = {}
        ambiguous = set()
        for code, pk in codes.items():
            key = code.casefold()
            if key in folded:
                ambiguous.add(key)
            folded[key] = pk
        self.folded = {key: pk for key, pk in folded.items() if key not in ambiguous}

    def get(self, code: str) -> int | None:
        pk = self.exact.get(code)
        return pk if pk is not None else self.folded.get(code.casefold())


def code_lookups() -> dict[str, CodeLookup]:
    models = {"profession": Profession, "department": Department, "site": Site}
    return {
        name: CodeLookup(dict(model.objects.order_by().values_list("code", "pk")))
        for name, model in models.items()
    }


# --- Each row on its own --------------------------------------------------------------


@dataclass
class CheckedRows:
    """Every row of the file after the checks each row can pass or fail alone."""

    rows: list[RosterRow]
    errors: list[RowError]
    given: frozenset[str]  # the optional columns the file has


def roster_rows_check(
    table: RosterTable,
    *,
    codes: dict[str, CodeLookup],
    on_progress: Callable[[int], None] | None = None,
) -> CheckedRows:
    checker = RowChecker(columns=table.columns, codes=codes)
    rows: list[RosterRow] = []
    errors: list[RowError] = []
    for count, (number, cells) in enumerate(table.rows, start=1):
        row, row_errors = checker.check(number, cells)
        rows.append(row)
        errors.extend(row_errors)
        if on_progress is not None and count % PROGRESS_EVERY == 0:
            on_progress(count)
    given = frozenset(name for name in OPTIONAL_COLUMNS if name in table.columns)
    return CheckedRows(rows=rows, errors=errors, given=given)


class RowChecker:
    """Checks one row on its own: required values, lengths, codes, e-mail, date, active."""

    def __init__(self, *, columns: dict[str, int], codes: dict[str, CodeLookup]):
        self.positions = [(name, columns.get(name, -1)) for name in COLUMN_NAMES]
        self.codes = codes

    def check(self, number: int, cells: Sequence) -> tuple[RosterRow, list[RowError]]:
        width = len(cells)
        raw = {
            name: cells[position] if 0 <= position < width else None
            for name, position in self.positions
        }
        text = {name: cell_text(raw[name]) for name in TEXT_COLUMNS}
        problems = [
            (name, message)
            for name in MAX_LENGTHS
            if (message := _required_problem(name, text[name]))
        ]
        unit_ids = {}
        for name in CODE_COLUMNS:
            unit_ids[name], message = self._unit_id(name, text[name])
            if message:
                problems.append((name, message))
        if message := _email_problem(text["work_email"]):
            problems.append(("work_email", message))
        if message := _npi_problem(text["npi"]):
            problems.append(("npi", message))
        start_date, message = _start_date(raw["start_date"])
        if message:
            problems.append(("start_date", message))
        is_active, message = _active(raw["active"])
        if message:
            problems.append(("active", message))
        row = RosterRow(
            row=number,
            employee_id=text["employee_id"],
            first_name=text["first_name"],
            last_name=text["last_name"],
            work_email=text["work_email"],
            profession_id=unit_ids["profession"],
            department_id=unit_ids["department"],
            site_id=unit_ids["site"],
            supervisor=text["supervisor_employee_id"],
            start_date=start_date,
            is_active=is_active,
            npi=text["npi"],
        )
        errors = [
            RowError(number, row.employee_id, name, message)
            for name, message in problems
        ]
        return row, errors

    def _unit_id(self, name: str, code: str) -> tuple[int | None, str | None]:
        if not code:
            return None, f"The {COLUMN_LABELS[name]} is missing."
        pk = self.codes[name].get(code)
        if pk is None:
            return None, f'There is no {name} with the code "{_shown(code)}".'
        return pk, None


def _required_problem(name: str, value: str) -> str | None:
    if not value:
        return f"The {COLUMN_LABELS[name]} is missing."
    if len(value) > MAX_LENGTHS[name]:
        return (
            f"The {COLUMN_LABELS[name]} is longer than {MAX_LENGTHS[name]} characters."
        )
    return None


def _email_problem(email: str) -> str | None:
    if not email:
        return None
    if len(email) <= EMAIL_MAX_LENGTH:
        try:
            validate_email(email)
        except ValidationError:
            pass
        else:
            return None
    return f'"{_shown(email)}" is not a valid e-mail address.'


def _npi_problem(npi: str) -> str | None:
    if not npi or NPI.fullmatch(npi):
        return None
    return f'"{_shown(npi)}" is not an NPI, which is 10 digits.'


def _start_date(value) -> tuple[datetime.date | None, str | None]:
    if isinstance(value, datetime.datetime):
        return value.date(), None
    if isinstance(value, datetime.date):
        return value, None
    text = cell_text(value)
    if not text:
        return None, None
    if ISO_DATE.fullmatch(text):
        try:
            return datetime.date.fromisoformat(text), None
        except ValueError:
            pass
    return None, f'"{_shown(text)}" is not a date; write it as YYYY-MM-DD.'


def _active(value) -> tuple[bool, str | None]:
    if isinstance(value, bool):
        return value, None
    text = cell_text(value).lower()
    if not text or text in TRUE_WORDS:
        return True, None
    if text in FALSE_WORDS:
        return False, None
    return True, f'"{_shown(text)}" is not one of true, false, yes, no, 1 or 0.'


def _shown(value: str) -> str:
    if len(value) <= SHOWN_VALUE_LENGTH:
        return value
    return value[: SHOWN_VALUE_LENGTH - 1] + "…"


# --- The rows together, and against the roster -----------------------------------------


@dataclass
class RosterCheck:
    """The outcome of checking a file: every error, and which rows passed."""

    rows: list[RosterRow]
    errors: list[RowError]  # by row, then in the order of the columns
    rejected: set[int]  # row numbers with at least one error
    given: frozenset[str]

    @property
    def accepted(self) -> list[RosterRow]:
        return [row for row in self.rows if row.row not in self.rejected]


class _Findings:
    def __init__(self, errors: list[RowError]):
        self.errors = list(errors)
        self.rejected = {error.row for error in errors}
        self.fields = {(error.row, error.field) for error in errors}

    def add(self, row: RosterRow, field: str, message: str) -> None:
        self.errors.append(RowError(row.row, row.employee_id, field, message))
        self.rejected.add(row.row)
        self.fields.add((row.row, field))

    def has(self, row: RosterRow, field: str) -> bool:
        return (row.row, field) in self.fields


def roster_rows_cross_check(
    checked: CheckedRows, roster: RosterSnapshot
) -> RosterCheck:
    """Check the rows against each other and the roster; pure, so it can run twice."""
    found = _Findings(checked.errors)
    rows = checked.rows
    by_id: dict[str, list[RosterRow]] = defaultdict(list)
    for row in rows:
        if row.employee_id:
            by_id[row.employee_id].append(row)
    emails = "work_email" in checked.given
    supervisors = "supervisor_employee_id" in checked.given
    _duplicate_employee_ids(by_id, found)
    if emails:
        _duplicate_emails(rows, found)
    if supervisors:
        _unknown_supervisors(rows, by_id, roster, found)
        _loops_as_written(by_id, roster, found)
    while True:
        before = len(found.errors)
        if supervisors:
            _supervisors_rejected(rows, by_id, found)
        if emails:
            _emails_kept_by_others(rows, by_id, roster, found)
        if supervisors:
            _loops_once_saved(rows, roster, found)
        if len(found.errors) == before:
            break
    found.errors.sort(key=lambda error: (error.row, COLUMN_ORDER[error.field]))
    return RosterCheck(
        rows=rows, errors=found.errors, rejected=found.rejected, given=checked.given
    )


def _duplicate_employee_ids(by_id, found: _Findings) -> None:
    for employee_id, rows in by_id.items():
        if len(rows) == 1:
            continue
        for row in rows:
            others = _rows_phrase(rows, leaving_out=row)
            found.add(
                row,
                "employee_id",
                f"The employee id {_shown(employee_id)} is also on {others}; "
                "each person can be on one row only.",
            )


def _duplicate_emails(rows: list[RosterRow], found: _Findings) -> None:
    by_email: dict[str, list[RosterRow]] = defaultdict(list)
    for row in rows:
        if row.work_email and not found.has(row, "work_email"):
            by_email[row.work_email.lower()].append(row)
    for same in by_email.values():
        if len(same) == 1:
            continue
        for row in same:
            others = _rows_phrase(same, leaving_out=row)
            found.add(
                row,
                "work_email",
                f"The work e-mail {row.work_email} is also on {others}.",
            )


def _unknown_supervisors(rows, by_id, roster: RosterSnapshot, found) -> None:
    for row in rows:
        supervisor = row.supervisor
        if supervisor and supervisor not in by_id and supervisor not in roster.people:
            found.add(
                row,
                "supervisor_employee_id",
                f"The supervisor {_shown(supervisor)} is neither in this file nor on "
                "the roster.",
            )


def _loops_as_written(by_id, roster: RosterSnapshot, found) -> None:
    """Loops the file itself makes, with everyone not in it as on the roster."""
    edges = _roster_edges(roster)
    for employee_id, same in by_id.items():
        if len(same) == 1:
            _point(edges, employee_id, same[0].supervisor)
    _report_loops(edges, by_id, found, only_accepted=False)


def _loops_once_saved(rows, roster: RosterSnapshot, found: _Findings) -> None:
    """Loops the rows that passed would make, with rejected people as on the roster."""
    edges = _roster_edges(roster)
    by_id = {}
    for row in rows:
        if row.row not in found.rejected:
            _point(edges, row.employee_id, row.supervisor)
            by_id[row.employee_id] = [row]
    _report_loops(edges, by_id, found, only_accepted=True)


def _roster_edges(roster: RosterSnapshot) -> dict[str, str]:
    return {
        employee_id: person.supervisor
        for employee_id, person in roster.people.items()
        if person.supervisor
    }


def _point(edges: dict[str, str], employee_id: str, supervisor: str) -> None:
    if supervisor:
        edges[employee_id] = supervisor
    else:
        edges.pop(employee_id, None)


def _report_loops(edges, by_id, found: _Findings, *, only_accepted: bool) -> None:
    for cycle in _cycles(edges):
        for position, employee_id in enumerate(cycle):
            for row in by_id.get(employee_id, ()):
                if only_accepted and row.row in found.rejected:
                    continue
                if not found.has(row, "supervisor_employee_id"):
                    found.add(
                        row, "supervisor_employee_id", _loop_message(cycle, position)
                    )


def _cycles(edges: dict[str, str]) -> list[list[str]]:
    """The cycles of a graph where everyone has at most one supervisor."""
    done: set[str] = set()
    cycles = []
    for start in edges:
        if start in done:
            continue
        path: list[str] = []
        on_path: dict[str, int] = {}
        node = start
        while node and node not in done and node not in on_path:
            on_path[node] = len(path)
            path.append(node)
            node = edges.get(node)
        if node in on_path:
            cycles.append(path[on_path[node] :])
        done.update(path)
    return cycles


def _loop_message(cycle: list[str], position: int) -> str:
    if len(cycle) == 1:
        return "This person is named as their own supervisor."
    size = len(cycle)
    if size <= 6:
        chain = [cycle[(position + step) % size] for step in range(size + 1)]
        return f"Supervisor loop: {' → '.join(_shown(link) for link in chain)}."
    chain = [cycle[(position + step) % size] for step in range(3)]
    chain += ["…", cycle[(position - 1) % size], cycle[position]]
    return (
        f"Supervisor loop of {size} people: "
        f"{' → '.join(_shown(link) for link in chain)}."
    )


def _supervisors_rejected(rows, by_id, found: _Findings) -> None:
    """Reject the rows whose supervisor's row was rejected, down the whole chain."""
    reports: dict[str, list[RosterRow]] = defaultdict(list)
    for row in rows:
        if row.supervisor in by_id:
            reports[row.supervisor].append(row)
    pending = deque(
        employee_id
        for employee_id, same in by_id.items()
        if any(row.row in found.rejected for row in same)
    )
    seen = set(pending)
    while pending:
        supervisor = pending.popleft()
        for row in reports.get(supervisor, ()):
            if not found.has(row, "supervisor_employee_id"):
                found.add(
                    row,
                    "supervisor_employee_id",
                    _supervisor_rejected_message(supervisor, by_id[supervisor]),
                )
            if row.employee_id and row.employee_id not in seen:
                seen.add(row.employee_id)
                pending.append(row.employee_id)


def _supervisor_rejected_message(supervisor: str, rows: list[RosterRow]) -> str:
    which = "which was" if len(rows) == 1 else "which were"
    return (
        f"The supervisor {_shown(supervisor)} is on {_rows_phrase(rows)}, "
        f"{which} rejected."
    )


def _emails_kept_by_others(rows, by_id, roster: RosterSnapshot, found) -> None:
    for row in rows:
        if not row.work_email or found.has(row, "work_email"):
            continue
        owner = roster.email_owners.get(row.work_email.lower())
        if owner is None or owner == row.employee_id:
            continue
        owner_rows = by_id.get(owner)
        if owner_rows is None:
            message = (
                f"The work e-mail {row.work_email} belongs to someone else on the "
                f"roster (employee id {owner})."
            )
        elif all(other.row in found.rejected for other in owner_rows):
            message = (
                f"The work e-mail {row.work_email} still belongs to employee id "
                f"{owner}, whose row was rejected."
            )
        else:
            continue
        found.add(row, "work_email", message)


def _rows_phrase(rows: list[RosterRow], *, leaving_out: RosterRow | None = None) -> str:
    """ "row 7", "rows 7 and 9", "rows 3, 7, 9, 12, 15 and 40 more"."""
    numbers = [row.row for row in rows[: SHOWN_ROWS + 1] if row is not leaving_out]
    total = len(rows) - (1 if leaving_out is not None else 0)
    shown = [str(number) for number in numbers[:SHOWN_ROWS]]
    if total == 1:
        return f"row {shown[0]}"
    if total > len(shown):
        return f"rows {', '.join(shown)} and {total - len(shown)} more"
    return f"rows {', '.join(shown[:-1])} and {shown[-1]}"
