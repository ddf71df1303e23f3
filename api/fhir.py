"""Reading an HL7 FHIR R4 AdverseEvent, keeping only what outreach needs.

The schemas below declare the few elements Alongside reads; every other
element (subject, text, description, suspectEntity, resultingCondition,
location, outcome, study, the display and text of every coding…) is dropped
when the JSON is validated, so it never reaches a model, a table or a log.
``fhir_event_read`` then turns what is left into an ``IncomingEvent``.

The mapping tables are documented in docs/api.md; keep the two in step.
"""

import datetime
import re
from typing import Annotated, Literal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from ninja import Field, Schema
from pydantic import StringConstraints, field_validator

from api.people import PersonRef
from api.schemas import PLAIN_TEXT
from api.services import IncomingEvent
from events.models import HARM_ORDER, HarmLevel, MatchedBy

Text = Annotated[str, StringConstraints(pattern=PLAIN_TEXT)]

CATEGORY_SYSTEM = "http://terminology.hl7.org/CodeSystem/adverse-event-category"
SERIOUSNESS_SYSTEM = "http://terminology.hl7.org/CodeSystem/adverse-event-seriousness"
SEVERITY_SYSTEM = "http://terminology.hl7.org/CodeSystem/adverse-event-severity"
# A source can name Alongside's own codes outright with these systems.
TRIGGER_SYSTEM = "urn:alongside:trigger-type"
HARM_SYSTEM = "urn:alongside:harm-level"

# R4 adverse-event-category: every one is a safety event in a program's terms.
CATEGORY_TRIGGERS = dict.fromkeys(
    (
        "product-problem",
        "product-quality",
        "product-use-error",
        "wrong-dose",
        "incorrect-prescribing-information",
        "wrong-technique",
        "wrong-route-of-administration",
        "wrong-rate",
        "wrong-duration",
        "wrong-time",
        "expired-drug",
        "medical-device-use-error",
        "problem-different-manufacturer",
        "unsafe-physical-environment",
        "wrong-body-site",
    ),
    "serious-safety-event",
)
FALLBACK_TRIGGER = "other"
DEATH_TRIGGER = "unexpected-death"
# R4 adverse-event-seriousness and adverse-event-severity → the AHRQ harm scale.
# "Non-serious" alone says nothing about the level, so it is left out.
SERIOUSNESS_HARM = {
    "SeriousResultsInDeath": HarmLevel.DEATH,
    "SeriousIsLifeThreatening": HarmLevel.SEVERE,
    "SeriousResultsInDisability": HarmLevel.SEVERE,
    "SeriousIsBirthDefect": HarmLevel.SEVERE,
    "SeriousResultsInHospitalization": HarmLevel.MODERATE,
    "SeriousRequiresPreventImpair": HarmLevel.MODERATE,
    "Serious": HarmLevel.MODERATE,
}
SEVERITY_HARM = {
    "severe": HarmLevel.SEVERE,
    "moderate": HarmLevel.MODERATE,
    "mild": HarmLevel.MILD,
}
FHIR_DATE = re.compile(
    r"(?P<day>\d{4}-\d{2}-\d{2})"
    r"(?:T(?P<time>\d{2}:\d{2}(?::\d{2})?)(?:\.\d+)?(?P<zone>Z|[+-]\d{2}:\d{2})?)?"
)
PARTIAL_DATE = re.compile(r"\d{4}(?:-\d{2})?")


class FhirCoding(Schema):
    system: Text | None = None
    code: Text | None = None


class FhirCodeableConcept(Schema):
    coding: list[FhirCoding] = Field(default_factory=list)


class FhirIdentifier(Schema):
    system: Text | None = None
    value: Text | None = None


class FhirContactPoint(Schema):
    system: Text | None = None
    value: Text | None = None


class FhirReference(Schema):
    reference: Text | None = Field(
        None, description="#id of a contained Practitioner (others are not followed)."
    )
    identifier: FhirIdentifier | None = None


