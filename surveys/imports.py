"""Importing a past wave's responses from a REDCap or Qualtrics export (CSV).

An organization that ran its survey in another tool starts with its trend,
not a blank page: ``manage.py import_survey_responses`` reads the export and
stores it as an imported, closed wave, the same rows a wave answered in
Alongside would have left.

What is read: a column per choice item, named by the item's id, holding the
option's code (empty: not answered); the comment item's column; and the
segment columns ``department``, ``profession``, ``site`` (each a code or a
name from the roster) and ``tenure_band`` or ``tenure_years``. Every other
column (record ids, timestamps, IP addresses, e-mail addresses, names…) is
ignored: its values are never kept, only its name appears in the report.
Qualtrics puts two more header rows under the first (the question text and
``{"ImportId": …}``); they are recognised and skipped.

All or nothing: every row is checked first, and one problem anywhere means
nothing is stored; the report lists every problem by row (row 1 is the
header, as a spreadsheet numbers it) and column. The segment labels are then
coarsened across the file exactly as invitations' are
(``surveys.invitations.segment_labels``), rows are shuffled so storage order
says nothing about the order of the export, comments are scrubbed of e-mail
addresses and telephone numbers and kept apart from the responses, and the
wave is summarized.
"""

import csv
import datetime
import random
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain, islice
from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from confidentiality.models import AuditAction, AuditAudience
from confidentiality.services import audit_event_record
from confidentiality.suppression import current_k, current_k_comments
from organization.models import Department, Profession, Site
from surveys.instruments import Instrument, instrument_from_dict
from surveys.invitations import DIMENSIONS, segment_labels
from surveys.models import (
    Answer,
    Comment,
    Response,
    Survey,
    TenureBand,
    Wave,
    WaveStatus,
)
from surveys.responses import COMMENT_MAX, comment_scrub
from surveys.summary import wave_summarize

BATCH = 1000
PROBLEMS_SHOWN = 200
QUALTRICS_IMPORT_ID = '{"importid"'
QUALTRICS_HEADER_ROWS = 2
UNIT_COLUMNS = {
    "department": ("department_id", Department, "department"),
    "profession": ("profession_id", Profession, "profession"),
    "site": ("site_id", Site, "site"),
}
TENURE_BAND, TENURE_YEARS = "tenure_band", "tenure_years"
SEGMENT_COLUMNS = (*UNIT_COLUMNS, TENURE_BAND, TENURE_YEARS)
DELIMITERS = (",", ";", "\t")


class ResponseImportError(Exception):
    """The file, the survey or the wave cannot be imported at all (not one row's problem)."""


@dataclass(frozen=True)
class ImportProblem:
    """One problem in the file: its row (row 1 is the header) and column."""

    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        where = [f"row {self.row}"] if self.row else []
        if self.column:
            where.append(self.column)
        return f"{', '.join(where)}: {self.message}" if where else self.message


