"""Matching a person who needs support to a peer supporter, and saying why.

The rules are the program's (docs/matching.md):

**Never a candidate** (each excluded supporter is counted once, under the
first of these that applies, in this order):

1. not assignable today (``training.selectors.assignable_supporters``:
   paused, in training, awaiting sign-off or due a refresher);
2. the person themselves;
3. assigned to this offer before (``MatchRequest.exclude_supporter_ids``);
4. involved in the same event;
5. in the person's reporting line, in either direction, at any depth;
6. not of the gender the person asked for (an empty profile never matches);
7. not from the department the person asked for ("own" or "other");
8. at or over their caseload cap (open assignments other than NEW, against
   ``SupporterProfile.caseload_cap`` or else the program's cap).

Relationships come first, then the person's wishes, then capacity: the
caseload count then says how many people more capacity would bring in.

**Ranking** among the rest, lexicographic (see ``Candidate.score``):

1. the same profession as the person (when ``same_profession``);
2. the program's department rule (another department by default), as a
   preference, when the person expressed none;
3. on call now (when ``prefer_on_call``: outreach triggered by an event);
4. fewer open assignments;
5. least recently assigned (never assigned first);
6. the roster id, so equal candidates always come out in the same order.

A match runs a fixed number of queries whatever the number of supporters
(at most eight once the program settings exist).
"""

import heapq
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from django.db import connection
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from events.models import EventInvolvement
from organization.models import StaffMember
from outreach.models import (
    OPEN_STATES,
    DepartmentPreference,
    OfferOrigin,
    OfferState,
    OnCallWindow,
    OutreachOffer,
)
from program.models import DepartmentRule
from program.selectors import program_settings
from training.selectors import assignable_supporters, current_supporters

# Open offers that count against a supporter's caseload: a NEW offer has nobody yet.
CASELOAD_STATES = [state for state in OPEN_STATES if state != OfferState.NEW]

# Outreach the program starts itself, after an event: the supporter on call is preferred.
TRIGGERED_ORIGINS = frozenset(
    {OfferOrigin.EVENT, OfferOrigin.CLUSTER, OfferOrigin.REOPENED}
)


class Exclusion(StrEnum):
    """Why a supporter is not a candidate, in the order the rules are applied."""

    NOT_ACTIVE = "not_active"
    PERSON = "person"
    EARLIER_ASSIGNEE = "earlier_assignee"
    SAME_EVENT = "same_event"
    REPORTING_LINE = "reporting_line"
    GENDER = "gender"
    DEPARTMENT = "department"
    CASELOAD_CAP = "caseload_cap"


@dataclass
class MatchRequest:
    """Who needs a supporter, and what the match must honour.

    ``department_preference`` is the person's own wish ("own", "other"),
    a hard rule; empty or "any" leaves the program's department rule as a
    preference in the ranking.
    """

    person: StaffMember
    event_id: int | None = None
    department_preference: str = ""
    same_profession: bool = True
    supporter_gender: str = ""
    exclude_supporter_ids: frozenset[int] = frozenset()
    prefer_on_call: bool = False
    now: datetime | None = None

    @classmethod
    def for_offer(
        cls,
        offer: OutreachOffer,
        *,
        exclude: Iterable = (),
        now: datetime | None = None,
    ) -> "MatchRequest":
        """The request for an offer: its person, event, referral wishes and past assignees.

        The offer's current supporter is excluded too (a match for an
        assigned offer is a reassignment). Outreach triggered by an event
        (after one, a cluster of them, or notice of litigation) prefers
        the supporter on call.
        """
        excluded = {getattr(item, "pk", item) for item in exclude}
        if offer.supporter_id is not None:
            excluded.add(offer.supporter_id)
        request = cls(
            person=offer.person,
            event_id=offer.event_id,
            exclude_supporter_ids=frozenset(excluded),
            prefer_on_call=offer.origin in TRIGGERED_ORIGINS,
            now=now,
        )
        if offer.referral_id is not None:
            referral = offer.referral
            request.department_preference = referral.department_preference
            request.same_profession = referral.same_profession
            request.supporter_gender = referral.supporter_gender
        return request


@dataclass
class Candidate:
    """A supporter who could be assigned, why, and where they rank.

    ``score`` is compared as a tuple, lowest first: (different profession,
    against the department rule, not on call, open assignments, ever
    assigned, last assigned as a timestamp, roster id).
    """

    staff_member: StaffMember
    reasons: list[str]
    score: tuple
    open_assignments: int = 0
    last_assigned_at: datetime | None = None
    on_call: bool = False