class FhirContainedResource(Schema):
    """A contained resource: only a Practitioner's (or PractitionerRole's) ids are read."""

    resourceType: Text  # FHIR's name
    id: Text | None = None
    identifier: list[FhirIdentifier] = Field(default_factory=list)
    telecom: list[FhirContactPoint] = Field(default_factory=list)
    practitioner: FhirReference | None = None


class FhirAdverseEvent(Schema):
    """The elements of a FHIR R4 AdverseEvent that Alongside reads; the rest is dropped."""

    resourceType: Literal["AdverseEvent"]  # FHIR's name
    identifier: FhirIdentifier | None = Field(
        None,
        description="The event's identifier in your system; its value is the key for "
        "idempotency. (A list is accepted too: its first entry is used.)",
    )
    actuality: Literal["actual", "potential"] | None = None
    category: list[FhirCodeableConcept] = Field(default_factory=list)
    event: FhirCodeableConcept | None = Field(
        None,
        description="Only a coding with the system urn:alongside:trigger-type is read.",
    )
    date: Text | None = Field(None, description="When the event happened.")
    detected: Text | None = Field(None, description="Used when date is absent.")
    seriousness: FhirCodeableConcept | None = None
    severity: FhirCodeableConcept | None = None
    recorder: FhirReference | None = None
    contributor: list[FhirReference] = Field(default_factory=list, max_length=50)
    contained: list[FhirContainedResource] = Field(default_factory=list, max_length=100)

    @field_validator("identifier", mode="before")
    @classmethod
    def _first_identifier(cls, value):
        if isinstance(value, list):
            return value[0] if value else None
        return value


def fhir_event_read(resource: FhirAdverseEvent) -> IncomingEvent:
    """What Alongside keeps of the resource. Raises ValidationError naming the element."""
    event_id = _event_id(resource)
    occurred_on, date_field = _occurred_on(resource)
    trigger_codes = _trigger_codes(resource)
    return IncomingEvent(
        event_id=event_id,
        occurred_on=occurred_on,
        trigger_codes=trigger_codes,
        harm_level=_harm_level(resource),
        people=tuple(_people(resource)),
        fields={
            "occurred_on": date_field,
            "trigger_type": "category",
            "harm_level": "severity",
        },
    )


def _event_id(resource: FhirAdverseEvent) -> str:
    value = (resource.identifier.value or "").strip() if resource.identifier else ""
    if not value:
        raise ValidationError(
            {"identifier": "Give the event's identifier in your system (its value)."}
        )
    if len(value) > 200:
        raise ValidationError(
            {"identifier.value": "An identifier is at most 200 characters."}
        )
    return value


def _occurred_on(resource: FhirAdverseEvent) -> tuple[datetime.date, str]:
    if resource.date is not None:
        name, value = "date", resource.date
    elif resource.detected is not None:
        name, value = "detected", resource.detected
    else:
        raise ValidationError({"date": "Give the date of the event (or detected)."})
    if PARTIAL_DATE.fullmatch(value):
        raise ValidationError({name: "Give the day of the event, not only its month."})
    found = FHIR_DATE.fullmatch(value)
    if found is None:
        raise ValidationError({name: "Not a FHIR date or dateTime (YYYY-MM-DD…)."})
    try:
        day = datetime.date.fromisoformat(found["day"])
        if not (found["time"] and found["zone"]):
            return day, name
        moment = datetime.datetime.fromisoformat(
            f"{found['day']}T{found['time']}{found['zone'].replace('Z', '+00:00')}"
        )
    except ValueError:
        raise ValidationError({name: "Not a real date or time."}) from None
    # The day it was where the organization is.
    return timezone.localtime(moment).date(), name


def _codings(*concepts: FhirCodeableConcept | None):
    for concept in concepts:
        if concept is not None:
            yield from concept.coding


