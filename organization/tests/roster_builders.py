"""Building roster files in memory for the roster import tests."""

import io

import openpyxl

HEADER = (
    "employee_id",
    "first_name",
    "last_name",
    "work_email",
    "profession",
    "department",
    "site",
    "supervisor_employee_id",
    "start_date",
    "active",
)


def person(
    employee_id: str,
    *,
    first_name: str = "Ada",
    last_name: str | None = None,
    work_email: str | None = None,
    profession: str = "physician",
    department: str = "ED",
    site: str = "N",
    supervisor: str = "",
    start_date="",
    active="",
) -> tuple:
    """One row in HEADER's order, with an e-mail made from the employee id."""
    if last_name is None:
        last_name = f"Person{employee_id}"
    if work_email is None:
        work_email = f"{employee_id.lower()}@hospital.test"
    return (
        employee_id,
        first_name,
        last_name,
        work_email,
        profession,
        department,
        site,
        supervisor,
        start_date,
        active,
    )


def csv_bytes(*rows, header=HEADER, delimiter=",", encoding="utf-8") -> bytes:
    lines = [delimiter.join(header)]
    lines += [delimiter.join(str(value) for value in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(*rows, header=HEADER) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
