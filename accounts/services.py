"""Granting and revoking roles, and linking accounts to the roster."""

import datetime

from allauth.mfa.models import Authenticator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, RoleAssignment, User
from confidentiality import crypto, policy
from confidentiality.models import AuditAction, AuditAudience
from confidentiality.services import audit_event_record
from organization.models import StaffMember
from program.selectors import program_settings

MFA_SECRET_CONTEXT = "mfa.authenticator.secret"  # noqa: S105 - a label, not a secret

# The roles that commit a share of a full-time week to the program.
COMMITTING_ROLES = frozenset({Role.PROGRAM_DIRECTOR, Role.PROGRAM_ADMINISTRATOR})


@transaction.atomic
def role_grant(
    *,
    actor: User | None,
    staff_member: StaffMember,
    role: Role,
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
    committed_percent: int | None = None,
) -> RoleAssignment:
    """Give a person a role from ``starts_on`` (today) until ``ends_on`` (open).

    ``actor=None`` means the command line (bootstrapping the first IT
    administrator); from the web the actor must be allowed to grant the role
    and may not grant roles to themselves.

    Appointing the program director records the share of time they commit
    (``committed_percent``, the program's cap when not given), and the role
    counts only once the appointee acknowledges it (``role_acknowledge``).
    The administrator may commit a share of time too; nobody else does.
    """
    if actor is not None:
        _check_may_change(actor, staff_member, role)
    if not staff_member.is_active:
        raise ValidationError("Roles can only be given to people active on the roster.")
    starts_on = starts_on or timezone.localdate()
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError("The end date must be on or after the start date.")
    if committed_percent is not None and role not in COMMITTING_ROLES:
        raise ValidationError(
            "Only the program director and administrator commit a share of their time."
        )
    if role == Role.PROGRAM_DIRECTOR and committed_percent is None:
        committed_percent = program_settings().director_time_cap_percent
    overlapping = RoleAssignment.objects.filter(
        staff_member=staff_member, role=role
    ).filter(revoked_at__isnull=True)
    for existing in overlapping:
        if _overlaps(existing, starts_on, ends_on):
            raise ValidationError(
                f"{staff_member} already holds the role {role.label} for part of that time."
            )
    assignment = RoleAssignment(
        staff_member=staff_member,
        role=role,
        starts_on=starts_on,
        ends_on=ends_on,
        granted_by=actor,
        committed_percent=committed_percent,
        needs_acknowledgement=role == Role.PROGRAM_DIRECTOR,
    )
    try:
        assignment.full_clean()
    except ValidationError as error:
        if "committed_percent" in error.message_dict:
            raise ValidationError(
                "The committed share of time must be a whole percentage from 1 to 100."
            )
        raise
    assignment.save()
    audit_event_record(
        actor=actor,
        action=AuditAction.ROLE_GRANTED,
        obj=assignment,
        subject=staff_member,
        audience=AuditAudience.SYSTEM,
        details={
            "role": role.value,
            "starts_on": str(starts_on),
            "ends_on": str(ends_on or ""),
            "committed_percent": committed_percent,
            "needs_acknowledgement": assignment.needs_acknowledgement,
        },
    )
    return assignment


