"""The publicity page's two tables as CSV and XLSX, each export witnessed.

The channel table is exported exactly as the page shows it: a hidden request
count is an empty cell with "hidden" beside it, never the number. Text a
person typed (titles, notes) is written so a spreadsheet shows it and never
runs it as a formula.
"""

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from accounts.models import User
from alongside.spreadsheets import SPREADSHEET_TYPES, spreadsheet_safe
from confidentiality import policy
from confidentiality.services import export_event_record
from publicity.effectiveness import ChannelTable, channel_table
from publicity.models import ChannelRequestCount, OutreachActivity
from publicity.period import Period
from publicity.selectors import activities_for_export

FORMATS = SPREADSHEET_TYPES
HIDDEN_NOTE = "hidden"

ACTIVITY_HEADER = (
    "Date",
    "Channel",
    "Title",
    "Status",
    "Audience",
    "Presenter",
    "Materials",
    "Notes",
)
CHANNEL_HEADER = (
    "Channel or route",
    "Publicity channel",
    "Activities held",
    "Audience reached",
    "Requests naming it",
    "Requests note",
    "Requests per 100 reached",
)


@dataclass(frozen=True)
class Export:
    file_name: str
    content_type: str
    content: bytes


def activity_rows(activities: Iterable[OutreachActivity]) -> list[tuple]:
    return [
        (
            activity.held_on,
            activity.get_channel_display(),
            activity.title,
            activity.get_status_display(),
            activity.audience_size,
            activity.presenter,
            "\n".join(activity.material_lines()),
            activity.notes,
        )
        for activity in activities
    ]


def channel_rows(table: ChannelTable) -> list[tuple]:
    rows = [
        (
            row.label,
            "yes" if row.is_channel else "no",
            row.activities,
            row.audience,
            None if row.requests.suppressed else row.requests.value,
            HIDDEN_NOTE if row.requests.suppressed else "",
            row.requests_per_100_reached,
        )
        for row in table.rows
    ]
    rows.append(
        (
            "All",
            "",
            table.activities,
            table.audience,
            None if table.requests.suppressed else table.requests.value,
            HIDDEN_NOTE if table.requests.suppressed else "",
            None,
        )
    )
    return rows


def channel_notes(table: ChannelTable) -> list[str]:
    return [
        f"Period: {table.period.label}.",
        f"Request counts come from people's answers: a count under {table.k}, and "
        "any count from which it could be worked out, is hidden.",
    ]


def csv_content(header: Sequence, rows: Iterable[Sequence], notes=()) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else spreadsheet_safe(v) for v in row])
    for note in notes:
        writer.writerow([note])
    return buffer.getvalue().encode("utf-8-sig")


def xlsx_content(
    title: str, header: Sequence, rows: Iterable[Sequence], notes=()
) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([spreadsheet_safe(value) for value in row])
    for note in notes:
        sheet.append([spreadsheet_safe(note)])
    for cell in sheet["A"][1:]:
        if hasattr(cell.value, "year"):
            cell.number_format = "yyyy-mm-dd"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write(export_format: str, title: str, header, rows, notes=()) -> bytes:
    if export_format == "csv":
        return csv_content(header, rows, notes)
    return xlsx_content(title, header, rows, notes)


def _file_name(stem: str, export_format: str) -> str:
    return f"{stem}-{timezone.localdate():%Y-%m-%d}.{export_format}"


@transaction.atomic
def activities_export(
    *, actor: User, period: Period, channel: str | None, export_format: str
) -> Export:
    """The activities dated in the period (planned ones too); the export is witnessed."""
    policy.require(policy.may_manage_publicity(actor))
    rows = activity_rows(activities_for_export(actor, period=period, channel=channel))
    export_event_record(
        actor=actor,
        model=OutreachActivity,
        purpose=f"Outreach activities exported as {export_format.upper()}, "
        f"{period.label}",
        row_count=len(rows),
    )
    return Export(
        _file_name("outreach-activities", export_format),
        FORMATS[export_format],
        _write(export_format, "Activities", ACTIVITY_HEADER, rows),
    )


@transaction.atomic
def channels_export(*, actor: User, period: Period, export_format: str) -> Export:
    """The channel table as the page shows it (suppressed); the export is witnessed."""
    policy.require(policy.may_manage_publicity(actor))
    table = channel_table(policy.outreach_activities_visible_to(actor), period)
    rows = channel_rows(table)
    export_event_record(
        actor=actor,
        model=ChannelRequestCount,
        purpose=f"Channel effectiveness exported as {export_format.upper()}, "
        f"{period.label}",
        row_count=len(rows),
    )
    return Export(
        _file_name("publicity-channels", export_format),
        FORMATS[export_format],
        _write(export_format, "Channels", CHANNEL_HEADER, rows, channel_notes(table)),
    )
