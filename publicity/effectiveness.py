"""Channel effectiveness: what each channel was used for, and the requests that named it.

Activities held and audience reached are the program's own log, shown as
they are. Requests come from people's answers to "how did you hear about
us", so the whole row of answers goes through ``suppress_counts`` with its
total shown: no cell under k, and no hidden cell that the total gives away.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, QuerySet, Sum

from confidentiality.suppression import (
    Cell,
    current_k,
    suppress_count,
    suppress_counts,
)
from outreach.models import HowHeard
from publicity.models import ActivityStatus, Channel, OutreachActivity
from publicity.period import Period
from publicity.tally import requests_by_answer

NOT_SAID = ""
# Answers that are not publicity channels: they show as "other routes".
OTHER_ROUTES = {
    HowHeard.COLLEAGUE.value: "A colleague",
    HowHeard.REACHED_OUT.value: "A peer supporter reached out",
    NOT_SAID: "Did not say",
}


@dataclass(frozen=True)
class ChannelRow:
    code: str
    label: str
    is_channel: bool
    activities: int | None  # None for other routes: nothing to hold
    audience: int | None
    requests: Cell

    @property
    def requests_per_100_reached(self) -> Decimal | None:
        """Requests for every 100 people reached, from shown figures only."""
        if self.requests.suppressed or not self.audience:
            return None
        value = Decimal(100) * self.requests.value / self.audience
        return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class ChannelTable:
    period: Period
    rows: list[ChannelRow]
    activities: int
    audience: int
    requests: Cell
    k: int

    @property
    def channels(self) -> list[ChannelRow]:
        return [row for row in self.rows if row.is_channel]

    @property
    def other_routes(self) -> list[ChannelRow]:
        return [row for row in self.rows if not row.is_channel]

    @property
    def any_hidden(self) -> bool:
        return self.requests.suppressed or any(
            row.requests.suppressed for row in self.rows
        )


def channel_table(
    activities: QuerySet[OutreachActivity], period: Period
) -> ChannelTable:
    """Per channel in the period: activities held, audience reached, requests naming it.

    ``activities`` is what the reader may see (``policy.outreach_activities_visible_to``).
    """
    held = (
        activities.filter(
            status=ActivityStatus.DONE,
            held_on__gte=period.start,
            held_on__lte=period.end,
        )
        .values("channel")
        .annotate(n=Count("pk"), audience=Sum("audience_size"))
        .order_by()
    )
    by_channel = {row["channel"]: row for row in held}
    answers = requests_by_answer(since=period.start)
    codes = [*Channel.values, *OTHER_ROUTES]
    cells = suppress_counts(
        {code: answers.get(code, 0) for code in codes}, total_shown=True
    )
    rows = [
        ChannelRow(
            code=channel.value,
            label=channel.label,
            is_channel=True,
            activities=by_channel.get(channel.value, {}).get("n", 0),
            audience=by_channel.get(channel.value, {}).get("audience") or 0,
            requests=cells[channel.value],
        )
        for channel in Channel
    ]
    rows += [
        ChannelRow(
            code=code,
            label=label,
            is_channel=False,
            activities=None,
            audience=None,
            requests=cells[code],
        )
        for code, label in OTHER_ROUTES.items()
    ]
    return ChannelTable(
        period=period,
        rows=rows,
        activities=sum(row.activities or 0 for row in rows),
        audience=sum(row.audience or 0 for row in rows),
        requests=suppress_count(sum(answers.get(code, 0) for code in codes)),
        k=current_k(),
    )
