"""Reads about adverse events (through the policy)."""

from django.db.models import Count, Q, QuerySet

from confidentiality import policy
from events.models import AdverseEvent


def events_for_page(user) -> QuerySet[AdverseEvent]:
    return (
        policy.events_visible_to(user)
        .select_related("trigger_type", "unit", "site")
        .annotate(involved_count=Count("involvements"))
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
