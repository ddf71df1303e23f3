"""The brief's local picture from hand-built data: surveys, events and real offers."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from brief.local import events_picture, program_picture
from brief.period import Period, last_twelve_months
from brief.selectors import brief_build
from brief.survey_trend import survey_picture
from brief.tests.conftest import closed_wave, days_ago, offers_after_an_event, triggers
from confidentiality.suppression import Reason
from events.models import AdverseEvent, TriggerType
from surveys import analytics

pytestmark = pytest.mark.django_db


def year() -> Period:
    return last_twelve_months(timezone.localdate())


# --- Surveys -------------------------------------------------------------------------------------


def test_stress_and_burnout_come_from_the_last_closed_waves_with_intervals(two_waves):
    picture = survey_picture(end=timezone.localdate())
    assert picture.survey_title == "Staff pulse"
    assert picture.outcomes == ("High stress", "Burnout")
    assert [wave.label for wave in picture.waves] == ["Spring", "Autumn"]
    spring, autumn = picture.waves
    assert spring.prevalences[0].rate.value == Decimal("50.0")  # 40 of 80
    assert autumn.prevalences[0].rate.value == Decimal("60.0")  # 60 of 100
    assert autumn.prevalences[1].rate.value == Decimal("45.0")  # 45 of 100
    assert autumn.responses.value == 100
    wilson = analytics.proportion(45, 100)
    burnout = picture.latest_prevalence("Burnout")
    assert burnout.low.value == Decimal(str(round(100 * wilson.low, 1)))
    assert burnout.high.value == Decimal(str(round(100 * wilson.high, 1)))
    assert not burnout.wide


def test_the_change_since_the_wave_before_is_tested_not_guessed(two_waves):
    picture = survey_picture(end=timezone.localdate())
    changes = {change.label: change for change in picture.changes}
    assert changes["High stress"].since == "Spring"
    assert changes["High stress"].difference.value == Decimal("10.0")
    # 50 % to 60 % on 80 and 100 answers could be chance.
    assert changes["High stress"].text == "no reliable change"


def test_a_wave_closed_after_the_period_is_left_out(two_waves):
    picture = survey_picture(end=days_ago(100))
    assert [wave.label for wave in picture.waves] == ["Spring"]
    assert picture.changes == ()


def test_a_small_wave_hides_its_prevalence_and_a_thin_one_says_its_interval_is_wide(
    survey,
):
    closed_wave(
        survey,
        "Pilot",
        closes_on=days_ago(60),
        responses=12,
        stress=(12, 3),
        burnout=(12, 6),
    )
    closed_wave(
        survey,
        "Small",
        closes_on=days_ago(10),
        responses=20,
        stress=(20, 9),
        burnout=(20, 4),
    )
    picture = survey_picture(end=timezone.localdate())
    pilot, small = picture.waves
    assert pilot.prevalences[0].rate.reason == Reason.SMALL  # 3 flagged, under k
    assert pilot.prevalences[0].low is None
    assert small.prevalences[1].rate.suppressed  # 4 flagged
    stress = small.prevalences[0]
    assert stress.rate.value == Decimal("45.0")  # 9 of 20: shown, but
    assert stress.wide  # its interval spans more than 20 points
    assert picture.changes == ()  # the pilot's figure is hidden: no change to show


def test_the_wave_s_own_threshold_is_used(survey):
    closed_wave(
        survey,
        "Strict",
        closes_on=days_ago(5),
        responses=60,
        stress=(60, 8),
        burnout=(60, 30),
        k=10,
    )
    stress = survey_picture(end=timezone.localdate()).latest_prevalence("High stress")
    assert stress.rate.suppressed  # 8 is at least 5, but under the wave's 10


def test_no_survey_no_picture(db):
    assert survey_picture(end=timezone.localdate()) is None


# --- Adverse events ------------------------------------------------------------------------------


def _events(trigger: str, n: int) -> None:
    for _ in range(n):
        AdverseEvent.objects.create(
            source="manual",
            occurred_on=days_ago(30),
            trigger_type=TriggerType.objects.get(code=trigger),
        )


def test_adverse_events_are_counted_by_kind_with_small_cells_hidden_and_protected(db):
    triggers()
    _events("serious-safety-event", 9)
    _events("aggression", 6)
    _events("unexpected-death", 2)
    picture = events_picture(year(), k=5)
    rows = {row.trigger: row.count for row in picture.rows}
    # Every kind in the catalogue is listed, in its order: zeros are hidden too.
    assert list(rows) == list(
        TriggerType.objects.filter(is_active=True).values_list("name", flat=True)
    )
    assert rows["Serious safety event or patient harm"].value == 9
    assert rows["Unexpected patient death"].reason == Reason.SMALL
    # 2 and the zeros alone would be the total less 9 and 6: the 6 is hidden too.
    assert rows["Patient or visitor aggression"].reason == Reason.COMPLEMENTARY
    assert rows["Death of a colleague"].reason == Reason.SMALL
    assert picture.total.value == 17


def test_events_outside_the_period_are_not_counted(db):
    triggers()
    AdverseEvent.objects.create(
        source="manual",
        occurred_on=days_ago(400),
        trigger_type=TriggerType.objects.get(code="serious-safety-event"),
    )
    assert events_picture(year(), k=5).total.suppressed  # 0


# --- The program's reach and speed (reports.metrics, through suppression) -----------------------


def test_reach_and_speed_come_from_real_offers(cast):
    offers_after_an_event(cast, people=12, contacted=10, accepted=6)
    program = program_picture(year(), k=5)
    assert program.offers.value == 12
    assert program.contacted.value == 10
    assert (
        program.within_target.suppressed
    )  # 10 of 10 in time: "all but 0" says too much
    assert program.median_band == "within 1 hour"
    assert program.uptake.value == Decimal(50)  # 6 of 12
    assert program.accepted.value == 6
    assert program.events_offered.suppressed  # one event


def test_every_program_figure_is_hidden_when_the_numbers_are_small(cast):
    offers_after_an_event(cast, people=3, contacted=3, accepted=2)
    program = program_picture(year(), k=5)
    for name in (
        "offers",
        "contacted",
        "within_target",
        "uptake",
        "accepted",
        "events_offered",
        "events_in_target",
        "conversations",
        "conversations_per_event",
        "referrals",
        "referrals_reached",
    ):
        assert getattr(program, name).suppressed, name
    assert program.median_band is None
    assert program.p90_band is None


@override_settings(SUPPRESSION_K=11)
def test_the_organization_s_k_is_the_brief_s_k(cast):
    offers_after_an_event(cast, people=10, contacted=5)
    brief = brief_build(period=year(), made_at=timezone.now())
    assert brief.k == 11
    assert brief.program.offers.suppressed  # 10 offers, under 11


# --- The whole brief -----------------------------------------------------------------------------


def test_the_brief_brings_the_parts_together(cast, two_waves):
    offers_after_an_event(cast, people=6)
    brief = brief_build(period=year(), made_at=timezone.now())
    assert brief.high_stress.rate.value == Decimal("60.0")
    assert brief.burnout.rate.value == Decimal("45.0")
    assert brief.program.offers.value == 6
    assert len(brief.findings) == 8  # the seeded findings
    assert brief.findings_to_check == 8
    assert brief.cost["departures"].value == 35  # the default assumptions


def test_the_brief_s_queries_do_not_grow_with_the_data(cast, two_waves):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            brief_build(period=year(), made_at=timezone.now())
        return len(captured)

    offers_after_an_event(cast, people=3, contacted=2, accepted=1)
    queries()  # the first makes the assumptions row
    few = queries()
    for _ in range(5):
        offers_after_an_event(cast, people=6, contacted=6, accepted=3)
    assert queries() == few
