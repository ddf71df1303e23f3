"""The one door to protected rows.

Every read of a protected thing goes through a ``<thing>_visible_to(user)``
function, which returns the rows this user may see as a QuerySet, or an
``access_<thing>(user, id, purpose=…)`` function, which returns one row or
raises Http404 and witnesses the read with an access event. Views and
selectors never filter protected rows on their own.

Each rule sits on its own line so that coverage shows every branch was
tested. A denial is always a 404: whether something exists is itself
confidential.
"""

from django.db.models import Q
from django.http import Http404

from accounts.models import Role, RoleAssignment
from confidentiality.models import AccessEvent, AuditAudience, AuditEvent
from confidentiality.services import access_event_record
from organization.models import RosterImport, StaffMember

PROGRAM_STAFF = frozenset({Role.PROGRAM_DIRECTOR, Role.PROGRAM_ADMINISTRATOR})


# --- Who holds which role -------------------------------------------------------------


def roles_of(user) -> frozenset[Role]:
    """The roles a signed-in person holds today, read once per request."""
    if not user.is_authenticated or not user.is_active or user.staff_member_id is None:
        return frozenset()
    cached = getattr(user, "_alongside_roles", None)
    if cached is None:
        cached = frozenset(
            Role(role)
            for role in RoleAssignment.objects.current()
            .filter(staff_member_id=user.staff_member_id, staff_member__is_active=True)
            .values_list("role", flat=True)
        )
        user._alongside_roles = cached
    return cached


def has_role(user, *roles: Role) -> bool:
    return bool(roles_of(user).intersection(roles))


def is_program_staff(user) -> bool:
    return has_role(user, *PROGRAM_STAFF)


def require(allowed: bool) -> None:
    """Raise 404 unless ``allowed``: the answer for every denial."""
    if not allowed:
        raise Http404


# --- What people may do ------------------------------------------------------------------


def may_manage_roster(user) -> bool:
    return is_program_staff(user)


def may_configure_organization(user) -> bool:
    return is_program_staff(user)


def grantable_roles(user) -> frozenset[Role]:
    """Which roles this person may grant and revoke.

    IT administers access (IT, director, leadership, risk & quality); the
    program director forms the team (administrator, supporters). Nobody may
    grant or revoke their own roles (see role services).
    """
    grantable = set()
    if has_role(user, Role.IT_ADMINISTRATOR):
        grantable |= {
            Role.IT_ADMINISTRATOR,
            Role.PROGRAM_DIRECTOR,
            Role.LEADERSHIP_VIEWER,
            Role.RISK_QUALITY,
        }
    if has_role(user, Role.PROGRAM_DIRECTOR):
        grantable |= {Role.PROGRAM_ADMINISTRATOR, Role.PEER_SUPPORTER}
    return frozenset(grantable)


def may_view_roles(user) -> bool:
    return has_role(
        user, Role.IT_ADMINISTRATOR, Role.PROGRAM_DIRECTOR, Role.PROGRAM_ADMINISTRATOR
    )


def may_view_system_status(user) -> bool:
    return has_role(user, Role.IT_ADMINISTRATOR)


def may_view_audit_log(user) -> bool:
    return has_role(user, Role.IT_ADMINISTRATOR, Role.PROGRAM_DIRECTOR)


# --- The roster ---------------------------------------------------------------------------


def staff_members_visible_to(user):
    """Program staff see the roster; everyone else sees only their own entry."""
    if is_program_staff(user):
        return StaffMember.objects.all()
    if user.is_authenticated and user.staff_member_id:
        return StaffMember.objects.filter(pk=user.staff_member_id)
    return StaffMember.objects.none()


def access_staff_member(user, staff_member_id, *, purpose: str) -> StaffMember:
    try:
        staff_member = staff_members_visible_to(user).get(pk=staff_member_id)
    except (StaffMember.DoesNotExist, ValueError, TypeError):
        raise Http404
    access_event_record(
        actor=user, obj=staff_member, subject=staff_member, purpose=purpose
    )
    return staff_member


# --- Roster imports ----------------------------------------------------------------------


def roster_imports_visible_to(user):
    """Program staff see every roster import; everyone else sees none."""
    if may_manage_roster(user):
        return RosterImport.objects.all()
    return RosterImport.objects.none()


def access_roster_import(user, import_id, *, purpose: str | None) -> RosterImport:
    """One roster import, without its uploaded file (which can be 50 MB).

    Its report names people, so opening it is witnessed; the progress
    fragment polled every two seconds passes no purpose and is not.
    """
    imports = roster_imports_visible_to(user).select_related("created_by__staff_member")
    try:
        roster_import = imports.defer("content").get(pk=import_id)
    except (RosterImport.DoesNotExist, ValueError, TypeError):
        raise Http404
    if purpose is not None:
        access_event_record(actor=user, obj=roster_import, purpose=purpose)
    return roster_import


# --- Roles -----------------------------------------------------------------------------------


def role_assignments_visible_to(user):
    if may_view_roles(user):
        return RoleAssignment.objects.all()
    if user.is_authenticated and user.staff_member_id:
        return RoleAssignment.objects.filter(staff_member_id=user.staff_member_id)
    return RoleAssignment.objects.none()


def access_role_assignment(user, assignment_id) -> RoleAssignment:
    """A role assignment this person may revoke (a role they may grant, not their own)."""
    try:
        assignment = RoleAssignment.objects.select_related("staff_member").get(
            pk=assignment_id
        )
    except (RoleAssignment.DoesNotExist, ValueError, TypeError):
        raise Http404
    require(assignment.role in grantable_roles(user))
    require(assignment.staff_member_id != user.staff_member_id)
    return assignment


# --- The witness tables --------------------------------------------------------------------------


def access_events_about_visible_to(user):
    """Access transparency: the reads of a person's own records, shown to that person."""
    if not user.is_authenticated or user.staff_member_id is None:
        return AccessEvent.objects.none()
    return AccessEvent.objects.filter(subject_id=user.staff_member_id)


def audit_events_visible_to(user):
    """The director sees every change; IT sees system changes, never program work."""
    if has_role(user, Role.PROGRAM_DIRECTOR):
        return AuditEvent.objects.all()
    if has_role(user, Role.IT_ADMINISTRATOR):
        return AuditEvent.objects.filter(audience=AuditAudience.SYSTEM)
    return AuditEvent.objects.none()


def staff_member_for_role_grant(user, identifier: str) -> StaffMember | None:
    """Find one active person by exact work e-mail or employee id, to give them a role.

    Only for people who may grant some role; an exact match reveals no more
    than the person granting already knows.
    """
    if not grantable_roles(user):
        return None
    identifier = identifier.strip()
    if not identifier:
        return None
    return (
        StaffMember.objects.filter(is_active=True)
        .filter(Q(work_email__iexact=identifier) | Q(employee_id=identifier))
        .first()
    )
