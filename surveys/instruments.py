"""Survey instruments as data: the "alongside-instrument/1" JSON format.

An instrument is the questionnaire a survey wave asks: its items (questions),
the option lists they share (scales), the scoring rules that turn answers into
named flags (outcomes, such as "high stress"), and optional composites (the
mean of several items against a cutoff). Definitions are parsed into frozen
dataclasses; a definition with problems is refused with every problem listed,
each naming the item, scale, outcome or composite it is about. The format is
documented in docs/surveys.md ("Instrument definitions").

Pure Python: nothing here touches the database.
"""

import functools
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from statistics import fmean

FORMAT = "alongside-instrument/1"
DEFINITIONS_DIR = Path(__file__).resolve().parent / "definitions"

DEFAULT_MAX_LENGTH = 1000
LONGEST_MAX_LENGTH = 10_000
LONGEST_MINUTES = 60
SECONDS_PER_CHOICE_ITEM = 10
SECONDS_PER_TEXT_ITEM = 60

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_NAME = re.compile(r"[a-z][a-z0-9_]*")
_SLUG_RULE = "must be lowercase letters, digits and hyphens"
_NAME_RULE = "must be lowercase letters, digits and underscores, starting with a letter"

_TOP_KEYS = frozenset(
    {
        "format",
        "slug",
        "title",
        "version",
        "intro",
        "minutes",
        "scales",
        "items",
        "outcomes",
        "composites",
    }
)
_OPTION_KEYS = frozenset({"code", "label"})
_ITEM_KEYS = frozenset(
    {"id", "text", "type", "role", "scale", "options", "higher_is_worse", "max_length"}
)
_OUTCOME_KEYS = frozenset({"id", "label", "item", "codes"})
_COMPOSITE_KEYS = frozenset({"id", "label", "items", "method", "cutoff", "high_when"})


class InstrumentError(Exception):
    """A definition was refused; ``problems`` lists every reason, one per entry."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


class ItemType(StrEnum):
    CHOICE = "choice"
    TEXT = "text"


class Role(StrEnum):
    OUTCOME = "outcome"
    DRIVER = "driver"
    OTHER = "other"
    COMMENT = "comment"


class HighWhen(StrEnum):
    AT_LEAST = "at_least"
    AT_MOST = "at_most"


@dataclass(frozen=True)
class Option:
    code: int
    label: str


@dataclass(frozen=True)
class Scale:
    """A named option list that several items share."""

    name: str
    options: tuple[Option, ...]


@dataclass(frozen=True)
class Item:
    """One question. Choice items have options; the text item is the open comment."""

    id: str
    text: str
    type: ItemType = ItemType.CHOICE
    role: Role = Role.OTHER
    options: tuple[Option, ...] = ()
    scale: str = ""
    higher_is_worse: bool = False
    max_length: int | None = None

    @property
    def is_choice(self) -> bool:
        return self.type == ItemType.CHOICE

    @property
    def codes(self) -> tuple[int, ...]:
        return tuple(option.code for option in self.options)

    def label(self, code: int) -> str:
        """The label of the option with this code."""
        for option in self.options:
            if option.code == code:
                return option.label
        raise ValueError(f'item "{self.id}" has no option {code!r}')


@dataclass(frozen=True)
class Outcome:
    """A scoring rule: the flag is true when the item's answer is one of ``codes``."""

    id: str
    label: str
    item: str
    codes: tuple[int, ...]


@dataclass(frozen=True)
class Composite:
    """The mean of several choice items; high when it reaches the cutoff."""

    id: str
    label: str
    items: tuple[str, ...]
    cutoff: float
    high_when: HighWhen = HighWhen.AT_LEAST
    method: str = "mean"

    def is_high(self, score: float) -> bool:
        if self.high_when == HighWhen.AT_LEAST:
            return score >= self.cutoff
        return score <= self.cutoff


