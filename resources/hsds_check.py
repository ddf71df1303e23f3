"""Checking services read from an HSDS file, value by value, before anything is saved.

The readers (``resources.hsds_read``) turn JSON or CSV into ``RawService``:
the text of each value and where it was found. ``drafts_checked`` turns those
into typed values for a ``Resource``, and says what is wrong where it is
wrong, in words that tell the person what to fix.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email

from resources import hsds
from resources.models import Reportability, Resource, ResourceKind

REACH_FIELDS = ("phone", "email", "url", "location")


@dataclass(frozen=True)
class Where:
    """A place in an upload: a file, a row (CSV) or a service's position (JSON), a column."""

    file: str
    row: int | None = None
    column: str = ""
    in_json: bool = False

    def __str__(self) -> str:
        text = self.file
        if self.row is not None:
            text += f" {'service' if self.in_json else 'row'} {self.row}"
        if self.column:
            text += f", {'field' if self.in_json else 'column'} {self.column}"
        return text


@dataclass(frozen=True)
class Problem:
    where: Where
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass
class RawService:
    """One service as a file gives it: text values, and where each one was found."""

    where: Where
    values: dict[str, str] = field(default_factory=dict)
    origins: dict[str, Where] = field(default_factory=dict)

    def set(self, name: str, value: str, where: Where) -> None:
        self.values[name] = value
        self.origins[name] = where

    def attribute(
        self,
        code: str,
        value: str,
        *,
        code_at: Where,
        value_at: Where,
        problems: list[Problem],
    ) -> None:
        """An HSDS attribute: Alongside's own are kept; other taxonomies are not ours."""
        if not code.startswith(hsds.ALONGSIDE_PREFIX):
            return
        if code not in hsds.ALONGSIDE_TERMS:
            known = ", ".join(hsds.ALONGSIDE_TERMS)
            problems.append(
                Problem(
                    code_at,
                    f"“{_short(code)}” is not an Alongside attribute; use one of {known}.",
                )
            )
            return
        name = hsds.ALONGSIDE_TERMS[code][0]
        if name in self.values:
            problems.append(
                Problem(
                    value_at,
                    f"{code} is given twice for this service (first at "
                    f"{self.origins[name]}); keep one.",
                )
            )
            return
        self.set(name, value, value_at)


@dataclass(frozen=True)
class Draft:
    """A checked service: the values to give the resource with this HSDS id."""

    hsds_id: uuid.UUID
    values: dict[str, object]
    where: Where


class _Bad(Exception):
    """A value that cannot be used; the message says what to do instead."""


def drafts_checked(raws: list[RawService], problems: list[Problem]) -> list[Draft]:
    """Every service checked; problems added for every bad value and repeated id."""
    drafts, first_seen = [], {}
    for raw in raws:
        draft = _checked(raw, problems)
        if draft is None:
            continue
        if draft.hsds_id in first_seen:
            problems.append(
                Problem(
                    raw.origins["hsds_id"],
                    f"the same id as {first_seen[draft.hsds_id]}; every service "
                    "needs its own id.",
                )
            )
            continue
        first_seen[draft.hsds_id] = raw.where
        drafts.append(draft)
    return drafts


def _checked(raw: RawService, problems: list[Problem]) -> Draft | None:
    found = len(problems)
    values: dict[str, object] = {}
    for name, text in raw.values.items():
        try:
            values[name] = CHECKS[name](text)
        except _Bad as bad:
            problems.append(Problem(raw.origins[name], str(bad)))
    if len(problems) > found:
        return None
    if not any(values.get(name) for name in REACH_FIELDS):
        problems.append(
            Problem(
                raw.where,
                "says no way to reach the service: give a phone number, an e-mail "
                "address, a web address (url) or a location.",
            )
        )
        return None
    hsds_id = values.pop("hsds_id")
    values["is_active"] = values.pop("status") == hsds.STATUS_ACTIVE
    return Draft(hsds_id=hsds_id, values=values, where=raw.where)


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _hsds_id(text: str) -> uuid.UUID:
    if not text:
        raise _Bad("is empty: every service needs an id (a UUID).")
    try:
        return uuid.UUID(text)
    except ValueError:
        raise _Bad(
            f"“{_short(text)}” is not a UUID; HSDS 3.0 ids look like "
            "3f7b145d-84af-42d7-8fae-eaca714b02b2."
        )


def _status(text: str) -> str:
    if not text:
        raise _Bad("is empty: give the service's status (active or inactive).")
    if text not in hsds.STATUSES:
        raise _Bad(
            f"“{_short(text)}” is not an HSDS status; use active, inactive, defunct "
            "or temporarily closed."
        )
    return text


def _text(name: str, *, required: str = "") -> Callable[[str], str]:
    limit = Resource._meta.get_field(name).max_length

    def check(text: str) -> str:
        if required and not text:
            raise _Bad(required)
        if limit and len(text) > limit:
            raise _Bad(f"is {len(text)} characters long; at most {limit} fit.")
        return text

    return check


def _email(text: str) -> str:
    text = _text("email")(text)
    try:
        if text:
            validate_email(text)
    except ValidationError:
        raise _Bad(f"“{_short(text)}” is not an e-mail address.")
    return text


def _url(text: str) -> str:
    text = _text("url")(text)
    try:
        if text:
            URLValidator(schemes=["http", "https"])(text)
    except ValidationError:
        raise _Bad(
            f"“{_short(text)}” is not a web address; give it in full, starting "
            "https://."
        )
    return text


def _choice(choices: type, what: str) -> Callable[[str], str]:
    def check(text: str) -> str:
        if text not in choices.values:
            raise _Bad(
                f"“{_short(text)}” is not {what} Alongside knows; use one of "
                + ", ".join(choices.values)
                + "."
            )
        return text

    return check


def _boolean(text: str) -> bool:
    if text.lower() not in ("true", "false"):
        raise _Bad(f"“{_short(text)}” should be true or false.")
    return text.lower() == "true"


def _order(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or int(text) > 2_147_483_647:
        raise _Bad(f"“{_short(text)}” should be a whole number, 0 or more.")
    return int(text)


CHECKS: dict[str, Callable[[str], object]] = {
    "hsds_id": _hsds_id,
    "status": _status,
    "name": _text("name", required="is empty: every service needs a name."),
    "organization_name": _text(
        "organization_name",
        required="is empty: say who runs the service (its organization's name).",
    ),
    "description": _text("description"),
    "phone": _text("phone"),
    "email": _email,
    "url": _url,
    "location": _text("location"),
    "hours": _text("hours"),
    "cost": _text("cost"),
    "eligibility": _text("eligibility"),
    "confidentiality": _text("confidentiality"),
    "kind": _choice(ResourceKind, "a kind of resource"),
    "reportable_to_licensing_board": _choice(Reportability, "an answer"),
    "is_crisis": _boolean,
    "sort_order": _order,
}
