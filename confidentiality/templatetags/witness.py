from django import template

from accounts.models import Role

register = template.Library()


@register.filter
def audit_details(details: dict) -> str:
    """An audit event's details as a short line a person can read."""
    parts = []
    for key, value in details.items():
        if value in ("", None, {}, []):
            continue
        if key == "role" and value in Role.values:
            value = Role(value).label
        parts.append(f"{key.replace('_', ' ')}: {value}")
    return "; ".join(parts)