@dataclass(frozen=True)
class Instrument:
    slug: str
    title: str
    version: str
    items: tuple[Item, ...]
    outcomes: tuple[Outcome, ...]
    intro: str = ""
    minutes: int = 1
    scales: tuple[Scale, ...] = ()
    composites: tuple[Composite, ...] = ()

    @property
    def choice_items(self) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.is_choice)

    @property
    def drivers(self) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.role == Role.DRIVER)

    @property
    def outcome_items(self) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.role == Role.OUTCOME)

    @property
    def comment_item(self) -> Item | None:
        return next((item for item in self.items if not item.is_choice), None)

    def item(self, item_id: str) -> Item:
        """The item with this id; KeyError when there is none."""
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(f'no item "{item_id}" in instrument "{self.slug}"')

    def outcome_flags(self, answers: Mapping[str, object]) -> dict[str, bool | None]:
        """Each outcome's flag for one response; None where the item was not answered."""
        flags: dict[str, bool | None] = {}
        for outcome in self.outcomes:
            code = self._answer(outcome.item, answers)
            flags[outcome.id] = None if code is None else code in outcome.codes
        return flags

    def composite_scores(
        self, answers: Mapping[str, object]
    ) -> dict[str, float | None]:
        """Each composite's mean for one response; None unless all its items were answered."""
        return {
            composite.id: self._composite_score(composite, answers)
            for composite in self.composites
        }

    def composite_flags(self, answers: Mapping[str, object]) -> dict[str, bool | None]:
        """Whether each composite is high for one response; None when it has no score."""
        flags: dict[str, bool | None] = {}
        for composite in self.composites:
            score = self._composite_score(composite, answers)
            flags[composite.id] = None if score is None else composite.is_high(score)
        return flags

    def driver_value(self, item_id: str, code: int) -> float:
        """The answer oriented so that higher is worse (reversed unless higher_is_worse)."""
        item = self.item(item_id)
        if not item.is_choice:
            raise ValueError(f'item "{item_id}" is a text item')
        item.label(code)
        if item.higher_is_worse:
            return float(code)
        return float(min(item.codes) + max(item.codes) - code)

    def to_dict(self) -> dict:
        """The definition as JSON-ready data; instrument_from_dict() reads it back."""
        return {
            "format": FORMAT,
            "slug": self.slug,
            "title": self.title,
            "version": self.version,
            "intro": self.intro,
            "minutes": self.minutes,
            "scales": {
                scale.name: _options_to_list(scale.options) for scale in self.scales
            },
            "items": [_item_to_dict(item) for item in self.items],
            "outcomes": [_outcome_to_dict(outcome) for outcome in self.outcomes],
            "composites": [
                _composite_to_dict(composite) for composite in self.composites
            ],
        }

    def _composite_score(
        self, composite: Composite, answers: Mapping[str, object]
    ) -> float | None:
        codes = [self._answer(item_id, answers) for item_id in composite.items]
        return None if None in codes else fmean(codes)

    def _answer(self, item_id: str, answers: Mapping[str, object]) -> int | None:
        code = answers.get(item_id)
        if code is None:
            return None
        self.item(item_id).label(code)
        return int(code)


def instrument_from_dict(data: dict) -> Instrument:
    """Parse and validate a definition; InstrumentError lists every problem."""
    problems: list[str] = []
    instrument = _instrument(data, problems)
    if problems or instrument is None:
        raise InstrumentError(problems)
    return instrument


def instrument_from_json(text: str) -> Instrument:
    """Parse a definition from JSON text; syntax errors give the line and column."""
    duplicates = _DuplicateKeys()
    try:
        data = json.loads(text, object_pairs_hook=duplicates)
    except json.JSONDecodeError as error:
        raise InstrumentError(
            [
                f"not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"
            ]
        ) from None
    try:
        instrument = instrument_from_dict(data)
    except InstrumentError as error:
        raise InstrumentError(duplicates.problems + error.problems) from None
    if duplicates.problems:
        raise InstrumentError(duplicates.problems)
    return instrument


def builtin_instruments() -> list[Instrument]:
    """Every instrument shipped in surveys/definitions/, in file-name order."""
    return list(_builtin_instruments())


def builtin_instrument(slug: str) -> Instrument:
    """The shipped instrument with this slug; KeyError when there is none."""
    for instrument in _builtin_instruments():
        if instrument.slug == slug:
            return instrument
    raise KeyError(f'no built-in instrument "{slug}"')


