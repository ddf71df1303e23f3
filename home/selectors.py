"""What each person's home page shows: a panel for each role they hold."""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from accounts.models import Role
from accounts.selectors import (
    appointments_awaiting,
    role_holders_without_mfa,
    team_summary,
)
from confidentiality import crypto, policy
from conversations.selectors import debrief_requests_waiting, safety_concerns_waiting
from organization.selectors import roster_summary
from outreach.selectors import my_assignments
from scope.eligibility import scope_in_force
from selection.models import CandidateStage
from selection.selectors import (
    nomination_round_current,
    round_funnel,
    supporter_coverage,
)
from team.selectors import director_hours_by_month, month_of
from training.selectors import (
    next_enrolment_of,
    sessions_awaiting_attendance,
    standing_of,
)
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
    panels = [_panel(role, user) for role in ROLE_ORDER if role in roles]
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
    concerns = list(safety_concerns_waiting(user))
    debriefs = list(debrief_requests_waiting(user))
    if concerns or debriefs:
        panels.insert(
            0,
            Panel(
                role=None,
                template="conversations/panels/needs_you.html",
                context={"safety_concerns": concerns, "debrief_requests": debriefs},
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


def _panel(role: Role, user) -> Panel:
    builders = {
        Role.PROGRAM_DIRECTOR: _director,
        Role.PROGRAM_ADMINISTRATOR: _administrator,
        Role.PEER_SUPPORTER: _supporter,
        Role.RISK_QUALITY: lambda user: {},
        Role.LEADERSHIP_VIEWER: lambda user: {},
        Role.IT_ADMINISTRATOR: _it_administrator,
    }
    return Panel(
        role=role,
        template=f"home/panels/{role.value}.html",
        context=builders[role](user),
    )


def _director(user) -> dict:
    nomination_round = nomination_round_current(user)
    funnel = (
        {step.stage: step.count for step in round_funnel(user, nomination_round)}
        if nomination_round
        else {}
    )
    this_month = month_of(timezone.localdate())
    [hours] = director_hours_by_month(user, this_month, months=1)
    return {
        "team": team_summary(),
        "roster": roster_summary(),
        "scope": scope_in_force(),
        "nomination_round": nomination_round,
        "to_invite": funnel.get(CandidateStage.NOMINATED, 0)
        + funnel.get(CandidateStage.APPLIED, 0),
        "to_decide": funnel.get(CandidateStage.INTERVIEWED, 0),
        "coverage_gaps": supporter_coverage().gaps,
        "hours": hours,
    }


def _administrator(user) -> dict:
    return {
        "roster": roster_summary(),
        "awaiting_attendance": sessions_awaiting_attendance(user),
    }


def _supporter(user) -> dict:
    return {
        "assignments": my_assignments(user),
        "standing": standing_of(user.staff_member),
        "next_session": next_enrolment_of(user.staff_member),
    }


def _it_administrator(user) -> dict:
    return {
        "work": background_work_summary(),
        "without_mfa": role_holders_without_mfa().count(),
        "mfa_required": settings.MFA_REQUIRED_FOR_PROGRAM_ROLES,
        "active_key_id": crypto.active_key_id(),
        "key_count": len(settings.FIELD_ENCRYPTION_KEYS),
        "sso_configured": bool(settings.SOCIALACCOUNT_PROVIDERS),
    }
