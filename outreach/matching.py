"""Matching a person who needs support to a peer supporter, and saying why.

The rules are the program's (docs/matching.md):

**Never a candidate** (each excluded supporter is counted once, under the
first of these that applies, in this order):

1. not assignable today (``training.selectors.assignable_supporters``:
   paused, in training, awaiting sign-off or due a refresher; counted only
   when nobody qualifies, which is when the explanation needs it);
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

A match runs at most eight queries whatever the number of supporters
(see ``match_supporters``).
"""

import heapq
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from django.db import connection
from django.db.models import Count, Max
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
    """Propose a supporter for the request, with the runners-up and an explanation.

    At most eight queries, whatever the number of supporters: the settings,
    the pool, open assignments (grouped), the event's people, who is on
    call, the reporting line (one recursive query), when the leaders were
    last assigned (grouped), and the leaders' names. When nobody qualifies,
    the last two give way to counting the supporters who are not active.
    """
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
            "supervisor_id",
            "supporter_profile__gender",
            "supporter_profile__caseload_cap",
        )
    )
    open_counts = dict(
        OutreachOffer.objects.filter(state__in=CASELOAD_STATES, supporter__isnull=False)
        .order_by()
        .values_list("supporter_id")
        .annotate(open_count=Count("pk"))
    )
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
    line = reporting_line(person.pk, supervisor_of={row[0]: row[3] for row in pool})

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

    own_only = hard_department == DepartmentPreference.OWN_DEPARTMENT
    other_only = hard_department == DepartmentPreference.OTHER_DEPARTMENT
    excluded = request.exclude_supporter_ids
    counts: Counter[str] = Counter()
    ranked = []  # (score so far, roster id, open assignments, on call)
    for pk, profession_id, department_id, _, gender, profile_cap in pool:
        open_count = open_counts.get(pk, 0)
        same_department = department_id == person.department_id
        if pk == person.pk:
            exclusion = Exclusion.PERSON
        elif pk in excluded:
            exclusion = Exclusion.EARLIER_ASSIGNEE
        elif pk in involved:
            exclusion = Exclusion.SAME_EVENT
        elif pk in line:
            exclusion = Exclusion.REPORTING_LINE
        elif wanted_gender and (gender or "").lower() != wanted_gender:
            exclusion = Exclusion.GENDER
        elif (own_only and not same_department) or (other_only and same_department):
            exclusion = Exclusion.DEPARTMENT
        elif open_count >= (program_cap if profile_cap is None else profile_cap):
            exclusion = Exclusion.CASELOAD_CAP
        else:
            is_on_call = pk in on_call
            prefix = (
                int(request.same_profession and profession_id != person.profession_id),
                _against_rule(soft_rule, same_department=same_department),
                int(request.prefer_on_call and not is_on_call),
                open_count,
            )
            ranked.append((prefix, pk, open_count, is_on_call))
            continue
        counts[exclusion] += 1

    wanted = 1 + max(runners_up, 0)
    leaders = _leaders(ranked, wanted)
    last_assigned = _last_assigned_at([pk for _, pk, _, _ in leaders])
    best = heapq.nsmallest(
        wanted,
        (
            (
                (*prefix, *_recency(last_assigned.get(pk)), pk),
                open_count,
                last_assigned.get(pk),
                is_on_call,
            )
            for prefix, pk, open_count, is_on_call in leaders
        ),
    )
    if best:
        members = StaffMember.objects.select_related(
            "profession", "department"
        ).in_bulk([score[_ROSTER] for score, *_ in best] + [person.pk])
    else:
        members = {}
        not_active = current_supporters().order_by().count() - len(pool)
        if not_active > 0:
            counts[Exclusion.NOT_ACTIVE] = not_active
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


def _leaders(ranked: list, wanted: int) -> list:
    """The candidates who can still make the top ``wanted`` once recency is known.

    Everyone whose score so far is no worse than the ``wanted``-th best:
    anyone worse is beaten by at least ``wanted`` others whatever their
    dates, so their last assignment never needs to be read.
    """
    if len(ranked) <= wanted:
        return ranked
    threshold = heapq.nsmallest(wanted, (entry[0] for entry in ranked))[-1]
    return [entry for entry in ranked if entry[0] <= threshold]