@dataclass
class ImportReport:
    """What an import read, found wrong, and stored (or would have, in a dry run)."""

    survey: str
    wave_label: str
    source: str = ""
    dry_run: bool = False
    k: int = 0
    rows_read: int = 0
    rows_empty: int = 0
    responses: int = 0
    answers: int = 0
    comments: int = 0
    comments_shortened: int = 0
    coarsened: int = 0
    qualtrics_rows_skipped: int = 0
    items: list[str] = field(default_factory=list)
    items_missing: list[str] = field(default_factory=list)
    segments: list[str] = field(default_factory=list)
    comment_column: str = ""
    columns_ignored: list[str] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    problem_count: int = 0
    rows_with_problems: int = 0
    wave_created: bool = False
    invited: int = 0
    stored: bool = False

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    def problem_add(self, row: int | None, column: str, message: str) -> None:
        self.problem_count += 1
        if len(self.problems) < PROBLEMS_SHOWN:
            self.problems.append(ImportProblem(row, column, message))

    def lines(self) -> list[str]:
        """The report as the command prints it."""
        source = f" from {self.source}" if self.source else ""
        dry = " (dry run)" if self.dry_run else ""
        lines = [f"Import of “{self.wave_label}” into “{self.survey}”{source}{dry}"]
        if self.qualtrics_rows_skipped:
            lines.append(
                f"A Qualtrics export: its {self.qualtrics_rows_skipped} extra header "
                "rows (question text, import ids) were skipped."
            )
        if self.items:
            lines.append(f"Items: {', '.join(self.items)}")
        if self.items_missing:
            lines.append(f"Items with no column: {', '.join(self.items_missing)}")
        if self.segments:
            lines.append(f"Segments: {', '.join(self.segments)}")
        if self.comment_column:
            lines.append(
                f"Comments: {self.comment_column} (e-mail addresses and telephone "
                "numbers removed; kept apart from the answers)"
            )
        if self.columns_ignored:
            lines.append(
                f"Ignored, never stored ({len(self.columns_ignored)} columns): "
                + ", ".join(self.columns_ignored)
            )
        if self.problem_count:
            lines.append("")
            lines.append(
                f"{_plural(self.problem_count, 'problem')} (row 1 is the header):"
            )
            lines.extend(f"  {problem}" for problem in self.problems)
            if self.problem_count > len(self.problems):
                lines.append(f"  … and {self.problem_count - len(self.problems)} more.")
        lines.append("")
        lines.append(self._counts())
        if self.coarsened:
            lines.append(
                f"Segment labels coarsened on {self.coarsened} responses so that no "
                f"combination of them describes fewer than {self.k} people."
            )
        if self.comments_shortened:
            lines.append(
                f"{self.comments_shortened} comments were shortened to the longest "
                "the survey keeps."
            )
        lines.append(self._outcome())
        return lines

    def _counts(self) -> str:
        if not self.ok:
            return (
                f"Rows read: {self.rows_read}, {self.rows_with_problems} of them "
                "with problems."
            )
        empty = (
            f" ({_plural(self.rows_empty, 'row')} without any answer skipped)"
            if self.rows_empty
            else ""
        )
        return (
            f"Rows read: {self.rows_read}. Responses: {self.responses}{empty}. "
            f"Answers: {self.answers}. Comments: {self.comments}."
        )

    def _outcome(self) -> str:
        if not self.ok:
            return (
                "Nothing was imported: correct the problems above and import the "
                "file again."
            )
        if self.dry_run:
            return "Dry run: the file can be imported; nothing was stored."
        created = "created, " if self.wave_created else ""
        if self.invited:
            rate = f"{100 * self.responses / self.invited:.1f} %"
            invited = f"{self.invited} invited, {rate} responded"
        else:
            invited = "how many were invited is not known, so no response rate"
        return (
            f"Imported into the wave “{self.wave_label}” ({created}closed; "
            f"{invited}). Its summary has been computed."
        )


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


@dataclass(frozen=True)
class _Row:
    labels: tuple
    codes: tuple[tuple[str, int], ...]
    comment: str


@dataclass
class _Columns:
    """Where each thing the import reads is in the header."""

    items: list[tuple[int, str, dict[str, int], dict[str, int]]]
    units: list[tuple[int, str, str, dict[str, int]]]
    tenure: tuple[int, str, str] | None
    comment: int | None
    comment_limit: int
    width: int


def response_file_records(stream: BinaryIO) -> Iterator[list[str]]:
    """A CSV export's records, read a line at a time (UTF-8, with or without a BOM)."""
    lines = _decoded_lines(stream)
    first = next(lines, None)
    if first is None:
        return
    delimiter = max(DELIMITERS, key=first.count)
    yield from csv.reader(chain([first], lines), delimiter=delimiter)


def _decoded_lines(stream: BinaryIO) -> Iterator[str]:
    for number, line in enumerate(stream, start=1):
        if number == 1 and line.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise ResponseImportError(
                "The file is UTF-16 text (Qualtrics' “TSV” download). Download the "
                "responses as CSV instead, which is UTF-8."
            )
        try:
            yield line.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as error:
            raise ResponseImportError(
                f"The file is not UTF-8 text: line {number} has a byte "
                f"(0x{line[error.start]:02X}) that UTF-8 does not allow. Export it "
                "again as “CSV UTF-8” (Excel) or UTF-8 CSV (REDCap, Qualtrics)."
            ) from None


