"""The matching rules, as one table of scenarios, then the explanation and the query bound.

Every scenario matches a supporter for Chris Clinician, a physician in Emergency
Medicine, among supporters built from the row. Nobody else holds the peer
supporter role, so the exclusion counts in a row are the whole story.
"""

import datetime
import json
from dataclasses import dataclass, field

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role, RoleAssignment
from alongside.testing.cast import build_organization, make_staff_member
from events.models import AdverseEvent, EventInvolvement, MatchedBy, TriggerType
from organization.models import StaffMember
from outreach import matching
from outreach.matching import MatchRequest, match_supporters, reporting_line
from outreach.models import (
    OfferOrigin,
    OfferState,
    OnCallWindow,
    OutreachOffer,
    Referral,
    ReferralKind,
    SupporterProfile,
)
from program.selectors import program_settings
from training.models import Readiness, SupporterStanding
from training.selectors import assignable_supporters

EVENT = OfferOrigin.EVENT
SELF = OfferOrigin.SELF


@dataclass(frozen=True)
class Supporter:
    """A supporter in a scenario; the name is their first name."""

    name: str
    profession: str = "physician"
    department: str = "surgery"
    standing: str = Readiness.ACTIVE
    gender: str = ""
    cap: int | None = None
    open: int = 0
    last_assigned_days: int | None = None
    on_call: bool = False
    involved: bool = False
    # Where they stand to Chris: supervisor, grand_supervisor, report, grand_report.
    line: str = ""
    assigned_before: bool = False


@dataclass(frozen=True)
class Scenario:
    name: str
    supporters: tuple[Supporter, ...]
    chosen: str | None
    runners_up: tuple[str, ...] | None = None
    excluded: dict[str, int] = field(default_factory=dict)
    origin: str = SELF
    referral: dict | None = None
    program: dict = field(default_factory=dict)


S = Supporter