@functools.cache
def _builtin_instruments() -> tuple[Instrument, ...]:
    return tuple(
        _definition_file_load(path) for path in sorted(DEFINITIONS_DIR.glob("*.json"))
    )


def _definition_file_load(path: Path) -> Instrument:
    try:
        instrument = instrument_from_json(path.read_text(encoding="utf-8"))
    except InstrumentError as error:
        raise InstrumentError([f"{path.name}: {p}" for p in error.problems]) from None
    if instrument.slug != path.stem:
        raise InstrumentError(
            [f'{path.name}: slug "{instrument.slug}" does not match the file name']
        )
    return instrument


class _DuplicateKeys:
    """A json object_pairs_hook that notes keys given twice in one object."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def __call__(self, pairs: list[tuple[str, object]]) -> dict:
        result: dict = {}
        for key, value in pairs:
            if key in result:
                self.problems.append(f'key "{key}" appears twice in one object')
            result[key] = value
        return result


# Serialising


def _options_to_list(options: tuple[Option, ...]) -> list[dict]:
    return [{"code": option.code, "label": option.label} for option in options]


def _item_to_dict(item: Item) -> dict:
    data: dict = {
        "id": item.id,
        "text": item.text,
        "type": str(item.type),
        "role": str(item.role),
    }
    if not item.is_choice:
        data["max_length"] = item.max_length
        return data
    if item.scale:
        data["scale"] = item.scale
    else:
        data["options"] = _options_to_list(item.options)
    data["higher_is_worse"] = item.higher_is_worse
    return data


def _outcome_to_dict(outcome: Outcome) -> dict:
    return {
        "id": outcome.id,
        "label": outcome.label,
        "item": outcome.item,
        "codes": list(outcome.codes),
    }


def _composite_to_dict(composite: Composite) -> dict:
    return {
        "id": composite.id,
        "label": composite.label,
        "items": list(composite.items),
        "method": composite.method,
        "cutoff": composite.cutoff,
        "high_when": str(composite.high_when),
    }


# Parsing and validation. Each function appends what is wrong to ``problems``
# and returns what it could read (None when nothing usable), so that one pass
# finds every problem.


def _at(where: str, message: str) -> str:
    return f"{where}: {message}" if where else message


def _is_whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
    )


def _shown(value: object) -> str:
    return json.dumps(value)


def _unknown_keys(
    data: dict, known: frozenset[str], where: str, problems: list[str]
) -> None:
    for key in data:
        if key not in known:
            if where:
                problems.append(f'{where}: unknown key "{key}"')
            else:
                problems.append(f'unknown key "{key}" at the top level')


def _text(
    data: dict, key: str, where: str, problems: list[str], *, required: bool = True
) -> str:
    value = data.get(key)
    if value is None:
        if required:
            problems.append(_at(where, f"{key} is missing"))
        return ""
    if not isinstance(value, str):
        problems.append(_at(where, f"{key} must be a string"))
        return ""
    if required and not value.strip():
        problems.append(_at(where, f"{key} must not be empty"))
    return value


def _name(data: dict, where: str, problems: list[str]) -> str | None:
    """An id (of an item, outcome or composite); None when missing or malformed."""
    value = data.get("id")
    if value is None:
        problems.append(f"{where}: id is missing")
        return None
    if not isinstance(value, str) or not _NAME.fullmatch(value):
        problems.append(f"{where}: id {_shown(value)} {_NAME_RULE}")
        return None
    return value


def _whole_in_range(
    data: dict,
    key: str,
    where: str,
    problems: list[str],
    *,
    default: int,
    highest: int,
) -> int:
    value = data.get(key, default)
    if not _is_whole(value) or not 1 <= value <= highest:
        problems.append(_at(where, f"{key} must be a whole number from 1 to {highest}"))
        return default
    return value


def _instrument(data: object, problems: list[str]) -> Instrument | None:
    if not isinstance(data, dict):
        problems.append("the definition must be a JSON object")
        return None
    _unknown_keys(data, _TOP_KEYS, "", problems)
    _format(data, problems)
    slug = _slug(data, problems)
    title = _text(data, "title", "", problems)
    version = _version(data, problems)
    intro = _text(data, "intro", "", problems, required=False)
    scales = _scales(data.get("scales", {}), problems)
    items, broken = _items(data.get("items"), scales, problems)
    by_id = _items_by_id(items, broken)
    flag_ids: set[str] = set()
    outcomes = _outcomes(data.get("outcomes"), by_id, flag_ids, problems)
    composites = _composites(data.get("composites", []), by_id, flag_ids, problems)
    _outcome_items_used(items, data.get("outcomes"), problems)
    minutes = _whole_in_range(
        data,
        "minutes",
        "",
        problems,
        default=_estimated_minutes(items),
        highest=LONGEST_MINUTES,
    )
    return Instrument(
        slug=slug,
        title=title,
        version=version,
        intro=intro,
        minutes=minutes,
        scales=tuple(
            Scale(name, options) for name, options in scales.items() if options
        ),
        items=tuple(items),
        outcomes=tuple(outcomes),
        composites=tuple(composites),
    )


def _estimated_minutes(items: list[Item]) -> int:
    seconds = sum(
        SECONDS_PER_CHOICE_ITEM if item.is_choice else SECONDS_PER_TEXT_ITEM
        for item in items
    )
    return max(1, math.ceil(seconds / 60))


def _format(data: dict, problems: list[str]) -> None:
    value = data.get("format")
    if value is None:
        problems.append(f'format is missing (it must be "{FORMAT}")')
    elif value != FORMAT:
        problems.append(
            f'format {_shown(value)} is not supported (it must be "{FORMAT}")'
        )


def _slug(data: dict, problems: list[str]) -> str:
    value = _text(data, "slug", "", problems)
    if value and not _SLUG.fullmatch(value):
        problems.append(f"slug {_shown(value)} {_SLUG_RULE}")
    return value


def _version(data: dict, problems: list[str]) -> str:
    value = data.get("version")
    if _is_number(value):
        problems.append(f'version must be a string (write "{value}", in quotes)')
        return ""
    return _text(data, "version", "", problems)


# Scales and options


def _scales(raw: object, problems: list[str]) -> dict[str, tuple[Option, ...] | None]:
    """Scale name → its options, or None for a scale that has problems."""
    if not isinstance(raw, dict):
        problems.append("scales must be an object of named option lists")
        return {}
    scales: dict[str, tuple[Option, ...] | None] = {}
    for name, options in raw.items():
        where = f'scale "{name}"'
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            problems.append(f"{where}: the name {_NAME_RULE}")
        scales[name] = _options(options, where, problems)
    return scales


def _options(raw: object, where: str, problems: list[str]) -> tuple[Option, ...] | None:
    if not isinstance(raw, list) or len(raw) < 2:
        problems.append(f"{where}: options must be a list of at least two options")
        return None
    count = len(problems)
    options = [_option(entry, n, where, problems) for n, entry in enumerate(raw, 1)]
    seen: set[int] = set()
    for option in options:
        if option is None:
            continue
        if option.code in seen:
            problems.append(f"{where}: code {option.code} appears more than once")
        seen.add(option.code)
    if len(problems) > count:
        return None
    return tuple(options)


def _option(entry: object, n: int, where: str, problems: list[str]) -> Option | None:
    if not isinstance(entry, dict):
        problems.append(
            f"{where}: option {n} must be an object with a code and a label"
        )
        return None
    _unknown_keys(entry, _OPTION_KEYS, f"{where}, option {n}", problems)
    code = entry.get("code")
    label = _text(entry, "label", f"{where}, option {n}", problems)
    if code is None:
        problems.append(f"{where}, option {n}: code is missing")
        return None
    if not _is_whole(code):
        problems.append(
            f"{where}: codes must be whole numbers (option {n} has {_shown(code)})"
        )
        return None
    return Option(code, label) if label.strip() else None


# Items


def _items(
    raw: object, scales: dict[str, tuple[Option, ...] | None], problems: list[str]
) -> tuple[list[Item], set[str]]:
    """The items that could be read, and the ids of those that could not.

    Outcomes and composites say nothing more about an item in the second set:
    its own problems have been reported already.
    """
    if raw is None:
        problems.append("items is missing")
        return [], set()
    if not isinstance(raw, list) or not raw:
        problems.append("items must be a list of at least one item")
        return [], set()
    items: list[Item] = []
    broken: set[str] = set()
    seen: set[str] = set()
    for n, entry in enumerate(raw, 1):
        raw_id = _raw_id(entry)
        _id_unused(raw_id, seen, "item", "another item has the same id", problems)
        item = _item(entry, n, scales, problems)
        if item is not None:
            _one_text_item(item, items, problems)
            items.append(item)
        elif raw_id is not None:
            broken.add(raw_id)
    return items, broken


def _items_by_id(items: list[Item], broken: set[str]) -> dict[str, Item | None]:
    """Item id → the first item with it; None for ids whose items have problems."""
    by_id: dict[str, Item | None] = {}
    for item in items:
        by_id.setdefault(item.id, item)
    for item_id in broken:
        by_id.setdefault(item_id, None)
    return by_id


def _raw_id(entry: object) -> str | None:
    raw_id = entry.get("id") if isinstance(entry, dict) else None
    return raw_id if isinstance(raw_id, str) else None


def _id_unused(
    raw_id: str | None, seen: set[str], kind: str, message: str, problems: list[str]
) -> None:
    """Note a second use of an id (``seen`` holds the ids given before)."""
    if raw_id is None:
        return
    if raw_id in seen:
        problems.append(f'{kind} "{raw_id}": {message}')
    seen.add(raw_id)


def _one_text_item(item: Item, earlier: list[Item], problems: list[str]) -> None:
    text_item = next((other for other in earlier if not other.is_choice), None)
    if not item.is_choice and text_item is not None:
        problems.append(
            f'item "{item.id}": there can be only one text item '
            f'(item "{text_item.id}" is one already)'
        )


def _item(
    entry: object,
    n: int,
    scales: dict[str, tuple[Option, ...] | None],
    problems: list[str],
) -> Item | None:
    if not isinstance(entry, dict):
        problems.append(f"item {n} must be an object")
        return None
    item_id = _name(entry, f"item {n}", problems)
    where = f'item "{item_id}"' if item_id else f"item {n}"
    _unknown_keys(entry, _ITEM_KEYS, where, problems)
    text = _text(entry, "text", where, problems)
    item_type = _choice(entry, "type", ItemType, ItemType.CHOICE, where, problems)
    default_role = Role.OTHER if item_type != ItemType.TEXT else Role.COMMENT
    role = _choice(entry, "role", Role, default_role, where, problems)
    if item_type is None or role is None:
        return None
    if item_type == ItemType.TEXT:
        return _text_item(entry, item_id, text, role, where, problems)
    return _choice_item(entry, item_id, text, role, scales, where, problems)


def _choice[E: StrEnum](
    data: dict,
    key: str,
    enum: type[E],
    default: E,
    where: str,
    problems: list[str],
) -> E | None:
    value = data.get(key, default)
    if value not in [member.value for member in enum]:
        allowed = ", ".join(member.value for member in enum)
        problems.append(f"{where}: {key} {_shown(value)} is not one of {allowed}")
        return None
    return enum(value)


def _choice_item(
    entry: dict,
    item_id: str | None,
    text: str,
    role: Role,
    scales: dict[str, tuple[Option, ...] | None],
    where: str,
    problems: list[str],
) -> Item | None:
    count = len(problems)
    if role == Role.COMMENT:
        problems.append(f'{where}: role "comment" is only for the text item')
    if "max_length" in entry:
        problems.append(f'{where}: "max_length" is only for text items')
    higher_is_worse = entry.get("higher_is_worse", False)
    if not isinstance(higher_is_worse, bool):
        problems.append(f"{where}: higher_is_worse must be true or false")
    scale, options = _item_options(entry, scales, where, problems)
    if len(problems) > count or item_id is None or options is None:
        return None
    return Item(
        id=item_id,
        text=text,
        type=ItemType.CHOICE,
        role=role,
        options=options,
        scale=scale,
        higher_is_worse=higher_is_worse,
    )


def _item_options(
    entry: dict,
    scales: dict[str, tuple[Option, ...] | None],
    where: str,
    problems: list[str],
) -> tuple[str, tuple[Option, ...] | None]:
    """The scale name ("" for inline options) and the item's options."""
    has_scale, has_options = "scale" in entry, "options" in entry
    if has_scale and has_options:
        problems.append(f'{where}: give "scale" or "options", not both')
        return "", None
    if has_options:
        return "", _options(entry["options"], where, problems)
    if not has_scale:
        problems.append(f'{where}: a choice item needs a "scale" or "options"')
        return "", None
    name = entry["scale"]
    if not isinstance(name, str) or name not in scales:
        problems.append(f"{where}: scale {_shown(name)} is not defined")
        return "", None
    return name, scales[name]


