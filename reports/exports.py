"""A dashboard table as CSV or XLSX: exactly the figures its reader sees on the page.

A hidden figure is an empty cell, and a last column names the hidden ones
(for leadership) or the ones under k (for program staff), so a spreadsheet
cannot turn a gap into a zero without saying so.
"""

import csv
import io
from decimal import Decimal

from openpyxl import Workbook

from alongside.spreadsheets import SPREADSHEET_TYPES, spreadsheet_safe
from reports.publish import Figure
from reports.tables import Table

FORMATS = SPREADSHEET_TYPES


def _value(figure: Figure):
    if figure.hidden:
        return ""
    if isinstance(figure.value, int | Decimal):
        return figure.value
    return spreadsheet_safe(str(figure.value))


def table_rows(table: Table, *, full: bool, period: str) -> list[list]:
    """The caption, the period, the headings, then one list per row (total last)."""
    marker = "Fewer than k (not shown to leadership)" if full else "Suppressed"
    rows = [
        [table.caption],
        [period],
        [table.row_header, *table.columns, marker],
    ]
    for row in (*table.rows, *((table.total,) if table.total else ())):
        marked = [
            column
            for column, figure in zip(table.columns, row.figures, strict=True)
            if (figure.small if full else figure.hidden)
        ]
        rows.append(
            [
                spreadsheet_safe(row.label),
                *(_value(f) for f in row.figures),
                "; ".join(marked),
            ]
        )
    return rows


def as_csv(rows: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def as_xlsx(rows: list[list], *, title: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    for row in rows:
        sheet.append([float(v) if isinstance(v, Decimal) else v for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
