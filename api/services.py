"""API keys, and recording the events that source systems push.

A key looks like ``al_<prefix>_<secret>``: ``al`` says it is Alongside's, the
8-hex-digit prefix finds the key's row and is shown on the keys page, the
secret is 32 random bytes. Only a SHA-256 hash of the whole key is kept. A
slow password hash would add nothing (nobody can guess 256 random bits, so
there is nothing to slow down) and would cost every request; an HMAC keyed
with SECRET_KEY would tie every integration to SECRET_KEY, so rotating it
after a leak would silently break them all.
"""

import datetime
import hashlib
import hmac
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from api.models import ApiKey
from api.people import PersonMatch, PersonRef, people_match
from confidentiality import policy
from confidentiality.models import AuditAction, AuditAudience
from confidentiality.services import audit_event_record
from events.models import AdverseEvent, EventInvolvement, TriggerType
from events.selectors import active_trigger_types, event_recorded_before
from events.services import event_record
from organization.models import Department, Site

KEY_PREFIX = re.compile(r"[0-9a-f]{8}")
HASH_SCHEME = "sha256"
LAST_USED_EVERY = datetime.timedelta(minutes=1)


# --- Keys ------------------------------------------------------------------------------


def api_key_hash(plaintext: str) -> str:
    digest = hashlib.sha256(plaintext.encode("utf-8", "surrogatepass")).hexdigest()
    return f"{HASH_SCHEME}${digest}"


@transaction.atomic
def api_key_create(*, source: str, actor=None) -> tuple[ApiKey, str]:
    """A new key for a source system, and its plaintext (shown once, never stored).

    ``actor`` is the IT administrator on the keys page, or None from the
    create_api_key command.
    """
    if actor is not None and not policy.may_manage_api_keys(actor):
        raise PermissionDenied("Only the IT administrator manages API keys.")
    source = " ".join(source.split())
    prefix = secrets.token_hex(4)
    while ApiKey.objects.filter(prefix=prefix).exists():
        prefix = secrets.token_hex(4)
    plaintext = f"al_{prefix}_{secrets.token_urlsafe(32)}"
    api_key = ApiKey(
        source=source,
        prefix=prefix,
        key_hash=api_key_hash(plaintext),
        created_by=actor,
    )
    api_key.full_clean(exclude=["created_by"])
    api_key.save()
    audit_event_record(
        actor=actor,
        action=AuditAction.API_KEY_CREATED,
        obj=api_key,
        audience=AuditAudience.SYSTEM,
        details={"source": source, "prefix": prefix},
    )
    return api_key, plaintext


@transaction.atomic
def api_key_revoke(*, actor, api_key: ApiKey) -> ApiKey:
    """Refuse the key from now on. Events it sent stay; there is no undo."""
    if not policy.may_manage_api_keys(actor):
        raise PermissionDenied("Only the IT administrator manages API keys.")
    api_key = ApiKey.objects.select_for_update().get(pk=api_key.pk)
    if api_key.revoked_at is not None:
        raise ValidationError("This key was already revoked.")
    api_key.revoked_at = timezone.now()
    api_key.revoked_by = actor
    api_key.save(update_fields=["revoked_at", "revoked_by"])
    audit_event_record(
        actor=actor,
        action=AuditAction.API_KEY_REVOKED,
        obj=api_key,
        audience=AuditAudience.SYSTEM,
        details={"source": api_key.source, "prefix": api_key.prefix},
    )
    return api_key


def api_key_find(plaintext: str) -> ApiKey | None:
    """The key this plaintext is, revoked or not; None for anything else.

    The row is found by its prefix (not secret) and the hash compared in
    constant time.
    """
    scheme, _, rest = plaintext.partition("_")
    prefix, _, secret = rest.partition("_")
    if scheme != "al" or not secret or not KEY_PREFIX.fullmatch(prefix):
        return None
    api_key = ApiKey.objects.filter(prefix=prefix).first()
    if api_key is None:
        return None
    if not hmac.compare_digest(api_key.key_hash, api_key_hash(plaintext)):
        return None
    return api_key