def _text_item(
    entry: dict,
    item_id: str | None,
    text: str,
    role: Role,
    where: str,
    problems: list[str],
) -> Item | None:
    count = len(problems)
    for key in ("scale", "options", "higher_is_worse"):
        if key in entry:
            problems.append(f'{where}: a text item takes no "{key}"')
    if role != Role.COMMENT:
        problems.append(f'{where}: a text item must have role "comment"')
    max_length = _whole_in_range(
        entry,
        "max_length",
        where,
        problems,
        default=DEFAULT_MAX_LENGTH,
        highest=LONGEST_MAX_LENGTH,
    )
    if len(problems) > count or item_id is None:
        return None
    return Item(
        id=item_id, text=text, type=ItemType.TEXT, role=role, max_length=max_length
    )


# Outcomes and composites share one set of ids: both are flags analytics reports.

_FLAG_ID_TAKEN = "another outcome or composite has the same id"


def _outcomes(
    raw: object,
    items: dict[str, Item | None],
    flag_ids: set[str],
    problems: list[str],
) -> list[Outcome]:
    if raw is None or raw == []:
        problems.append("at least one outcome is required")
        return []
    if not isinstance(raw, list):
        problems.append("outcomes must be a list")
        return []
    outcomes: list[Outcome] = []
    for n, entry in enumerate(raw, 1):
        _id_unused(_raw_id(entry), flag_ids, "outcome", _FLAG_ID_TAKEN, problems)
        outcome = _outcome(entry, n, items, problems)
        if outcome is not None:
            outcomes.append(outcome)
    return outcomes


