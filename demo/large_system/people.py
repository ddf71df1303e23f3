"""Who signs in: the five program accounts, 2 000 trained peer supporters, their second factors.

Every account has the password PASSWORD and a TOTP authenticator (so the
second-factor middleware lets a signed-in session through). The password is
hashed once and the hash shared: hashing 2 000 times with Argon2 would take
minutes, and this is a load-test system, not a real one.
"""

import datetime
import time
from dataclasses import dataclass
from importlib import import_module

import numpy as np
from allauth.account.models import EmailAddress
from allauth.mfa.adapter import get_adapter as mfa_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import generate_totp_secret
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.hashers import make_password

from accounts.middleware import MFA_ENROLLED, SIGNED_IN_AT
from accounts.models import Role, RoleAssignment, User
from demo.large_system.organization import EMAIL_DOMAIN, Roster
from outreach.models import SupporterGender, SupporterProfile
from program.selectors import program_settings
from training.curriculum import default_curriculum_load
from training.models import (
    CompetencySignOff,
    ModuleCompletion,
    SupporterPause,
    SupporterStanding,
    TrainingModule,
)
from training.readiness import ReadinessFacts, readiness_verdict

PASSWORD = "large-system-pass-2026"  # noqa: S105 - a published load-test password
# account, roles, profession index it is picked from
ACCOUNTS = (
    ("director", (Role.PROGRAM_DIRECTOR,), 0),
    ("administrator", (Role.PROGRAM_ADMINISTRATOR,), 6),
    ("leader", (Role.LEADERSHIP_VIEWER,), 0),
    ("risk", (Role.RISK_QUALITY,), 3),
    ("it", (Role.IT_ADMINISTRATOR,), 6),
)
# How likely each profession is to be chosen as a supporter (PROFESSIONS order).
SUPPORTER_WEIGHT = (4.0, 1.0, 2.0, 1.0, 0.3, 0.5, 0.0)
FOUNDING_COHORT = 0.25
PAUSED_SHARE = 0.02
IN_TRAINING_SHARE = 0.01
AUTH_BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


@dataclass
class Team:
    """Who holds which account: staff indexes, user ids, supporters by cohort."""

    named: dict[str, int]  # account → staff index
    users: dict[str, User]
    supporters: np.ndarray  # staff indexes, earliest cohort first
    supporter_since: np.ndarray  # day the role started (days before today)
    supporter_users: np.ndarray  # user id of each supporter
    assignable: np.ndarray  # whether the supporter is active today


def team_choose(rng: np.random.Generator, roster: Roster, *, supporters: int) -> Team:
    """Pick the named people and the supporters, and give them their sign-in addresses."""
    program_days = (roster.today - roster.program_start).days
    seasoned = roster.active & (roster.start > program_days + 365)
    named: dict[str, int] = {}
    for key, _roles, profession in ACCOUNTS:
        pool = np.flatnonzero(seasoned & (roster.profession == profession))
        named[key] = int(next(n for n in pool if n not in named.values()))
    weight = np.array(SUPPORTER_WEIGHT)[roster.profession] * seasoned
    weight[list(named.values())] = 0
    chosen = rng.choice(
        len(roster.ids), size=supporters, replace=False, p=weight / weight.sum()
    )
    founding = rng.random(supporters) < FOUNDING_COHORT
    since = np.where(
        founding, program_days, rng.integers(60, program_days, size=supporters)
    )
    since[0] = program_days  # someone serves from the first day
    order = np.argsort(-since, kind="stable")
    chosen, since = chosen[order], since[order]
    for key, n in named.items():
        roster.emails[n] = f"{key}@{EMAIL_DOMAIN}"
    for number, n in enumerate(chosen.tolist(), 1):
        roster.emails[n] = supporter_email(number)
    return Team(named, {}, chosen, since, np.zeros(0), np.ones(supporters, bool))


def supporter_email(number: int) -> str:
    return f"supporter{number:04d}@{EMAIL_DOMAIN}"


def accounts_create(rng: np.random.Generator, roster: Roster, team: Team) -> int:
    """Users, sign-in addresses, TOTP authenticators and roles for everyone who signs in."""
    hashed = make_password(PASSWORD)
    people = [*team.named.values(), *team.supporters.tolist()]
    users = User.objects.bulk_create(
        User(
            email=roster.emails[n],
            staff_member_id=int(roster.ids[n]),
            password=hashed,
            date_joined=_moment(roster.program_start),
        )
        for n in people
    )
    EmailAddress.objects.bulk_create(
        EmailAddress(user=user, email=user.email, verified=True, primary=True)
        for user in users
    )
    adapter = mfa_adapter()
    Authenticator.objects.bulk_create(
        Authenticator(
            user=user,
            type=Authenticator.Type.TOTP,
            data={"secret": adapter.encrypt(generate_totp_secret())},
        )
        for user in users
    )
    team.users = dict(zip(team.named, users, strict=False))
    team.supporter_users = np.array([u.pk for u in users[len(team.named) :]])
    _roles_grant(roster, team)
    return len(users)


def _moment(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=datetime.UTC)