SCENARIOS = [
    Scenario(
        "same profession is preferred",
        (S("Nina", profession="nurse"), S("Paul", open=2)),
        chosen="Paul",
        runners_up=("Nina",),
    ),
    Scenario(
        "profession comes before department",
        (S("Nina", profession="nurse"), S("Erin", department="emergency")),
        chosen="Erin",
        runners_up=("Nina",),
    ),
    Scenario(
        "a nurse when the person did not ask for the same profession",
        (S("Nina", profession="nurse"), S("Paul", open=1)),
        referral={"same_profession": False, "department_preference": "any"},
        chosen="Nina",
        runners_up=("Paul",),
    ),
    Scenario(
        "another department is preferred by default",
        (S("Erin", department="emergency"), S("Sean", open=1)),
        chosen="Sean",
        runners_up=("Erin",),
    ),
    Scenario(
        "the default department rule is a preference: the same department if nobody else",
        (S("Erin", department="emergency"),),
        chosen="Erin",
        runners_up=(),
    ),
    Scenario(
        "own department when the person asked for it",
        (
            S("Erin", department="emergency", open=2),
            S("Sean"),
            S("Pia", department="pediatrics"),
        ),
        referral={"department_preference": "own"},
        chosen="Erin",
        runners_up=(),
        excluded={"department": 2},
    ),
    Scenario(
        "another department when the person asked for it, even if nobody is left",
        (S("Erin", department="emergency"),),
        referral={"department_preference": "other"},
        chosen=None,
        excluded={"department": 1},
    ),
    Scenario(
        "the program's rule set to the same department",
        (S("Sean"), S("Erin", department="emergency", open=1)),
        program={"matching_department_rule": "same"},
        chosen="Erin",
        runners_up=("Sean",),
    ),
    Scenario(
        "the program's rule set to any department leaves it to load",
        (S("Sean", open=1), S("Erin", department="emergency")),
        program={"matching_department_rule": "any"},
        chosen="Erin",
        runners_up=("Sean",),
    ),
    Scenario(
        "a person with no department wish gets the program's rule",
        (S("Erin", department="emergency"), S("Sean", open=1)),
        referral={"department_preference": "any"},
        chosen="Sean",
        runners_up=("Erin",),
    ),
    Scenario(
        "on call is preferred for outreach after an event",
        (S("Otto", on_call=True, open=2), S("Fay")),
        origin=EVENT,
        chosen="Otto",
        runners_up=("Fay",),
    ),
    Scenario(
        "on call is preferred for outreach after a cluster of events",
        (S("Otto", on_call=True, open=2), S("Fay")),
        origin=OfferOrigin.CLUSTER,
        chosen="Otto",
        runners_up=("Fay",),
    ),
    Scenario(
        "on call does not count for a self-referral",
        (S("Otto", on_call=True, open=2), S("Fay")),
        origin=SELF,
        chosen="Fay",
        runners_up=("Otto",),
    ),
    Scenario(
        "load is balanced: fewer open assignments first",
        (S("Ann", open=2), S("Ben", open=1), S("Cal")),
        chosen="Cal",
        runners_up=("Ben", "Ann"),
    ),
    Scenario(
        "the least recently assigned first, the never assigned before anyone",
        (S("Rita", last_assigned_days=3), S("Lou", last_assigned_days=40), S("Nev")),
        chosen="Nev",
        runners_up=("Lou", "Rita"),
    ),
    Scenario(
        "recency among many equals; the busier never compete on it",
        (
            S("Ann", last_assigned_days=1),
            S("Ben", last_assigned_days=2),
            S("Cal", last_assigned_days=5),
            S("Dee", last_assigned_days=4),
            S("Eve", last_assigned_days=3),
            S("Fay", open=1),
        ),
        chosen="Cal",
        runners_up=("Dee", "Eve", "Ben"),
    ),
    Scenario(
        "load comes before recency",
        (S("Rita", last_assigned_days=3), S("Lou", open=1)),
        chosen="Rita",
        runners_up=("Lou",),
    ),
    Scenario(
        "the program's caseload cap",
        (S("Full", open=2), S("Free", open=1)),
        program={"supporter_caseload_cap": 2},
        chosen="Free",
        runners_up=(),
        excluded={"caseload_cap": 1},
    ),
    Scenario(
        "a supporter's own cap, lower or higher than the program's",
        (S("Full", cap=1, open=1), S("Roomy", cap=5, open=3), S("Zero", cap=0)),
        chosen="Roomy",
        runners_up=(),
        excluded={"caseload_cap": 2},
    ),
    Scenario(
        # Every supporter here also has a new offer with their name on it.
        "a new offer does not count against the cap; the open ones do",
        (S("Ann", open=2), S("Ben", open=3)),
        chosen="Ann",
        runners_up=(),
        excluded={"caseload_cap": 1},
    ),
    Scenario(
        "paused, in training or due a refresher: never a candidate",
        (
            S("Paz", standing=Readiness.PAUSED),
            S("Ria", standing=Readiness.REFRESHER_DUE),
            S("Tia", standing=Readiness.IN_TRAINING),
            S("Ava", open=2),
        ),
        chosen="Ava",
        runners_up=(),
    ),
    Scenario(
        "involved in the same event",
        (S("Ivy", involved=True), S("Una", open=1)),
        origin=EVENT,
        chosen="Una",
        runners_up=(),
        excluded={"same_event": 1},
    ),
    Scenario(
        "the person's supervisor",
        (S("Boss", department="emergency", line="supervisor"), S("Una", open=2)),
        chosen="Una",
        runners_up=(),
        excluded={"reporting_line": 1},
    ),
    Scenario(
        "the person's supervisor's supervisor",
        (S("Chief", line="grand_supervisor"), S("Una", open=2)),
        chosen="Una",
        runners_up=(),
        excluded={"reporting_line": 1},
    ),
    Scenario(
        "the person's direct report",
        (S("Rhys", line="report"), S("Una", open=2)),
        chosen="Una",
        runners_up=(),
        excluded={"reporting_line": 1},
    ),
    Scenario(
        "the person's indirect report",
        (S("Gus", line="grand_report"), S("Una", open=2)),
        chosen="Una",
        runners_up=(),
        excluded={"reporting_line": 1},
    ),
    Scenario(
        "the gender the person asked for; an unsaid gender does not match",
        (S("Wendy", gender="woman", open=2), S("Max", gender="man"), S("Kim")),
        referral={"supporter_gender": "woman", "department_preference": "any"},
        chosen="Wendy",
        runners_up=(),
        excluded={"gender": 2},
    ),
    Scenario(
        "earlier assignees of the same offer",
        (S("Before", assigned_before=True), S("After", open=1)),
        chosen="After",
        runners_up=(),
        excluded={"earlier_assignee": 1},
    ),
    Scenario(
        "nobody available, and the counts say why",
        (
            S("Full", open=3),
            S("Ivy", involved=True),
            S("Boss", line="supervisor"),
            S("Paz", standing=Readiness.PAUSED),
        ),
        origin=EVENT,
        chosen=None,
        excluded={
            "not_active": 1,
            "same_event": 1,
            "reporting_line": 1,
            "caseload_cap": 1,
        },
    ),
    Scenario(
        "one reason per supporter: relationships before capacity",
        (S("Ivy", involved=True, open=3), S("Boss", line="supervisor", open=3)),
        origin=EVENT,
        chosen=None,
        excluded={"same_event": 1, "reporting_line": 1},
    ),
]