def survey_responses_import(
    *,
    actor: User | None,
    survey: Survey,
    wave_label: str,
    records: Iterable[Sequence[str]],
    opens_on: datetime.date | None = None,
    closes_on: datetime.date | None = None,
    invited: int | None = None,
    dry_run: bool = False,
    source: str = "",
    today: datetime.date | None = None,
) -> ImportReport:
    """Check an export's rows and, when every row is right, store them as a past wave.

    ``records`` are the file's rows as lists of cells, header first. Raises
    ResponseImportError when the file or the wave cannot be imported at all;
    otherwise returns the report, which lists the problems of the rows (and
    then nothing was stored).
    """
    wave_label = wave_label.strip()
    wave = _wave_check(
        survey,
        wave_label,
        opens_on=opens_on,
        closes_on=closes_on,
        invited=invited,
        today=today or timezone.localdate(),
    )
    instrument = instrument_from_dict(survey.instrument.definition)
    report = ImportReport(
        survey=survey.slug,
        wave_label=wave_label,
        source=source,
        dry_run=dry_run,
        k=(wave.k if wave is not None else None) or current_k(),
    )
    rows = _rows_read(instrument, records, report)
    if invited is not None and invited < report.responses:
        report.problem_add(
            None,
            "--invited",
            f"{invited} invited is fewer than the {report.responses} responses.",
        )
    if not report.ok:
        return report
    labels = _labels_coarsened(rows, k=report.k, report=report)
    if dry_run:
        return report
    with transaction.atomic():
        wave = _wave_for_import(
            survey, wave_label, opens_on=opens_on, closes_on=closes_on, report=report
        )
        if invited is not None:
            wave.invited = invited
            wave.save(update_fields=["invited"])
        report.invited = wave.invited
        _store(wave, rows, labels)
        wave_summarize(wave_id=wave.pk)
        audit_event_record(
            actor=actor,
            action=AuditAction.SURVEY_RESPONSES_IMPORTED,
            obj=wave,
            audience=AuditAudience.PROGRAM,
            details={
                "rows": report.rows_read,
                "responses": report.responses,
                "answers": report.answers,
                "comments": report.comments,
                "coarsened": report.coarsened,
                "columns_ignored": len(report.columns_ignored),
                "invited": wave.invited,
            },
        )
    report.stored = True
    return report


# --- The wave ------------------------------------------------------------------------


def _wave_check(
    survey: Survey,
    label: str,
    *,
    opens_on: datetime.date | None,
    closes_on: datetime.date | None,
    invited: int | None,
    today: datetime.date,
) -> Wave | None:
    """The wave to import into (None: it will be created); refuse what cannot be."""
    if invited is not None and invited < 0:
        raise ResponseImportError("The number invited cannot be negative.")
    wave = Wave.objects.filter(survey=survey, label=label).first()
    if wave is not None:
        _existing_wave_check(wave, opens_on=opens_on, closes_on=closes_on)
        return wave
    if opens_on is None or closes_on is None:
        raise ResponseImportError(
            f"“{survey.slug}” has no wave “{label}”, so it will be created: give the "
            "days it opened and closed (--opens-on and --closes-on, as YYYY-MM-DD)."
        )
    if closes_on < opens_on:
        raise ResponseImportError("A wave closes on or after the day it opens.")
    if closes_on > today:
        raise ResponseImportError(
            f"An imported wave is one that has closed, but {closes_on.isoformat()} "
            "is still to come."
        )
    try:
        _new_wave(survey, label, opens_on, closes_on).full_clean(
            exclude=["survey"], validate_unique=False
        )
    except ValidationError as error:
        raise ResponseImportError(_validation_text(error)) from None
    return None


