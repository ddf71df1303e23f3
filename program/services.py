"""Changing the program's settings."""

from django.db import transaction

from confidentiality.models import AuditAction, AuditAudience
from confidentiality.services import audit_event_record
from program.models import ProgramSettings


@transaction.atomic
def program_settings_update(
    *, actor, program_settings: ProgramSettings
) -> ProgramSettings:
    """Save changed settings (already applied to the instance) and audit which ones."""
    before = ProgramSettings.objects.select_for_update().get(pk=program_settings.pk)
    program_settings.full_clean()
    changed = [
        field.name
        for field in ProgramSettings._meta.concrete_fields
        if field.name not in {"updated_at", "updated_by"}
        and getattr(before, field.attname) != getattr(program_settings, field.attname)
    ]
    program_settings.updated_by = actor
    program_settings.save()
    if changed:
        audit_event_record(
            actor=actor,
            action=AuditAction.PROGRAM_SETTINGS_CHANGED,
            obj=program_settings,
            audience=AuditAudience.PROGRAM,
            details={"fields": changed},
        )
    return program_settings
