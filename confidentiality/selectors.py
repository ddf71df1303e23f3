"""Reads of the witness tables, already scoped by the policy."""

from django.db.models import QuerySet

from confidentiality import policy


def my_record(user) -> dict:
    """What Alongside holds about the signed-in person, and who has looked at it."""
    staff_member = None
    if user.staff_member_id:
        staff_member = (
            policy.staff_members_visible_to(user)
            .select_related("profession", "department", "site", "supervisor")
            .get(pk=user.staff_member_id)
        )
    return {
        "staff_member": staff_member,
        "roles": policy.role_assignments_visible_to(user)
        .filter(staff_member_id=user.staff_member_id)
        .order_by("-starts_on"),
        "reads": policy.access_events_about_visible_to(user).select_related(
            "actor__staff_member"
        )[:200],
    }


def audit_log_for(user, *, action: str = "") -> QuerySet:
    events = policy.audit_events_visible_to(user).select_related(
        "actor__staff_member", "subject"
    )
    if action:
        events = events.filter(action=action)
    return events