@dataclass
class MatchProposal:
    chosen: Candidate | None
    runners_up: list[Candidate]
    excluded_counts: dict[str, int] = field(default_factory=dict)
    explanation: str = ""

    def as_record(self) -> dict:
        """What an offer keeps of the proposal (``OutreachOffer.match_explanation``)."""

        def entry(candidate: Candidate) -> dict:
            return {
                "supporter_id": candidate.staff_member.pk,
                "name": candidate.staff_member.full_name,
                "reasons": candidate.reasons,
            }

        return {
            "chosen": entry(self.chosen) if self.chosen else None,
            "runners_up": [entry(candidate) for candidate in self.runners_up],
            "excluded": dict(self.excluded_counts),
            "explanation": self.explanation,
        }


# Score positions, for saying why a runner-up came after the chosen supporter.
_PROFESSION, _DEPARTMENT, _ON_CALL, _LOAD, _EVER, _LAST, _ROSTER = range(7)


def match_supporters(request: MatchRequest, *, runners_up: int = 3) -> MatchProposal:
    """Propose a supporter for the request, with the runners-up and an explanation."""
    now = request.now or timezone.now()
    person = request.person
    settings_row = program_settings()
    pool = list(
        assignable_supporters()
        .order_by()
        .values_list(
            "pk",
            "profession_id",
            "department_id",
            "supporter_profile__gender",
            "supporter_profile__caseload_cap",
        )
    )
    not_active = max(current_supporters().order_by().count() - len(pool), 0)
    load = {
        supporter_id: (open_count, last_assigned_at)
        for supporter_id, open_count, last_assigned_at in OutreachOffer.objects.filter(
            supporter__isnull=False
        )
        .order_by()
        .values_list("supporter_id")
        .annotate(
            open_count=Count("pk", filter=Q(state__in=CASELOAD_STATES)),
            last_assigned_at=Max("assigned_at"),
        )
    }
    involved = (
        set(
            EventInvolvement.objects.filter(event_id=request.event_id).values_list(
                "staff_member_id", flat=True
            )
        )
        if request.event_id is not None
        else set()
    )
    on_call = (
        set(
            OnCallWindow.objects.filter(
                starts_at__lte=now, ends_at__gt=now
            ).values_list("supporter_id", flat=True)
        )
        if request.prefer_on_call
        else set()
    )
    line = reporting_line(person.pk, among=assignable_supporters())

    hard_department = (
        request.department_preference
        if request.department_preference
        in (DepartmentPreference.OWN_DEPARTMENT, DepartmentPreference.OTHER_DEPARTMENT)
        else ""
    )
    soft_rule = (
        DepartmentRule.ANY if hard_department else settings_row.matching_department_rule
    )
    wanted_gender = request.supporter_gender.strip().lower()
    program_cap = settings_row.supporter_caseload_cap

    counts: Counter[str] = Counter()
    if not_active:
        counts[Exclusion.NOT_ACTIVE] = not_active
    scored = []
    for pk, profession_id, department_id, gender, profile_cap in pool:
        open_count, last_assigned_at = load.get(pk, (0, None))
        same_department = department_id == person.department_id
        cap = profile_cap if profile_cap is not None else program_cap
        if pk == person.pk:
            exclusion = Exclusion.PERSON
        elif pk in request.exclude_supporter_ids:
            exclusion = Exclusion.EARLIER_ASSIGNEE
        elif pk in involved:
            exclusion = Exclusion.SAME_EVENT
        elif pk in line:
            exclusion = Exclusion.REPORTING_LINE
        elif wanted_gender and (gender or "").lower() != wanted_gender:
            exclusion = Exclusion.GENDER
        elif (
            hard_department == DepartmentPreference.OWN_DEPARTMENT
            and not same_department
        ) or (
            hard_department == DepartmentPreference.OTHER_DEPARTMENT and same_department
        ):
            exclusion = Exclusion.DEPARTMENT
        elif open_count >= cap:
            exclusion = Exclusion.CASELOAD_CAP
        else:
            exclusion = None
        if exclusion is not None:
            counts[exclusion] += 1
            continue
        score = (
            int(request.same_profession and profession_id != person.profession_id),
            _against_rule(soft_rule, same_department=same_department),
            int(request.prefer_on_call and pk not in on_call),
            open_count,
            0 if last_assigned_at is None else 1,
            0.0 if last_assigned_at is None else last_assigned_at.timestamp(),
            pk,
        )
        scored.append((score, open_count, last_assigned_at, pk in on_call))

    best = heapq.nsmallest(1 + max(runners_up, 0), scored)
    members = (
        StaffMember.objects.select_related("profession", "department").in_bulk(
            [score[_ROSTER] for score, *_ in best] + [person.pk]
        )
        if best
        else {}
    )
    person_row = members.get(person.pk, person)
    candidates = [
        _candidate(
            request,
            person_row,
            members[score[_ROSTER]],
            score=score,
            open_count=open_count,
            last_assigned_at=last_assigned_at,
            on_call=is_on_call,
            now=now,
        )
        for score, open_count, last_assigned_at, is_on_call in best
    ]
    excluded_counts = {
        reason.value: counts[reason] for reason in Exclusion if counts[reason]
    }
    chosen = candidates[0] if candidates else None
    return MatchProposal(
        chosen=chosen,
        runners_up=candidates[1:],
        excluded_counts=excluded_counts,
        explanation=_explanation(
            request,
            person_row,
            chosen,
            candidates[1:],
            excluded_counts,
            soft_rule=soft_rule,
            now=now,
        ),
    )


