"""Changing the brief: the director's findings and cost model assumptions, each change audited.

Only the director edits (``policy.may_edit_brief``). Each change writes its
audit event (audience: program) in the same transaction. Neither findings nor
assumptions name anyone, so the details carry values freely.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from accounts.models import User
from confidentiality import policy
from confidentiality.models import AccessEvent, AccessKind, AuditAction, AuditAudience
from confidentiality.services import audit_event_record

from .models import CostModelAssumptions, EvidenceFinding
from .period import Period
from .survey_trend import latest_burnout

ORDER_STEP = 10


def _require_editor(actor: User) -> None:
    if not policy.may_edit_brief(actor):
        raise PermissionDenied("Only the program director edits the brief.")


def _audit(actor: User, action: AuditAction, obj, **details) -> None:
    audit_event_record(
        actor=actor,
        action=action,
        obj=obj,
        audience=AuditAudience.PROGRAM,
        details=details,
    )


# --- Published findings -----------------------------------------------------------------------


@transaction.atomic
def finding_save(
    *, actor: User, finding: EvidenceFinding, checked: bool
) -> EvidenceFinding:
    """Add a finding or save changes to one (the form has set its fields).

    ``checked``: the director has compared it with its source today. A finding
    stays checked until it is changed without that being said again.
    """
    _require_editor(actor)
    created = finding.pk is None
    if created:  # a new finding comes last
        last = (
            EvidenceFinding.objects.order_by("-sort_order")
            .values_list("sort_order", flat=True)
            .first()
        )
        finding.sort_order = (last or 0) + ORDER_STEP
    finding.checked_on = timezone.localdate() if checked else None
    finding.full_clean()
    finding.save()
    _audit(
        actor,
        AuditAction.BRIEF_FINDING_CHANGED,
        finding,
        created=created,
        citation=finding.citation,
        figure=finding.figure,
        is_active=finding.is_active,
        checked=checked,
    )
    return finding


@transaction.atomic
def finding_retire(*, actor: User, finding: EvidenceFinding) -> EvidenceFinding:
    """Take a finding out of the brief; it stays in the editor, to be shown again."""
    _require_editor(actor)
    if not finding.is_active:
        return finding
    finding.is_active = False
    finding.save(update_fields=["is_active", "updated_at"])
    _audit(
        actor,
        AuditAction.BRIEF_FINDING_RETIRED,
        finding,
        citation=finding.citation,
    )
    return finding


@transaction.atomic
def finding_move(
    *, actor: User, finding: EvidenceFinding, direction: str
) -> EvidenceFinding:
    """Move a finding one place up or down among those in the brief; renumbers them all."""
    _require_editor(actor)
    if direction not in ("up", "down"):
        raise ValidationError("Move a finding up or down.")
    shown = list(
        EvidenceFinding.objects.select_for_update()
        .filter(is_active=True)
        .order_by("sort_order", "pk")
    )
    ids = [row.pk for row in shown]
    if finding.pk not in ids:
        raise ValidationError("Only findings shown in the brief have a place to move.")
    index = ids.index(finding.pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(shown):
        shown[index], shown[other] = shown[other], shown[index]
    for position, row in enumerate(shown, start=1):
        row.sort_order = position * ORDER_STEP
    EvidenceFinding.objects.bulk_update(shown, ["sort_order"])
    _audit(
        actor,
        AuditAction.BRIEF_FINDING_MOVED,
        finding,
        direction=direction,
        order=[row.pk for row in shown],
    )
    return finding


# --- The cost model's assumptions --------------------------------------------------------------


def _text(value) -> str:
    if isinstance(value, Decimal):  # 7, 7.0 and 7.00 are one value
        return format(value.normalize(), "f")
    return str(value)


def _values(assumptions: CostModelAssumptions) -> dict[str, str]:
    return {name: _text(value) for name, value in model_to_dict(assumptions).items()}


@transaction.atomic
def assumptions_save(
    *, actor: User, assumptions: CostModelAssumptions, before: dict[str, str]
) -> CostModelAssumptions:
    """Save the assumptions the form has set; the audit event lists what changed.

    ``before`` is ``assumptions_values(assumptions)`` taken before the form
    changed the row.
    """
    _require_editor(actor)
    assumptions.full_clean()
    after = _values(assumptions)
    changed = {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value
    }
    if not changed:
        return assumptions
    if "burnout_prevalence" in changed and "burnout_prevalence_source" not in changed:
        assumptions.burnout_prevalence_source = "Entered by hand"
        changed["burnout_prevalence_source"] = [
            before.get("burnout_prevalence_source"),
            assumptions.burnout_prevalence_source,
        ]
    assumptions.updated_by = actor
    assumptions.save()
    _audit(actor, AuditAction.BRIEF_ASSUMPTIONS_CHANGED, assumptions, changed=changed)
    return assumptions


def assumptions_values(assumptions: CostModelAssumptions) -> dict[str, str]:
    """The assumptions as text, to compare before and after a change."""
    return _values(assumptions)


@transaction.atomic
def burnout_from_survey(
    *, actor: User, assumptions: CostModelAssumptions
) -> CostModelAssumptions:
    """Take the burnout prevalence from the latest closed survey wave (if it is shown).

    Raises ValidationError, in words for the director, when there is none.
    """
    _require_editor(actor)
    before = assumptions_values(assumptions)
    rate, source = latest_burnout(today=timezone.localdate())
    assumptions.burnout_prevalence = rate
    assumptions.burnout_prevalence_source = source[:300]
    return assumptions_save(actor=actor, assumptions=assumptions, before=before)


# --- Downloading the brief -------------------------------------------------------------------------

DOWNLOAD_PURPOSE = "Downloaded the brief to leadership (PDF)"


def brief_download_record(*, actor: User, period: Period) -> AccessEvent:
    """Witness a download of the brief (an export), with the period it covers."""
    return AccessEvent.objects.create(
        actor=actor,
        kind=AccessKind.EXPORT,
        object_type="brief.brief",
        object_id=f"{period.start.isoformat()}..{period.end.isoformat()}",
        purpose=DOWNLOAD_PURPOSE,
    )
