"""The de-identified tally of "how did you hear about us", kept after requests go.

Retention deletes a request (``outreach.Referral``) some time after its case
ends, and ``scope.DemandRecord`` does not keep the answer. So once a day the
worker adds the requests made since its last run to ChannelRequestCount (a
month, an answer, a number) and moves the mark ``counted_before`` on. The
channel chart reads the tally for the months before the mark and the live
requests after it, so every request is counted once, whether or not it still
exists.

The tally stops an hour short of now, so a request still being saved when the
tally runs is counted by the next run, not lost between the two. A request
deleted before the tally reaches it (withdrawn by its maker within the day,
or purged by a retention period of a day with the worker stopped) is not
counted: see docs/publicity.md.
"""

import datetime

from django.db import transaction
from django.db.models import Count, DateField, F, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from outreach.models import Referral
from publicity.models import ChannelRequestCount, RequestTallyProgress

TALLY_LAG = datetime.timedelta(hours=1)


@transaction.atomic
def requests_tally(*, now: datetime.datetime | None = None) -> int:
    """Add the requests made since the last run to the tally. How many were added."""
    cutoff = (now or timezone.now()) - TALLY_LAG
    RequestTallyProgress.objects.get_or_create(pk=1)
    progress = RequestTallyProgress.objects.select_for_update().get(pk=1)
    if progress.counted_before is not None and progress.counted_before >= cutoff:
        return 0
    requests = Referral.objects.filter(created_at__lt=cutoff)
    if progress.counted_before is not None:
        requests = requests.filter(created_at__gte=progress.counted_before)
    added = 0
    for row in (
        requests.annotate(month=TruncMonth("created_at", output_field=DateField()))
        .values("month", "how_heard")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        count, _ = ChannelRequestCount.objects.get_or_create(
            month=row["month"], how_heard=row["how_heard"], defaults={"requests": 0}
        )
        ChannelRequestCount.objects.filter(pk=count.pk).update(
            requests=F("requests") + row["n"]
        )
        added += row["n"]
    progress.counted_before = cutoff
    progress.save(update_fields=["counted_before"])
    return added


def requests_by_answer(*, since: datetime.date) -> dict[str, int]:
    """Requests made on or after ``since`` (a month's first day), by their answer.

    Tallied months, plus the requests made after the tally's mark.
    """
    counted_before = (
        RequestTallyProgress.objects.filter(pk=1)
        .values_list("counted_before", flat=True)
        .first()
    )
    totals: dict[str, int] = {}
    if counted_before is not None:
        tallied = ChannelRequestCount.objects.filter(month__gte=since)
        for row in _by_answer(tallied, Sum("requests")):
            totals[row["how_heard"]] = row["n"]
    live: QuerySet = Referral.objects.filter(created_at__date__gte=since)
    if counted_before is not None:
        live = live.filter(created_at__gte=counted_before)
    for row in _by_answer(live, Count("pk")):
        totals[row["how_heard"]] = totals.get(row["how_heard"], 0) + row["n"]
    return totals


def _by_answer(rows: QuerySet, measure) -> QuerySet:
    return rows.values("how_heard").annotate(n=measure).order_by()