def reporting_line(person_id: int, *, among: QuerySet[StaffMember]) -> set[int]:
    """Who among the given staff is in the person's reporting line, either way.

    Above: their supervisor, their supervisor's supervisor, and so on.
    Below: anyone whose chain of supervisors reaches the person. One
    recursive query collects every supervisor above the person and above
    the given staff (UNION drops repeats, so a loop in the roster ends it);
    the chains are then walked in memory, guarding against loops.
    """
    table = connection.ops.quote_name(StaffMember._meta.db_table)
    among_sql, among_params = among.order_by().values("pk").query.sql_with_params()
    sql = f"""
        WITH RECURSIVE line(id, supervisor_id, is_start) AS (
            SELECT id, supervisor_id, 1 FROM {table}
            WHERE id = %s OR id IN ({among_sql})
            UNION
            SELECT staff.id, staff.supervisor_id, 0 FROM {table} staff
            JOIN line ON staff.id = line.supervisor_id
        )
        SELECT id, supervisor_id, is_start FROM line
    """  # noqa: S608 - the table name is the model's; every value is a parameter
    with connection.cursor() as cursor:
        cursor.execute(sql, [person_id, *among_params])
        rows = cursor.fetchall()
    supervisor_of = {pk: supervisor_id for pk, supervisor_id, _ in rows}
    starts = {pk for pk, _, is_start in rows if is_start}

    above = set()
    node = supervisor_of.get(person_id)
    while node is not None and node not in above and node != person_id:
        above.add(node)
        node = supervisor_of.get(node)

    # below[x]: whether the person is somewhere above x (memoised along each walk).
    below: dict[int, bool] = {person_id: True}
    for start in supervisor_of:
        path, seen = [], set()
        node = start
        while node is not None and node not in below and node not in seen:
            seen.add(node)
            path.append(node)
            node = supervisor_of.get(node)
        found = below.get(node, False) if node is not None else False
        for visited in path:
            below[visited] = found
    reports = {pk for pk, under in below.items() if under}
    return ((above | reports) & starts) - {person_id}


def _against_rule(rule: str, *, same_department: bool) -> int:
    """1 when a supporter's department goes against the department rule, else 0."""
    if rule == DepartmentRule.SAME:
        return int(not same_department)
    if rule == DepartmentRule.OTHER:
        return int(same_department)
    return 0


# --- Plain language -----------------------------------------------------------------------


def _lower(name: str) -> str:
    """ "Physician" → "physician", keeping acronyms ("ICU nurse") as they are."""
    if len(name) > 1 and name[:2].isupper():
        return name
    return name[:1].lower() + name[1:]


def _a(noun: str) -> str:
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def _assignments(count: int) -> str:
    if count == 0:
        return "no open assignments"
    return f"{count} open assignment{'' if count == 1 else 's'}"


def _last_assigned(last_assigned_at: datetime | None, now: datetime) -> str:
    if last_assigned_at is None:
        return "never assigned before"
    days = max((now - last_assigned_at).days, 0)
    if days == 0:
        return "last assigned today"
    if days == 1:
        return "last assigned yesterday"
    return f"last assigned {days} days ago"


def _candidate(
    request: MatchRequest,
    person: StaffMember,
    supporter: StaffMember,
    *,
    score: tuple,
    open_count: int,
    last_assigned_at: datetime | None,
    on_call: bool,
    now: datetime,
) -> Candidate:
    profession = _lower(supporter.profession.name)
    reasons = [
        f"same profession ({profession})"
        if supporter.profession_id == person.profession_id
        else f"a different profession ({profession})",
        f"same department ({supporter.department.name})"
        if supporter.department_id == person.department_id
        else f"from another department ({supporter.department.name})",
    ]
    if request.prefer_on_call:
        reasons.append("on call now" if on_call else "not on call")
    reasons += [_assignments(open_count), _last_assigned(last_assigned_at, now)]
    return Candidate(
        staff_member=supporter,
        reasons=reasons,
        score=score,
        open_assignments=open_count,
        last_assigned_at=last_assigned_at,
        on_call=on_call,
    )