# Past this many leaders, reading every supporter's last assignment is cheaper.
_LAST_ASSIGNED_BY_ID = 500


def _last_assigned_at(supporter_ids: list[int]) -> dict[int, datetime]:
    """When each supporter was last assigned an offer (one grouped query)."""
    if not supporter_ids:
        return {}
    offers = OutreachOffer.objects.filter(assigned_at__isnull=False)
    if len(supporter_ids) <= _LAST_ASSIGNED_BY_ID:
        offers = offers.filter(supporter_id__in=supporter_ids)
    else:
        offers = offers.filter(supporter__isnull=False)
    return dict(
        offers.order_by()
        .values_list("supporter_id")
        .annotate(last_assigned_at=Max("assigned_at"))
    )


def _recency(last_assigned_at: datetime | None) -> tuple[int, float]:
    """Never assigned first, then the longest ago."""
    if last_assigned_at is None:
        return (0, 0.0)
    return (1, last_assigned_at.timestamp())


def reporting_line(person_id: int, *, supervisor_of: dict[int, int | None]) -> set[int]:
    """Who among the given staff (id → their supervisor's id) is in the person's line.

    Above: the person's supervisor, their supervisor's supervisor, and so
    on. Below: anyone whose chain of supervisors reaches the person. One
    recursive query reads every supervisor above the person and, when anyone
    reports to the person, above the given staff, one primary-key lookup
    each (UNION drops repeats, so a loop on the roster ends it); the chains
    are then walked in memory, memoised, guarding against loops.
    """
    starts = {pk for pk in supervisor_of.values() if pk is not None}
    table = connection.ops.quote_name(StaffMember._meta.db_table)
    ids_sql, ids_params = _id_list(starts)
    # The supporters' chains are climbed only when someone reports to the person
    # (most people: nobody), else the person's own chain is all there is to read.
    # The supervisor is read by a scalar subquery, not a join: one index lookup
    # per step, where PostgreSQL would otherwise hash the whole roster.
    sql = f"""
        WITH RECURSIVE line(id, supervisor_id) AS (
            SELECT staff.id, staff.supervisor_id FROM {table} staff
            WHERE staff.id = %s
            UNION
            SELECT staff.id, staff.supervisor_id FROM {table} staff
            WHERE staff.id IN ({ids_sql})
            AND EXISTS (SELECT 1 FROM {table} report WHERE report.supervisor_id = %s)
            UNION
            SELECT line.supervisor_id, (
                SELECT above.supervisor_id FROM {table} above
                WHERE above.id = line.supervisor_id
            )
            FROM line WHERE line.supervisor_id IS NOT NULL
        )
        SELECT id, supervisor_id FROM line
    """  # noqa: S608 - the table name is the model's; every value is a parameter
    with connection.cursor() as cursor:
        cursor.execute(sql, [person_id, *ids_params, person_id])
        chain = dict(cursor.fetchall())
    chain.update(supervisor_of)

    above = set()
    node = chain.get(person_id)
    while node is not None and node not in above and node != person_id:
        above.add(node)
        node = chain.get(node)

    below: set[int] = set()
    if person_id in chain.values():  # someone reports to the person
        # under[x]: whether the person is above x; False while x's walk is under way,
        # so a loop that never reaches the person ends as "not under".
        under: dict[int, bool] = {person_id: True}
        for start in supervisor_of:
            path = []
            node = start
            while node is not None and node not in under:
                under[node] = False
                path.append(node)
                node = chain.get(node)
            if node is not None and under[node]:
                for visited in path:
                    under[visited] = True
        below = {pk for pk, is_under in under.items() if is_under}
    return ((above | below) & supervisor_of.keys()) - {person_id}


def _id_list(ids: set[int]) -> tuple[str, list]:
    """A SELECT of the given ids, bound as one JSON parameter (no limit on how many).

    On PostgreSQL the planner guesses a JSON array holds 100 elements, whatever
    its length: that keeps the estimated cost of the walk small and steady,
    below where it would compile the query just in time (which costs far more
    than the walk itself).
    """
    values = json.dumps(sorted(ids))
    if connection.vendor == "postgresql":
        column = StaffMember._meta.get_field("supervisor").db_type(connection)
        return f"SELECT (jsonb_array_elements_text(%s::jsonb))::{column}", [values]
    return "SELECT value FROM json_each(%s)", [values]


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
