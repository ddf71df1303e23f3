"""Importing a REDCap data dictionary (CSV) as an Alongside instrument definition.

An organization that holds a licence for an instrument, or already runs its
survey in REDCap, exports the project's data dictionary and imports it here.
Radio and dropdown fields become choice items, yes/no and true/false fields
become choice items coded 1/0, and the first free-text field (notes, or text
without validation) becomes the open comment. Action tags in "Field
Annotation" give the roles:

- ``@ALONGSIDE-OUTCOME=4,5``: an outcome item; an outcome named after the field
  is scored true for those codes;
- ``@ALONGSIDE-DRIVER``: a driver where a higher code is better;
- ``@ALONGSIDE-DRIVER-HIGHER-IS-WORSE``: a driver where a higher code is worse.

Fields without a tag get role "other". A field marked as an identifier refuses
the whole file: an anonymous survey must never collect one. Row numbers count
the header as row 1, as a spreadsheet shows them. See docs/surveys.md.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from surveys.instruments import (
    FORMAT,
    Instrument,
    InstrumentError,
    instrument_from_dict,
)

FIELD = "Variable / Field Name"
FORM = "Form Name"
SECTION = "Section Header"
TYPE = "Field Type"
LABEL = "Field Label"
CHOICES = "Choices, Calculations, OR Slider Labels"
VALIDATION = "Text Validation Type OR Show Slider Number"
IDENTIFIER = "Identifier?"
BRANCHING = "Branching Logic (Show field only if...)"
ANNOTATION = "Field Annotation"
COLUMNS = (
    FIELD,
    FORM,
    SECTION,
    TYPE,
    LABEL,
    CHOICES,
    VALIDATION,
    IDENTIFIER,
    BRANCHING,
    ANNOTATION,
)

OUTCOME_TAG = "@ALONGSIDE-OUTCOME"
DRIVER_TAG = "@ALONGSIDE-DRIVER"
WORSE_DRIVER_TAG = "@ALONGSIDE-DRIVER-HIGHER-IS-WORSE"
_TAGS = (OUTCOME_TAG, DRIVER_TAG, WORSE_DRIVER_TAG)
_TAG = re.compile(
    r"""(@ALONGSIDE-[A-Z-]*)(?:=("[^"]*"|'[^']*'|[^\s@,]*(?:\s*,\s*[^\s@,]+)*))?""",
    re.IGNORECASE,
)

CHOICE_TYPES = frozenset({"radio", "dropdown"})
FIXED_OPTIONS = {
    "yesno": [{"code": 1, "label": "Yes"}, {"code": 0, "label": "No"}],
    "truefalse": [{"code": 1, "label": "True"}, {"code": 0, "label": "False"}],
}
SKIPPED_TYPES = {
    "calc": "calculated fields are worked out in REDCap; Alongside scores "
    "outcomes and composites itself",
    "file": "an anonymous survey does not collect uploaded files",
    "slider": "sliders are not supported; use a radio field with labelled options",
    "checkbox": "fields with several answers (checkboxes) are not supported",
    "sql": "fields filled from a database query are not supported",
}
_TRUE = frozenset({"y", "yes", "1", "true"})
_PROBLEM_SUBJECT = re.compile(r'(?:item|outcome) "([^"]+)": (.*)', re.DOTALL)


def instrument_from_redcap(
    csv_text: str | bytes,
    *,
    slug: str,
    title: str,
    version: str,
    form: str | None = None,
) -> tuple[Instrument, list[str]]:
    """Read a REDCap data dictionary; returns the instrument and the warnings.

    ``form`` picks one instrument (REDCap "Form Name") out of a dictionary that
    holds several; without it every form's fields are imported. Raises
    InstrumentError listing every problem, each naming its row and field.
    """
    warnings: list[str] = []
    rows = _form_rows(_rows(csv_text), form, warnings)
    builder = _Builder(warnings)
    for row in rows:
        builder.add(row)
    builder.finish()
    if builder.errors:
        raise InstrumentError(builder.errors)
    definition = builder.definition(slug=slug, title=title, version=version)
    try:
        return instrument_from_dict(definition), warnings
    except InstrumentError as error:
        raise InstrumentError([builder.locate(p) for p in error.problems]) from None


@dataclass(frozen=True)
class _Row:
    number: int
    values: dict[str, str]

    @property
    def field(self) -> str:
        return self.values[FIELD]

    @property
    def type(self) -> str:
        return self.values[TYPE].lower()

    def get(self, column: str) -> str:
        return self.values[column]

    def at(self, message: str) -> str:
        return f'row {self.number}, field "{self.field}": {message}'


# Reading the file


def _rows(csv_text: str | bytes) -> list[_Row]:
    text = _decoded(csv_text)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        records = list(reader)
    except csv.Error as error:
        raise InstrumentError([f"line {reader.line_num}: {error}"]) from None
    if not records:
        raise InstrumentError(["the file is empty"])
    columns = _column_positions(records[0])
    rows = [
        _Row(number, _row_values(record, columns))
        for number, record in enumerate(records[1:], start=2)
        if any(value.strip() for value in record)
    ]
    if not rows:
        raise InstrumentError(["the data dictionary has no fields"])
    return rows


