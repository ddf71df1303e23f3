"""The stages of a generation, in order, each timed, in one transaction."""

import datetime
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from api.services import api_key_create
from conversations.models import Encounter
from demo.large_system import cases, events, organization, people, surveys
from demo.large_system.bulk import sequences_reset
from demo.resources import demo_resources_ensure
from events.models import AdverseEvent
from organization.models import StaffMember
from outreach.models import OutreachOffer, Referral
from worker.services import task_schedule

STAFF = 100_000
SUPPORTERS = 2_000
EVENTS = 200_000
OFFERS = 500_000
RESPONSES = 180_000
OPEN_OFFERS = 400
SAFETY_CONCERNS = 12
YEARS = 2.5
API_SOURCE = events.INCIDENT_SYSTEM


class LargeSystemRefused(Exception):
    """The database is not an empty one meant for it (or this is production)."""


@dataclass
class StageTiming:
    name: str
    seconds: float
    counts: dict[str, int]


def _scaled(figure: int, scale: float, least: int) -> int:
    return max(least, round(figure * scale))


def large_system_generate(
    *,
    seed: int,
    scale: float = 1.0,
    now: datetime.datetime | None = None,
    progress: Callable[[StageTiming], None] = lambda stage: None,
    vacuum: bool = True,
) -> tuple[list[StageTiming], str]:
    """Fill an empty database; the stages' timings and the API key's plaintext.

    ``vacuum=False`` skips PostgreSQL's VACUUM ANALYZE; it is skipped anyway
    inside a transaction, where it cannot run (tests generate inside theirs).
    """
    if settings.PRODUCTION:
        raise LargeSystemRefused(
            "Refusing to generate a synthetic system in production mode "
            "(ALONGSIDE_MODE=production): use ALONGSIDE_MODE=test on a database of its own."
        )
    if StaffMember.objects.exists():
        raise LargeSystemRefused(
            "This database already has staff on its roster: the generator fills only an "
            "empty, freshly migrated database (create one, migrate it, and point DATABASE_URL at it)."
        )
    now = (now or timezone.now()).replace(second=0, microsecond=0)
    with transaction.atomic():
        timings, plaintext = _Run(seed, scale, now, progress).stages()
    if vacuum and connection.vendor == "postgresql" and not connection.in_atomic_block:
        started = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        stage = StageTiming("vacuum analyze", time.monotonic() - started, {})
        progress(stage)
        timings.append(stage)
    return timings, plaintext


class _Run:
    def __init__(self, seed: int, scale: float, now: datetime.datetime, progress):
        self.rng = np.random.default_rng(seed)
        self.r = random.Random(seed)  # noqa: S311 - synthetic data, nothing secret
        self.scale, self.now, self.progress = scale, now, progress
        self.today = timezone.localdate(now)
        self.timings: list[StageTiming] = []

    def _stage(self, name: str, work: Callable[[], dict[str, int]]):
        started = time.monotonic()
        counts = work()
        stage = StageTiming(name, time.monotonic() - started, counts)
        self.timings.append(stage)
        self.progress(stage)

    def stages(self) -> tuple[list[StageTiming], str]:
        self._stage("organization and roster", self._organization)
        self._stage("accounts and supporters", self._team)
        self._stage("adverse events", self._events)
        self._stage("outreach cases", self._cases)
        self._stage("surveys", self._surveys)
        sequences_reset(StaffMember, AdverseEvent, OutreachOffer, Referral, Encounter)
        return self.timings, self.plaintext

    def _organization(self) -> dict[str, int]:
        self.roster = organization.organization_create(
            self.rng,
            staff=_scaled(STAFF, self.scale, 300),
            today=self.today,
            years=YEARS,
        )
        self.team = people.team_choose(
            self.rng, self.roster, supporters=_scaled(SUPPORTERS, self.scale, 8)
        )
        written = organization.roster_write(self.roster)
        organization.program_settings_configure()
        return {
            "sites": len(self.roster.site_ids),
            "departments": len(self.roster.department_ids),
            "staff": written,
        }

    def _team(self) -> dict[str, int]:
        accounts = people.accounts_create(self.rng, self.roster, self.team)
        steps = organization.scope_versions_create(
            self.roster, director=self.team.users["director"]
        )
        self.scope = cases.Scope(steps, self.roster)
        supporters = people.supporters_train(self.rng, self.roster, self.team)
        api_key, self.plaintext = api_key_create(source=API_SOURCE)
        self.api_key = api_key
        return {
            "accounts": accounts,
            "supporters": supporters,
            "scope versions": len(steps),
        }

    def _events(self) -> dict[str, int]:
        self.events = events.events_plan(
            self.rng,
            self.r,
            self.roster,
            count=_scaled(EVENTS, self.scale, 20),
            now=self.now,
        )
        involved = events.events_write(
            self.events,
            self.roster,
            api_key=self.api_key,
            risk_user=self.team.users["risk"],
        )
        return {"events": len(self.events), "people involved": involved}

    def _cases(self) -> dict[str, int]:
        demo_resources_ensure()
        offers = cases.event_offers_plan(self.events, self.scope)
        target = _scaled(OFFERS, self.scale, 30)
        wanted = max(target - len(offers), round(0.05 * target))
        requests = cases.requests_write(
            self.r, self.roster, self.scope, count=round(wanted * (1 + cases.OUT_OF_SCOPE_SHARE)),
            first_offer=offers[-1].pk + 1 if offers else 1, now=self.now,
        )  # fmt: skip
        offers += requests
        open_ids = cases.open_offers_choose(
            self.r, offers, count=_scaled(OPEN_OFFERS, self.scale, 4), now=self.now
        )
        counts = cases.CaseWriter(self.r, self.roster, self.team, now=self.now).write(
            offers, open_ids
        )
        counts["requests"] = len(requests)
        counts["open offers"] = _clocks_start(open_ids)
        counts["safety concerns"] = cases.safety_concerns_write(
            self.r,
            self.roster,
            self.team,
            count=_scaled(SAFETY_CONCERNS, self.scale, 2),
            now=self.now,
        )
        return counts

    def _surveys(self) -> dict[str, int]:
        return surveys.surveys_create(
            self.rng,
            self.roster,
            self.scope,
            responses=_scaled(RESPONSES, self.scale, 200),
            now=self.now,
        )


def _clocks_start(open_ids: set[int]) -> int:
    """First-contact clocks for the open offers still waiting, as offer_assign schedules them."""
    waiting = OutreachOffer.objects.filter(pk__in=open_ids, state="assigned")
    for offer in waiting:
        payload = {"offer_id": offer.pk, "assigned_at": offer.assigned_at.isoformat()}
        task_schedule(
            kind="outreach.first_contact_expired",
            payload=payload,
            due_at=offer.first_contact_due_at,
            dedupe_key=f"outreach.expired:{offer.pk}",
        )
    return len(open_ids)
