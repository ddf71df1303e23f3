"""Importing the staff roster from HR's file: the one way roster imports change people.

An import moves through reading → checking → saving → done, or ends rejected
(the file has errors) or failed (something broke). Progress is committed as
it goes, so the import's page can show it; saving is one transaction, so an
import that stops part way leaves the roster as it was. Once an import ends
its file is deleted: it holds personal data, and only the counts and the
report are kept.

People are matched by employee id. A person on the roster who is not in the
file is left alone: HR marks leavers with active=false rather than by leaving
them out. An optional column that is not in the file at all leaves that field
as it is; a column that is there but empty for a row clears it.
"""

import gc
import logging
import sqlite3
from collections import defaultdict
from contextlib import contextmanager
from functools import partial

from django.db import OperationalError, connection, transaction
from django.utils import timezone

from confidentiality.models import AuditAction
from confidentiality.services import audit_event_record
from organization.models import (
    RosterImport,
    RosterImportMode,
    RosterImportStatus,
    StaffMember,
)
from organization.roster_checks import (
    RosterCheck,
    RosterRow,
    RosterSnapshot,
    StaffRecord,
    code_lookups,
    roster_rows_check,
    roster_rows_cross_check,
    roster_snapshot,
)
from organization.roster_files import (
    RosterFileError,
    roster_file_check,
    roster_table_read,
)
from worker.services import task_schedule

logger = logging.getLogger("alongside.roster_import")

ROSTER_IMPORT_TASK = "organization.roster_import"
ERRORS_KEPT = 1000
SAVE_BATCH_SIZE = 1000

MAX_RUNS = 3
ROSTER_LOCK_KEY = 0x526F73746572  # "Roster": one import saves at a time
SAVED_FIELDS = [
    "first_name",
    "last_name",
    "work_email",
    "profession",
    "department",
    "site",
    "supervisor",
    "start_date",
    "is_active",
    "npi",
    "updated_at",
]
# Positions in the tuple of saved values (laid out like StaffRecord without pk).
WORK_EMAIL, SUPERVISOR = 2, 6
FAILED_MESSAGE = (
    "Something went wrong and nothing was changed. Try again; if it happens again, "
    "tell your IT administrator (roster import {pk})."
)
STOPPED_MESSAGE = "The import was stopped before it finished; nothing was changed."
DISK_FULL_MESSAGE = (
    "The database ran out of disk space, so nothing from this file was imported. "
    "Tell your IT administrator; once they have freed space, import the file again."
)
DISK_FULL_SQLSTATE = "53100"  # PostgreSQL's disk_full


# --- Starting an import -----------------------------------------------------------------


def roster_import_create(
    *, actor, file_name: str, content: bytes, mode: str
) -> RosterImport:
    """Check the file at the door, keep it, and queue the import for the worker.

    Raises RosterFileError for a file that cannot be a roster (wrong type,
    empty, too large, missing columns); nothing is stored then.
    """
    roster_file_check(file_name=file_name, content=content)
    with transaction.atomic():
        roster_import = _roster_import_new(
            actor=actor, file_name=file_name, mode=mode, content=content
        )
        task_schedule(
            kind=ROSTER_IMPORT_TASK,
            payload={"import_id": roster_import.pk},
            # One more claim than runs, so the last one records the failure.
            max_attempts=MAX_RUNS + 1,
        )
    return roster_import


def roster_import_file(
    *, actor, file_name: str, content: bytes, mode: str
) -> RosterImport:
    """Import a file here and now (the import_roster command); the file is not stored.

    Unlike an upload, the file is not checked at the door (that would read a
    large workbook twice): a file that cannot be a roster ends up rejected,
    with the reason as its failure.
    """
    roster_import = _roster_import_new(
        actor=actor, file_name=file_name, mode=mode, content=None
    )
    return roster_import_run(roster_import=roster_import, content=content)


def _roster_import_new(
    *, actor, file_name: str, mode: str, content: bytes | None
) -> RosterImport:
    roster_import = RosterImport(
        created_by=actor if actor is not None and actor.is_authenticated else None,
        file_name=file_name.replace("\\", "/").rsplit("/", 1)[-1][:255],
        mode=mode,
        content=content,
    )
    # created_by is empty for imports from the command line; content is bytes.
    roster_import.full_clean(exclude=["content", "created_by"])
    roster_import.save()
    return roster_import


# --- Running it in the worker ------------------------------------------------------------


def roster_import_queued_run(*, import_id: int) -> None:
    """Run a queued import in the worker (outside the worker's transaction).

    An import commits its progress as it goes. If the worker dies part way,
    the task comes back once its lease runs out and the import starts again
    from the top, which is safe because an unfinished import has saved
    nothing; after MAX_RUNS starts it is given up as failed.
    """
    roster_import = RosterImport.objects.filter(pk=import_id).first()
    if roster_import is None or roster_import.is_finished:
        return
    roster_import.runs += 1
    _record(roster_import, runs=roster_import.runs)
    if roster_import.runs > MAX_RUNS:
        _finish(
            roster_import,
            RosterImportStatus.FAILED,
            failure=f"The import stopped {MAX_RUNS} times without finishing, and "
            "nothing was changed. Try a smaller file, or tell your IT administrator.",
        )
        return
    roster_import_run(roster_import=roster_import)


