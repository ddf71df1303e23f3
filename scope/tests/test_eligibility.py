import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.utils import timezone

from accounts.models import RoleAssignment
from alongside.testing.cast import make_scope, make_staff_member
from organization.models import Profession
from scope import services
from scope.eligibility import (
    eligible_staff_members,
    scope_condition,
    scope_in_force,
    staff_member_is_eligible,
)
from scope.models import ScopeStatus, ScopeVersion

HOSPITAL_TIME = ZoneInfo("America/New_York")


def noon_on(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=HOSPITAL_TIME)


def test_a_physician_is_eligible_under_the_first_scope(cast):
    assert staff_member_is_eligible(cast.clinician.staff_member)


def test_a_nurse_is_not_eligible_while_the_program_serves_physicians(cast):
    assert not staff_member_is_eligible(cast.risk.staff_member)


def test_someone_without_a_roster_entry_is_not_eligible(cast):
    assert not staff_member_is_eligible(None)


def test_people_who_left_are_not_eligible(cast):
    gone = make_staff_member(cast.org, is_active=False)
    assert not staff_member_is_eligible(gone)


def test_a_scope_limited_to_some_sites_leaves_out_the_others(cast):
    make_scope(
        cast.org,
        effective_from=timezone.localdate(),
        all_sites=False,
        name="North only",
    ).sites.set([cast.org.north])
    assert staff_member_is_eligible(cast.clinician.staff_member)
    assert not staff_member_is_eligible(cast.other_supporter.staff_member)


def test_a_scope_limited_to_some_departments_leaves_out_the_others(cast):
    make_scope(
        cast.org,
        effective_from=timezone.localdate(),
        all_departments=False,
        name="Surgery only",
    ).departments.set([cast.org.surgery])
    assert staff_member_is_eligible(cast.supporter.staff_member)
    assert not staff_member_is_eligible(cast.clinician.staff_member)


def test_nobody_is_eligible_before_any_scope_takes_effect(cast):
    ScopeVersion.objects.all().delete()
    assert scope_in_force() is None
    assert not eligible_staff_members().exists()
    assert not staff_member_is_eligible(cast.clinician.staff_member)


def test_proposals_and_withdrawn_versions_change_nobody_s_eligibility(cast):
    everyone = ("physician", "resident", "app", "nurse")
    make_scope(cast.org, professions=everyone, status=ScopeStatus.PROPOSED)
    make_scope(
        cast.org,
        professions=everyone,
        status=ScopeStatus.WITHDRAWN,
        effective_from=timezone.localdate(),
    )
    assert scope_in_force() == cast.scope
    assert not staff_member_is_eligible(cast.risk.staff_member)


def test_the_scope_condition_follows_a_relation_to_the_roster(cast):
    holders = RoleAssignment.objects.filter(
        scope_condition(cast.scope, "staff_member__")
    )
    assert cast.director.staff_member.role_assignments.get() in holders
    assert cast.risk.staff_member.role_assignments.get() not in holders


def test_a_scheduled_expansion_takes_effect_on_its_day_without_anyone_acting(cast):
    """Physicians first, then "all health professionals" from a date (DESIGN.md §2.2)."""
    nurse = cast.risk.staff_member
    expansion_day = timezone.localdate() + datetime.timedelta(days=90)
    expansion = services.scope_version_propose(
        actor=cast.director,
        name="All health professionals",
        professions=Profession.objects.filter(is_clinical=True),
        all_sites=True,
        all_departments=True,
    )
    services.scope_version_schedule(
        actor=cast.director, version=expansion, effective_from=expansion_day
    )

    with time_machine.travel(noon_on(expansion_day - datetime.timedelta(days=1))):
        assert scope_in_force() == cast.scope
        assert not staff_member_is_eligible(nurse)

    with time_machine.travel(noon_on(expansion_day)):
        assert scope_in_force() == expansion
        assert staff_member_is_eligible(nurse)
        # History is kept: the day before still answers with the first scope,
        # which is unchanged, and both versions remain.
        day_before = expansion_day - datetime.timedelta(days=1)
        assert scope_in_force(day_before) == cast.scope
        assert not staff_member_is_eligible(nurse, day_before)
        assert set(cast.scope.professions.values_list("code", flat=True)) == {
            "physician",
            "resident",
            "app",
        }
        assert not cast.scope.is_open_to_change()
        assert not expansion.is_open_to_change()
        assert ScopeVersion.objects.filter(status=ScopeStatus.SCHEDULED).count() == 2


def test_the_eligible_population_is_counted_by_the_database(cast):
    for _ in range(3):
        make_staff_member(cast.org, profession=cast.org.professions["resident"])
    assert eligible_staff_members().count() == 5 + 3
    assert eligible_staff_members(version=cast.scope).count() == 5 + 3
