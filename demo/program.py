"""The demo program's history: its scope, the demand it met and missed, and selection rounds.

Each part is created once, when the demo has none of it, so a repeat load
changes nothing and a director's own changes in the demo are kept.
"""

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from organization.models import Profession, StaffMember
from program.models import DEFAULT_OUT_OF_SCOPE_MESSAGE, DEFAULT_PROGRAM_CONTACT
from program.selectors import program_settings
from scope.eligibility import eligible_staff_members
from scope.models import DemandRecord, ScopeStatus, ScopeVersion
from selection.models import (
    Candidate,
    CandidateStage,
    CandidateStep,
    Nomination,
    NominationRound,
)
from team.models import HoursEntry

SEED = 20261126

PAST_ROUND_SELECTED = (
    "supporter_anes",
    "supporter_icu",
    "supporter_obgyn",
    "supporter_onc",
    "supporter_hosp",
)

# The current round's pipeline: how far each of its candidates has come.
CURRENT_PIPELINE = (
    [CandidateStage.NOMINATED] * 6
    + [CandidateStage.APPLIED] * 2
    + [CandidateStage.INVITED] * 2
    + [CandidateStage.ACCEPTED, CandidateStage.INTERVIEWED]
)
PATH = [
    CandidateStage.INVITED,
    CandidateStage.ACCEPTED,
    CandidateStage.INTERVIEWED,
    CandidateStage.SELECTED,
    CandidateStage.IN_TRAINING,
]
REASONS = [
    "Calm when everything is going wrong, and never judges.",
    "Checked on me after a patient died on my shift. I still remember it.",
    "Listens more than talks.",
    "People already go to them after hard days.",
    "",
]
STATEMENT = (
    "After a difficult case early in my career a colleague sat with me, and it "
    "made all the difference. I would like to be that person for others."
)


DEMO_PROGRAM_CONTACT = (
    "Call the peer support line on 555-0142, any day from 8 am to 8 pm, or "
    "write to peersupport@riverside.demo.test. A trained colleague will call "
    "you back, usually the same day.\n\n"
    "Nothing you say reaches your manager, risk management or HR."
)
DEMO_OUT_OF_SCOPE_MESSAGE = (
    "Riverside's Employee Assistance Program offers free, confidential "
    "counselling to every member of staff and their families, day and night: "
    "call 555-0190.\n\n"
    "The Nursing Wellbeing Service runs drop-in sessions every Tuesday and "
    "Thursday at the University Hospital chapel, 12 to 2 pm.\n\n"
    "The program is opening to all health professionals soon."
)
# Hours a week the director and administrator give the program, by activity.
WEEKLY_HOURS = {
    "director": [
        ("selection_training", "3.5"),
        ("supervision", "2"),
        ("outreach_publicity", "1"),
        ("meetings", "1"),
    ],
    "administrator": [
        ("administration", "12"),
        ("selection_training", "4"),
        ("meetings", "2"),
    ],
}


PROGRAM_STARTED_DAYS_AGO = 420
FOUNDING_ROUND_SELECTED_DAYS_AGO = 170


def role_held_for(person_key: str) -> datetime.timedelta:
    """How long before the demo's day a named person's role began."""
    if person_key in PAST_ROUND_SELECTED:
        return datetime.timedelta(days=FOUNDING_ROUND_SELECTED_DAYS_AGO)
    return datetime.timedelta(days=PROGRAM_STARTED_DAYS_AGO)


@dataclass
class DemoProgramResult:
    scope_versions_added: int = 0
    demand_records_added: int = 0
    nomination_rounds_added: int = 0
    hours_entries_added: int = 0


