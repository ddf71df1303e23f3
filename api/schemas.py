"""Alongside's own event shape, and the answers both endpoints give.

Every field is documented here, and so in the OpenAPI document. The event
shape forbids any other field: someone who adds a narrative "just in case"
gets a 422 naming it, rather than the false belief that it was kept.
"""

import datetime
import re
from typing import Annotated

from ninja import Field, Schema
from pydantic import ConfigDict, StringConstraints, field_validator, model_validator

from api.people import PersonRef
from api.services import IncomingEvent
from events.models import HarmLevel, MatchedBy

# No control characters: they have no place in an identifier, and PostgreSQL
# refuses NUL outright.
PLAIN_TEXT = r"^[^\x00-\x1f\x7f]*$"
CODE = r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"
NPI = r"^[0-9]{10}$"
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
PATTERN_MESSAGES = {
    PLAIN_TEXT: "Control characters (such as line breaks) are not allowed here.",
    CODE: "A code is letters, digits, dots, hyphens and underscores.",
    NPI: "An NPI is 10 digits.",
}

UnitCode = Annotated[
    str, StringConstraints(min_length=1, max_length=32, pattern=PLAIN_TEXT)
]


class InvolvedPerson(Schema):
    """A member of staff involved, named by exactly one of the three identifiers."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"minProperties": 1, "maxProperties": 1}
    )

    employee_id: str = Field(
        None,
        min_length=1,
        max_length=64,
        pattern=PLAIN_TEXT,
        description="The person's employee id, as on the roster (matched exactly).",
    )
    npi: str = Field(
        None,
        pattern=NPI,
        description="The person's National Provider Identifier (10 digits).",
    )
    email: str = Field(
        None,
        min_length=3,
        max_length=254,
        pattern=PLAIN_TEXT,
        description="The person's work e-mail, as on the roster (case does not matter).",
    )

    @model_validator(mode="after")
    def _exactly_one(self):
        given = [
            name for name in ("employee_id", "npi", "email") if getattr(self, name)
        ]
        if len(given) != 1:
            raise ValueError("Give exactly one of employee_id, npi or email.")
        return self

    def person_ref(self, index: int) -> PersonRef:
        for kind, value in (
            (MatchedBy.EMPLOYEE_ID, self.employee_id),
            (MatchedBy.NPI, self.npi),
            (MatchedBy.EMAIL, self.email),
        ):
            if value:
                return PersonRef(
                    field=f"involved[{index}]", identifiers=((kind, value),)
                )
        raise AssertionError("checked by _exactly_one")  # pragma: no cover


class EventIn(Schema):
    """An adverse event in Alongside's own shape. Nothing clinical has a place here."""

    model_config = ConfigDict(extra="forbid")

    event_id: str = Field(
        min_length=1,
        max_length=200,
        pattern=PLAIN_TEXT,
        description=(
            "The event's identifier in your system (an incident number). Sending an "
            "event id again returns the event already recorded and changes nothing."
        ),
        examples=["INC-2026-0412"],
    )
    occurred_on: datetime.date = Field(
        description="The day the event happened, YYYY-MM-DD; not in the future.",
        examples=["2026-11-20"],
    )
    trigger_type: str = Field(
        min_length=1,
        max_length=40,
        pattern=CODE,
        description=(
            "The kind of event: a code from Alongside's trigger catalogue "
            "(serious-safety-event, unexpected-death, first-patient-death, "
            "pediatric-event, cluster, litigation, aggression, colleague-death, "
            "other; the program director may add more)."
        ),
        examples=["serious-safety-event"],
    )
    harm_level: HarmLevel | None = Field(
        None,
        description="Harm to the patient on the AHRQ Common Formats harm scale.",
    )
    unit: UnitCode | None = Field(
        None,
        description="The department's code, as on Alongside's Organization page.",
    )
    site: UnitCode | None = Field(
        None,
        description="The site's code, as on Alongside's Organization page.",
    )
    involved: list[InvolvedPerson] = Field(
        min_length=1,
        max_length=50,
        description=(
            "The staff involved. Each is matched to the roster; anyone who is not "
            "is listed in the answer's `unmatched`, and the event is recorded anyway."
        ),
    )

    @field_validator("occurred_on", mode="before")
    @classmethod
    def _a_day(cls, value):
        if isinstance(value, str) and ISO_DATE.fullmatch(value):
            return value
        raise ValueError("Give the day as YYYY-MM-DD.")

    @field_validator("event_id")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("The event id is empty.")
        return value

    def incoming(self) -> IncomingEvent:
        return IncomingEvent(
            event_id=self.event_id,
            occurred_on=self.occurred_on,
            trigger_codes=(self.trigger_type,),
            harm_level=self.harm_level.value if self.harm_level else "",
            unit_code=self.unit or "",
            site_code=self.site or "",
            people=tuple(
                person.person_ref(index) for index, person in enumerate(self.involved)
            ),
        )


# --- Answers -----------------------------------------------------------------------------


class Unmatched(Schema):
    index: int = Field(
        description="The person's position among those the event names, from 0."
    )
    field: str = Field(
        description="Where the person is in the payload: involved[2], recorder, "
        "contributor[0]."
    )
    reason: str = Field(description="Why nobody on the roster matched.")


class EventAccepted(Schema):
    event: int = Field(description="Alongside's id for the event.")
    created: bool = Field(
        description="True when this request recorded the event; false for a retry "
        "of an event already recorded (nothing was changed)."
    )
    involved_matched: int = Field(
        description="How many staff members the event is recorded against."
    )
    unmatched: list[Unmatched] = Field(
        description="The people named who matched nobody active on the roster."
    )


class Message(Schema):
    detail: str


class FieldProblem(Schema):
    field: str = Field(description="The field, as a path: involved[0].npi.")
    message: str


class Invalid(Schema):
    detail: list[FieldProblem]


ANSWERS = {
    200: EventAccepted,
    201: EventAccepted,
    400: Message,
    401: Message,
    413: Message,
    415: Message,
    422: Invalid,
    429: Message,
}
