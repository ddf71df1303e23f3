"""Reading an HSDS 3.0 file (JSON, or a zip of CSV tables) into checked resources.

Nothing is saved here. The whole file is read and every problem collected,
each with where it is (file, row, column) and what to fix, so that one upload
shows everything wrong with it. ``read_hsds`` returns drafts only when there
is no problem at all; the import service saves them all or none.

Both forms are first reduced to the same ``RawService`` (text values, each
with where it came from) and checked by one function (``hsds_check``).
"""

import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from resources import hsds
from resources.hsds_check import Draft, Problem, RawService, Where, drafts_checked
from resources.hsds_tables import schedule_text, services_from_tables

UNZIPPED_MAX_BYTES = 20 * 2**20
MAX_SERVICES = 2000
# HSDS key -> Alongside field, for the plain text fields of a service.
SERVICE_FIELDS = {
    "name": "name",
    "description": "description",
    "url": "url",
    "email": "email",
    "fees_description": "cost",
    "eligibility_description": "eligibility",
}


class HsdsFileError(Exception):
    """The file cannot be imported; ``problems`` says everything that is wrong."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


def read_hsds(file_name: str, content: bytes) -> list[Draft]:
    """The services in an HSDS file, checked; raise HsdsFileError if anything is wrong."""
    problems: list[Problem] = []
    name = PurePosixPath(file_name or "upload").name
    if content.startswith(b"PK\x03\x04"):
        raws = _from_zip(name, content, problems)
    elif name.lower().endswith(".csv"):
        raws = []
        problems.append(
            Problem(
                Where(name),
                "is a single CSV file. HSDS tables travel together: zip services.csv "
                "with organizations.csv, phones.csv and the other tables, and upload "
                "the zip.",
            )
        )
    else:
        raws = _from_json(name, content, problems)
    if not problems and not raws:
        problems.append(Problem(Where(name), "holds no services."))
    if len(raws) > MAX_SERVICES:
        problems.append(
            Problem(Where(name), f"holds {len(raws)} services; at most {MAX_SERVICES}.")
        )
    drafts = drafts_checked(raws, problems)
    if problems:
        raise HsdsFileError(problems)
    return drafts


def _decoded(where: Where, content: bytes, problems: list[Problem]) -> str | None:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        problems.append(
            Problem(where, "is not UTF-8 text: save it again as UTF-8 (“CSV UTF-8”).")
        )
        return None


# --- JSON: a list of service objects --------------------------------------------------


def _from_json(name: str, content: bytes, problems: list[Problem]) -> list[RawService]:
    text = _decoded(Where(name), content, problems)
    if text is None:
        return []
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        problems.append(
            Problem(
                Where(name),
                f"is not valid JSON ({error.msg} at line {error.lineno}, column "
                f"{error.colno}). Upload the .json file Alongside exported, or a zip "
                "of HSDS CSV tables.",
            )
        )
        return []
    if isinstance(data, dict) and isinstance(data.get("contents"), list):
        data = data["contents"]  # a page from an HSDS API
    elif isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        problems.append(Problem(Where(name), "should hold a list of HSDS services."))
        return []
    return [
        raw
        for number, item in enumerate(data, start=1)
        if (raw := _json_service(name, number, item, problems)) is not None
    ]


@dataclass
class _JsonService:
    """Reads one service object, noting where each value was found."""

    file: str
    number: int
    item: dict
    problems: list[Problem]
    raw: RawService = field(init=False)

    def __post_init__(self):
        self.raw = RawService(where=self.at(""))

    def at(self, path: str) -> Where:
        return Where(self.file, self.number, path, in_json=True)

    def text(self, obj, key: str, path: str) -> str:
        value = obj.get(key) if isinstance(obj, dict) else None
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (str, int, float)):
            return str(value).strip()
        self.problems.append(Problem(self.at(path), "should be text."))
        return ""

    def first(self, key: str) -> dict | None:
        """The first object of a list property, or None."""
        items = self.item.get(key)
        if items is None:
            return None
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            self.problems.append(Problem(self.at(key), "should be a list of objects."))
            return None
        return items[0] if items else None


def _json_service(
    name: str, number: int, item, problems: list[Problem]
) -> RawService | None:
    if not isinstance(item, dict):
        problems.append(
            Problem(Where(name, number, in_json=True), "should be a service object.")
        )
        return None
    reader = _JsonService(name, number, item, problems)
    raw = reader.raw
    raw.set("hsds_id", reader.text(item, "id", "id"), reader.at("id"))
    raw.set("status", reader.text(item, "status", "status"), reader.at("status"))
    for key, alongside_field in SERVICE_FIELDS.items():
        raw.set(alongside_field, reader.text(item, key, key), reader.at(key))
    if not raw.values["cost"] and item.get("fees"):  # deprecated in HSDS 3.0
        raw.set("cost", reader.text(item, "fees", "fees"), reader.at("fees"))
    organization = item.get("organization")
    raw.set(
        "organization_name",
        reader.text(organization, "name", "organization.name"),
        reader.at("organization.name"),
    )
    phone = reader.first("phones")
    number = reader.text(phone, "number", "phones[0].number")
    if phone is not None and not number:
        problems.append(
            Problem(reader.at("phones[0].number"), "is empty: give the phone number.")
        )
    raw.set("phone", number, reader.at("phones[0].number"))
    schedules = item.get("schedules") if reader.first("schedules") else []
    raw.set(
        "hours",
        "; ".join(schedule_text(s) for s in schedules if schedule_text(s)),
        reader.at("schedules[0].description"),
    )
    link = reader.first("service_at_locations") or {}
    location = link.get("location") if isinstance(link.get("location"), dict) else {}
    raw.set(
        "location",
        reader.text(location, "name", "service_at_locations[0].location.name")
        or reader.text(
            location, "description", "service_at_locations[0].location.description"
        ),
        reader.at("service_at_locations[0].location.name"),
    )
    if reader.first("attributes") is not None:
        for index, attribute in enumerate(item["attributes"]):
            path = f"attributes[{index}]"
            code = reader.text(
                attribute.get("taxonomy_term"), "code", f"{path}.taxonomy_term.code"
            )
            raw.attribute(
                code,
                reader.text(attribute, "value", f"{path}.value"),
                code_at=reader.at(f"{path}.taxonomy_term.code"),
                value_at=reader.at(f"{path}.value"),
                problems=problems,
            )
    return raw


# --- The tabular form: a zip of CSV tables --------------------------------------------


def _from_zip(name: str, content: bytes, problems: list[Problem]) -> list[RawService]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        problems.append(Problem(Where(name), "is not a zip file that can be opened."))
        return []
    members: dict[str, zipfile.ZipInfo] = {}
    for info in archive.infolist():
        base = PurePosixPath(info.filename).name
        if info.is_dir() or base.startswith(".") or "__MACOSX" in info.filename:
            continue
        if base in hsds.COLUMNS:
            if base in members:
                problems.append(
                    Problem(Where(name), f"holds two files called {base}; keep one.")
                )
            members[base] = info
    if "services.csv" not in members:
        problems.append(
            Problem(
                Where(name),
                "has no services.csv. An HSDS tabular export keeps its services in "
                "services.csv, with phones.csv, schedules.csv and the other tables "
                "beside it.",
            )
        )
    if problems:
        return []
    texts, budget = {}, UNZIPPED_MAX_BYTES
    for base, info in members.items():
        try:
            with archive.open(info) as member:
                data = member.read(budget + 1)  # never trust the sizes a zip declares
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError):
            problems.append(Problem(Where(base), "cannot be unpacked from the zip."))
            return []
        budget -= len(data)
        if budget < 0:
            problems.append(
                Problem(
                    Where(name), "unpacks to more than 20 MB; that is not a directory."
                )
            )
            return []
        texts[base] = _decoded(Where(base), data, problems)
    if problems:
        return []
    return services_from_tables(texts, problems)