def demo_program_ensure(
    *, today: datetime.date, named: dict[str, StaffMember], director: User
) -> DemoProgramResult:
    rng = random.Random(SEED)  # noqa: S311 - a reproducible demo, nothing secret
    result = DemoProgramResult()
    if not ScopeVersion.objects.exists():
        result.scope_versions_added = _scope_versions_create(today, director)
    if not DemandRecord.objects.exists():
        result.demand_records_added = _demand_create(today, rng)
    if not NominationRound.objects.exists():
        result.nomination_rounds_added = _rounds_create(today, rng, named, director)
    if not HoursEntry.objects.exists():
        result.hours_entries_added = _hours_create(today, rng, named)
    _settings_ensure()
    return result


def _settings_ensure() -> None:
    """The demo's own contact details, in place of the defaults (never over an edit)."""
    settings_row = program_settings()
    if settings_row.program_contact == DEFAULT_PROGRAM_CONTACT:
        settings_row.program_contact = DEMO_PROGRAM_CONTACT
    if settings_row.out_of_scope_message == DEFAULT_OUT_OF_SCOPE_MESSAGE:
        settings_row.out_of_scope_message = DEMO_OUT_OF_SCOPE_MESSAGE
    settings_row.save()


def _hours_create(
    today: datetime.date, rng: random.Random, named: dict[str, StaffMember]
) -> int:
    """Thirteen weeks of program hours; the director ran over in the busiest month."""
    entries = []
    for key, pattern in WEEKLY_HOURS.items():
        person = named.get(key)
        if person is None or not hasattr(person, "user"):
            continue
        for week in range(13):
            monday = today - datetime.timedelta(days=today.weekday() + 7 * week)
            for day_offset, (activity, hours) in enumerate(pattern):
                worked_on = monday + datetime.timedelta(days=day_offset)
                if worked_on > today:
                    continue
                extra = Decimal("0.25") * rng.randint(0, 4 if week in (5, 6) else 1)
                entries.append(
                    HoursEntry(
                        staff_member=person,
                        worked_on=worked_on,
                        hours=Decimal(hours) + extra,
                        activity=activity,
                        created_by=person.user,
                    )
                )
    HoursEntry.objects.bulk_create(entries)
    return len(entries)


def _professions(*codes: str) -> list[Profession]:
    return list(Profession.objects.filter(code__in=codes))


def _scope_versions_create(today: datetime.date, director: User) -> int:
    first_of_next_march = datetime.date(today.year + 1, 3, 1)
    versions = [
        (
            "Physicians, residents and advanced practice providers",
            ScopeStatus.SCHEDULED,
            today - datetime.timedelta(days=PROGRAM_STARTED_DAYS_AGO),
            ("physician", "resident", "app"),
        ),
        (
            "All health professionals",
            ScopeStatus.SCHEDULED,
            first_of_next_march,
            ("physician", "resident", "app", "nurse", "pharmacist", "other-clinical"),
        ),
        (
            "Everyone on staff, clinical or not",
            ScopeStatus.PROPOSED,
            None,
            (
                "physician",
                "resident",
                "app",
                "nurse",
                "pharmacist",
                "other-clinical",
                "non-clinical",
            ),
        ),
    ]
    for name, status, effective_from, codes in versions:
        version = ScopeVersion.objects.create(
            name=name, status=status, effective_from=effective_from, created_by=director
        )
        version.professions.set(_professions(*codes))
    return len(versions)


def _demand_create(today: datetime.date, rng: random.Random) -> int:
    """A year of requests: a few a month from inside the scope, some from outside."""
    people = list(
        StaffMember.objects.filter(is_active=True).values_list(
            "pk", "profession_id", "department_id", "site_id"
        )
    )
    eligible = set(eligible_staff_members(today).values_list("pk", flat=True))
    inside = [p for p in people if p[0] in eligible]
    outside = [p for p in people if p[0] not in eligible]
    records = []
    for days_ago in range(365):
        day = today - datetime.timedelta(days=days_ago)
        for pool, chance in ((inside, 0.07), (outside, 0.07)):
            if pool and rng.random() < chance:
                _pk, profession, department, site = rng.choice(pool)
                records.append(
                    DemandRecord(
                        recorded_on=day,
                        in_scope=pool is inside,
                        profession_id=profession,
                        department_id=department,
                        site_id=site,
                    )
                )
    DemandRecord.objects.bulk_create(records)
    return len(records)


