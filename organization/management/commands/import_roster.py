from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from organization.models import RosterImport, RosterImportMode, RosterImportStatus
from organization.roster_files import ROSTER_FILE_MAX_BYTES
from organization.roster_import import roster_import_file


class Command(BaseCommand):
    help = (
        "Import the staff roster from a CSV or Excel (.xlsx) file, matching people "
        "by employee id. Nothing is saved if any row has an error, unless "
        "--valid-rows is given. Exits with status 1 when the file is not imported."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The roster file (.csv or .xlsx).")
        parser.add_argument(
            "--valid-rows",
            action="store_true",
            help="Import the rows without errors and report the others.",
        )

    def handle(self, *args, file: str, valid_rows: bool = False, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"There is no file at {file}.")
        if path.stat().st_size > ROSTER_FILE_MAX_BYTES:
            raise CommandError(
                f"The file is larger than {ROSTER_FILE_MAX_BYTES // 2**20} MB. Split "
                "it into smaller files and import them one after the other."
            )
        mode = (
            RosterImportMode.VALID_ROWS
            if valid_rows
            else RosterImportMode.ALL_OR_NOTHING
        )
        roster_import = roster_import_file(
            actor=None, file_name=path.name, content=path.read_bytes(), mode=mode
        )
        self._report(roster_import)
        if roster_import.status != RosterImportStatus.DONE:
            raise CommandError(
                roster_import.failure
                or f"Nothing was imported: the file has {roster_import.error_count} "
                "errors."
            )

    def _report(self, roster_import: RosterImport) -> None:
        saved = (
            roster_import.created_count
            + roster_import.updated_count
            + roster_import.unchanged_count
        )
        self.stdout.write(
            f"Roster import {roster_import.pk} ({roster_import.file_name}): "
            f"{roster_import.get_status_display()}."
        )
        if roster_import.failure:
            self.stdout.write(roster_import.failure)
            return
        self.stdout.write(
            f"{roster_import.total_rows} rows: {roster_import.created_count} created, "
            f"{roster_import.updated_count} updated, "
            f"{roster_import.unchanged_count} unchanged, "
            f"{roster_import.total_rows - saved} not imported."
        )
        if not roster_import.errors:
            return
        self.stdout.write(
            f"\n{roster_import.error_count} errors (row 1 is the header):"
        )
        for error in roster_import.errors:
            self.stdout.write(
                f"  row {error['row']}\t{error['employee_id'] or '-'}\t"
                f"{error['field']}\t{error['message']}"
            )
        if roster_import.error_count > len(roster_import.errors):
            hidden = roster_import.error_count - len(roster_import.errors)
            self.stdout.write(f"  … and {hidden} more.")
