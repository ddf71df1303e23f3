"""Writing the witness rows, and re-encrypting protected fields under a new key.

Services that read or change protected things call these inside their own
transaction, so the witness row and the change commit or roll back together.
"""

from collections.abc import Callable, Iterable

from django.apps import apps
from django.db import models, transaction
from django.db.models.functions import Cast

from confidentiality import crypto
from confidentiality.fields import EncryptedTextField
from confidentiality.models import (
    AccessEvent,
    AccessKind,
    AuditAction,
    AuditAudience,
    AuditEvent,
)


def _object_type(obj: models.Model | type[models.Model]) -> str:
    return obj._meta.label_lower


def access_event_record(
    *,
    actor,
    obj: models.Model,
    purpose: str,
    subject=None,
    kind: str = AccessKind.READ,
) -> AccessEvent:
    """Witness a read (or export) of a protected record."""
    return AccessEvent.objects.create(
        actor=actor if actor and actor.is_authenticated else None,
        kind=kind,
        object_type=_object_type(obj),
        object_id=str(obj.pk),
        subject=subject,
        purpose=purpose,
    )


def export_event_record(
    *, actor, model: type[models.Model], purpose: str, row_count: int
) -> AccessEvent:
    """Witness an export of many rows of one kind."""
    return AccessEvent.objects.create(
        actor=actor,
        kind=AccessKind.EXPORT,
        object_type=_object_type(model),
        object_id="",
        purpose=f"{purpose} ({row_count} rows)",
    )


def audit_event_record(
    *,
    actor,
    action: AuditAction,
    obj: models.Model | None = None,
    subject=None,
    audience: AuditAudience = AuditAudience.SYSTEM,
    details: dict | None = None,
) -> AuditEvent:
    """Witness a change. ``details`` must hold field names and non-sensitive values only."""
    return AuditEvent.objects.create(
        actor=actor if actor and actor.is_authenticated else None,
        action=action,
        object_type=_object_type(obj) if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        subject=subject,
        audience=audience,
        details=details or {},
    )


def audit_events_redact(*, model: type[models.Model], object_ids: Iterable[int]) -> int:
    """Forget whom the audit events about these rows were about, and their details.

    Retention's counterpart to deleting a case: the events keep who did what
    and when. Call it inside the transaction that deletes the rows.
    """
    return AuditEvent.objects.filter(
        object_type=_object_type(model),
        object_id__in=[str(pk) for pk in object_ids],
    ).redact()


def encrypted_fields() -> list[tuple[type[models.Model], list[str]]]:
    """Every concrete model with encrypted fields, and the names of those fields."""
    found = []
    for model in apps.get_models():
        names = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, EncryptedTextField)
        ]
        if names:
            found.append((model, names))
    return found


# Other holders of ciphertext (e.g. second-factor secrets kept by allauth) register
# a function here from their AppConfig.ready(); it re-encrypts what it holds under
# the active key and returns how many values it changed.
_ciphertext_rotators: dict[str, Callable[[], int]] = {}


def ciphertext_rotator_register(label: str, rotate: Callable[[], int]) -> None:
    _ciphertext_rotators[label] = rotate


def encrypted_fields_rotate(*, actor=None, chunk_size: int = 500) -> dict[str, int]:
    """Re-encrypt every encrypted value not yet under the active key.

    Works a chunk at a time, each in its own transaction, so it can be stopped
    and run again: values already under the active key are left alone.
    Returns how many rows were re-encrypted, per model or registered holder.
    """
    counts = {
        model._meta.label: _rotate_model(model, names, chunk_size)
        for model, names in encrypted_fields()
    }
    counts.update({label: rotate() for label, rotate in _ciphertext_rotators.items()})
    with transaction.atomic():
        audit_event_record(
            actor=actor,
            action=AuditAction.FIELD_KEYS_ROTATED,
            details={"active_key_id": crypto.active_key_id(), "rows": counts},
        )
    return counts


def _rotate_model(model: type[models.Model], names: list[str], chunk_size: int) -> int:
    active = crypto.active_key_id()
    raw = {f"raw_{name}": Cast(name, output_field=models.TextField()) for name in names}
    rotated, last_pk = 0, None
    while True:
        rows = model._default_manager.annotate(**raw).order_by("pk")
        if last_pk is not None:
            rows = rows.filter(pk__gt=last_pk)
        chunk = list(rows.values("pk", *raw)[:chunk_size])
        if not chunk:
            return rotated
        with transaction.atomic():
            for row in chunk:
                stale = {
                    name: crypto.decrypt(
                        row[f"raw_{name}"], context=_context(model, name)
                    )
                    for name in names
                    if row[f"raw_{name}"] is not None
                    and crypto.key_id_of(row[f"raw_{name}"]) != active
                }
                if stale:
                    model._default_manager.filter(pk=row["pk"]).update(**stale)
                    rotated += 1
        last_pk = chunk[-1]["pk"]


def _context(model: type[models.Model], name: str) -> str:
    return model._meta.get_field(name).context