def _roles_grant(roster: Roster, team: Team) -> None:
    director = team.users["director"]
    assignments = []
    for key, roles, _ in ACCOUNTS:
        for role in roles:
            is_director = role == Role.PROGRAM_DIRECTOR
            assignments.append(
                RoleAssignment(
                    staff_member_id=int(roster.ids[team.named[key]]),
                    role=role,
                    starts_on=roster.program_start,
                    committed_percent=20 if is_director else None,
                    needs_acknowledgement=is_director,
                    acknowledged_at=_moment(roster.program_start)
                    if is_director
                    else None,
                )
            )
    for n, days in zip(
        team.supporters.tolist(), team.supporter_since.tolist(), strict=True
    ):
        assignments.append(
            RoleAssignment(
                staff_member_id=int(roster.ids[n]),
                role=Role.PEER_SUPPORTER,
                starts_on=roster.today - datetime.timedelta(days=days),
                granted_by=director,
            )
        )
    RoleAssignment.objects.bulk_create(assignments, batch_size=1000)


def supporters_train(rng: np.random.Generator, roster: Roster, team: Team) -> int:
    """Core modules, sign-off, profile and standing for every supporter; a few paused or new."""
    default_curriculum_load(TrainingModule)
    core = list(TrainingModule.objects.filter(is_core=True, is_retired=False))
    director = team.users["director"]
    sign_off_required = program_settings().competency_sign_off_required
    count = len(team.supporters)
    paused = rng.random(count) < PAUSED_SHARE
    in_training = np.zeros(count, bool)
    in_training[-max(1, int(count * IN_TRAINING_SHARE)) :] = True
    completions, sign_offs, pauses, standings, profiles = [], [], [], [], []
    genders = rng.choice(
        [SupporterGender.WOMAN, SupporterGender.MAN, SupporterGender.NON_BINARY],
        size=count,
        p=[0.6, 0.38, 0.02],
    )
    for i, (n, days) in enumerate(
        zip(team.supporters.tolist(), team.supporter_since.tolist(), strict=True)
    ):
        staff_id = int(roster.ids[n])
        started = roster.today - datetime.timedelta(days=days)
        done = core[: len(core) // 2] if in_training[i] else core
        completions += [
            ModuleCompletion(
                staff_member_id=staff_id,
                module=module,
                completed_on=started + datetime.timedelta(days=14),
                recorded_by=director,
            )
            for module in done
        ]
        if not in_training[i]:
            sign_offs.append(
                CompetencySignOff(
                    staff_member_id=staff_id,
                    signed_off_on=started + datetime.timedelta(days=21),
                    signed_off_by=director,
                )
            )
        pause_at = _moment(roster.today - datetime.timedelta(days=10))
        if paused[i]:
            pauses.append(
                SupporterPause(
                    staff_member_id=staff_id, reason="leave", started_at=pause_at
                )
            )
        verdict = readiness_verdict(
            ReadinessFacts(
                core_modules=[m.title for m in core],
                completed_core=[m.title for m in done],
                sign_off_required=sign_off_required,
                signed_off=not in_training[i],
                missed_in_a_row=0,
                missed_allowed=program_settings().meetings_missed_allowed,
                paused_since=pause_at if paused[i] else None,
                pause_reason="Leave" if paused[i] else "",
            )
        )
        team.assignable[i] = verdict.status == "active"
        standings.append(
            SupporterStanding(
                staff_member_id=staff_id,
                status=verdict.status,
                reasons=verdict.reasons,
                core_modules_done=len(done),
                core_modules_total=len(core),
                became_active_on=None
                if in_training[i]
                else started + datetime.timedelta(days=21),
            )
        )
        profiles.append(SupporterProfile(staff_member_id=staff_id, gender=genders[i]))
    for model, rows in (
        (ModuleCompletion, completions),
        (CompetencySignOff, sign_offs),
        (SupporterPause, pauses),
        (SupporterStanding, standings),
        (SupporterProfile, profiles),
    ):
        model.objects.bulk_create(rows, batch_size=2000)
    return count


def signed_in_session_key(user: User) -> str:
    """A real session for ``user``, as a completed password + TOTP sign-in leaves it.

    Django's three auth keys (user id, backend, password hash), allauth's
    record of the two methods used, the sign-in time the absolute session
    limit counts from, and the mark the second-factor middleware sets once
    it has seen the authenticator. Send it as the ``sessionid`` cookie.
    """
    engine = import_module(settings.SESSION_ENGINE)
    session = engine.SessionStore()
    now = time.time()
    authenticator = Authenticator.objects.filter(
        user=user, type=Authenticator.Type.TOTP
    ).first()
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)
    session[BACKEND_SESSION_KEY] = AUTH_BACKEND
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[SIGNED_IN_AT] = int(now)
    session[MFA_ENROLLED] = authenticator is not None
    records = [{"method": "password", "at": now, "email": user.email}]
    if authenticator is not None:
        records.append(
            {"method": "mfa", "at": now, "id": authenticator.pk, "type": "totp"}
        )
    session["account_authentication_methods"] = records
    session["account_authentication_methods_user"] = str(user.pk)
    session.create()
    return session.session_key
