"""The program's figures are kept a few minutes, an hour once their period has ended."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reports import metrics
from reports.counts import offer_counts, total
from reports.dashboard import DIMENSIONS, dashboards_refresh
from reports.figures_cache import refreshing

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 18)
MARCH = {"start": datetime.date(2026, 3, 1), "end": datetime.date(2026, 3, 31)}
JANUARY = {"start": datetime.date(2026, 1, 1), "end": datetime.date(2026, 1, 31)}


def noon(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def test_a_running_periods_figures_are_kept_ten_minutes(build):
    with time_machine.travel(noon(TODAY), tick=False) as clock:
        build.offers(2, day=TODAY.replace(day=2))
        assert metrics.first_contact(**MARCH).offers == 2
        build.offers(3, day=TODAY.replace(day=3))

        clock.shift(datetime.timedelta(minutes=9))
        assert metrics.first_contact(**MARCH).offers == 2
        clock.shift(datetime.timedelta(minutes=2))
        assert metrics.first_contact(**MARCH).offers == 5


def test_an_ended_periods_figures_are_kept_an_hour(build):
    with time_machine.travel(noon(TODAY), tick=False) as clock:
        build.offers(2, day=datetime.date(2026, 1, 10))
        assert metrics.uptake(**JANUARY).offered == 2
        build.offers(1, day=datetime.date(2026, 1, 11))

        clock.shift(datetime.timedelta(minutes=50))
        assert metrics.uptake(**JANUARY).offered == 2
        clock.shift(datetime.timedelta(minutes=15))
        assert metrics.uptake(**JANUARY).offered == 3


def test_figures_for_other_arguments_are_kept_apart(build):
    with time_machine.travel(noon(TODAY), tick=False):
        build.offers(2, day=datetime.date(2026, 1, 10))
        build.offers(4, day=TODAY.replace(day=2))

        assert metrics.uptake(**JANUARY).offered == 2
        assert metrics.uptake(**MARCH).offered == 4


def test_refreshing_works_figures_out_afresh_and_keeps_them(build):
    with time_machine.travel(noon(TODAY), tick=False):
        build.offers(2, day=TODAY.replace(day=2))
        assert metrics.first_contact(**MARCH).offers == 2
        build.offers(3, day=TODAY.replace(day=3))

        with refreshing():
            assert metrics.first_contact(**MARCH).offers == 5
        assert metrics.first_contact(**MARCH).offers == 5


def test_refreshing_leaves_an_ended_periods_figures_as_kept(build):
    with time_machine.travel(noon(TODAY), tick=False):
        build.offers(2, day=datetime.date(2026, 1, 10))
        assert metrics.uptake(**JANUARY).offered == 2
        build.offers(1, day=datetime.date(2026, 1, 11))

        with refreshing():
            assert metrics.uptake(**JANUARY).offered == 2


def test_once_the_worker_has_refreshed_the_dashboard_opens_in_a_few_queries(
    build, cast, client_for
):
    build.offers(6, day=timezone.localdate())
    client = client_for(cast.leader)
    with CaptureQueriesContext(connection) as cold:
        assert client.get("/results/").status_code == 200

    dashboards_refresh()
    with CaptureQueriesContext(connection) as ready:
        assert client.get("/results/").status_code == 200

    assert len(ready) <= 12 < len(cold)


def test_the_worker_refreshes_the_pages_people_open_first(build, cast, client_for):
    build.offers(6, day=timezone.localdate())
    period = client_for(cast.director).get("/results/").context["dashboard"].period

    def offers_on_the_page() -> int:
        by_person = offer_counts(
            start=period.start, end=period.end, by=tuple(DIMENSIONS)
        )
        return total(by_person.values()).offers

    build.offers(4, day=timezone.localdate())
    assert offers_on_the_page() == 6

    dashboards_refresh()

    assert offers_on_the_page() == 10
