"""The queue's counts: open offers live, ended ones kept a few minutes."""

import datetime

import time_machine
from django.utils import timezone

from alongside.testing.cast import make_user
from outreach.models import OfferState, OutreachOffer
from outreach.selectors import outreach_counts


def counted(user) -> dict:
    return dict(outreach_counts(user)["by_state"])


def test_open_offers_are_counted_live_and_ended_ones_every_ten_minutes(
    cast, active_supporters, record_event
):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(3):
            record_event(make_user(cast.org).staff_member)
        before = counted(cast.director)
        assert before[OfferState.CLOSED] == 0
        offer = OutreachOffer.objects.filter(state__in=before.keys()).first()
        OutreachOffer.objects.filter(pk=offer.pk).update(state=OfferState.CLOSED)

        now = counted(cast.director)
        assert now[offer.state] == before[offer.state] - 1
        assert now[OfferState.CLOSED] == 0

        clock.shift(datetime.timedelta(minutes=11))
        assert counted(cast.director)[OfferState.CLOSED] == 1