def _trigger_codes(resource: FhirAdverseEvent) -> tuple[str, ...]:
    """Alongside's codes to try in order: named outright, death, the category, other."""
    codes = [
        coding.code
        for coding in _codings(*resource.category, resource.event)
        if coding.system == TRIGGER_SYSTEM and coding.code
    ]
    if any(
        coding.code == "SeriousResultsInDeath" and _is(coding, SERIOUSNESS_SYSTEM)
        for coding in _codings(resource.seriousness)
    ):
        codes.append(DEATH_TRIGGER)
    codes.extend(
        CATEGORY_TRIGGERS[coding.code]
        for coding in _codings(*resource.category)
        if _is(coding, CATEGORY_SYSTEM) and coding.code in CATEGORY_TRIGGERS
    )
    codes.append(FALLBACK_TRIGGER)
    return tuple(dict.fromkeys(codes))


def _harm_level(resource: FhirAdverseEvent) -> str:
    """Alongside's code if given; else the worst that seriousness and severity say."""
    codings = list(_codings(resource.seriousness, resource.severity))
    for coding in codings:
        if coding.system == HARM_SYSTEM and coding.code in HarmLevel.values:
            return coding.code
    levels = [
        SERIOUSNESS_HARM[coding.code]
        for coding in _codings(resource.seriousness)
        if _is(coding, SERIOUSNESS_SYSTEM) and coding.code in SERIOUSNESS_HARM
    ] + [
        SEVERITY_HARM[coding.code]
        for coding in _codings(resource.severity)
        if _is(coding, SEVERITY_SYSTEM) and coding.code in SEVERITY_HARM
    ]
    if levels:
        return min(levels, key=HARM_ORDER.index).value
    if resource.actuality == "potential":
        return HarmLevel.NO_HARM.value  # a near miss harmed nobody
    return ""


def _is(coding: FhirCoding, system: str) -> bool:
    return coding.system in (None, system)


# --- People ------------------------------------------------------------------------------

OUTSIDE = (
    "refers to a resource outside this message, which Alongside does not fetch: "
    "contain the practitioner (#id) or give an identifier"
)
NOT_CONTAINED = "refers to a contained resource (#id) that is not in the message"
NO_IDENTIFIER = (
    "has no identifier with the employee-id or NPI system and no e-mail to match by"
)


def _people(resource: FhirAdverseEvent) -> list[PersonRef]:
    contained = {item.id: item for item in resource.contained if item.id}
    references = [("recorder", resource.recorder)] if resource.recorder else []
    references += [
        (f"contributor[{index}]", reference)
        for index, reference in enumerate(resource.contributor)
    ]
    return [_person(field, reference, contained) for field, reference in references]


def _person(field: str, reference: FhirReference, contained, depth: int = 0):
    identifiers = _identifiers([reference.identifier] if reference.identifier else [])
    problem = ""
    target = (reference.reference or "").strip()
    if target.startswith("#"):
        item = contained.get(target[1:])
        if item is None:
            problem = NOT_CONTAINED
        elif item.resourceType == "Practitioner":
            identifiers += _identifiers(item.identifier) + _emails(item.telecom)
            problem = NO_IDENTIFIER
        elif (
            item.resourceType == "PractitionerRole" and item.practitioner and not depth
        ):
            role = _person(field, item.practitioner, contained, depth=1)
            identifiers += role.identifiers
            problem = role.problem
        else:
            problem = "refers to a contained resource that is not a practitioner"
    elif target:
        problem = OUTSIDE
    else:
        problem = NO_IDENTIFIER
    return PersonRef(field=field, identifiers=tuple(identifiers), problem=problem)


def _identifiers(identifiers) -> list[tuple[str, str]]:
    """Employee ids first, then NPIs: an employee id is the roster's own key."""
    found = []
    for kind, system in (
        (MatchedBy.EMPLOYEE_ID, settings.FHIR_EMPLOYEE_ID_SYSTEM),
        (MatchedBy.NPI, settings.FHIR_NPI_SYSTEM),
    ):
        found += [
            (kind, identifier.value)
            for identifier in identifiers
            if identifier.system == system and identifier.value
        ]
    return found


def _emails(telecom) -> list[tuple[str, str]]:
    return [
        (MatchedBy.EMAIL, point.value)
        for point in telecom
        if point.system == "email" and point.value
    ]
