"""Changes to the organization's structure (sites, departments, professions)."""

from django.db import models, transaction

from confidentiality.models import AuditAction, AuditAudience
from confidentiality.services import audit_event_record


@transaction.atomic
def organization_unit_save(*, actor, unit: models.Model) -> models.Model:
    """Create or change a site, department or profession, and audit it."""
    created = unit._state.adding
    unit.full_clean()
    unit.save()
    audit_event_record(
        actor=actor,
        action=AuditAction.ORGANIZATION_CHANGED,
        obj=unit,
        audience=AuditAudience.SYSTEM,
        details={"change": "created" if created else "updated", "name": str(unit)},
    )
    return unit