def _decoded(csv_text: str | bytes) -> str:
    if isinstance(csv_text, bytes):
        try:
            return csv_text.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InstrumentError(
                ["the file is not UTF-8 text (REDCap exports UTF-8)"]
            ) from None
    return csv_text.removeprefix("\ufeff")


def _normalized(header: str) -> str:
    return " ".join(header.split()).lower()


def _column_positions(header: list[str]) -> dict[str, int]:
    """Where each needed column is; headers match ignoring case and spacing."""
    positions = {_normalized(name): n for n, name in enumerate(header)}
    missing = [column for column in COLUMNS if _normalized(column) not in positions]
    if missing:
        raise InstrumentError(
            [
                f'row 1: column "{column}" is missing; is this a REDCap data dictionary?'
                for column in missing
            ]
        )
    return {column: positions[_normalized(column)] for column in COLUMNS}


def _row_values(record: list[str], columns: dict[str, int]) -> dict[str, str]:
    return {
        column: record[n].strip() if n < len(record) else ""
        for column, n in columns.items()
    }


def _form_rows(rows: list[_Row], form: str | None, warnings: list[str]) -> list[_Row]:
    forms = list(dict.fromkeys(row.get(FORM) for row in rows))
    if form is None:
        if len(forms) > 1:
            warnings.append(
                f"the dictionary holds several forms ({', '.join(forms)}); "
                "their fields were all imported as one survey"
            )
        return rows
    chosen = [row for row in rows if row.get(FORM) == form]
    if not chosen:
        raise InstrumentError(
            [f'form "{form}" is not in the dictionary (it has: {", ".join(forms)})']
        )
    return chosen


# Labels


_BREAKING_TAGS = frozenset(
    {"br", "p", "div", "li", "ul", "ol", "tr", "td", "th", "h1", "h2", "h3", "h4"}
)


class _TextOnly(HTMLParser):
    """Collects the text of an HTML fragment; line and block tags become spaces."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in _BREAKING_TAGS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BREAKING_TAGS:
            self.parts.append(" ")


def plain_text(label: str) -> str:
    """A REDCap label without its HTML tags, entities decoded, spaces collapsed."""
    parser = _TextOnly()
    parser.feed(label)
    parser.close()
    text = " ".join("".join(parser.parts).split())
    return re.sub(r" ([.,;:!?])", r"\1", text)


# Choices and action tags


def _choices(row: _Row) -> tuple[list[dict], list[str]]:
    """The options of a radio or dropdown field ("1, Label | 2, Label") and errors."""
    raw = row.get(CHOICES)
    if not raw:
        return [], [row.at("the field has no choices")]
    options, errors = [], []
    for part in raw.split("|"):
        code, comma, label = part.strip().partition(",")
        if not comma:
            errors.append(
                row.at(
                    f'choice "{part.strip()}" has no comma between its code and '
                    'its label (write "1, Label")'
                )
            )
        elif not re.fullmatch(r"-?\d+", code.strip()):
            errors.append(row.at(f'choice code "{code.strip()}" is not a whole number'))
        else:
            options.append({"code": int(code), "label": plain_text(label)})
    return options, errors


@dataclass
class _Roles:
    """What a field's @ALONGSIDE action tags say about it."""

    outcome_codes: list[int] | None = None
    driver: bool = False
    higher_is_worse: bool = False
    errors: list[str] = field(default_factory=list)

    @property
    def tagged(self) -> bool:
        return self.outcome_codes is not None or self.driver


def _roles(row: _Row) -> _Roles:
    roles = _Roles()
    for match in _TAG.finditer(row.get(ANNOTATION)):
        name, value = match.group(1).upper(), match.group(2)
        if name not in _TAGS:
            known = ", ".join(_TAGS)
            roles.errors.append(
                row.at(f'unknown action tag "{name}" (known tags: {known})')
            )
        elif name == OUTCOME_TAG:
            roles.outcome_codes = _outcome_codes(row, value, roles.errors)
        elif value is not None:
            roles.errors.append(row.at(f"{name} takes no value"))
        else:
            roles.driver = True
            roles.higher_is_worse = roles.higher_is_worse or name == WORSE_DRIVER_TAG
    if roles.outcome_codes is not None and roles.driver:
        roles.errors.append(row.at("a field cannot be both an outcome and a driver"))
    return roles


def _outcome_codes(row: _Row, value: str | None, errors: list[str]) -> list[int]:
    codes = [code.strip() for code in (value or "").strip("\"'").split(",")]
    if codes == [""]:
        errors.append(
            row.at(f"{OUTCOME_TAG} needs the codes that count, e.g. {OUTCOME_TAG}=4,5")
        )
        return []
    bad = [code for code in codes if not re.fullmatch(r"-?\d+", code)]
    if bad:
        errors.append(row.at(f'{OUTCOME_TAG}: "{bad[0]}" is not a whole number'))
        return []
    return [int(code) for code in codes]