def _outcome(
    entry: object, n: int, items: dict[str, Item | None], problems: list[str]
) -> Outcome | None:
    if not isinstance(entry, dict):
        problems.append(f"outcome {n} must be an object")
        return None
    count = len(problems)
    outcome_id = _name(entry, f"outcome {n}", problems)
    where = f'outcome "{outcome_id}"' if outcome_id else f"outcome {n}"
    _unknown_keys(entry, _OUTCOME_KEYS, where, problems)
    label = _text(entry, "label", where, problems)
    item = _scored_item(entry.get("item"), items, where, problems)
    codes = _outcome_codes(entry.get("codes"), item, where, problems)
    if len(problems) > count or outcome_id is None or item is None:
        return None
    return Outcome(id=outcome_id, label=label, item=item.id, codes=codes)


def _scored_item(
    item_id: object, items: dict[str, Item | None], where: str, problems: list[str]
) -> Item | None:
    if item_id is None:
        problems.append(f"{where}: item is missing")
        return None
    if not isinstance(item_id, str) or item_id not in items:
        problems.append(f"{where}: item {_shown(item_id)} does not exist")
        return None
    item = items[item_id]
    if item is None:
        return None
    if not item.is_choice:
        problems.append(
            f'{where}: item "{item.id}" is a text item; outcomes are scored from choice items'
        )
        return None
    if item.role != Role.OUTCOME:
        problems.append(
            f'{where}: item "{item.id}" has role "{item.role}"; outcomes are scored '
            'from items with role "outcome"'
        )
    return item


