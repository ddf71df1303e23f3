"""What each person's home page shows: a panel for each role they hold."""

from dataclasses import dataclass, field

from django.conf import settings

from accounts.models import Role
from accounts.selectors import (
    appointments_awaiting,
    role_holders_without_mfa,
    team_summary,
)
from confidentiality import crypto, policy
from organization.selectors import roster_summary
from selection.selectors import nomination_round_current
from worker.selectors import background_work_summary

ROLE_ORDER = [
    Role.PROGRAM_DIRECTOR,
    Role.PROGRAM_ADMINISTRATOR,
    Role.PEER_SUPPORTER,
    Role.RISK_QUALITY,
    Role.LEADERSHIP_VIEWER,
    Role.IT_ADMINISTRATOR,
]


@dataclass
class Panel:
    role: Role | None
    template: str
    context: dict = field(default_factory=dict)


def home_panels_for(user) -> list[Panel]:
    roles = policy.roles_of(user)
    panels = [_panel(role) for role in ROLE_ORDER if role in roles]
    awaiting = list(appointments_awaiting(user))
    if awaiting:
        panels.insert(
            0,
            Panel(
                role=None,
                template="team/panels/appointments_awaiting.html",
                context={"appointments": awaiting},
            ),
        )
    panels.append(
        Panel(
            role=None,
            template="home/panels/staff_member.html",
            context=_staff_member(user),
        )
    )
    return panels


def _staff_member(user) -> dict:
    return {"nomination_round": nomination_round_current(user)}


def _panel(role: Role) -> Panel:
    builders = {
        Role.PROGRAM_DIRECTOR: _director,
        Role.PROGRAM_ADMINISTRATOR: _administrator,
        Role.PEER_SUPPORTER: lambda: {},
        Role.RISK_QUALITY: lambda: {},
        Role.LEADERSHIP_VIEWER: lambda: {},
        Role.IT_ADMINISTRATOR: _it_administrator,
    }
    return Panel(
        role=role, template=f"home/panels/{role.value}.html", context=builders[role]()
    )


def _director() -> dict:
    return {"team": team_summary(), "roster": roster_summary()}


def _administrator() -> dict:
    return {"roster": roster_summary()}


def _it_administrator() -> dict:
    return {
        "work": background_work_summary(),
        "without_mfa": role_holders_without_mfa().count(),
        "mfa_required": settings.MFA_REQUIRED_FOR_PROGRAM_ROLES,
        "active_key_id": crypto.active_key_id(),
        "key_count": len(settings.FIELD_ENCRYPTION_KEYS),
        "sso_configured": bool(settings.SOCIALACCOUNT_PROVIDERS),
    }
