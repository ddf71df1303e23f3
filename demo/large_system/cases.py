"""Outreach offers and everything that hangs on them, written in chunks.

An offer for every eligible person involved in an event (eligible under the
scope in force that day), and requests (for themselves, by a colleague, by
their leader) to make up the total. Each offer gets its story
(``timeline``), the OfferStep rows the timeline page reads, an audit event
per move as the services write them, conversations with care checks, a
facilitated referral for those referred on, and, for four offers in ten, an
access event for the administrator or director who opened it. All but a few
hundred offers have ended; the open ones are among the last three weeks'.
"""

import bisect
import datetime
import random
from dataclasses import dataclass

from confidentiality.models import AccessEvent, AccessKind, AuditAction, AuditEvent
from conversations.models import (
    CareCheck,
    DebriefRequest,
    Encounter,
    FacilitatedReferral,
    SafetyConcern,
)
from demo.large_system.bulk import next_id, rows_insert
from demo.large_system.events import Event, daily_weights
from demo.large_system.organization import Roster
from demo.large_system.people import Team
from demo.large_system.timeline import Story, story_fit, story_tell
from events.models import HarmLevel
from outreach.models import OfferOrigin, OfferState, OfferStep, OutreachOffer, Referral
from program.selectors import program_settings
from resources.models import Resource
from scope.models import DemandRecord

CHUNK = 20_000
OPEN_WITHIN = datetime.timedelta(days=21)
KINDS = {"self": 0.6, "colleague": 0.28, "leader": 0.12}
ORIGIN = {
    "self": OfferOrigin.SELF,
    "colleague": OfferOrigin.COLLEAGUE,
    "leader": OfferOrigin.LEADER,
}
HOW_HEARD = [
    "grand_rounds",
    "colleague",
    "onboarding",
    "newsletter",
    "reached_out",
    "faculty_meeting",
    "other",
]
OUT_OF_SCOPE_SHARE = 0.08
OFFER = "outreach.outreachoffer"
PROGRAM = "program"
AUDIT_COLUMNS = [
    "occurred_at",
    "actor_id",
    "action",
    "object_type",
    "object_id",
    "subject_id",
    "audience",
    "details",
]


@dataclass
class Offer:
    pk: int
    person: int  # staff index
    origin: str
    created: datetime.datetime
    hours: int
    event: int | None = None
    referral: int | None = None
    trigger: int | None = None


class Scope:
    """Which professions the program served on a day: [(days before today, professions)]."""

    def __init__(self, steps: list[tuple[int, set[int]]], roster: Roster):
        self.steps = sorted(steps, reverse=True)
        self.roster = roster

    def serves(self, n: int, day: datetime.date) -> bool:
        days_ago = (self.roster.today - day).days
        professions: set[int] = set()
        for since, chosen in self.steps:
            if since >= days_ago:
                professions = chosen
        return (
            bool(self.roster.active[n])
            and int(self.roster.profession[n]) in professions
        )


def event_offers_plan(events: list[Event], scope: Scope) -> list[Offer]:
    death_hours = program_settings().first_contact_hours_after_death
    first = next_id(OutreachOffer)
    offers = []
    for event in events:
        hours = event.trigger.first_contact_hours
        if event.harm == HarmLevel.DEATH:
            hours = min(hours, death_hours)
        for n in event.involved:
            if scope.serves(n, event.day):
                offers.append(
                    Offer(
                        pk=first + len(offers),
                        person=n,
                        origin=OfferOrigin.EVENT,
                        created=event.created_at + datetime.timedelta(seconds=30),
                        hours=hours,
                        event=event.pk,
                        trigger=event.trigger.pk,
                    )
                )
    return offers