def _outcome_codes(
    raw: object, item: Item | None, where: str, problems: list[str]
) -> tuple[int, ...]:
    if not isinstance(raw, list) or not raw:
        problems.append(f"{where}: codes must be a list of at least one code")
        return ()
    if not all(_is_whole(code) for code in raw):
        problems.append(f"{where}: codes must be whole numbers")
        return ()
    if len(set(raw)) < len(raw):
        problems.append(f"{where}: a code is listed more than once")
    if item is None:
        return tuple(raw)
    for code in raw:
        if code not in item.codes:
            problems.append(
                f'{where}: code {code} is not an option of item "{item.id}"'
            )
    if set(item.codes) <= set(raw):
        problems.append(
            f'{where}: the codes cover every option of item "{item.id}", '
            "so the flag would always be true"
        )
    return tuple(raw)


def _outcome_items_used(
    items: list[Item], outcomes: object, problems: list[str]
) -> None:
    """Every outcome item has an outcome (one with problems of its own counts)."""
    entries = outcomes if isinstance(outcomes, list) else []
    scored = {entry.get("item") for entry in entries if isinstance(entry, dict)}
    for item in items:
        if item.role == Role.OUTCOME and item.id not in scored:
            problems.append(
                f'item "{item.id}": it has role "outcome" but no outcome is scored from it'
            )