# --- The import itself ------------------------------------------------------------------


def roster_import_run(
    *, roster_import: RosterImport, content: bytes | None = None
) -> RosterImport:
    """Read, check and (unless rejected) save one import, recording progress as it goes.

    Never raises for a bad file or a failure: the outcome is in the import's
    status, counts, errors and failure message.
    """
    if content is None:
        content = bytes(roster_import.content or b"")
    try:
        with _cycle_collector_paused():
            _import(roster_import, content)
    except RosterFileError as error:
        _finish(roster_import, RosterImportStatus.REJECTED, failure=str(error))
    except Exception as error:  # any failure ends the import as failed, logged
        logger.exception("Roster import %s failed", roster_import.pk)
        if _is_disk_full(error):
            failure = DISK_FULL_MESSAGE
        else:
            failure = FAILED_MESSAGE.format(pk=roster_import.pk)
        _finish(roster_import, RosterImportStatus.FAILED, failure=failure)
    except BaseException:
        _finish(roster_import, RosterImportStatus.FAILED, failure=STOPPED_MESSAGE)
        raise
    return roster_import


def _is_disk_full(error: Exception) -> bool:
    """Whether the database refused to grow (PostgreSQL's disk_full, SQLite's SQLITE_FULL)."""
    if not isinstance(error, OperationalError):
        return False
    cause = error.__cause__
    return (
        getattr(cause, "sqlstate", None) == DISK_FULL_SQLSTATE
        or getattr(cause, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL
    )


def _import(roster_import: RosterImport, content: bytes) -> None:
    _record(
        roster_import,
        status=RosterImportStatus.READING,
        total_rows=0,
        processed_rows=0,
        failure="",
    )
    table = roster_table_read(file_name=roster_import.file_name, content=content)
    _record(
        roster_import,
        status=RosterImportStatus.CHECKING,
        total_rows=table.estimated_rows,
    )
    checked = roster_rows_check(
        table,
        codes=code_lookups(),
        on_progress=partial(_progress, roster_import),
    )
    if not checked.rows:
        raise RosterFileError("The file has a header row but nobody below it.")
    _record(
        roster_import, total_rows=len(checked.rows), processed_rows=len(checked.rows)
    )
    check = roster_rows_cross_check(checked, roster_snapshot())
    if _rejects(roster_import, check):
        _finish(roster_import, RosterImportStatus.REJECTED, check=check)
        return
    _record(roster_import, status=RosterImportStatus.SAVING)
    with transaction.atomic():
        _lock_roster()
        roster = roster_snapshot()
        # Checked again under the lock: another import may have saved meanwhile.
        check = roster_rows_cross_check(checked, roster)
        if _rejects(roster_import, check):
            _finish(roster_import, RosterImportStatus.REJECTED, check=check)
            return
        counts = _save(check.accepted, roster, check.given)
        _finish(roster_import, RosterImportStatus.DONE, check=check, counts=counts)
        audit_event_record(
            actor=roster_import.created_by,
            action=AuditAction.ROSTER_IMPORTED,
            obj=roster_import,
            details={
                "mode": roster_import.mode,
                "rows": roster_import.total_rows,
                "created": counts["created_count"],
                "updated": counts["updated_count"],
                "unchanged": counts["unchanged_count"],
                "not_imported": len(check.rows) - len(check.accepted),
            },
        )


@contextmanager
def _cycle_collector_paused():
    """Pause Python's cycle collector while an import builds its large, acyclic data.

    With millions of objects alive (rows, lookups, the roster), full collections
    run again and again and cost about a third of a 100 000-row import; the
    objects are freed by reference counting either way.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _rejects(roster_import: RosterImport, check: RosterCheck) -> bool:
    if not check.errors:
        return False
    return roster_import.mode == RosterImportMode.ALL_OR_NOTHING or not check.accepted


def _lock_roster() -> None:
    """Let one import save at a time (SQLite's write transactions already do)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ROSTER_LOCK_KEY])


def _record(roster_import: RosterImport, **fields) -> None:
    """Store some fields now (committed, unless inside the saving transaction)."""
    for name, value in fields.items():
        setattr(roster_import, name, value)
    roster_import.save(update_fields=list(fields))


def _progress(roster_import: RosterImport, processed_rows: int) -> None:
    _record(roster_import, processed_rows=processed_rows)


def _finish(
    roster_import: RosterImport,
    status: str,
    *,
    check: RosterCheck | None = None,
    counts: dict[str, int] | None = None,
    failure: str = "",
) -> None:
    errors = check.errors if check is not None else []
    counts = counts or {"created_count": 0, "updated_count": 0, "unchanged_count": 0}
    _record(
        roster_import,
        status=status,
        content=None,
        errors=[error.as_dict() for error in errors[:ERRORS_KEPT]],
        error_count=len(errors),
        failure=failure,
        finished_at=timezone.now(),
        **counts,
    )
    logger.info(
        "Roster import %s %s: %s created, %s updated, %s unchanged, %s errors",
        roster_import.pk,
        status,
        counts["created_count"],
        counts["updated_count"],
        counts["unchanged_count"],
        len(errors),
    )


# --- Saving -------------------------------------------------------------------------------


def _save(
    rows: list[RosterRow], roster: RosterSnapshot, given: frozenset[str]
) -> dict[str, int]:
    """Upsert the rows that changed, a supervisor always before the people they supervise.

    Saving supervisors who are new to the roster first means their ids are
    known when the people they supervise are saved, so every link is set in
    the one upsert instead of a second pass over the rows.
    """
    pks = {employee_id: person.pk for employee_id, person in roster.people.items()}
    changed: list[tuple[str, tuple]] = []
    created = unchanged = 0
    for row in rows:
        person = roster.people.get(row.employee_id)
        values = _saved_values(row, person, given)
        if person is not None and values == person[1:]:
            unchanged += 1
            continue
        if person is None:
            created += 1
        changed.append((row.employee_id, values))
    _release_emails(changed, roster)
    for level in _by_level(changed, pks):
        members = [
            _staff_member(employee_id, values, pks) for employee_id, values in level
        ]
        StaffMember.objects.bulk_create(
            members,
            batch_size=SAVE_BATCH_SIZE,
            update_conflicts=True,
            unique_fields=["employee_id"],
            update_fields=SAVED_FIELDS,
        )
        pks.update((member.employee_id, member.pk) for member in members)
    return {
        "created_count": created,
        "updated_count": len(changed) - created,
        "unchanged_count": unchanged,
    }


def _by_level(
    changed: list[tuple[str, tuple]], pks: dict[str, int]
) -> list[list[tuple[str, tuple]]]:
    """Group the rows: level 0 needs no new supervisor, level n one from level n-1."""
    new_supervisor = {
        employee_id: values[SUPERVISOR]
        for employee_id, values in changed
        if values[SUPERVISOR] and values[SUPERVISOR] not in pks
    }
    depth: dict[str, int] = {}
    for employee_id in new_supervisor:
        chain = []
        while employee_id in new_supervisor and employee_id not in depth:
            chain.append(employee_id)
            employee_id = new_supervisor[employee_id]
            if len(chain) > len(new_supervisor):
                raise RuntimeError("A supervisor loop reached the saving step.")
        below = depth.get(employee_id, 0)
        for level, link in enumerate(reversed(chain), start=below + 1):
            depth[link] = level
    levels: dict[int, list[tuple[str, tuple]]] = defaultdict(list)
    for employee_id, values in changed:
        levels[depth.get(employee_id, 0)].append((employee_id, values))
    return [levels[level] for level in sorted(levels)]


def _saved_values(
    row: RosterRow, person: StaffRecord | None, given: frozenset[str]
) -> tuple:
    """What the roster will hold for this row, laid out like StaffRecord without pk."""

    def kept(column: str, name: str):
        if column in given or person is None:
            return getattr(row, name)
        return getattr(person, name)

    return (
        row.first_name,
        row.last_name,
        kept("work_email", "work_email"),
        row.profession_id,
        row.department_id,
        row.site_id,
        kept("supervisor_employee_id", "supervisor"),
        kept("start_date", "start_date"),
        row.is_active,
        kept("npi", "npi"),
    )


def _staff_member(employee_id: str, values: tuple, pks: dict[str, int]) -> StaffMember:
    first, last, email, profession, department, site, supervisor, start, active, npi = (
        values
    )
    return StaffMember(
        employee_id=employee_id,
        first_name=first,
        last_name=last,
        work_email=email,
        profession_id=profession,
        department_id=department,
        site_id=site,
        supervisor_id=pks[supervisor] if supervisor else None,
        start_date=start,
        is_active=active,
        npi=npi,
    )


def _release_emails(changed: list[tuple[str, tuple]], roster: RosterSnapshot) -> None:
    """Clear e-mails that pass to someone else in this import before the upsert.

    The checks make sure every earlier holder is changing theirs too, but the
    database checks uniqueness row by row, so a swap would fail half way.
    """
    holders = sorted(
        {
            owner
            for employee_id, values in changed
            if values[WORK_EMAIL]
            and (owner := roster.email_owners.get(values[WORK_EMAIL].lower()))
            and owner != employee_id
        }
    )
    for start in range(0, len(holders), SAVE_BATCH_SIZE):
        StaffMember.objects.filter(
            employee_id__in=holders[start : start + SAVE_BATCH_SIZE]
        ).update(work_email="")
