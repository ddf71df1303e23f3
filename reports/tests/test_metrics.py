"""Each figure against hand-built data, live cases and purged counts added together."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from accounts.models import Role, RoleAssignment
from conversations.models import ReferralOutcome, SafetyConcern
from events.models import EventOutreachTally
from outreach.models import CloseReason, OfferOrigin, OfferState
from outreach.retention import closed_cases_purge
from outreach.tests.conftest import make_active
from reports import metrics
from scope.models import DemandRecord
from surveys.models import Instrument, Survey, Wave, WaveStatus, WaveSummary
from surveys.services import builtin_instruments_install
from team.models import HoursEntry

pytestmark = pytest.mark.django_db

MAY = datetime.date(2025, 5, 1)
JUNE = datetime.date(2025, 6, 1)
PERIOD = {"start": MAY, "end": datetime.date(2025, 6, 30)}


def test_first_contact_adds_purged_cases_to_live_ones(build):
    build.offers(6, day=MAY.replace(day=3), contact_after_hours=3)
    build.offers(2, day=MAY.replace(day=3), contact_after_hours=30)
    build.offers(2, day=MAY.replace(day=4))
    build.purged(
        month=MAY,
        offers=5,
        contacted=4,
        contacted_within_target=3,
        contacted_within_1h=1,
        contacted_within_2h=1,
        contacted_within_4h=2,
        contacted_within_8h=3,
        contacted_within_24h=3,
        contacted_within_72h=4,
    )

    figures = metrics.first_contact(**PERIOD)

    assert figures == metrics.FirstContact(
        offers=15,
        contacted=12,
        within_target=9,
        median_band="within 4 hours",  # 8 of 12 within 4 hours
        p90_band="within 72 hours",  # 9 of 12 within 24 hours is short of nine in ten
    )


def test_within_target_is_each_offer_s_own_clock(build):
    build.offers(3, day=MAY.replace(day=3), contact_after_hours=5, target=4)
    build.offers(2, day=MAY.replace(day=3), contact_after_hours=3, target=4)

    assert metrics.first_contact(**PERIOD).within_target == 2


def test_bands_say_nothing_when_nobody_was_contacted(build):
    build.offers(3, day=MAY.replace(day=3))

    figures = metrics.first_contact(**PERIOD)

    assert (figures.offers, figures.contacted) == (3, 0)
    assert figures.median_band is None and figures.p90_band is None


def test_a_band_beyond_the_last_bucket_says_more_than_72_hours(build):
    build.offers(1, day=MAY.replace(day=3), contact_after_hours=1)
    build.offers(3, day=MAY.replace(day=3), contact_after_hours=100)

    figures = metrics.first_contact(**PERIOD)

    assert figures.median_band == "more than 72 hours"


def test_offers_outside_the_period_do_not_count(build):
    build.offers(2, day=datetime.date(2025, 4, 30), contact_after_hours=1)
    build.offers(2, day=datetime.date(2025, 7, 1), contact_after_hours=1)
    build.purged(month=datetime.date(2025, 7, 1), offers=9)

    assert metrics.first_contact(**PERIOD).offers == 0


def test_first_contact_filters_by_trigger_and_group(build, trigger, cast):
    surgeon = build.person(department=cast.org.surgery)
    build.offers(2, day=MAY.replace(day=3), person=surgeon)
    build.offers(3, day=MAY.replace(day=3), trigger_type=None, origin="self")
    build.purged(month=MAY, person=surgeon, offers=4)

    assert metrics.first_contact(**PERIOD, trigger_type_id=trigger.pk).offers == 6
    assert (
        metrics.first_contact(**PERIOD, department_id=cast.org.surgery.pk).offers == 6
    )


def test_first_contact_by_trigger_and_month(build, trigger):
    build.offers(2, day=MAY.replace(day=3), contact_after_hours=1)
    build.offers(1, day=JUNE.replace(day=3), contact_after_hours=10)
    build.offers(4, day=JUNE.replace(day=9), trigger_type=None, origin="self")
    build.purged(month=JUNE, offers=3, contacted=3, contacted_within_72h=3)

    rows = metrics.first_contact_by_trigger_and_month(**PERIOD)

    assert [(r.trigger, r.month, r.offers, r.contacted) for r in rows] == [
        (trigger.name, MAY, 2, 2),
        (trigger.name, JUNE, 4, 4),
        (metrics.NO_TRIGGER, JUNE, 4, 0),
    ]
    assert rows[0].median_band == "within 1 hour"
    assert rows[1].median_band == "within 72 hours"


def test_triggered_events_offered_in_target(build):
    quick = build.event(day=MAY.replace(day=2))
    slow = build.event(day=MAY.replace(day=2))
    build.event(day=MAY.replace(day=2))  # nobody was offered support
    day = MAY.replace(day=3)
    build.offers(1, day=day, event=quick, contact_after_hours=2)
    build.offers(1, day=day, event=quick, contact_after_hours=40, person=build.person())
    build.offers(1, day=day, event=slow, contact_after_hours=40)
    build.offers(1, day=day, event=slow, contact_after_hours=40, person=build.person())

    assert metrics.triggered_events_offered_in_target(**PERIOD) == (2, 1)


def test_triggered_events_add_the_events_purged_tallies(build):
    partly_purged = build.event(day=MAY.replace(day=2))
    build.offers(1, day=MAY.replace(day=3), event=partly_purged)  # not yet reached
    EventOutreachTally.objects.create(
        event=partly_purged, month=MAY, offers=1, contacted_in_target=True
    )
    purged_slow = build.event(day=MAY.replace(day=2))
    EventOutreachTally.objects.create(event=purged_slow, month=JUNE, offers=2)
    later = build.event(day=MAY.replace(day=2))
    EventOutreachTally.objects.create(
        event=later, month=datetime.date(2025, 7, 1), offers=1, contacted_in_target=True
    )

    assert metrics.triggered_events_offered_in_target(**PERIOD) == (2, 1)


def test_uptake_counts_accepted_offers_live_and_purged(build, cast):
    surgeon = build.person(department=cast.org.surgery)
    build.offers(3, day=MAY.replace(day=3), accepted=True)
    build.offers(2, day=MAY.replace(day=3))
    build.offers(1, day=MAY.replace(day=3), person=surgeon, accepted=True)
    build.purged(month=JUNE, person=surgeon, offers=4, accepted=1)

    assert metrics.uptake(**PERIOD) == metrics.Uptake(offered=10, accepted=5)
    assert metrics.uptake_by(**PERIOD, dimension="department") == [
        metrics.UptakeRow(cast.org.emergency.pk, "Emergency Medicine", 5, 3),
        metrics.UptakeRow(cast.org.surgery.pk, "Surgery", 5, 2),
    ]
    assert [
        row.segment_name for row in metrics.uptake_by(**PERIOD, dimension="profession")
    ] == ["Physician"]


def test_conversations_per_event(build, cast):
    event = build.event(day=MAY.replace(day=2), involved=[cast.clinician.staff_member])
    build.event(day=MAY.replace(day=9), involved=[cast.clinician.staff_member])
    build.event(day=MAY.replace(day=9))  # nobody on the roster involved
    build.offers(1, day=MAY.replace(day=3), event=event, conversations=2)
    build.offers(
        1, day=MAY.replace(day=3), origin="self", trigger_type=None, conversations=5
    )
    build.purged(month=MAY, conversations=3)

    assert metrics.conversations_per_event(**PERIOD) == (2, 5)


def test_facilitated_referrals_and_whether_they_closed_the_loop(build):
    build.offers(
        2,
        day=MAY.replace(day=3),
        referrals=(ReferralOutcome.REACHED, ReferralOutcome.WAITING),
    )
    build.offers(1, day=MAY.replace(day=3), referrals=(ReferralOutcome.NOT_GOING,))
    build.purged(
        month=MAY,
        facilitated_referrals=4,
        referrals_reached=2,
        referrals_not_yet=1,
        referrals_not_going=0,
    )

    assert metrics.facilitated_referrals(**PERIOD) == metrics.Referrals(
        made=9, reached=4, not_yet=1, not_going=1, waiting=3
    )


def test_safety_concerns_in_the_period(cast):
    for day in (MAY.replace(day=5), JUNE.replace(day=5), datetime.date(2025, 8, 1)):
        concern = SafetyConcern.objects.create(raised_by=cast.supporter.staff_member)
        SafetyConcern.objects.filter(pk=concern.pk).update(
            raised_at=timezone.make_aware(
                datetime.datetime.combine(day, datetime.time(9))
            )
        )

    assert metrics.safety_concerns(**PERIOD) == 2


def test_unmet_demand_counts_requests_from_outside_the_scope(cast):
    nurse = cast.org.professions["nurse"]
    for profession, in_scope in ((nurse, False), (nurse, False), (nurse, True)):
        DemandRecord.objects.create(
            recorded_on=MAY.replace(day=7),
            in_scope=in_scope,
            profession=profession,
            department=cast.org.surgery,
            site=cast.org.north,
        )

    assert metrics.unmet_demand(**PERIOD) == [metrics.DemandRow(nurse.pk, "Nurse", 2)]
    assert [
        (r.segment_name, r.count)
        for r in metrics.unmet_demand(**PERIOD, dimension="department")
    ] == [("Surgery", 2)]


def test_supporters_summary(cast, build):
    make_active(cast.supporter.staff_member)
    build.offers(3, day=timezone.localdate(), state=OfferState.IN_SUPPORT)

    summary = metrics.supporters_summary(today=timezone.localdate())

    assert (summary.supporters, summary.active, summary.in_training) == (2, 1, 1)
    assert (summary.open_cases, summary.open_cases_max) == (3, 3)
    assert summary.open_cases_median == Decimal("1.5")
    assert summary.target_per_100 > 0 and summary.eligible > 0


def test_director_time_against_the_commitment(cast):
    today = timezone.localdate()
    RoleAssignment.objects.filter(
        staff_member=cast.director.staff_member, role=Role.PROGRAM_DIRECTOR
    ).update(starts_on=today.replace(day=1), committed_percent=20)
    HoursEntry.objects.create(
        staff_member=cast.director.staff_member,
        worked_on=today,
        hours=Decimal("6.5"),
        activity="supervision",
        created_by=cast.director,
    )
    start = today.replace(day=1)
    end = start.replace(day=28)

    time = metrics.director_time(start=start, end=max(end, today))

    assert time.hours == Decimal("6.5")
    days = (max(end, today) - start).days + 1
    assert time.committed_hours == (Decimal("0.2") * 40 * days / 7).quantize(
        Decimal("0.01")
    )


def _wave(outcomes: dict, *, k=5):
    builtin_instruments_install()
    survey = Survey.objects.create(
        slug="pulse", title="Pulse", instrument=Instrument.objects.first()
    )
    wave = Wave.objects.create(
        survey=survey,
        label="Spring",
        opens_on=MAY,
        closes_on=JUNE,
        status=WaveStatus.CLOSED,
        k=k,
    )
    WaveSummary.objects.create(
        wave=wave,
        computed_at=timezone.now(),
        responses=100,
        outcomes={"high_stress": outcomes},
    )
    return wave


def test_hotspots_are_stressed_departments_with_low_uptake(cast, build):
    org = cast.org
    today = timezone.localdate()
    surgeon = build.person(department=org.surgery)
    child_doctor = build.person(department=org.pediatrics)
    build.offers(10, day=today, accepted=True)  # Emergency: all accept
    build.offers(2, day=today, person=surgeon, accepted=True)
    build.offers(8, day=today, person=surgeon)  # Surgery: 2 of 10
    build.offers(3, day=today, person=child_doctor)  # Pediatrics: too few offers
    _wave(
        {
            "all": {"": [60, 20]},
            "department": {
                str(org.emergency.pk): [20, 2],
                str(org.surgery.pk): [20, 12],
                str(org.pediatrics.pk): [20, 6],
            },
        }
    )

    found = metrics.hotspots(today=today)

    assert [(h.department, h.stress_rate, h.uptake_rate) for h in found] == [
        ("Surgery", Decimal("60.0"), Decimal("20.0"))
    ]


def test_no_hotspots_without_a_closed_wave(cast, build):
    build.offers(10, day=timezone.localdate())

    assert metrics.hotspots(today=timezone.localdate()) == []
    assert metrics.latest_stress_wave() is None


def test_figures_do_not_drop_when_retention_purges_the_cases(build, cast):
    """The real purge folds cases into counts; every figure stays the same."""
    surgeon = build.person(department=cast.org.surgery)
    day = MAY.replace(day=3)
    closed = {"state": OfferState.CLOSED}
    build.offers(
        3,
        day=day,
        contact_after_hours=2,
        accepted=True,
        conversations=2,
        referrals=(ReferralOutcome.REACHED,),
        **closed,
    )
    build.offers(2, day=day, person=surgeon, contact_after_hours=30, **closed)
    build.offers(1, day=day, trigger_type=None, origin=OfferOrigin.SELF, **closed)
    # Events: one reached in time; one reached late in May and re-opened in June,
    # reached in time then; one half purged (the other offer is still open).
    quick = build.event(day=MAY.replace(day=2))
    for _ in range(2):
        build.offers(
            1,
            day=day,
            event=quick,
            person=build.person(),
            contact_after_hours=1,
            **closed,
        )
    reopened = build.event(day=MAY.replace(day=2))
    build.offers(1, day=day, event=reopened, contact_after_hours=30, **closed)
    build.offers(
        1,
        day=JUNE.replace(day=10),
        event=reopened,
        origin=OfferOrigin.REOPENED,
        contact_after_hours=1,
        **closed,
    )
    half = build.event(day=MAY.replace(day=2))
    build.offers(1, day=day, event=half, contact_after_hours=1, **closed)
    build.offers(1, day=day, event=half, person=surgeon)  # still open: stays
    from outreach.models import OutreachOffer

    OutreachOffer.objects.filter(state=OfferState.CLOSED).update(
        close_reason=CloseReason.SUPPORT_ENDED
    )
    may = {"start": MAY, "end": datetime.date(2025, 5, 31)}
    june = {"start": JUNE, "end": datetime.date(2025, 6, 30)}

    def figures():
        return (
            metrics.first_contact(**PERIOD),
            metrics.first_contact_by_trigger_and_month(**PERIOD),
            metrics.uptake_by(**PERIOD, dimension="department"),
            metrics.facilitated_referrals(**PERIOD),
            metrics.conversations_per_event(**PERIOD),
            metrics.triggered_events_offered_in_target(**PERIOD),
            metrics.triggered_events_offered_in_target(**may),
            metrics.triggered_events_offered_in_target(**june),
        )

    before = figures()

    with time_machine.travel(timezone.now() + datetime.timedelta(days=3650)):
        assert closed_cases_purge(now=timezone.now()) == 11
    assert list(OutreachOffer.objects.values_list("event", flat=True)) == [half.pk]

    after = figures()
    assert after == before
    assert before[0].offers == 12
    assert before[5:] == ((3, 3), (3, 2), (1, 1))