# Composites


def _composites(
    raw: object,
    items: dict[str, Item | None],
    flag_ids: set[str],
    problems: list[str],
) -> list[Composite]:
    if not isinstance(raw, list):
        problems.append("composites must be a list")
        return []
    composites: list[Composite] = []
    for n, entry in enumerate(raw, 1):
        _id_unused(_raw_id(entry), flag_ids, "composite", _FLAG_ID_TAKEN, problems)
        composite = _composite(entry, n, items, problems)
        if composite is not None:
            composites.append(composite)
    return composites


def _composite(
    entry: object, n: int, items: dict[str, Item | None], problems: list[str]
) -> Composite | None:
    if not isinstance(entry, dict):
        problems.append(f"composite {n} must be an object")
        return None
    count = len(problems)
    composite_id = _name(entry, f"composite {n}", problems)
    where = f'composite "{composite_id}"' if composite_id else f"composite {n}"
    _unknown_keys(entry, _COMPOSITE_KEYS, where, problems)
    label = _text(entry, "label", where, problems)
    members = _composite_items(entry.get("items"), items, where, problems)
    if entry.get("method", "mean") != "mean":
        problems.append(
            f'{where}: method {_shown(entry["method"])} is not supported (only "mean")'
        )
    high_when = _choice(
        entry, "high_when", HighWhen, HighWhen.AT_LEAST, where, problems
    )
    cutoff = _cutoff(entry.get("cutoff"), members, where, problems)
    if len(problems) > count or composite_id is None or high_when is None:
        return None
    return Composite(
        id=composite_id,
        label=label,
        items=tuple(item.id for item in members),
        cutoff=cutoff,
        high_when=high_when,
    )


def _composite_items(
    raw: object, items: dict[str, Item | None], where: str, problems: list[str]
) -> list[Item]:
    if not isinstance(raw, list) or len(raw) < 2:
        problems.append(f"{where}: items must be a list of at least two item ids")
        return []
    members: list[Item] = []
    for item_id in raw:
        item = items.get(item_id) if isinstance(item_id, str) else None
        if not isinstance(item_id, str) or item_id not in items:
            problems.append(f"{where}: item {_shown(item_id)} does not exist")
        elif item is None:
            continue
        elif not item.is_choice:
            problems.append(
                f'{where}: item "{item.id}" is a text item; composites average choice items'
            )
        elif item in members:
            problems.append(f'{where}: item "{item.id}" is listed twice')
        else:
            members.append(item)
    if len({item.higher_is_worse for item in members}) > 1:
        problems.append(
            f"{where}: its items run in opposite directions (higher_is_worse "
            "differs), so their mean would mean nothing"
        )
    return members


def _cutoff(
    value: object, members: list[Item], where: str, problems: list[str]
) -> float:
    if value is None:
        problems.append(f"{where}: cutoff is missing")
        return 0
    if not _is_number(value):
        problems.append(f"{where}: cutoff must be a number")
        return 0
    codes = [code for item in members for code in item.codes]
    if codes and not min(codes) <= value <= max(codes):
        problems.append(
            f"{where}: cutoff {value} is outside the codes of its items "
            f"({min(codes)} to {max(codes)})"
        )
    return value