class World:
    """Chris Clinician and the supporters of one scenario."""

    def __init__(self, org, *, origin=SELF, referral=None, now=None):
        self.org = org
        self.now = now or timezone.now()
        self.person = make_staff_member(
            org, first_name="Chris", last_name="Clinician", department=org.emergency
        )
        self.recipient = make_staff_member(
            org, first_name="Rory", last_name="Recipient"
        )
        self.event = None
        if origin in (EVENT, OfferOrigin.CLUSTER):
            self.event = AdverseEvent.objects.create(
                source="manual",
                occurred_on=self.now.date(),
                trigger_type=TriggerType.objects.get_or_create(
                    code="unexpected-death", defaults={"name": "Unexpected death"}
                )[0],
            )
            self.involve(self.person)
        self.referral = None
        if referral is not None:
            self.referral = Referral.objects.create(
                kind=ReferralKind.SELF,
                person=self.person,
                referrer=self.person,
                **referral,
            )
        self.offer = OutreachOffer.objects.create(
            person=self.person,
            origin=origin,
            event=self.event,
            referral=self.referral,
            state=OfferState.NEW,
            state_changed_at=self.now,
        )
        self.earlier: list[int] = []

    def involve(self, staff_member):
        EventInvolvement.objects.create(
            event=self.event, staff_member=staff_member, matched_by=MatchedBy.ROSTER
        )

    def add(self, spec: Supporter) -> StaffMember:
        org, now = self.org, self.now
        member = make_staff_member(
            org,
            first_name=spec.name,
            last_name="Supporter",
            profession=org.professions[spec.profession],
            department=getattr(org, spec.department),
        )
        RoleAssignment.objects.create(
            staff_member=member,
            role=Role.PEER_SUPPORTER,
            starts_on=timezone.localdate() - datetime.timedelta(days=365),
        )
        SupporterStanding.objects.create(staff_member=member, status=spec.standing)
        if spec.gender or spec.cap is not None:
            SupporterProfile.objects.create(
                staff_member=member, gender=spec.gender, caseload_cap=spec.cap
            )
        for number in range(spec.open):
            OutreachOffer.objects.create(
                person=self.recipient,
                origin=SELF,
                state=[OfferState.ASSIGNED, OfferState.IN_SUPPORT][number % 2],
                state_changed_at=now,
                supporter=member,
                assigned_at=now - datetime.timedelta(days=90),
            )
        # A new offer never counts against the cap, even with a name on it.
        OutreachOffer.objects.create(
            person=self.recipient,
            origin=SELF,
            state=OfferState.NEW,
            state_changed_at=now,
            supporter=member,
        )
        if spec.last_assigned_days is not None:
            OutreachOffer.objects.create(
                person=self.recipient,
                origin=SELF,
                state=OfferState.CLOSED,
                state_changed_at=now,
                supporter=member,
                assigned_at=now - datetime.timedelta(days=spec.last_assigned_days),
                closed_at=now,
            )
        if spec.on_call:
            OnCallWindow.objects.create(
                supporter=member,
                starts_at=now - datetime.timedelta(hours=2),
                ends_at=now + datetime.timedelta(hours=10),
            )
        else:  # a window that is over does not count
            OnCallWindow.objects.create(
                supporter=member,
                starts_at=now - datetime.timedelta(days=2),
                ends_at=now - datetime.timedelta(days=1),
            )
        if spec.involved:
            self.involve(member)
        if spec.assigned_before:
            self.earlier.append(member.pk)
        self.relate(member, spec.line)
        return member

    def relate(self, member, line: str) -> None:
        person = self.person
        if line == "supervisor":
            person.supervisor = member
        elif line == "grand_supervisor":
            person.supervisor = make_staff_member(
                self.org, first_name="Morgan", last_name="Manager", supervisor=member
            )
        elif line == "report":
            member.supervisor = person
        elif line == "grand_report":
            member.supervisor = make_staff_member(
                self.org, first_name="Morgan", last_name="Manager", supervisor=person
            )
        person.save()
        member.save()

    def request(self, **changes) -> MatchRequest:
        request = MatchRequest.for_offer(self.offer, exclude=self.earlier, now=self.now)
        for name, value in changes.items():
            setattr(request, name, value)
        return request


