"""Reads for the survey pages. Counts only: nothing here opens a response."""

from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce

from confidentiality import policy
from surveys.models import Invitation, Response, Survey, Wave, WaveStatus


def _count(queryset) -> Subquery:
    return Coalesce(
        Subquery(
            queryset.order_by().values("wave").annotate(n=Count("pk")).values("n"),
            output_field=IntegerField(),
        ),
        0,
    )


def waves_with_tracking() -> QuerySet[Wave]:
    """Waves with their response-rate tracker: invited, answered, responses (counts)."""
    return Wave.objects.annotate(
        issued=_count(Invitation.objects.filter(wave=OuterRef("pk"))),
        answered_count=_count(
            Invitation.objects.filter(wave=OuterRef("pk"), answered=True)
        ),
        response_count=_count(Response.objects.filter(wave=OuterRef("pk"))),
    ).order_by("-opens_on", "-pk")


def surveys_for_page(user) -> QuerySet[Survey]:
    return (
        policy.surveys_visible_to(user)
        .select_related("instrument")
        .prefetch_related(Prefetch("waves", queryset=waves_with_tracking()))
    )


def wave_tracking(wave: Wave) -> tuple[int, int]:
    """(invited, answered) for a wave from waves_with_tracking().

    An open wave counts its invitations; a closed one the counts kept when its
    invitations were deleted; an imported one the responses it brought.
    """
    if wave.imported:
        return wave.invited, wave.response_count
    if wave.status == WaveStatus.CLOSED:
        return wave.invited, wave.answered
    return wave.issued, wave.answered_count


def response_rate(invited: int, answered: int) -> float | None:
    if not invited:
        return None
    return round(100 * answered / invited, 1)
