"""Changing who the program serves, and counting who asks for help.

A scope version starts as a proposal, which changes nothing: it is there so
the director can see what it would add. Scheduling gives it a date; on that
day it becomes the scope in force without anyone acting (see
``scope.eligibility``). From then on it is history and never changes again.
"""

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format

from confidentiality import policy
from confidentiality.models import AuditAction, AuditAudience
from confidentiality.services import audit_event_record
from organization.models import Department, Profession, Site, StaffMember
from scope.eligibility import staff_member_is_eligible
from scope.models import DemandRecord, ScopeStatus, ScopeVersion

NAME_MAX_LENGTH = ScopeVersion._meta.get_field("name").max_length


def _require_director(actor) -> None:
    if not policy.may_change_program(actor):
        raise PermissionDenied(
            "Only the program director decides who the program serves."
        )


def _cleaned_choices(
    *,
    name: str,
    professions: Iterable[Profession],
    all_sites: bool,
    sites: Iterable[Site],
    all_departments: bool,
    departments: Iterable[Department],
) -> dict:
    """Check what a version would cover; every problem at once, each on its field."""
    name = (name or "").strip()
    professions = list(professions or ())
    sites = [] if all_sites else list(sites or ())
    departments = [] if all_departments else list(departments or ())
    errors = {}
    if not name:
        errors["name"] = "Give this scope a name, such as “All health professionals”."
    elif len(name) > NAME_MAX_LENGTH:
        errors["name"] = f"Keep the name to {NAME_MAX_LENGTH} characters or fewer."
    if not professions:
        errors["professions"] = "Choose at least one profession the program serves."
    if not all_sites and not sites:
        errors["sites"] = "Choose at least one site, or choose “All sites”."
    if not all_departments and not departments:
        errors["departments"] = (
            "Choose at least one department, or choose “All departments”."
        )
    if errors:
        raise ValidationError(errors)
    return {
        "name": name,
        "professions": professions,
        "all_sites": bool(all_sites),
        "sites": sites,
        "all_departments": bool(all_departments),
        "departments": departments,
    }


def _details(version: ScopeVersion, **extra) -> dict:
    """What a version covers, by code: no people, nothing sensitive."""
    details = {
        "name": version.name,
        "professions": sorted(p.code for p in version.professions.all()),
        "sites": (
            "all" if version.all_sites else sorted(s.code for s in version.sites.all())
        ),
        "departments": (
            "all"
            if version.all_departments
            else sorted(d.code for d in version.departments.all())
        ),
    }
    details.update(extra)
    return details


def _locked(version: ScopeVersion) -> ScopeVersion:
    """Lock the row and bring the caller's instance up to date with it."""
    list(ScopeVersion.objects.select_for_update().filter(pk=version.pk).values("pk"))
    version.refresh_from_db()
    return version


def _require_open_to_change(version: ScopeVersion, today: datetime.date) -> None:
    if version.status == ScopeStatus.WITHDRAWN:
        raise ValidationError(
            f"“{version.name}” was withdrawn and cannot change. "
            "Propose a new version instead."
        )
    if version.has_taken_effect(today):
        raise ValidationError(
            f"“{version.name}” took effect on {date_format(version.effective_from)} and "
            "is part of the program's history, which cannot change. "
            "Propose a new version instead."
        )


@transaction.atomic
def scope_version_propose(
    *,
    actor,
    name: str,
    professions: Iterable[Profession],
    all_sites: bool,
    sites: Iterable[Site] = (),
    all_departments: bool,
    departments: Iterable[Department] = (),
) -> ScopeVersion:
    """Propose a scope. It changes nothing until it is scheduled."""
    _require_director(actor)
    choices = _cleaned_choices(
        name=name,
        professions=professions,
        all_sites=all_sites,
        sites=sites,
        all_departments=all_departments,
        departments=departments,
    )
    version = ScopeVersion(
        name=choices["name"],
        status=ScopeStatus.PROPOSED,
        all_sites=choices["all_sites"],
        all_departments=choices["all_departments"],
        created_by=actor,
    )
    version.full_clean()
    version.save()
    version.professions.set(choices["professions"])
    version.sites.set(choices["sites"])
    version.departments.set(choices["departments"])
    audit_event_record(
        actor=actor,
        action=AuditAction.SCOPE_PROPOSED,
        obj=version,
        audience=AuditAudience.PROGRAM,
        details=_details(version, change="proposed"),
    )
    return version


