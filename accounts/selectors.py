"""Reads about accounts and roles."""

from dataclasses import dataclass

from allauth.mfa.models import Authenticator
from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    QuerySet,
    Value,
    When,
)

from accounts.models import Role, RoleAssignment, User
from confidentiality import policy


@dataclass(frozen=True)
class TeamSummary:
    counts: dict[str, int]
    administrators: list[str]
    directors: list[str]

    def count(self, role: Role) -> int:
        return self.counts.get(role.value, 0)


def team_summary() -> TeamSummary:
    """How many people hold each program role today, and who leads the program."""
    current = RoleAssignment.objects.current().filter(staff_member__is_active=True)
    counts = {
        row["role"]: row["people"]
        for row in current.values("role").annotate(
            people=Count("staff_member", distinct=True)
        )
    }
    leads = current.filter(
        role__in=[Role.PROGRAM_DIRECTOR, Role.PROGRAM_ADMINISTRATOR]
    ).select_related("staff_member")
    return TeamSummary(
        counts=counts,
        directors=[
            a.staff_member.full_name for a in leads if a.role == Role.PROGRAM_DIRECTOR
        ],
        administrators=[
            a.staff_member.full_name
            for a in leads
            if a.role == Role.PROGRAM_ADMINISTRATOR
        ],
    )


def role_holders_without_mfa() -> QuerySet:
    """Accounts of people holding a role today who have not set up an authenticator app."""
    holds_role = RoleAssignment.objects.current().filter(
        staff_member_id=OuterRef("staff_member_id")
    )
    has_totp = Authenticator.objects.filter(
        user_id=OuterRef("pk"), type=Authenticator.Type.TOTP
    )
    return User.objects.filter(Exists(holds_role), ~Exists(has_totp), is_active=True)


def role_assignments_for_page(user, *, include_ended: bool = False) -> QuerySet:
    """Roles held today, appointments awaiting acknowledgement, and roles starting later."""
    assignments = policy.role_assignments_visible_to(user).select_related(
        "staff_member", "staff_member__department", "granted_by__staff_member"
    )
    if not include_ended:
        assignments = assignments.current_or_coming()
    in_program_order = Case(
        *[When(role=role, then=Value(position)) for position, role in enumerate(Role)],
        output_field=IntegerField(),
    )
    return assignments.order_by(
        in_program_order, "staff_member__last_name", "staff_member__first_name"
    )


def appointments_awaiting(user) -> QuerySet:
    """The person's own appointments waiting for them to acknowledge, soonest first."""
    return (
        policy.own_appointments(user)
        .awaiting_acknowledgement()
        .order_by("starts_on", "pk")
    )


def role_holder_addresses(*roles: Role) -> set[str]:
    """The work e-mail addresses of active staff who hold any of ``roles`` today."""
    holders = RoleAssignment.objects.current().filter(
        role__in=roles, staff_member__is_active=True
    )
    return {
        email
        for email in holders.values_list("staff_member__work_email", flat=True)
        if email
    }