def _existing_wave_check(
    wave: Wave, *, opens_on: datetime.date | None, closes_on: datetime.date | None
) -> None:
    if not wave.imported:
        raise ResponseImportError(
            f"The wave “{wave.label}” was run in Alongside; responses can be imported "
            "only into a wave of their own. Choose another label."
        )
    if wave.responses.exists():
        raise ResponseImportError(
            f"The wave “{wave.label}” already has responses. To import it again, "
            "delete the wave first; to add another wave, choose another label."
        )
    for given, kept, name in (
        (opens_on, wave.opens_on, "opened"),
        (closes_on, wave.closes_on, "closed"),
    ):
        if given is not None and given != kept:
            raise ResponseImportError(
                f"The wave “{wave.label}” {name} on {kept.isoformat()}, not "
                f"{given.isoformat()}."
            )


def _new_wave(
    survey: Survey, label: str, opens_on: datetime.date, closes_on: datetime.date
) -> Wave:
    return Wave(
        survey=survey,
        label=label,
        opens_on=opens_on,
        closes_on=closes_on,
        status=WaveStatus.CLOSED,
        imported=True,
        reminder_days="",
        k=current_k(),
        k_comments=current_k_comments(),
        opened_at=timezone.make_aware(
            datetime.datetime.combine(opens_on, datetime.time(0, 0))
        ),
        closed_at=timezone.make_aware(
            datetime.datetime.combine(closes_on, datetime.time(23, 59))
        ),
    )