def api_key_mark_used(api_key: ApiKey) -> None:
    """Note when the key was last used, writing at most once a minute."""
    now = timezone.now()
    if api_key.last_used_at and now - api_key.last_used_at < LAST_USED_EVERY:
        return
    ApiKey.objects.filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_EVERY),
        pk=api_key.pk,
    ).update(last_used_at=now)
    api_key.last_used_at = now


# --- Events ----------------------------------------------------------------------------


@dataclass(frozen=True)
class IncomingEvent:
    """What Alongside takes from an incoming event, whichever shape it came in.

    ``trigger_codes`` are tried in order (the first active one is used);
    ``fields`` names, for each of ours, the payload field to blame in an error.
    """

    event_id: str
    occurred_on: datetime.date
    trigger_codes: tuple[str, ...]
    harm_level: str = ""
    unit_code: str = ""
    site_code: str = ""
    people: tuple[PersonRef, ...] = ()
    fields: Mapping[str, str] = field(default_factory=dict)

    def blame(self, name: str) -> str:
        return self.fields.get(name, name)


@dataclass(frozen=True)
class EventIngested:
    event: AdverseEvent
    created: bool
    involved_matched: int
    unmatched: list[PersonMatch]


def event_ingest(*, api_key: ApiKey, incoming: IncomingEvent) -> EventIngested:
    """Record an event a source system pushed, once per (source, event id).

    Raises ValidationError keyed by the payload's field names for unknown
    codes and for what ``event_record`` refuses.
    """
    try:
        trigger_type = _trigger_type(incoming)
        unit = _unit(Department, incoming.unit_code, incoming.blame("unit"))
        site = _unit(Site, incoming.site_code, incoming.blame("site"))
    except ValidationError:
        # A retry is answered with the event even if the catalogue changed since.
        existing = event_recorded_before(
            source=api_key.source, source_event_id=incoming.event_id
        )
        if existing is None:
            raise
        return _retry_answer(existing, people_match(incoming.people))
    matches = people_match(incoming.people)
    unmatched = [match for match in matches if match.staff_member is None]
    try:
        recorded = event_record(
            source=api_key.source,
            source_event_id=incoming.event_id,
            occurred_on=incoming.occurred_on,
            trigger_type=trigger_type,
            harm_level=incoming.harm_level,
            unit=unit,
            site=site,
            involved=[
                (match.staff_member, match.matched_by)
                for match in matches
                if match.staff_member is not None
            ],
            unmatched_count=len(unmatched),
            api_key=api_key,
            reach_in_by_worker=True,
        )
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        raise ValidationError(
            {incoming.blame(name): errors for name, errors in error.error_dict.items()}
        ) from None
    if not recorded.created:
        return _retry_answer(recorded.event, matches)
    return EventIngested(
        event=recorded.event,
        created=True,
        involved_matched=len(
            {match.staff_member.pk for match in matches if match.staff_member}
        ),
        unmatched=unmatched,
    )


def _retry_answer(event: AdverseEvent, matches: list[PersonMatch]) -> EventIngested:
    """The event as first recorded; ``unmatched`` worked out again from the retry."""
    return EventIngested(
        event=event,
        created=False,
        involved_matched=EventInvolvement.objects.filter(event=event).count(),
        unmatched=[match for match in matches if match.staff_member is None],
    )


def _trigger_type(incoming: IncomingEvent) -> TriggerType:
    active = active_trigger_types()
    for code in incoming.trigger_codes:
        if code in active:
            return active[code]
    known = list(active)
    raise ValidationError(
        {
            incoming.blame("trigger_type"): (
                f"No active trigger type has this code; use one of {', '.join(known)}."
            )
        }
    )


def _unit(model, code: str, field_name: str):
    if not code:
        return None
    unit = model.objects.filter(code=code).first()
    if unit is None:
        kind = model._meta.verbose_name
        raise ValidationError(
            {
                field_name: f"No {kind} has this code; use a code from the Organization page."
            }
        )
    return unit