def requests_write(
    r: random.Random, roster: Roster, scope: Scope, *, count: int, first_offer: int, now
) -> list[Offer]:
    """Requests for support (plus some from outside the scope): Referral and DemandRecord rows."""
    weights = daily_weights(roster).tolist()
    days = r.choices(range(len(weights)), weights=weights, k=count)
    days.sort()
    active = [n for n in range(len(roster.ids)) if roster.active[n]]
    first = next_id(Referral)
    referrals, demand, offers, audit = [], [], [], []
    for number, offset in enumerate(days):
        day = roster.program_start + datetime.timedelta(days=offset)
        created = min(
            datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC)
            + datetime.timedelta(hours=r.uniform(7, 23)),
            now - datetime.timedelta(minutes=r.uniform(5, 600)),
        )
        inside = r.random() >= OUT_OF_SCOPE_SHARE
        n = _requester(r, roster, scope, active, day, inside=inside)
        kind = r.choices(list(KINDS), weights=list(KINDS.values()))[0]
        referrer = _referrer(r, roster, active, n, kind)
        pk = first + number
        referrals.append(
            (pk, kind, int(roster.ids[n]), referrer, "any", True, "",
             r.choice(["any", "phone", "video"]), r.choice(HOW_HEARD), created)
        )  # fmt: skip
        audit.append(
            (created, None, AuditAction.REFERRAL_MADE, "outreach.referral", str(pk),
             int(roster.ids[n]), PROGRAM, {"kind": kind})
        )  # fmt: skip
        served = scope.serves(n, day)
        demand.append((day, served, *_units(roster, n)))
        if served:
            offers.append(
                Offer(first_offer + len(offers), n, ORIGIN[kind], created + datetime.timedelta(seconds=1), 24, referral=pk)
            )  # fmt: skip
    rows_insert(
        Referral,
        ["id", "kind", "person_id", "referrer_id", "department_preference", "same_profession",
         "supporter_gender", "modality", "how_heard", "created_at"],
        referrals,
    )  # fmt: skip
    rows_insert(AuditEvent, AUDIT_COLUMNS, audit)
    rows_insert(
        DemandRecord,
        ["recorded_on", "in_scope", "profession_id", "department_id", "site_id"],
        demand,
    )
    return offers


def _units(roster: Roster, n: int) -> tuple[int, int, int]:
    return (
        roster.profession_ids[roster.profession[n]],
        roster.department_ids[roster.department[n]],
        roster.site_ids[roster.site[n]],
    )


def _requester(r, roster: Roster, scope: Scope, active, day, *, inside: bool) -> int:
    days_ago = (roster.today - day).days
    n = active[0]
    for _ in range(30):
        n = active[int(r.random() * len(active))]
        if roster.start[n] >= days_ago and scope.serves(n, day) == inside:
            return n
    return n


def _referrer(r, roster: Roster, active, n: int, kind: str) -> int | None:
    if kind == "self":
        return int(roster.ids[n])
    if kind == "leader" and roster.supervisor[n] >= 0:
        return int(roster.ids[roster.supervisor[n]])
    other = active[int(r.random() * len(active))]
    return int(roster.ids[other]) if other != n else None


def open_offers_choose(
    r: random.Random, offers: list[Offer], *, count: int, now
) -> set[int]:
    """A few hundred offers of the last three weeks stay open, one per person."""
    recent = [o for o in offers if o.created >= now - OPEN_WITHIN]
    chosen: dict[int, int] = {}
    for offer in r.sample(recent, min(len(recent), count * 2)):
        if len(chosen) < count:
            chosen.setdefault(offer.person, offer.pk)
    return set(chosen.values())


@dataclass
class Rows:
    offers: list
    steps: list
    audit: list
    access: list
    encounters: list
    care_checks: list
    debriefs: list
    referrals: list


