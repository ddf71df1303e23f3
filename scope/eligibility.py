"""Who is eligible for the program: the one eligibility function.

Referrals, outreach, nominations and surveys all ask here. A person is
eligible on a day when they are active on the roster and their profession,
site and department are in the scope in force that day.
"""

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from organization.models import StaffMember
from scope.models import ScopeStatus, ScopeVersion


def scope_in_force(on: datetime.date | None = None) -> ScopeVersion | None:
    """The scheduled scope version in force on a day (today by default)."""
    day = on or timezone.localdate()
    return (
        ScopeVersion.objects.filter(
            status=ScopeStatus.SCHEDULED, effective_from__lte=day
        )
        .order_by("-effective_from")
        .first()
    )


def scope_condition(version: ScopeVersion | None, prefix: str = "") -> Q:
    """A filter on StaffMember (or, with ``prefix``, on a relation to it) for a scope.

    ``prefix`` is a lookup path ending in ``__``, such as ``"nominee__"``. No
    scope means nobody is eligible.
    """
    if version is None:
        return Q(pk__in=[])
    condition = Q(**{f"{prefix}is_active": True}) & Q(
        **{f"{prefix}profession__in": version.professions.all()}
    )
    if not version.all_sites:
        condition &= Q(**{f"{prefix}site__in": version.sites.all()})
    if not version.all_departments:
        condition &= Q(**{f"{prefix}department__in": version.departments.all()})
    return condition


def eligible_staff_members(
    on: datetime.date | None = None, *, version: ScopeVersion | None = None
) -> QuerySet[StaffMember]:
    """Everyone the program serves on a day, or under a given scope version."""
    if version is None:
        version = scope_in_force(on)
    return StaffMember.objects.filter(scope_condition(version))


def staff_member_is_eligible(
    staff_member: StaffMember | None, on: datetime.date | None = None
) -> bool:
    if staff_member is None:
        return False
    return eligible_staff_members(on).filter(pk=staff_member.pk).exists()