@transaction.atomic
def role_acknowledge(*, user: User, assignment: RoleAssignment) -> RoleAssignment:
    """The appointee accepts an appointment and its time commitment; the role counts from then.

    Only the person appointed may acknowledge, and only once. A conditional
    update claims the acknowledgement, so two clicks record it once.
    """
    if (
        user.staff_member_id is None
        or user.staff_member_id != assignment.staff_member_id
    ):
        raise PermissionDenied(
            "Only the person appointed can acknowledge an appointment."
        )
    if not assignment.needs_acknowledgement:
        raise ValidationError("This role does not need to be acknowledged.")
    if assignment.acknowledged_at is not None:
        raise ValidationError("You have already acknowledged this appointment.")
    today = timezone.localdate()
    ended = assignment.ends_on is not None and assignment.ends_on < today
    if assignment.revoked_at is not None or ended:
        raise ValidationError(
            "This appointment has ended and can no longer be acknowledged."
        )
    now = timezone.now()
    claimed = RoleAssignment.objects.filter(
        pk=assignment.pk, acknowledged_at__isnull=True, revoked_at__isnull=True
    ).update(acknowledged_at=now)
    if claimed != 1:
        raise ValidationError("You have already acknowledged this appointment.")
    assignment.acknowledged_at = now
    audit_event_record(
        actor=user,
        action=AuditAction.ROLE_ACKNOWLEDGED,
        obj=assignment,
        subject=assignment.staff_member,
        audience=AuditAudience.SYSTEM,
        details={
            "role": assignment.role,
            "starts_on": str(assignment.starts_on),
            "committed_percent": assignment.committed_percent,
        },
    )
    return assignment


@transaction.atomic
def role_revoke(*, actor: User | None, assignment: RoleAssignment) -> RoleAssignment:
    """End a role today (or remove it outright if it had not started yet)."""
    if actor is not None:
        _check_may_change(actor, assignment.staff_member, Role(assignment.role))
    if assignment.revoked_at is not None:
        raise ValidationError("This role has already been revoked.")
    assignment.ends_on = max(assignment.starts_on, timezone.localdate())
    assignment.revoked_by = actor
    assignment.revoked_at = timezone.now()
    assignment.save(update_fields=["ends_on", "revoked_by", "revoked_at"])
    audit_event_record(
        actor=actor,
        action=AuditAction.ROLE_REVOKED,
        obj=assignment,
        subject=assignment.staff_member,
        audience=AuditAudience.SYSTEM,
        details={"role": assignment.role, "ends_on": str(assignment.ends_on)},
    )
    return assignment


def _check_may_change(actor: User, staff_member: StaffMember, role: Role) -> None:
    if role not in policy.grantable_roles(actor):
        raise PermissionDenied(f"You cannot grant or revoke the role {role.label}.")
    if actor.staff_member_id == staff_member.pk:
        raise PermissionDenied("Nobody can grant or revoke their own roles.")


def _overlaps(existing: RoleAssignment, starts_on, ends_on) -> bool:
    existing_end = existing.ends_on or datetime.date.max
    new_end = ends_on or datetime.date.max
    return existing.starts_on <= new_end and starts_on <= existing_end


@transaction.atomic
def user_link_to_roster(*, user: User) -> StaffMember | None:
    """Connect an account to the active roster entry with the same work e-mail."""
    if user.staff_member_id is not None:
        return user.staff_member
    staff_member = (
        StaffMember.objects.filter(work_email__iexact=user.email, is_active=True)
        .filter(user__isnull=True)
        .first()
    )
    if staff_member is None:
        return None
    user.staff_member = staff_member
    user.save(update_fields=["staff_member"])
    audit_event_record(
        actor=user,
        action=AuditAction.ACCOUNT_LINKED,
        obj=user,
        subject=staff_member,
        audience=AuditAudience.SYSTEM,
    )
    return staff_member


def mfa_secrets_rotate() -> int:
    """Re-encrypt second-factor secrets (TOTP keys, recovery-code seeds) under the active key."""
    active = crypto.active_key_id()
    rotated = 0
    for authenticator in Authenticator.objects.order_by("pk").iterator(chunk_size=500):
        changed = False
        for name in ("secret", "seed"):
            value = authenticator.data.get(name)
            if value and crypto.key_id_of(value) != active:
                plaintext = crypto.decrypt(value, context=MFA_SECRET_CONTEXT)
                authenticator.data[name] = crypto.encrypt(
                    plaintext, context=MFA_SECRET_CONTEXT
                )
                changed = True
        if changed:
            authenticator.save(update_fields=["data"])
            rotated += 1
    return rotated
