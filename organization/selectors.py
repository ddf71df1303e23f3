"""Reads about the organization and its roster (protected rows come through the policy)."""

from dataclasses import dataclass, field

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
        # Aggregating queries ignore Meta.ordering, so the order is spelled out.
        "sites": Site.objects.annotate(active_staff=active).order_by("name"),
        "departments": Department.objects.annotate(active_staff=active).order_by(
            "name"
        ),
        "professions": Profession.objects.annotate(active_staff=active).order_by(
            "sort_order", "name"
        ),
    }


def roster_imports_recent(user, *, limit: int = 10) -> list[RosterImport]:
    """The latest roster imports this person may see, without files or reports."""
    return list(
        policy.roster_imports_visible_to(user)
        .select_related("created_by__staff_member")
        .defer("content", "errors")
        .order_by("-created_at", "-pk")[:limit]
    )


@dataclass(frozen=True)
class RosterImportReport:
    """What an import's page shows once it has finished."""

    created: int
    updated: int
    unchanged: int
    rows_not_imported: int
    error_count: int
    errors: list[dict] = field(default_factory=list)

    @property
    def errors_truncated(self) -> bool:
        return self.error_count > len(self.errors)


def roster_import_report(roster_import: RosterImport) -> RosterImportReport:
    saved = (
        roster_import.created_count
        + roster_import.updated_count
        + roster_import.unchanged_count
    )
    return RosterImportReport(
        created=roster_import.created_count,
        updated=roster_import.updated_count,
        unchanged=roster_import.unchanged_count,
        rows_not_imported=roster_import.total_rows - saved,
        error_count=roster_import.error_count,
        errors=roster_import.errors,
    )