def _validation_text(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return " ".join(
            f"{name}: {' '.join(messages)}"
            for name, messages in error.message_dict.items()
        )
    return " ".join(error.messages)


def _wave_for_import(
    survey: Survey,
    label: str,
    *,
    opens_on: datetime.date | None,
    closes_on: datetime.date | None,
    report: ImportReport,
) -> Wave:
    """The wave, locked, still empty; created if it is not there yet."""
    wave = Wave.objects.select_for_update().filter(survey=survey, label=label).first()
    if wave is not None:
        _existing_wave_check(wave, opens_on=opens_on, closes_on=closes_on)
        return wave
    wave = _new_wave(survey, label, opens_on, closes_on)
    wave.save()
    report.wave_created = True
    report.k = wave.k
    return wave


# --- Reading the rows ----------------------------------------------------------------


def _rows_read(
    instrument: Instrument, records: Iterable[Sequence[str]], report: ImportReport
) -> list[_Row]:
    records = iter(records)
    header = next(records, None)
    if header is None or not any(cell.strip() for cell in header):
        raise ResponseImportError("The file is empty: it has no header row.")
    columns = _columns(instrument, header, report)
    numbered = _numbered(records, report)
    rows: list[_Row] = []
    for number, record in numbered:
        report.rows_read += 1
        row = _row(columns, number, record, report)
        if row is None:
            report.rows_with_problems += 1
            continue
        if not row.codes and not row.comment:
            report.rows_empty += 1
            continue
        report.responses += 1
        report.answers += len(row.codes)
        report.comments += bool(row.comment)
        if report.ok:
            rows.append(row)
    return rows


def _numbered(
    records: Iterator[Sequence[str]], report: ImportReport
) -> Iterator[tuple[int, Sequence[str]]]:
    """The data rows with their numbers, after Qualtrics' extra header rows if any."""
    try:
        first = list(islice(records, QUALTRICS_HEADER_ROWS))
        skipped = 0
        for position, record in enumerate(first, start=1):
            if any(
                cell.strip().lower().startswith(QUALTRICS_IMPORT_ID) for cell in record
            ):
                skipped = position
        report.qualtrics_rows_skipped = skipped
        number = 1 + skipped
        for record in chain(first[skipped:], records):
            number += 1
            yield number, record
    except csv.Error as error:
        raise ResponseImportError(
            f"The file cannot be read as CSV after row {report.rows_read + 1}: {error}."
        ) from None


def _columns(
    instrument: Instrument, header: Sequence[str], report: ImportReport
) -> _Columns:
    names = [cell.strip() for cell in header]
    choice_items = {item.id.lower(): item for item in instrument.choice_items}
    comment_item = instrument.comment_item
    seen: dict[str, int] = {}
    items, units, tenure, comment = [], [], None, None
    for position, name in enumerate(names):
        key = name.lower()
        if key and key in seen:
            raise ResponseImportError(
                f"Two columns are named “{name}” (columns {seen[key] + 1} and "
                f"{position + 1}): keep one."
            )
        seen[key] = position
        if key in choice_items:
            item = choice_items[key]
            codes = {str(code): code for code in item.codes}
            labels = {option.label.lower(): option.code for option in item.options}
            items.append((position, item.id, codes, labels))
        elif comment_item is not None and key == comment_item.id.lower():
            comment = position
            report.comment_column = name
        elif key in UNIT_COLUMNS:
            field_name, model, _noun = UNIT_COLUMNS[key]
            units.append((position, name, field_name, _unit_lookup(model)))
            report.segments.append(name)
        elif key in (TENURE_BAND, TENURE_YEARS):
            if tenure is not None:
                raise ResponseImportError(
                    "The file has both tenure_band and tenure_years: keep one."
                )
            tenure = (position, key, name)
            report.segments.append(
                name if key == TENURE_BAND else f"{name} (as a tenure band)"
            )
        else:
            report.columns_ignored.append(name or f"(column {position + 1}, no name)")
    if not items:
        raise ResponseImportError(
            "None of the columns is named after an item of the survey's instrument "
            f"(“{instrument.slug}”: {', '.join(i.id for i in instrument.choice_items)}). "
            "Name each item's column by its id, or check that this is the right survey."
        )
    report.items = [item_id for _, item_id, _, _ in items]
    report.items_missing = [
        item.id for item in instrument.choice_items if item.id not in report.items
    ]
    limit = COMMENT_MAX
    if comment_item is not None and comment_item.max_length:
        limit = min(limit, comment_item.max_length)
    return _Columns(items, units, tenure, comment, limit, width=len(names))


def _unit_lookup(model) -> dict[str, int]:
    """A site's, department's or profession's id by its name or code (codes win)."""
    lookup: dict[str, int] = {}
    units = list(model._default_manager.values_list("pk", "code", "name"))
    for pk, _code, name in units:
        lookup[name.strip().lower()] = pk
    for pk, code, _name in units:
        lookup[code.strip().lower()] = pk
    return lookup


def _row(
    columns: _Columns, number: int, record: Sequence[str], report: ImportReport
) -> _Row | None:
    problems_before = report.problem_count
    if len(record) > columns.width and any(c.strip() for c in record[columns.width :]):
        report.problem_add(
            number,
            "",
            f"the row has {len(record)} cells but the header only {columns.width}; "
            "is a comma inside a cell without quotes?",
        )
        return None
    cells = list(record) + [""] * (columns.width - len(record))
    codes = []
    for position, item_id, allowed, labels in columns.items:
        raw = cells[position].strip()
        if not raw:
            continue
        code = allowed.get(raw)
        if code is None:
            code = _code_problem(raw, item_id, allowed, labels, number, report)
        if code is not None:
            codes.append((item_id, code))
    labels_found = dict.fromkeys(DIMENSIONS)
    labels_found["tenure_band"] = ""
    for position, name, field_name, lookup in columns.units:
        raw = cells[position].strip()
        if raw:
            unit = lookup.get(raw.lower())
            if unit is None:
                noun = UNIT_COLUMNS[name.lower()][2]
                report.problem_add(
                    number, name, f"“{raw}” is not the code or name of a {noun}."
                )
            labels_found[field_name] = unit
    if columns.tenure is not None:
        position, kind, name = columns.tenure
        raw = cells[position].strip()
        if raw:
            band = (
                _band_from_years(raw) if kind == TENURE_YEARS else _band_from_text(raw)
            )
            if band is None:
                report.problem_add(number, name, _tenure_problem(raw, kind))
            labels_found["tenure_band"] = band or ""
    if report.problem_count > problems_before:
        return None
    comment = ""
    if columns.comment is not None:
        comment = comment_scrub(cells[columns.comment])
        if len(comment) > columns.comment_limit:
            comment = comment[: columns.comment_limit]
            report.comments_shortened += 1
    return _Row(
        labels=tuple(labels_found[d] for d in DIMENSIONS),
        codes=tuple(codes),
        comment=comment,
    )


def _code_problem(
    raw: str,
    item_id: str,
    allowed: dict[str, int],
    labels: dict[str, int],
    number: int,
    report: ImportReport,
) -> int | None:
    """A code written another way (" 4", "4.0") is that code; anything else is a problem."""
    try:
        value = float(raw)
    except ValueError:
        value = None
    if value is not None and value.is_integer() and str(int(value)) in allowed:
        return int(value)
    codes = ", ".join(allowed)
    if raw.lower() in labels:
        message = (
            f"“{raw}” is the label of option {labels[raw.lower()]} of “{item_id}”, "
            "not its code: export the codes (REDCap: raw data; Qualtrics: numeric "
            "values), not the labels."
        )
    else:
        message = f"“{raw}” is not a code of “{item_id}” (its codes: {codes})."
    report.problem_add(number, item_id, message)
    return None


TENURE_TEXT = {
    **{band.value: band.value for band in TenureBand},
    **{band.label.lower(): band.value for band in TenureBand},
}


def _band_from_text(raw: str) -> str | None:
    text = raw.strip().lower().replace("\u2013", "-").replace("\u2014", "-")
    return TENURE_TEXT.get(text) or TENURE_TEXT.get(text.replace(" ", ""))


def _band_from_years(raw: str) -> str | None:
    try:
        years = float(raw.replace(",", "."))
    except ValueError:
        return None
    if not 0 <= years <= 70:
        return None
    if years < 1:
        return TenureBand.UNDER_ONE
    if years < 5:
        return TenureBand.ONE_TO_FOUR
    if years < 10:
        return TenureBand.FIVE_TO_NINE
    return TenureBand.TEN_PLUS


def _tenure_problem(raw: str, kind: str) -> str:
    if kind == TENURE_YEARS:
        return f"“{raw}” is not a number of years between 0 and 70."
    bands = ", ".join(band.value for band in TenureBand)
    return f"“{raw}” is not a tenure band (one of {bands})."


# --- Coarsening and storing ----------------------------------------------------------


def _labels_coarsened(rows: list[_Row], *, k: int, report: ImportReport) -> list[tuple]:
    people = [
        {"pk": n, **dict(zip(DIMENSIONS, row.labels, strict=True))}
        for n, row in enumerate(rows)
    ]
    coarsened = segment_labels(people, k=k)
    labels = [tuple(coarsened[n][d] for d in DIMENSIONS) for n in range(len(rows))]
    report.coarsened = sum(
        1 for row, kept in zip(rows, labels, strict=True) if row.labels != kept
    )
    return labels


def _store(wave: Wave, rows: list[_Row], labels: list[tuple]) -> None:
    """Responses and answers in batches; comments on their own, in no particular order.

    Plain INSERTs (``executemany``) rather than ``bulk_create``: building a model
    instance per answer costs ten times the insert itself, and a large export has
    a million answers.
    """
    response_id = Response._meta.pk
    # Random ids, in their own order: a random order that says nothing of the
    # file's, and index-friendly (each batch's answers land at the index's end).
    order = sorted((uuid.uuid4(), n) for n in range(len(rows)))
    insert_response = _insert_sql(Response, ["id", "wave", *DIMENSIONS])
    insert_answer = _insert_sql(Answer, ["response", "item", "value"])
    with connection.cursor() as cursor:
        for start in range(0, len(order), BATCH):
            responses, answers = [], []
            for pk, n in order[start : start + BATCH]:
                value = response_id.get_db_prep_value(pk, connection)
                responses.append((value, wave.pk, *labels[n]))
                answers.extend((value, item, code) for item, code in rows[n].codes)
            cursor.executemany(insert_response, responses)
            cursor.executemany(insert_answer, answers)
    comments = [row.comment for row in rows if row.comment]
    random.SystemRandom().shuffle(comments)
    Comment.objects.bulk_create(
        (Comment(wave=wave, text=text) for text in comments), batch_size=BATCH
    )


def _insert_sql(model, names: list[str]) -> str:
    quote = connection.ops.quote_name
    columns = [model._meta.get_field(name.removesuffix("_id")).column for name in names]
    return (
        f"INSERT INTO {quote(model._meta.db_table)} "  # noqa: S608 - names from models
        f"({', '.join(quote(column) for column in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
