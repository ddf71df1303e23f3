"""Matching the people an incoming event names to the staff roster.

Both endpoints describe each person as a ``PersonRef``: the identifiers to
try, in order (employee id, NPI, work e-mail). ``people_match`` looks every
identifier of every person up in one query, whatever the number of people,
and only active staff members match. A person who matches nobody comes back
with a reason, so the caller can be told; the reason may repeat an employee
id or an NPI the caller sent, but never an e-mail address or a name.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Q
from django.db.models.functions import Lower

from events.models import MatchedBy
from organization.models import StaffMember

KINDS = (MatchedBy.EMPLOYEE_ID, MatchedBy.NPI, MatchedBy.EMAIL)
# Where each kind of identifier is on the roster (e-mail compared lower-cased).
COLUMNS = {
    MatchedBy.EMPLOYEE_ID: "employee_id",
    MatchedBy.NPI: "npi",
    MatchedBy.EMAIL: "email_lower",
}


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
    found = _active_staff_holding(wanted)
    return [_match(index, person, found) for index, person in enumerate(people)]


def _active_staff_holding(wanted: dict[str, set[str]]):
    """One query: the active staff members holding any wanted value, by kind and value."""
    found: dict[str, dict[str, list[StaffMember]]] = {
        kind: defaultdict(list) for kind in KINDS
    }
    condition = Q()
    for kind in KINDS:
        if wanted.get(kind):
            condition |= Q(**{f"{COLUMNS[kind]}__in": wanted[kind]})
    if not condition:
        return found
    rows = (
        StaffMember.objects.filter(is_active=True)
        .annotate(email_lower=Lower("work_email"))
        .filter(condition)
        .only("pk", "employee_id", "npi", "work_email")
        .order_by()
    )
    for staff_member in rows:
        for kind in KINDS:
            value = getattr(staff_member, COLUMNS[kind])
            if value in wanted.get(kind, ()):
                found[kind][value].append(staff_member)
    return found


def _match(index: int, person: PersonRef, found) -> PersonMatch:
    tried = []
    for kind, raw in person.identifiers:
        value = normalized(kind, raw)
        if not value:
            continue
        tried.append((kind, value))
        holders = found[kind].get(value, [])
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
