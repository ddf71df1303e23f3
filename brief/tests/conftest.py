"""Hand-built data for the brief: survey waves with summaries, and real outreach offers."""

import datetime

import pytest
from django.utils import timezone

from alongside.testing.cast import Cast, make_staff_member
from events.catalogue import default_triggers_load
from events.models import TriggerType
from events.services import event_record
from outreach.models import OfferState, OutreachOffer
from outreach.services import offer_move
from outreach.tests.conftest import make_active
from program.selectors import program_settings
from surveys.models import Survey, Wave, WaveStatus, WaveSummary
from surveys.services import builtin_instruments_install


@pytest.fixture
def survey(db) -> Survey:
    [instrument] = builtin_instruments_install()
    return Survey.objects.create(
        slug="pulse", title="Staff pulse", instrument=instrument
    )


def closed_wave(
    survey: Survey,
    label: str,
    *,
    closes_on: datetime.date,
    responses: int,
    stress: tuple[int, int] | None,
    burnout: tuple[int, int] | None,
    k: int = 5,
) -> Wave:
    """A closed wave whose summary says (answered, flagged) per outcome."""
    wave = Wave.objects.create(
        survey=survey,
        label=label,
        opens_on=closes_on - datetime.timedelta(days=14),
        closes_on=closes_on,
        status=WaveStatus.CLOSED,
        k=k,
        k_comments=10,
        invited=responses * 2,
    )
    outcomes = {}
    if stress is not None:
        outcomes["high_stress"] = {"all": {"": list(stress)}}
    if burnout is not None:
        outcomes["burnout"] = {"all": {"": list(burnout)}}
    WaveSummary.objects.create(
        wave=wave,
        computed_at=timezone.now(),
        responses=responses,
        segments={"all": {"": responses}},
        counts={},
        outcomes=outcomes,
        drivers={},
    )
    return wave


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


@pytest.fixture
def two_waves(survey) -> tuple[Wave, Wave]:
    """Spring: 80 answers, 40 high stress, 30 burnout; Autumn: 100, 60 and 45."""
    spring = closed_wave(
        survey,
        "Spring",
        closes_on=days_ago(200),
        responses=80,
        stress=(80, 40),
        burnout=(80, 30),
    )
    autumn = closed_wave(
        survey,
        "Autumn",
        closes_on=days_ago(20),
        responses=100,
        stress=(100, 60),
        burnout=(100, 45),
    )
    return spring, autumn


def triggers() -> None:
    """The default trigger catalogue (a transactional test empties the data migration's)."""
    if not TriggerType.objects.exists():
        default_triggers_load(TriggerType)


def offers_after_an_event(
    cast: Cast,
    *,
    people: int,
    trigger: str = "serious-safety-event",
    contacted: int = 0,
    accepted: int = 0,
) -> list[OutreachOffer]:
    """A real event with ``people`` physicians involved: one offer each, through outreach.

    The first ``contacted`` are moved on to contacted by program staff (at
    once, so within the hour), and the first ``accepted`` of those to accepted.
    """
    triggers()
    make_active(cast.supporter.staff_member, cast.other_supporter.staff_member)
    settings_row = program_settings()
    settings_row.supporter_caseload_cap = 20  # two supporters take every offer
    settings_row.save(update_fields=["supporter_caseload_cap"])
    involved = [make_staff_member(cast.org) for _ in range(people)]
    recorded = event_record(
        source="manual",
        source_event_id="",
        occurred_on=days_ago(3),
        trigger_type=TriggerType.objects.get(code=trigger),
        harm_level="moderate",
        involved=[(person, "roster") for person in involved],
    )
    offers = list(OutreachOffer.objects.filter(event=recorded.event).order_by("pk"))
    assert len(offers) == people
    for offer in offers[:contacted]:
        offer_move(actor=cast.director, offer=offer, to_state=OfferState.CONTACTED)
    for offer in offers[:accepted]:
        offer_move(actor=cast.director, offer=offer, to_state=OfferState.ACCEPTED)
    return offers