def _explanation(
    request: MatchRequest,
    person: StaffMember,
    chosen: Candidate | None,
    runners_up: list[Candidate],
    excluded_counts: dict[str, int],
    *,
    soft_rule: str,
    now: datetime,
) -> str:
    name = person.first_name
    if chosen is None:
        return (
            f"No supporter is available: {_exclusions(excluded_counts, request, name)}."
        )
    supporter = chosen.staff_member
    profession = _lower(supporter.profession.name)
    if supporter.profession_id != person.profession_id and request.same_profession:
        parts = [f"{_a(profession)} (no {_lower(person.profession.name)} is available)"]
    elif supporter.profession_id == person.profession_id:
        parts = [f"{_a(profession)} like {name}"]
    else:
        parts = [_a(profession)]
    if supporter.department_id == person.department_id:
        parts.append(f"from the same department ({supporter.department.name})")
    else:
        parts.append(f"from another department ({supporter.department.name})")
    if request.prefer_on_call:
        parts.append("on call now" if chosen.on_call else "not on call")
    parts.append(f"with {_assignments(chosen.open_assignments)}")
    first = f"{supporter.full_name}: {', '.join(parts)}."
    if not runners_up:
        return f"{first} Nobody else is available."
    others = ", ".join(
        f"{candidate.staff_member.full_name} "
        f"({_why_after(candidate, chosen, person, soft_rule=soft_rule, now=now)})"
        for candidate in runners_up
    )
    return f"{first} Runners-up: {others}."


def _why_after(
    candidate: Candidate,
    chosen: Candidate,
    person: StaffMember,
    *,
    soft_rule: str,
    now: datetime,
) -> str:
    """The first rule on which a runner-up came after the chosen supporter."""
    position = next(
        (
            index
            for index, (theirs, ours) in enumerate(
                zip(candidate.score, chosen.score, strict=True)
            )
            if theirs != ours
        ),
        _ROSTER,
    )
    supporter = candidate.staff_member
    if position == _PROFESSION:
        return (
            f"{_a(_lower(supporter.profession.name))}, "
            f"not {_a(_lower(person.profession.name))}"
        )
    if position == _DEPARTMENT:
        if soft_rule == DepartmentRule.OTHER:
            return f"from the same department ({supporter.department.name})"
        return f"from another department ({supporter.department.name})"
    if position == _ON_CALL:
        return "not on call"
    if position == _LOAD:
        return _assignments(candidate.open_assignments)
    if position in (_EVER, _LAST):
        return _last_assigned(candidate.last_assigned_at, now)
    return "an equal match"


_EXCLUSION_WORDS = {
    Exclusion.NOT_ACTIVE: (
        "is not active just now (paused, in training or due a refresher)",
        "are not active just now (paused, in training or due a refresher)",
    ),
    Exclusion.PERSON: ("is {name}", "are {name}"),
    Exclusion.EARLIER_ASSIGNEE: (
        "was assigned to this request before",
        "were assigned to this request before",
    ),
    Exclusion.SAME_EVENT: (
        "was involved in the same event",
        "were involved in the same event",
    ),
    Exclusion.REPORTING_LINE: (
        "is in {name}'s reporting line",
        "are in {name}'s reporting line",
    ),
    Exclusion.GENDER: (
        "does not match the gender {name} asked for",
        "do not match the gender {name} asked for",
    ),
    Exclusion.CASELOAD_CAP: (
        "is at their caseload cap",
        "are at their caseload cap",
    ),
}


def _exclusions(
    excluded_counts: dict[str, int], request: MatchRequest, name: str
) -> str:
    """The exclusions in words, the largest first ("3 are at their caseload cap, …")."""
    if not excluded_counts:
        return "there are no active peer supporters"
    order = list(Exclusion)
    phrases = []
    for reason, count in sorted(
        excluded_counts.items(),
        key=lambda item: (-item[1], order.index(Exclusion(item[0]))),
    ):
        if reason == Exclusion.DEPARTMENT:
            if request.department_preference == DepartmentPreference.OWN_DEPARTMENT:
                words = f"from another department ({name} asked for their own)"
            else:
                words = f"from {name}'s own department ({name} asked for another)"
            phrase = f"{'is' if count == 1 else 'are'} {words}"
        else:
            singular, plural = _EXCLUSION_WORDS[Exclusion(reason)]
            phrase = (singular if count == 1 else plural).format(name=name)
        phrases.append(f"{count} {phrase}")
    return ", ".join(phrases)