@transaction.atomic
def scope_version_update(
    *,
    actor,
    version: ScopeVersion,
    name: str,
    professions: Iterable[Profession],
    all_sites: bool,
    sites: Iterable[Site] = (),
    all_departments: bool,
    departments: Iterable[Department] = (),
) -> ScopeVersion:
    """Change a proposal, or a scheduled version whose day has not come yet.

    A scheduled version keeps its date. There is no separate audit action for
    an edit: it is recorded under the version's own action (proposed or
    scheduled) with ``change: "updated"``.
    """
    _require_director(actor)
    today = timezone.localdate()
    version = _locked(version)
    _require_open_to_change(version, today)
    choices = _cleaned_choices(
        name=name,
        professions=professions,
        all_sites=all_sites,
        sites=sites,
        all_departments=all_departments,
        departments=departments,
    )
    version.name = choices["name"]
    version.all_sites = choices["all_sites"]
    version.all_departments = choices["all_departments"]
    version.full_clean()
    version.save()
    version.professions.set(choices["professions"])
    version.sites.set(choices["sites"])
    version.departments.set(choices["departments"])
    audit_event_record(
        actor=actor,
        action=(
            AuditAction.SCOPE_SCHEDULED
            if version.status == ScopeStatus.SCHEDULED
            else AuditAction.SCOPE_PROPOSED
        ),
        obj=version,
        audience=AuditAudience.PROGRAM,
        details=_details(version, change="updated"),
    )
    return version


@transaction.atomic
def scope_version_schedule(
    *, actor, version: ScopeVersion, effective_from: datetime.date
) -> ScopeVersion:
    """Give a proposal (or a future scheduled version) the day it takes effect.

    Today is allowed: the version is then in force at once. Only one version
    can start on a given day.
    """
    _require_director(actor)
    today = timezone.localdate()
    version = _locked(version)
    _require_open_to_change(version, today)
    if effective_from is None:
        raise ValidationError({"effective_from": "Choose the day this scope starts."})
    if effective_from < today:
        raise ValidationError(
            {
                "effective_from": (
                    f"Choose today ({date_format(today)}) or a later day: "
                    "a scope cannot start in the past."
                )
            }
        )
    if not version.professions.exists():
        raise ValidationError(
            {"professions": "Choose at least one profession before scheduling."}
        )
    taken = (
        ScopeVersion.objects.filter(
            status=ScopeStatus.SCHEDULED, effective_from=effective_from
        )
        .exclude(pk=version.pk)
        .first()
    )
    if taken is not None:
        raise ValidationError({"effective_from": _date_taken(taken, effective_from)})
    previous_status, previous_date = version.status, version.effective_from
    version.status = ScopeStatus.SCHEDULED
    version.effective_from = effective_from
    try:
        with transaction.atomic():
            version.save(update_fields=["status", "effective_from"])
    except IntegrityError:
        # Someone scheduled another version for the same day a moment ago.
        version.status, version.effective_from = previous_status, previous_date
        raise ValidationError(
            {
                "effective_from": (
                    f"Another scope change now starts on {date_format(effective_from)}. "
                    "Choose another day."
                )
            }
        )
    audit_event_record(
        actor=actor,
        action=AuditAction.SCOPE_SCHEDULED,
        obj=version,
        audience=AuditAudience.PROGRAM,
        details=_details(
            version,
            change="scheduled" if previous_date is None else "rescheduled",
            effective_from=effective_from.isoformat(),
        ),
    )
    return version


def _date_taken(taken: ScopeVersion, day: datetime.date) -> str:
    return (
        f"“{taken.name}” already starts on {date_format(day)}. Choose another day, "
        "or withdraw that change first."
    )


@transaction.atomic
def scope_version_withdraw(*, actor, version: ScopeVersion) -> ScopeVersion:
    """Withdraw a proposal or a scheduled version whose day has not come yet."""
    _require_director(actor)
    today = timezone.localdate()
    version = _locked(version)
    _require_open_to_change(version, today)
    was = version.status
    version.status = ScopeStatus.WITHDRAWN
    version.save(update_fields=["status"])
    audit_event_record(
        actor=actor,
        action=AuditAction.SCOPE_WITHDRAWN,
        obj=version,
        audience=AuditAudience.PROGRAM,
        details=_details(
            version,
            was=was,
            effective_from=(
                version.effective_from.isoformat() if version.effective_from else None
            ),
        ),
    )
    return version


@transaction.atomic
def demand_record(
    *, staff_member: StaffMember, on: datetime.date | None = None
) -> DemandRecord:
    """Count one request for support, in or outside the program's scope.

    Only the day, whether the program serves the person, and their
    profession, department and site are kept: enough to see demand and unmet
    demand, never enough to say who asked.

    Deliberately, no audit event names the asker as its actor and no access
    event is written. Every other change in Alongside is witnessed by who
    made it; here the witness row would itself be the record that this person
    asked for help, which is exactly what the program promises not to keep.
    For the same reason the record holds no person, no free text and no time
    of day, and a person who asks twice is counted twice: telling the two
    apart would need to know who they are.
    """
    day = on or timezone.localdate()
    return DemandRecord.objects.create(
        recorded_on=day,
        in_scope=staff_member_is_eligible(staff_member, day),
        profession_id=staff_member.profession_id,
        department_id=staff_member.department_id,
        site_id=staff_member.site_id,
    )
