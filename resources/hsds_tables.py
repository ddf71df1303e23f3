"""Joining HSDS CSV tables back into services.

In the tabular form each nested object is a row of its own table and points
at its service by id (``phones.service_id``, ``attributes.link_id`` …). A row
that points at nothing is a problem, reported on that row; a row that belongs
to something else (an organization's phone, a location's schedule) is not
Alongside's and is passed over.
"""

import csv
import io

from resources.hsds_check import Problem, RawService, Where

Rows = list[tuple[int, dict[str, str]]]
SERVICES = "services.csv"


def table_rows(text: str | None) -> tuple[list[str], Rows]:
    """A table's columns and its non-empty rows, numbered as a spreadsheet shows them."""
    if text is None:
        return [], []
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [column.strip().lower() for column in next(reader, [])]
    rows = []
    for number, cells in enumerate(reader, start=2):
        if any(cell.strip() for cell in cells):
            padded = [cell.strip() for cell in cells] + [""] * len(header)
            rows.append((number, dict(zip(header, padded, strict=False))))
    return header, rows


def services_from_tables(
    texts: dict[str, str], problems: list[Problem]
) -> list[RawService]:
    header, rows = table_rows(texts[SERVICES])
    for column in ("id", "name", "status"):
        if column not in header:
            problems.append(
                Problem(
                    Where(SERVICES, 1, column),
                    f"is missing: {SERVICES} needs a column called “{column}”.",
                )
            )
    if problems:
        return []
    tables = {name: table_rows(text)[1] for name, text in texts.items()}
    by_id = _services(rows, tables.get("organizations.csv", []), problems)
    _phones(by_id, tables.get("phones.csv", []), problems)
    _schedules(by_id, tables.get("schedules.csv", []), problems)
    _locations(
        by_id,
        tables.get("service_at_locations.csv", []),
        tables.get("locations.csv", []),
        problems,
    )
    _attributes(
        by_id,
        tables.get("attributes.csv", []),
        tables.get("taxonomy_terms.csv", []),
        problems,
    )
    return list(by_id.values())


def _key(value: str) -> str:
    """Ids compare without regard to case: UUIDs are written both ways."""
    return value.strip().lower()


def _services(rows: Rows, organizations: Rows, problems) -> dict[str, RawService]:
    names = {
        _key(row.get("id", "")): (n, row.get("name", "")) for n, row in organizations
    }
    by_id: dict[str, RawService] = {}
    for number, row in rows:
        raw = RawService(where=Where(SERVICES, number))
        raw.set("hsds_id", row["id"], Where(SERVICES, number, "id"))
        raw.set("status", row["status"], Where(SERVICES, number, "status"))
        for column, name in (
            ("name", "name"),
            ("description", "description"),
            ("url", "url"),
            ("email", "email"),
            ("fees_description", "cost"),
            ("eligibility_description", "eligibility"),
        ):
            raw.set(name, row.get(column, ""), Where(SERVICES, number, column))
        if not raw.values["cost"] and row.get("fees"):  # deprecated in HSDS 3.0
            raw.set("cost", row["fees"], Where(SERVICES, number, "fees"))
        organization_id = _key(row.get("organization_id", ""))
        if organization_id and organization_id not in names:
            problems.append(
                Problem(
                    Where(SERVICES, number, "organization_id"),
                    "no organization in organizations.csv has this id.",
                )
            )
        org_row, org_name = names.get(organization_id, (None, ""))
        raw.set(
            "organization_name",
            org_name,
            Where("organizations.csv", org_row, "name")
            if org_row
            else Where(SERVICES, number, "organization_id"),
        )
        for name in ("phone", "hours", "location"):
            raw.set(name, "", Where(SERVICES, number))
        # A repeated id is reported when the services are checked.
        by_id.setdefault(_key(row["id"]), raw)
    return by_id


def _service_for(
    by_id: dict[str, RawService],
    table: str,
    number: int,
    row: dict,
    column: str,
    problems,
) -> RawService | None:
    """The service a row points at; None (and a problem) when it points at none."""
    service_id = _key(row.get(column, ""))
    if not service_id:
        return None
    raw = by_id.get(service_id)
    if raw is None:
        problems.append(
            Problem(
                Where(table, number, column),
                f"no service in {SERVICES} has this id.",
            )
        )
    return raw


def _phones(by_id, rows: Rows, problems) -> None:
    """A service's phone is the first of its phones (HSDS allows several)."""
    for number, row in rows:
        raw = _service_for(by_id, "phones.csv", number, row, "service_id", problems)
        if raw is None:
            continue
        if not row.get("number"):
            problems.append(
                Problem(
                    Where("phones.csv", number, "number"),
                    "is empty: give the phone number.",
                )
            )
        elif not raw.values["phone"]:
            raw.set("phone", row["number"], Where("phones.csv", number, "number"))


def _schedules(by_id, rows: Rows, problems) -> None:
    """A service's hours: its schedules in words, joined."""
    for number, row in rows:
        raw = _service_for(by_id, "schedules.csv", number, row, "service_id", problems)
        text = schedule_text(row) if raw is not None else ""
        if text and raw.values["hours"]:
            raw.values["hours"] += f"; {text}"
        elif text:
            raw.set("hours", text, Where("schedules.csv", number, "description"))


def schedule_text(schedule: dict) -> str:
    """A schedule in words: its description, or its days and times when it has none."""
    description = str(schedule.get("description") or "").strip()
    if description:
        return description
    days = str(schedule.get("byday") or "").strip()
    opens, closes = (
        str(schedule.get(key) or "").strip() for key in ("opens_at", "closes_at")
    )
    times = f"{opens} to {closes}" if opens and closes else opens or closes
    return " ".join(part for part in (days, times) if part)


def _locations(by_id, links: Rows, locations: Rows, problems) -> None:
    """A service's location: the name of the first location it is delivered at."""
    places = {_key(row.get("id", "")): row for _, row in locations}
    for number, row in links:
        raw = _service_for(
            by_id, "service_at_locations.csv", number, row, "service_id", problems
        )
        if raw is None:
            continue
        place = places.get(_key(row.get("location_id", "")))
        if place is None:
            problems.append(
                Problem(
                    Where("service_at_locations.csv", number, "location_id"),
                    "no location in locations.csv has this id.",
                )
            )
        elif not raw.values["location"]:
            raw.set(
                "location",
                place.get("name") or place.get("description", ""),
                Where("service_at_locations.csv", number, "location_id"),
            )


def _attributes(by_id, rows: Rows, terms: Rows, problems) -> None:
    known_terms = {_key(row.get("id", "")): (n, row) for n, row in terms}
    for number, row in rows:
        if row.get("link_entity", "service") not in ("service", ""):
            continue
        raw = _service_for(by_id, "attributes.csv", number, row, "link_id", problems)
        if raw is None:
            continue
        found = known_terms.get(_key(row.get("taxonomy_term_id", "")))
        if found is None:
            problems.append(
                Problem(
                    Where("attributes.csv", number, "taxonomy_term_id"),
                    "no term in taxonomy_terms.csv has this id.",
                )
            )
            continue
        term_row, term = found
        raw.attribute(
            term.get("code", ""),
            row.get("value", ""),
            code_at=Where("taxonomy_terms.csv", term_row, "code"),
            value_at=Where("attributes.csv", number, "value"),
            problems=problems,
        )
