"""Reads about adverse events (through the policy), and the trigger catalogue."""

from django.core.cache import cache
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from confidentiality import policy
from events.models import AdverseEvent, EventInvolvement, TriggerType

ACTIVE_TRIGGERS_CACHE = "events:active-trigger-types"
ACTIVE_TRIGGERS_CACHED_FOR = 60  # seconds; saving a trigger type clears it at once


def active_trigger_types() -> dict[str, TriggerType]:
    """The catalogue's active trigger types by code, in catalogue order.

    Every event a machine sends looks its trigger up here, so the catalogue
    (a dozen rows the director seldom changes) is kept in the shared cache
    for a minute; ``trigger_type_save`` clears the copy.
    """
    catalogue = cache.get(ACTIVE_TRIGGERS_CACHE)
    if catalogue is None:
        catalogue = {
            trigger.code: trigger
            for trigger in TriggerType.objects.filter(is_active=True)
        }
        cache.set(ACTIVE_TRIGGERS_CACHE, catalogue, ACTIVE_TRIGGERS_CACHED_FOR)
    return catalogue


def active_trigger_types_forget() -> None:
    cache.delete(ACTIVE_TRIGGERS_CACHE)


def events_for_page(user) -> QuerySet[AdverseEvent]:
    """Newest first, each with how many people it involved.

    The count is a subquery, not a join with GROUP BY, so a page of 50 reads
    50 events down the (occurred_on, id) index and counts only theirs,
    however many events there are.
    """
    involved = (
        EventInvolvement.objects.filter(event=OuterRef("pk"))
        .order_by()
        .values("event")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        policy.events_visible_to(user)
        .select_related("trigger_type", "unit", "site")
        .annotate(
            involved_count=Coalesce(Subquery(involved, output_field=IntegerField()), 0)
        )
        .order_by("-occurred_on", "-pk")
    )


def staff_search_for_events(user, query: str):
    """Risk & quality staff find people to record as involved (name, id, department)."""
    from organization.models import StaffMember

    if not policy.may_record_events(user) or len(query.strip()) < 2:
        return StaffMember.objects.none()
    people = StaffMember.objects.filter(is_active=True)
    for term in query.split():
        people = people.filter(
            Q(first_name__icontains=term)
            | Q(last_name__icontains=term)
            | Q(employee_id__iexact=term)
        )
    return people.select_related("profession", "department").order_by(
        "last_name", "first_name"
    )[:20]


def event_recorded_before(*, source: str, source_event_id: str) -> AdverseEvent | None:
    """The event a source already sent with this id (a retry), if any."""
    source_event_id = source_event_id.strip()
    if not source_event_id:
        return None
    # The condition repeats the unique index's, so SQLite can use it too.
    return (
        AdverseEvent.objects.filter(source=source, source_event_id=source_event_id)
        .exclude(source_event_id="")
        .first()
    )
