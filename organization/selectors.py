"""Reads about the organization and its roster (protected rows come through the policy)."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from confidentiality import policy
from organization.models import (
    Department,
    Profession,
    RosterImport,
    Site,
    StaffMember,
)


@dataclass(frozen=True)
class RosterSummary:
    active: int
    inactive: int
    without_email: int
    last_import: RosterImport | None


def roster_summary() -> RosterSummary:
    counts = StaffMember.objects.aggregate(
        active=Count("pk", filter=Q(is_active=True)),
        inactive=Count("pk", filter=Q(is_active=False)),
        without_email=Count("pk", filter=Q(is_active=True, work_email="")),
    )
    last_import = RosterImport.objects.defer("content", "errors").first()
    return RosterSummary(last_import=last_import, **counts)


def roster_search(user, *, query: str = "", include_inactive: bool = False) -> QuerySet:
    """The roster entries this person may see, matching a name, e-mail or employee id."""
    people = policy.staff_members_visible_to(user).select_related(
        "profession", "department", "site"
    )
    if not include_inactive:
        people = people.filter(is_active=True)
    for term in query.split():
        people = people.filter(
            Q(first_name__icontains=term)
            | Q(last_name__icontains=term)
            | Q(work_email__icontains=term)
            | Q(employee_id__iexact=term)
        )
    return people.order_by("last_name", "first_name", "pk")


def organization_structure() -> dict[str, QuerySet]:
    """Sites, departments and professions with how many active staff each has."""
    active = Count("staff_members", filter=Q(staff_members__is_active=True))
    return {
        "sites": Site.objects.annotate(active_staff=active),
        "departments": Department.objects.annotate(active_staff=active),
        "professions": Profession.objects.annotate(active_staff=active),
    }