def _rounds_create(
    today: datetime.date,
    rng: random.Random,
    named: dict[str, StaffMember],
    director: User,
) -> int:
    excluded = {person.pk for person in named.values()}
    pool = list(
        eligible_staff_members(today)
        .exclude(pk__in=excluded)
        .exclude(Q(work_email=""))
        .order_by("pk")
    )
    rng.shuffle(pool)
    nominators = pool[:40]
    others = pool[40:]

    past = NominationRound.objects.create(
        title=f"Founding round, {(today - datetime.timedelta(days=200)):%B %Y}",
        opens_on=today - datetime.timedelta(days=200),
        closes_on=today - datetime.timedelta(days=179),
        nominators_erased_at=timezone.now(),
        created_by=director,
    )
    selected = [named[key] for key in PAST_ROUND_SELECTED if key in named]
    outcomes = [(person, PATH) for person in selected]
    outcomes += [
        (others.pop(), [*PATH[:3], CandidateStage.NOT_SELECTED]) for _ in range(2)
    ]
    outcomes += [(others.pop(), [CandidateStage.INVITED, CandidateStage.DECLINED])]
    for person, path in outcomes:
        _candidate_create(
            past, person, path, rng=rng, director=director, nominators=[None] * 2
        )

    current = NominationRound.objects.create(
        title=f"{today:%B %Y} round",
        opens_on=today - datetime.timedelta(days=6),
        closes_on=today + datetime.timedelta(days=15),
        created_by=director,
    )
    clinician = named.get("clinician")
    for n, stage in enumerate(CURRENT_PIPELINE):
        person = others.pop()
        applied = stage == CandidateStage.APPLIED
        path = (
            []
            if stage in {CandidateStage.NOMINATED, CandidateStage.APPLIED}
            else (PATH[: PATH.index(stage) + 1])
        )
        chosen = rng.sample(nominators, k=0 if applied else rng.randint(1, 3))
        if n == 0 and clinician is not None:
            chosen = [clinician, *chosen[:1]]
        _candidate_create(
            current,
            person,
            path,
            rng=rng,
            director=director,
            nominators=chosen,
            applied=applied,
        )
    return 2


def _candidate_create(
    nomination_round: NominationRound,
    person: StaffMember,
    path: list[str],
    *,
    rng: random.Random,
    director: User,
    nominators: list,
    applied: bool = False,
) -> Candidate:
    start = datetime.datetime.combine(
        nomination_round.opens_on + datetime.timedelta(days=rng.randint(0, 2)),
        datetime.time(9),
        tzinfo=datetime.UTC,
    )
    first = CandidateStage.APPLIED if applied else CandidateStage.NOMINATED
    candidate = Candidate.objects.create(
        round=nomination_round,
        staff_member=person,
        stage=first,
        stage_changed_at=start,
        applied_on=start.date() if applied else None,
        statement=STATEMENT if applied else None,
    )
    CandidateStep.objects.create(
        candidate=candidate, from_stage="", to_stage=first, decided_at=start
    )
    for nominator in nominators:
        Nomination.objects.create(
            round=nomination_round,
            candidate=candidate,
            nominator=nominator,
            reason=rng.choice(REASONS),
            created_at=start.date(),
        )
    when = start
    # Steps a few days apart, the latest no later than yesterday.
    latest = timezone.now() - datetime.timedelta(days=1)
    for stage in path:
        when = min(when + datetime.timedelta(days=rng.randint(2, 6)), latest)
        CandidateStep.objects.create(
            candidate=candidate,
            from_stage=candidate.stage,
            to_stage=stage,
            decided_by=None if stage in {"accepted", "declined"} else director,
            decided_at=when,
        )
        candidate.stage, candidate.stage_changed_at = stage, when
    candidate.save()
    return candidate
