"""Keeping the resource directory: saving, retiring, importing and exporting resources.

Only program staff keep the directory (``policy.may_manage_resources``). Each
change writes its audit event in the same transaction. The directory holds
no personal data, so the audit details name services, never people.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from confidentiality import policy
from confidentiality.models import AuditAction, AuditAudience
from confidentiality.services import audit_event_record, export_event_record
from resources import hsds
from resources.hsds_check import Problem, Where
from resources.hsds_read import HsdsFileError, read_hsds
from resources.models import Resource, ResourceKind
from resources.selectors import resources_for_management


def _require_manager(actor: User) -> None:
    if not policy.may_manage_resources(actor):
        raise PermissionDenied("Only program staff keep the resource directory.")


def _details(resource: Resource, **extra) -> dict:
    return {
        "hsds_id": str(resource.hsds_id),
        "name": resource.name,
        "kind": resource.kind,
        "is_active": resource.is_active,
        "is_crisis": resource.is_crisis,
        **extra,
    }


@transaction.atomic
def resource_save(*, actor: User, resource: Resource) -> Resource:
    """Add a resource or save changes to one (the form has set its fields)."""
    _require_manager(actor)
    created = resource.pk is None
    resource.full_clean()
    resource.save()
    audit_event_record(
        actor=actor,
        action=AuditAction.RESOURCE_CHANGED,
        obj=resource,
        audience=AuditAudience.PROGRAM,
        details=_details(resource, created=created),
    )
    return resource


@transaction.atomic
def resource_retire(*, actor: User, resource: Resource) -> Resource:
    """Take a resource off the resources page; it stays listed for program staff.

    Retired, not deleted: a facilitated referral may point at it, and it can
    be shown again by editing it.
    """
    _require_manager(actor)
    if not resource.is_active:
        return resource
    resource.is_active = False
    resource.save(update_fields=["is_active", "updated_at"])
    audit_event_record(
        actor=actor,
        action=AuditAction.RESOURCE_RETIRED,
        obj=resource,
        audience=AuditAudience.PROGRAM,
        details=_details(resource),
    )
    return resource


@dataclass(frozen=True)
class ImportResult:
    added: int
    updated: int
    unchanged: int


@transaction.atomic
def resources_import(*, actor: User, file_name: str, content: bytes) -> ImportResult:
    """Import an HSDS file (JSON, or a zip of CSV tables): all of it, or nothing.

    Every service is checked before anything is saved; any problem raises
    ``resources.hsds_read.HsdsFileError`` with all of them, row by row. A
    service whose id is known updates that resource; the others are added.
    Resources the file does not mention are left as they are.
    """
    _require_manager(actor)
    drafts = read_hsds(file_name, content)
    known = Resource.objects.select_for_update().in_bulk(
        [draft.hsds_id for draft in drafts], field_name="hsds_id"
    )
    now = timezone.now()
    added, changed, changed_fields = [], [], set()
    for draft in drafts:
        resource = known.get(draft.hsds_id)
        if resource is None:
            # A file from outside Alongside may not say what kind a service is.
            values = {"kind": ResourceKind.OTHER, **draft.values}
            added.append(Resource(hsds_id=draft.hsds_id, **values))
            continue
        differing = {
            name: value
            for name, value in draft.values.items()
            if getattr(resource, name) != value
        }
        if differing:
            for name, value in differing.items():
                setattr(resource, name, value)
            resource.updated_at = now
            changed.append(resource)
            changed_fields |= differing.keys()
    try:
        Resource.objects.bulk_create(added)
    except IntegrityError:
        # Another import added one of these services a moment ago.
        raise HsdsFileError(
            [
                Problem(
                    Where(file_name),
                    "could not be imported: another import added some of the "
                    "same services a moment ago. Upload it again.",
                )
            ]
        )
    if changed:
        Resource.objects.bulk_update(changed, [*sorted(changed_fields), "updated_at"])
    result = ImportResult(
        added=len(added),
        updated=len(changed),
        unchanged=len(drafts) - len(added) - len(changed),
    )
    audit_event_record(
        actor=actor,
        action=AuditAction.RESOURCES_IMPORTED,
        audience=AuditAudience.PROGRAM,
        details={
            "format": "csv" if content.startswith(b"PK") else "json",
            "added": result.added,
            "updated": result.updated,
            "unchanged": result.unchanged,
        },
    )
    return result


@dataclass(frozen=True)
class Export:
    file_name: str
    content_type: str
    content: bytes


EXPORT_FORMATS = {
    "json": ("alongside-resources.json", "application/json", hsds.services_json),
    "csv": ("alongside-resources-hsds.zip", "application/zip", hsds.services_csv_zip),
}


@transaction.atomic
def resources_export(*, actor: User, export_format: str) -> Export:
    """The whole directory, retired resources too, in HSDS form; the export is witnessed."""
    _require_manager(actor)
    file_name, content_type, write = EXPORT_FORMATS[export_format]
    resources = list(resources_for_management())
    export_event_record(
        actor=actor,
        model=Resource,
        purpose=f"Resource directory exported as HSDS {export_format.upper()}",
        row_count=len(resources),
    )
    return Export(file_name, content_type, write(resources))
