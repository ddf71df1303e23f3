"""Reading the resource directory.

The directory is public (see ``policy.may_manage_resources``), so these reads
take no user: what anyone may see is every active resource.
"""

from django.db.models import QuerySet

from resources.models import Resource


def resources_for_page() -> QuerySet[Resource]:
    """Every active resource, crisis lines first, then in the program's order."""
    return Resource.objects.filter(is_active=True).order_by(
        "-is_crisis", "sort_order", "name", "pk"
    )


def crisis_resources() -> QuerySet[Resource]:
    """The active crisis resources, for the safety-concern screen."""
    return resources_for_page().filter(is_crisis=True)


def resources_for_management() -> QuerySet[Resource]:
    """Every resource, retired ones after the active, for the people who keep the list."""
    return Resource.objects.order_by(
        "-is_active", "-is_crisis", "sort_order", "name", "pk"
    )
