"""Loading the demo organization, Riverside Health (its data is in demo/roster.py).

Loading is an upsert, safe to repeat: sites, departments and professions are
matched by code, people by employee id, accounts by e-mail address, and only
what is missing is created. Rows that exist are left as they are, with one
exception: the demo accounts are put back the way the demo needs them. Their
holder is active on the roster under the demo address, the account is active,
linked to the roster and has a verified address to sign in with, the password
is the demo password (set again only when it no longer matches, so a repeat
run changes nothing), and each named person holds their roles.
"""

import datetime
from dataclasses import asdict, dataclass

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from accounts.models import Role, RoleAssignment, User
from accounts.services import role_acknowledge, role_grant
from confidentiality.models import AuditAction, AuditAudience
from confidentiality.services import audit_event_record
from demo.case_history import demo_case_history_ensure
from demo.conversations import demo_conversations_ensure
from demo.outreach import demo_outreach_ensure
from demo.program import demo_program_ensure, role_held_for
from demo.publicity import demo_publicity_ensure
from demo.resources import demo_resources_ensure
from demo.roster import (
    DEMO_ACCOUNTS,
    DEPARTMENTS,
    NAMED_PEOPLE,
    PROFESSIONS,
    SITES,
    PlannedPerson,
    demo_roster_plan,
)
from demo.surveys import demo_surveys_ensure
from demo.training import demo_training_ensure
from organization.models import Department, Profession, Site, StaffMember

_ADDED, _RESTORED, _UNCHANGED = "added", "restored", "unchanged"


class DemoModeRequired(Exception):
    """The demo's accounts share a published password, so it loads only in demo mode."""


@dataclass
class DemoLoadResult:
    """What one load added or put back. All zero: the demo was already in place."""

    sites_added: int = 0
    departments_added: int = 0
    professions_added: int = 0
    people_added: int = 0
    people_restored: int = 0
    accounts_added: int = 0
    accounts_restored: int = 0
    roles_granted: int = 0
    scope_versions_added: int = 0
    demand_records_added: int = 0
    nomination_rounds_added: int = 0
    hours_entries_added: int = 0
    training_sessions_added: int = 0
    adverse_events_added: int = 0
    conversations_added: int = 0
    resources_added: int = 0
    survey_waves_added: int = 0
    publicity_activities_added: int = 0
    case_history_rows_added: int = 0

    @property
    def changed(self) -> bool:
        return any(self.changes().values())

    def changes(self) -> dict[str, int]:
        return {name: count for name, count in asdict(self).items() if count}


@transaction.atomic
def demo_organization_load(*, today: datetime.date | None = None) -> DemoLoadResult:
    """Create Riverside Health and the demo accounts, or bring them back in place.

    Records one DEMO_LOADED audit event when anything changed.
    """
    if not settings.DEMO_MODE:
        raise DemoModeRequired(
            "The demo organization loads only in demo mode (ALONGSIDE_MODE=demo): "
            f"its accounts share the published password {settings.DEMO_PASSWORD!r}, "
            "which works only in demo mode. Start the demo with `make run`."
        )
    plan_day = today or timezone.localdate()
    plan = demo_roster_plan(today=plan_day)
    result = DemoLoadResult()
    sites, result.sites_added = _units_ensure(
        Site, {site.code: {"name": site.name} for site in SITES}
    )
    departments, result.departments_added = _units_ensure(
        Department, {d.code: {"name": d.name} for d in DEPARTMENTS}
    )
    professions, result.professions_added = _units_ensure(
        Profession,
        {
            p.code: {"name": p.name, "is_clinical": p.is_clinical, "sort_order": n}
            for n, p in enumerate(PROFESSIONS, start=1)
        },
    )
    result.people_added = _roster_ensure(
        plan, sites=sites, departments=departments, professions=professions
    )
    named = _named_people(plan)
    result.people_restored = _named_people_restore(named)
    result.accounts_added, result.accounts_restored = _demo_accounts_ensure(named)
    result.roles_granted = _roles_ensure(named, today=plan_day)
    program = demo_program_ensure(
        today=plan_day,
        named={key: person.staff_member for key, person in named.items()},
        director=User.objects.get(staff_member=named["director"].staff_member),
    )
    result.scope_versions_added = program.scope_versions_added
    result.demand_records_added = program.demand_records_added
    result.nomination_rounds_added = program.nomination_rounds_added
    result.hours_entries_added = program.hours_entries_added
    result.training_sessions_added = demo_training_ensure(
        today=plan_day,
        named={key: person.staff_member for key, person in named.items()},
        director=User.objects.get(staff_member=named["director"].staff_member),
    )
    result.adverse_events_added = demo_outreach_ensure(
        today=plan_day,
        named={key: person.staff_member for key, person in named.items()},
        risk=User.objects.get(staff_member=named["risk"].staff_member),
    )
    result.resources_added = demo_resources_ensure()
    result.conversations_added = demo_conversations_ensure(today=plan_day)
    result.case_history_rows_added = demo_case_history_ensure(today=plan_day)
    result.survey_waves_added = demo_surveys_ensure(today=plan_day)
    result.publicity_activities_added = demo_publicity_ensure(
        today=plan_day,
        director=User.objects.get(staff_member=named["director"].staff_member),
    )
    if result.changed:
        audit_event_record(
            actor=None,
            action=AuditAction.DEMO_LOADED,
            audience=AuditAudience.SYSTEM,
            details=result.changes(),
        )
    return result


def _units_ensure(
    model: type[models.Model], wanted: dict[str, dict]
) -> tuple[dict[str, models.Model], int]:
    """Create the sites, departments or professions missing by code; return all of them."""
    existing = model._default_manager.in_bulk(list(wanted), field_name="code")
    missing = [
        model(code=code, **fields)
        for code, fields in wanted.items()
        if code not in existing
    ]
    model._default_manager.bulk_create(missing)
    return model._default_manager.in_bulk(list(wanted), field_name="code"), len(missing)