# Building the definition


class _Builder:
    """Turns rows into an instrument definition, collecting errors and warnings."""

    def __init__(self, warnings: list[str]) -> None:
        self.warnings = warnings
        self.errors: list[str] = []
        self.items: list[dict] = []
        self.outcomes: list[dict] = []
        self.intro: list[str] = []
        self.rows: dict[str, int] = {}
        self.comment: _Row | None = None

    def add(self, row: _Row) -> None:
        if not row.field:
            self.errors.append(f"row {row.number}: the field name is missing")
            return
        if row.get(IDENTIFIER).lower() in _TRUE:
            self.errors.append(
                row.at(
                    'it is marked as an identifier ("Identifier?" = y); an '
                    "anonymous survey must never collect identifiers, so remove "
                    "the field"
                )
            )
            return
        roles = _roles(row)
        self.errors.extend(roles.errors)
        self._add_field(row, roles)

    def _add_field(self, row: _Row, roles: _Roles) -> None:
        if row.type in CHOICE_TYPES or row.type in FIXED_OPTIONS:
            self._choice(row, roles)
            return
        if roles.tagged:
            self.errors.append(
                row.at(
                    "@ALONGSIDE tags only apply to radio, dropdown, yesno and "
                    "truefalse fields"
                )
            )
            return
        if row.type == "descriptive":
            self._descriptive(row)
        elif row.type == "notes" or (row.type == "text" and not row.get(VALIDATION)):
            self._comment(row)
        elif row.type == "text":
            self._skip(
                row,
                f'a text field with validation "{row.get(VALIDATION)}" is not a '
                "free comment",
            )
        else:
            self._skip(
                row,
                SKIPPED_TYPES.get(
                    row.type, f'field type "{row.type}" is not supported'
                ),
            )

    def _choice(self, row: _Row, roles: _Roles) -> None:
        if row.type in FIXED_OPTIONS:
            options = [dict(option) for option in FIXED_OPTIONS[row.type]]
        else:
            options, errors = _choices(row)
            self.errors.extend(errors)
            if errors:
                return
        item = {"id": row.field, "text": plain_text(row.get(LABEL)), "role": "other"}
        if roles.outcome_codes is not None:
            item["role"] = "outcome"
            self._outcome(row, roles.outcome_codes, options)
        elif roles.driver:
            item["role"] = "driver"
        item |= {"options": options, "higher_is_worse": roles.higher_is_worse}
        self._place(row, item)

    def _outcome(self, row: _Row, codes: list[int], options: list[dict]) -> None:
        offered = [option["code"] for option in options]
        for code in codes:
            if code not in offered:
                listed = ", ".join(str(c) for c in offered)
                self.errors.append(
                    row.at(
                        f"{OUTCOME_TAG}: code {code} is not one of the field's "
                        f"choices ({listed})"
                    )
                )
        label = row.field.replace("_", " ").capitalize()
        self.outcomes.append(
            {"id": row.field, "label": label, "item": row.field, "codes": codes}
        )

    def _descriptive(self, row: _Row) -> None:
        if self.items:
            self._skip(
                row,
                "descriptive text between questions is not supported (text "
                "before the first question becomes the introduction)",
            )
        else:
            self.intro.append(plain_text(row.get(LABEL)))

    def _comment(self, row: _Row) -> None:
        if self.comment is not None:
            self._skip(
                row,
                "a survey has one open comment, and it is field "
                f'"{self.comment.field}" (row {self.comment.number})',
            )
            return
        self.comment = row
        item = {
            "id": row.field,
            "text": plain_text(row.get(LABEL)),
            "type": "text",
            "role": "comment",
        }
        self._place(row, item)

    def _place(self, row: _Row, item: dict) -> None:
        if row.get(SECTION):
            self.warnings.append(
                row.at(
                    "its section header was not imported (sections are not supported)"
                )
            )
        if row.get(BRANCHING):
            self.warnings.append(
                row.at("its branching logic was not imported; the item is always shown")
            )
        self.rows.setdefault(row.field, row.number)
        self.items.append(item)

    def _skip(self, row: _Row, reason: str) -> None:
        self.warnings.append(row.at(f"skipped: {reason}"))

    def finish(self) -> None:
        if not self.outcomes and not self.errors:
            self.errors.append(
                f"no field is tagged {OUTCOME_TAG}=codes: tag the item (or items) "
                "the survey's outcomes are scored from"
            )

    def definition(self, *, slug: str, title: str, version: str) -> dict:
        return {
            "format": FORMAT,
            "slug": slug,
            "title": title,
            "version": version,
            "intro": " ".join(self.intro),
            "items": self.items,
            "outcomes": self.outcomes,
        }

    def locate(self, problem: str) -> str:
        """A problem about an item or outcome, told by its row and field."""
        match = _PROBLEM_SUBJECT.fullmatch(problem)
        if match is None or match.group(1) not in self.rows:
            return problem
        return f'row {self.rows[match.group(1)]}, field "{match.group(1)}": {match.group(2)}'