class CaseWriter:
    """Tells every offer's story and writes the rows, CHUNK offers at a time."""

    def __init__(self, r: random.Random, roster: Roster, team: Team, *, now):
        self.r, self.roster, self.team, self.now = r, roster, team, now
        self.neg_since = (-team.supporter_since).tolist()
        self.administrator = team.users["administrator"].pk
        self.director = team.users["director"].pk
        self.resources = list(
            Resource.objects.filter(is_active=True)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        self.follow_up_days = program_settings().referral_follow_up_days
        self.next_encounter = next_id(Encounter)
        self.counts: dict[str, int] = {}

    def write(self, offers: list[Offer], open_ids: set[int]) -> dict[str, int]:
        for start in range(0, len(offers), CHUNK):
            rows = Rows([], [], [], [], [], [], [], [])
            for offer in offers[start : start + CHUNK]:
                self._offer(offer, offer.pk in open_ids, rows)
            self._flush(rows)
        return self.counts

    def _pick(self, offer: Offer):
        days_ago = (self.roster.today - offer.created.date()).days
        available = max(1, bisect.bisect_right(self.neg_since, -days_ago))
        supporters, department = self.team.supporters, self.roster.department
        i = 0
        for attempt in range(4):
            i = int(self.r.random() * available)
            n = supporters[i]
            if n == offer.person or (days_ago < 60 and not self.team.assignable[i]):
                continue
            if attempt < 3 and department[n] == department[offer.person]:
                continue
            return i
        return i

    def _offer(self, offer: Offer, keep_open: bool, rows: Rows) -> None:
        r, roster, team = self.r, self.roster, self.team
        story = story_tell(
            r,
            created=offer.created,
            hours=offer.hours,
            origin=offer.origin,
            pick=lambda: self._pick(offer),
        )
        story_fit(story, now=self.now, keep_open=keep_open)
        current = story.supporters[-1]
        supporter = int(roster.ids[team.supporters[current]])
        supporter_user = int(team.supporter_users[current])
        person = int(roster.ids[offer.person])
        last = story.steps[-1]
        closed = story.state == OfferState.CLOSED
        earlier = sorted(
            int(roster.ids[team.supporters[i]]) for i in story.supporters[:-1]
        )
        rows.offers.append(
            (offer.pk, person, offer.origin, offer.event, offer.referral, offer.trigger,
             story.state, last.at, supporter, story.assigned_at,
             story.assigned_at + datetime.timedelta(hours=offer.hours), offer.hours,
             story.contacted_at,
             {"explanation": story.steps[1].detail, "runners_up": [], "earlier_supporters": earlier},
             "", story.second_offer_sent, story.close_reason if closed else "",
             last.at if closed else None, offer.created)
        )  # fmt: skip
        self._steps(offer, story, person, supporter_user, rows)
        self._conversations(offer, story, person, supporter, supporter_user, rows)
        if r.random() < 0.4:
            moment = offer.created + (last.at - offer.created) * r.random()
            reader = self.administrator if r.random() < 0.8 else self.director
            rows.access.append(
                (moment, reader, AccessKind.READ, OFFER, str(offer.pk), person, "Opened an outreach offer")
            )  # fmt: skip

    def _steps(
        self, offer: Offer, story: Story, person: int, supporter_user: int, rows: Rows
    ) -> None:
        supporter_ids = [
            int(self.roster.ids[self.team.supporters[i]]) for i in story.supporters
        ]
        assignments = 0
        for step in story.steps:
            actor = (
                supporter_user
                if step.by_supporter
                else self.administrator
                if step.by_staff
                else None
            )
            rows.steps.append(
                (offer.pk, step.from_state, step.to_state, step.at, actor, step.detail)
            )
            if step.to_state == OfferState.NEW:
                action, details = AuditAction.OFFER_CREATED, {"origin": offer.origin}
            elif (
                step.detail.endswith(story.steps[1].detail)
                and step.to_state == OfferState.ASSIGNED
            ):
                chosen = supporter_ids[min(assignments, len(supporter_ids) - 1)]
                assignments += 1
                action, details = (
                    AuditAction.OFFER_ASSIGNED,
                    {"supporter": chosen, "overridden": False},
                )
            elif step.from_state == step.to_state:
                continue
            else:
                reason = (
                    story.close_reason if step.to_state == OfferState.CLOSED else ""
                )
                action, details = (
                    AuditAction.OFFER_MOVED,
                    {"to": step.to_state, "reason": reason},
                )
            rows.audit.append(
                (step.at, actor, action, OFFER, str(offer.pk), person, PROGRAM, details)
            )

    def _conversations(
        self, offer, story: Story, person, supporter, supporter_user, rows: Rows
    ) -> None:
        r = self.r
        closed = story.state == OfferState.CLOSED
        for number, at in enumerate(story.conversations, 1):
            final = closed and number == len(story.conversations)
            outcome = (
                ("referral_accepted" if story.referred else "closed")
                if final
                else "continuing"
            )
            pk = self.next_encounter
            self.next_encounter += 1
            rows.encounters.append(
                (
                    pk,
                    offer.pk,
                    supporter,
                    at.date(),
                    r.choice([20, 30, 30, 45, 45, 60, 90]),
                    r.choice(["phone", "phone", "video", "in_person"]),
                    outcome,
                    None,
                    at,
                )
            )
            rows.audit.append(
                (
                    at,
                    supporter_user,
                    AuditAction.ENCOUNTER_LOGGED,
                    "conversations.encounter",
                    str(pk),
                    person,
                    PROGRAM,
                    {"outcome": outcome},
                )
            )
            if r.random() < 0.7:
                wants = r.random() < 0.04
                rows.care_checks.append(
                    (pk, r.choice([1, 2, 2, 3, 3, 4, 5]), wants, at)
                )
                if wants:
                    handled = at + datetime.timedelta(days=r.uniform(0.2, 3))
                    rows.debriefs.append(
                        (
                            supporter,
                            at,
                            handled if handled < self.now else None,
                            self.director if handled < self.now else None,
                        )
                    )
            if final and story.referred and self.resources:
                self._referral(offer, at.date(), supporter, rows)

    def _referral(
        self, offer: Offer, made_on: datetime.date, supporter: int, rows: Rows
    ) -> None:
        r = self.r
        follow_up_on = made_on + datetime.timedelta(days=self.follow_up_days)
        if follow_up_on > self.roster.today:
            outcome, outcome_at = "waiting", None
        else:
            outcome = r.choices(
                ["reached", "not_yet", "not_going"], weights=[0.65, 0.15, 0.2]
            )[0]
            outcome_at = datetime.datetime.combine(
                follow_up_on, datetime.time(12), tzinfo=datetime.UTC
            )
        rows.referrals.append(
            (offer.pk, r.choice(self.resources), supporter, made_on,
             "supporter" if r.random() < 0.7 else "person", follow_up_on, outcome, outcome_at, "", None)
        )  # fmt: skip

    def _flush(self, rows: Rows) -> None:
        tables = [
            ("offers", OutreachOffer, rows.offers,
             ["id", "person_id", "origin", "event_id", "referral_id", "trigger_type_id", "state",
              "state_changed_at", "supporter_id", "assigned_at", "first_contact_due_at",
              "first_contact_hours", "contacted_at", "match_explanation", "answer_token_hash",
              "second_offer_sent", "close_reason", "closed_at", "created_at"]),
            ("offer_steps", OfferStep, rows.steps,
             ["offer_id", "from_state", "to_state", "at", "actor_id", "detail"]),
            ("encounters", Encounter, rows.encounters,
             ["id", "offer_id", "supporter_id", "occurred_on", "duration_minutes", "modality",
              "outcome", "note", "recorded_at"]),
            ("care_checks", CareCheck, rows.care_checks,
             ["encounter_id", "heaviness", "wants_debrief", "answered_at"]),
            ("debrief_requests", DebriefRequest, rows.debriefs,
             ["supporter_id", "requested_at", "handled_at", "handled_by_id"]),
            ("facilitated_referrals", FacilitatedReferral, rows.referrals,
             ["offer_id", "resource_id", "supporter_id", "made_on", "follow_up_with",
              "follow_up_on", "outcome", "outcome_at", "answer_token_hash", "answer_expires_at"]),
            ("audit_events", AuditEvent, rows.audit, AUDIT_COLUMNS),
            ("access_events", AccessEvent, rows.access,
             ["occurred_at", "actor_id", "kind", "object_type", "object_id", "subject_id",
              "purpose"]),
        ]  # fmt: skip
        for name, model, data, names in tables:
            self.counts[name] = self.counts.get(name, 0) + rows_insert(
                model, names, data
            )


def safety_concerns_write(
    r: random.Random, roster: Roster, team: Team, *, count: int, now
) -> int:
    """A handful of safety concerns, each acknowledged by the director within hours."""
    rows = []
    for _ in range(count):
        n = team.supporters[int(r.random() * len(team.supporters))]
        raised = now - datetime.timedelta(
            days=r.uniform(2, (roster.today - roster.program_start).days)
        )
        rows.append(
            (int(roster.ids[n]), raised, raised + datetime.timedelta(hours=r.uniform(0.2, 6)),
             team.users["director"].pk)
        )  # fmt: skip
    return rows_insert(
        SafetyConcern,
        ["raised_by_id", "raised_at", "acknowledged_at", "acknowledged_by_id"],
        rows,
    )
