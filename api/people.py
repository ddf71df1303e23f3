"""Matching the people an incoming event names to the staff roster.

Both endpoints describe each person as a ``PersonRef``: the identifiers to
try, in order (employee id, NPI, work e-mail). ``people_match`` looks every
identifier of one kind up in a single query, whatever the number of people,
and only active staff members match. A person who matches nobody comes back
with a reason, so the caller can be told; the reason may repeat an employee
id or an NPI the caller sent, but never an e-mail address or a name.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models.functions import Lower

from events.models import MatchedBy
from organization.models import StaffMember

KINDS = (MatchedBy.EMPLOYEE_ID, MatchedBy.NPI, MatchedBy.EMAIL)


@dataclass(frozen=True)
class PersonRef:
    """One person as the source names them.

    ``field`` says where in the payload (``involved[2]``, ``recorder``);
    ``identifiers`` are (MatchedBy, value) pairs to try in order; ``problem``
    says why the person cannot be matched at all (a FHIR reference that points
    outside the message, say), and is used when there is nothing to try.
    """

    field: str
    identifiers: tuple[tuple[str, str], ...] = ()
    problem: str = ""


@dataclass(frozen=True)
class PersonMatch:
    index: int
    field: str
    staff_member: StaffMember | None
    matched_by: str = ""
    reason: str = ""


def normalized(kind: str, value: str) -> str:
    value = value.strip()
    if kind == MatchedBy.EMAIL:
        return value.removeprefix("mailto:").strip().lower()
    return value


def people_match(people: Sequence[PersonRef]) -> list[PersonMatch]:
    """Each person matched to an active staff member, or the reason they were not."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for person in people:
        for kind, value in person.identifiers:
            if value := normalized(kind, value):
                wanted[kind].add(value)
    found = {kind: _active_staff_by(kind, values) for kind, values in wanted.items()}
    return [_match(index, person, found) for index, person in enumerate(people)]


def _active_staff_by(kind: str, values: set[str]) -> dict[str, list[StaffMember]]:
    """One query: the active staff members holding any of these values."""
    staff = StaffMember.objects.filter(is_active=True).order_by()
    if kind == MatchedBy.EMPLOYEE_ID:
        rows = staff.filter(employee_id__in=values).only("pk", "employee_id")
        key = "employee_id"
    elif kind == MatchedBy.NPI:
        rows = staff.filter(npi__in=values).only("pk", "npi")
        key = "npi"
    else:
        rows = (
            staff.annotate(email_lower=Lower("work_email"))
            .filter(email_lower__in=values)
            .only("pk", "work_email")
        )
        key = "email_lower"
    holders: dict[str, list[StaffMember]] = defaultdict(list)
    for staff_member in rows:
        holders[getattr(staff_member, key)].append(staff_member)
    return holders


def _match(index: int, person: PersonRef, found) -> PersonMatch:
    tried = []
    for kind, raw in person.identifiers:
        value = normalized(kind, raw)
        if not value:
            continue
        tried.append((kind, value))
        holders = found.get(kind, {}).get(value, [])
        if len(holders) == 1:
            return PersonMatch(index, person.field, holders[0], matched_by=kind)
        if len(holders) > 1:
            # NPIs are not unique on the roster; two people with one is a roster error.
            return PersonMatch(
                index,
                person.field,
                None,
                reason=f"more than one active staff member has {_described(kind, value)}",
            )
    if not tried:
        reason = person.problem or "no employee id, NPI or e-mail to match by"
    else:
        reason = "no active staff member with " + _listed(
            [_described(kind, value) for kind, value in tried]
        )
    return PersonMatch(index, person.field, None, reason=reason)


def _described(kind: str, value: str) -> str:
    if kind == MatchedBy.EMPLOYEE_ID:
        return f"employee id {value}"
    if kind == MatchedBy.NPI:
        return f"NPI {value}"
    return "the work e-mail given"


def _listed(parts: list[str]) -> str:
    unique = list(dict.fromkeys(parts))
    if len(unique) == 1:
        return unique[0]
    return ", ".join(unique[:-1]) + " or " + unique[-1]