def _roster_ensure(
    plan: list[PlannedPerson],
    *,
    sites: dict[str, Site],
    departments: dict[str, Department],
    professions: dict[str, Profession],
) -> int:
    """Create the people missing by employee id, supervisors before their reports."""
    staff_ids = _staff_ids([person.employee_id for person in plan])
    waiting = [person for person in plan if person.employee_id not in staff_ids]
    added = 0
    while waiting:
        ready = [
            p for p in waiting if p.supervisor is None or p.supervisor in staff_ids
        ]
        if not ready:
            raise ValueError("The demo roster's supervisors form a loop.")
        StaffMember.objects.bulk_create(
            StaffMember(
                employee_id=person.employee_id,
                first_name=person.first_name,
                last_name=person.last_name,
                work_email=person.work_email,
                profession=professions[person.profession],
                department=departments[person.department],
                site=sites[person.site],
                supervisor_id=staff_ids.get(person.supervisor),
                start_date=person.start_date,
                is_active=person.is_active,
            )
            for person in ready
        )
        added += len(ready)
        staff_ids |= _staff_ids([person.employee_id for person in ready])
        waiting = [person for person in waiting if person.employee_id not in staff_ids]
    return added


def _staff_ids(employee_ids: list[str]) -> dict[str, int]:
    return dict(
        StaffMember.objects.filter(employee_id__in=employee_ids).values_list(
            "employee_id", "pk"
        )
    )


@dataclass
class _NamedStaffMember:
    staff_member: StaffMember
    planned: PlannedPerson
    roles: tuple[Role, ...]


def _named_people(plan: list[PlannedPerson]) -> dict[str, _NamedStaffMember]:
    """The people the demo needs by name (accounts, roles), keyed as in NAMED_PEOPLE."""
    planned = {person.key: person for person in plan if person.key}
    wanted = [p for p in NAMED_PEOPLE if p.roles or p.email]
    staff_members = StaffMember.objects.in_bulk(
        [planned[p.key].employee_id for p in wanted], field_name="employee_id"
    )
    return {
        p.key: _NamedStaffMember(
            staff_member=staff_members[planned[p.key].employee_id],
            planned=planned[p.key],
            roles=p.roles,
        )
        for p in wanted
    }


def _named_people_restore(named: dict[str, _NamedStaffMember]) -> int:
    """Make the named people active again, under their demo address. How many changed."""
    restored = 0
    for person in named.values():
        staff_member, planned = person.staff_member, person.planned
        if staff_member.is_active and staff_member.work_email == planned.work_email:
            continue
        staff_member.is_active = True
        staff_member.work_email = planned.work_email
        staff_member.save(update_fields=["is_active", "work_email", "updated_at"])
        restored += 1
    return restored


def _demo_accounts_ensure(named: dict[str, _NamedStaffMember]) -> tuple[int, int]:
    """Create the demo accounts, or put them back in place. How many (added, restored)."""
    outcomes = [
        _demo_account_ensure(
            email=account.email, staff_member=named[account.person].staff_member
        )
        for account in DEMO_ACCOUNTS
    ]
    return outcomes.count(_ADDED), outcomes.count(_RESTORED)


def _demo_account_ensure(*, email: str, staff_member: StaffMember) -> str:
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(
            email, password=settings.DEMO_PASSWORD, staff_member=staff_member
        )
        _sign_in_address_ensure(user)
        return _ADDED
    account_changed = _account_restore(user, staff_member=staff_member)
    address_changed = _sign_in_address_ensure(user)
    return _RESTORED if account_changed or address_changed else _UNCHANGED


def _account_restore(user: User, *, staff_member: StaffMember) -> bool:
    """Active, linked to the roster, demo password. Whether anything had to change."""
    changed_fields = []
    if not user.is_active:
        user.is_active = True
        changed_fields.append("is_active")
    if user.staff_member_id != staff_member.pk:
        user.staff_member = staff_member
        changed_fields.append("staff_member")
    if not user.check_password(settings.DEMO_PASSWORD):
        user.set_password(settings.DEMO_PASSWORD)
        changed_fields.append("password")
    if changed_fields:
        user.save(update_fields=changed_fields)
    return bool(changed_fields)


def _sign_in_address_ensure(user: User) -> bool:
    """Allauth signs people in by a verified, primary address. Whether one was fixed."""
    address, created = EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    if created:
        return True
    if address.verified and address.primary:
        return False
    EmailAddress.objects.filter(user=user, primary=True).update(primary=False)
    address.verified = address.primary = True
    address.save(update_fields=["verified", "primary"])
    return True


def _roles_ensure(named: dict[str, _NamedStaffMember], *, today: datetime.date) -> int:
    """Grant each named person's roles unless they hold them today. How many granted.

    A first grant is dated back to when the demo program began (supporters
    from its founding round, to when they were selected); a role put back
    after someone revoked it starts today.
    """
    granted = 0
    for person in named.values():
        for role in person.roles:
            assignments = RoleAssignment.objects.filter(
                staff_member=person.staff_member, role=role
            )
            if assignments.current().exists():
                continue
            first_grant = not assignments.exists()
            assignment = assignments.awaiting_acknowledgement().first() or role_grant(
                actor=None,
                staff_member=person.staff_member,
                role=role,
                starts_on=today - role_held_for(person.planned.key)
                if first_grant
                else None,
            )
            if assignment.is_awaiting_acknowledgement:
                # The demo director has accepted their time commitment already.
                role_acknowledge(user=person.staff_member.user, assignment=assignment)
            granted += 1
    return granted