@pytest.fixture
def organization(db):
    return build_organization()


def world_for(organization, scenario: Scenario) -> World:
    settings_row = program_settings()
    for name, value in scenario.program.items():
        setattr(settings_row, name, value)
    settings_row.save()
    world = World(organization, origin=scenario.origin, referral=scenario.referral)
    for spec in scenario.supporters:
        world.add(spec)
    return world


def supervisors() -> dict[int, int | None]:
    return dict(assignable_supporters().values_list("pk", "supervisor_id"))


def first_names(candidates) -> list[str]:
    return [candidate.staff_member.first_name for candidate in candidates]


# --- The rules --------------------------------------------------------------------------


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda scenario: scenario.name)
def test_matching_follows_the_programs_rules(organization, scenario):
    world = world_for(organization, scenario)

    proposal = match_supporters(world.request())

    chosen = proposal.chosen.staff_member.first_name if proposal.chosen else None
    assert chosen == scenario.chosen, proposal.explanation
    if scenario.runners_up is not None:
        assert first_names(proposal.runners_up) == list(scenario.runners_up)
    assert proposal.excluded_counts == scenario.excluded


def test_the_person_is_never_their_own_supporter(organization):
    world = World(organization)
    RoleAssignment.objects.create(
        staff_member=world.person,
        role=Role.PEER_SUPPORTER,
        starts_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    SupporterStanding.objects.create(staff_member=world.person, status=Readiness.ACTIVE)

    proposal = match_supporters(world.request())

    assert proposal.chosen is None
    assert proposal.excluded_counts == {"person": 1}


def test_at_most_the_asked_number_of_runners_up(organization):
    world = World(organization)
    for name in ["Ann", "Ben", "Cal", "Dee", "Eve", "Fin"]:
        world.add(Supporter(name))

    assert len(match_supporters(world.request()).runners_up) == 3
    assert len(match_supporters(world.request(), runners_up=1).runners_up) == 1
    assert match_supporters(world.request(), runners_up=0).runners_up == []


def test_recency_read_for_everyone_gives_the_same_order(organization, monkeypatch):
    monkeypatch.setattr(matching, "_LAST_ASSIGNED_BY_ID", 1)
    world = World(organization)
    for name, days in [("Ann", 1), ("Ben", 9), ("Cal", 5), ("Dee", None)]:
        world.add(Supporter(name, last_assigned_days=days))

    proposal = match_supporters(world.request())

    assert first_names([proposal.chosen, *proposal.runners_up]) == [
        "Dee",
        "Ben",
        "Cal",
        "Ann",
    ]


def test_equal_supporters_come_out_in_roster_order(organization):
    world = World(organization)
    first, second = world.add(Supporter("Ann")), world.add(Supporter("Ben"))

    proposal = match_supporters(world.request())

    assert proposal.chosen.staff_member == first
    assert proposal.runners_up[0].staff_member == second


# --- The reporting line -----------------------------------------------------------------


def test_the_reporting_line_is_followed_many_levels_up_and_down(organization):
    world = World(organization)
    top = world.add(Supporter("Top"))
    bottom = world.add(Supporter("Bottom"))
    bystander = world.add(Supporter("Bystander"))
    above = top
    for level in range(9):
        above = make_staff_member(
            organization, first_name=f"Level{level}", supervisor=above
        )
    world.person.supervisor = above
    world.person.save()
    below = world.person
    for level in range(9):
        below = make_staff_member(
            organization, first_name=f"Below{level}", supervisor=below
        )
    bottom.supervisor = below
    bottom.save()
    bystander.supervisor = top
    bystander.save()

    line = reporting_line(world.person.pk, supervisor_of=supervisors())

    assert line == {top.pk, bottom.pk}
    assert match_supporters(world.request()).chosen.staff_member == bystander


def test_a_loop_of_supervisors_on_the_roster_ends_and_excludes_its_members(
    organization,
):
    world = World(organization)
    boss = world.add(Supporter("Boss"))
    deputy = world.add(Supporter("Deputy"))
    stranger = world.add(Supporter("Stranger"))
    looped = world.add(Supporter("Looped"))
    boss.supervisor, deputy.supervisor = deputy, boss  # a loop above the person
    world.person.supervisor = boss
    looped.supervisor = stranger  # a loop that never reaches the person
    stranger.supervisor = looped
    for member in (boss, deputy, world.person, stranger, looped):
        member.save()

    proposal = match_supporters(world.request())

    assert proposal.excluded_counts == {"reporting_line": 2}
    assert set(first_names([proposal.chosen, *proposal.runners_up])) == {
        "Stranger",
        "Looped",
    }


def test_a_loop_through_the_person_excludes_everyone_in_it(organization):
    world = World(organization)
    partner = world.add(Supporter("Partner"))
    partner.supervisor = world.person
    world.person.supervisor = partner
    partner.save()
    world.person.save()

    assert reporting_line(world.person.pk, supervisor_of=supervisors()) == {partner.pk}


# --- The request from an offer ----------------------------------------------------------


def test_a_request_from_an_offer_carries_the_referral_wishes(organization):
    world = World(
        organization,
        referral={
            "department_preference": "own",
            "same_profession": False,
            "supporter_gender": "woman",
        },
    )

    request = world.request()

    assert request.person == world.person
    assert request.department_preference == "own"
    assert request.same_profession is False
    assert request.supporter_gender == "woman"
    assert request.prefer_on_call is False
    assert request.event_id is None


def test_a_request_after_an_event_prefers_on_call_and_knows_the_event(organization):
    world = World(organization, origin=EVENT)

    request = world.request()

    assert request.prefer_on_call is True
    assert request.event_id == world.event.pk
    assert request.department_preference == ""
    assert request.same_profession is True


def test_a_reassignment_excludes_the_current_and_earlier_supporters(organization):
    world = World(organization)
    current, earlier = world.add(Supporter("Current")), world.add(Supporter("Earlier"))
    world.offer.supporter = current
    world.offer.state = OfferState.ASSIGNED
    world.offer.save()

    request = MatchRequest.for_offer(world.offer, exclude=[earlier])

    assert request.exclude_supporter_ids == frozenset({current.pk, earlier.pk})


# --- The explanation --------------------------------------------------------------------


def test_the_explanation_says_who_why_and_why_not_the_runners_up(organization):
    world = World(organization, origin=EVENT)
    world.add(Supporter("Priya", on_call=True, open=1, last_assigned_days=12))
    world.add(Supporter("Omar", department="pediatrics"))
    world.add(Supporter("Nina", profession="nurse", on_call=True))

    proposal = match_supporters(world.request())

    assert proposal.explanation == (
        "Priya Supporter: a physician like Chris, from another department (Surgery), "
        "on call now, with 1 open assignment. Runners-up: Omar Supporter (not on call), "
        "Nina Supporter (a nurse, not a physician)."
    )
    assert proposal.chosen.reasons == [
        "same profession (physician)",
        "from another department (Surgery)",
        "on call now",
        "1 open assignment",
        "last assigned 12 days ago",
    ]
    assert proposal.runners_up[0].reasons == [
        "same profession (physician)",
        "from another department (Pediatrics)",
        "not on call",
        "no open assignments",
        "never assigned before",
    ]


def test_the_explanation_says_which_rule_put_each_runner_up_after(organization):
    world = World(organization)
    world.add(Supporter("Ann"))
    world.add(Supporter("Ben", last_assigned_days=1))
    world.add(Supporter("Cal", open=2))
    world.add(Supporter("Dee", department="emergency"))

    proposal = match_supporters(world.request())

    assert proposal.explanation == (
        "Ann Supporter: a physician like Chris, from another department (Surgery), "
        "with no open assignments. Runners-up: Ben Supporter (last assigned "
        "yesterday), Cal Supporter (2 open assignments), Dee Supporter (from the "
        "same department (Emergency Medicine))."
    )


def test_the_explanation_says_when_no_one_of_the_same_profession_is_available(
    organization,
):
    world = World(organization)
    world.add(Supporter("Nina", profession="nurse", department="emergency"))

    proposal = match_supporters(world.request())

    assert proposal.explanation == (
        "Nina Supporter: a nurse (no physician is available), from the same "
        "department (Emergency Medicine), with no open assignments. "
        "Nobody else is available."
    )


def test_when_nobody_qualifies_the_explanation_counts_why(organization):
    world = World(organization, origin=EVENT)
    for name in ["Ann", "Ben", "Cal"]:
        world.add(Supporter(name, open=3))
    world.add(Supporter("Ivy", involved=True))
    world.add(Supporter("Boss", line="supervisor"))

    proposal = match_supporters(world.request())

    assert proposal.chosen is None
    assert proposal.runners_up == []
    assert proposal.explanation == (
        "No supporter is available: 3 are at their caseload cap, 1 was involved in "
        "the same event, 1 is in Chris's reporting line."
    )


@pytest.mark.parametrize(
    ("supporters", "referral", "explanation"),
    [
        ((), None, "No supporter is available: there are no active peer supporters."),
        (
            (S("Paz", standing=Readiness.PAUSED),),
            None,
            "No supporter is available: 1 is not active just now (paused, in "
            "training or due a refresher).",
        ),
        (
            (S("Sean"), S("Pia", department="pediatrics")),
            {"department_preference": "own"},
            "No supporter is available: 2 are from another department (Chris asked "
            "for their own).",
        ),
        (
            (S("Erin", department="emergency"),),
            {"department_preference": "other"},
            "No supporter is available: 1 is from Chris's own department (Chris "
            "asked for another).",
        ),
        (
            (S("Max", gender="man"), S("Kim")),
            {"supporter_gender": "woman", "department_preference": "any"},
            "No supporter is available: 2 do not match the gender Chris asked for.",
        ),
        (
            (S("Before", assigned_before=True),),
            None,
            "No supporter is available: 1 was assigned to this request before.",
        ),
    ],
)
def test_the_explanation_of_no_match_in_words(
    organization, supporters, referral, explanation
):
    world = World(organization, referral=referral)
    for spec in supporters:
        world.add(spec)

    assert match_supporters(world.request()).explanation == explanation


def test_the_proposal_can_be_kept_on_the_offer_as_json(organization):
    world = World(organization)
    priya = world.add(Supporter("Priya"))
    world.add(Supporter("Omar", open=1))

    record = match_supporters(world.request()).as_record()

    assert json.loads(json.dumps(record)) == record
    assert record["chosen"]["supporter_id"] == priya.pk
    assert [entry["name"] for entry in record["runners_up"]] == ["Omar Supporter"]


# --- The query bound --------------------------------------------------------------------


def test_a_match_takes_the_same_few_queries_however_many_supporters(
    organization, django_assert_max_num_queries
):
    program_settings()
    world = World(organization, origin=EVENT)
    boss = world.add(Supporter("Boss", line="supervisor"))
    world.add(Supporter("Ivy", involved=True))
    world.add(Supporter("Otto", on_call=True, open=1, last_assigned_days=4))
    with CaptureQueriesContext(connection) as few:
        match_supporters(world.request())

    for number in range(40):
        member = world.add(
            Supporter(
                f"Many{number}",
                department=["surgery", "pediatrics", "emergency"][number % 3],
                open=number % 3,
                last_assigned_days=number + 1,
                on_call=number % 5 == 0,
            )
        )
        member.supervisor = boss
        member.save()
    with django_assert_max_num_queries(8):
        proposal = match_supporters(world.request())
    with CaptureQueriesContext(connection) as many:
        match_supporters(world.request())

    assert proposal.chosen is not None
    assert len(many) == len(few)
