"""The demo organization: Riverside Health and the eight demo accounts of DESIGN.md §5."""

import datetime
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db.models import Count, Max
from django.test import Client, override_settings
from django.utils import timezone

from accounts.models import Role, RoleAssignment, User
from accounts.services import role_revoke
from confidentiality.models import AuditAction, AuditEvent
from conversations.models import CareCheck, Encounter, FacilitatedReferral
from demo.roster import demo_roster_plan
from demo.services import DemoLoadResult, demo_organization_load
from events.models import AdverseEvent
from organization.models import Department, Profession, Site, StaffMember
from outreach.models import OutreachOffer
from scope.eligibility import scope_in_force
from scope.models import DemandRecord, ScopeStatus, ScopeVersion
from selection.models import Candidate, CandidateStage, Nomination, NominationRound
from selection.selectors import supporter_coverage
from team.models import HoursEntry
from training.models import (
    Readiness,
    SessionFeedback,
    SupporterStanding,
    TrainingSession,
)

DEMO_ROLES = {
    "director@demo.test": {Role.PROGRAM_DIRECTOR},
    "admin@demo.test": {Role.PROGRAM_ADMINISTRATOR},
    "supporter1@demo.test": {Role.PEER_SUPPORTER},
    "supporter2@demo.test": {Role.PEER_SUPPORTER},
    "clinician@demo.test": set(),
    "leader@demo.test": {Role.LEADERSHIP_VIEWER},
    "risk@demo.test": {Role.RISK_QUALITY},
    "it@demo.test": {Role.IT_ADMINISTRATOR},
}

HOME_HEADINGS = {
    "director@demo.test": "Your program",
    "admin@demo.test": "The roster",
    "supporter1@demo.test": "Your assignments",
    "supporter2@demo.test": "Your assignments",
    "clinician@demo.test": "For you",
    "leader@demo.test": "Program results",
    "risk@demo.test": "Adverse events",
    "it@demo.test": "System health",
}

PROFESSIONS = {
    "physician",
    "resident",
    "app",
    "nurse",
    "pharmacist",
    "other-clinical",
    "non-clinical",
}


def load() -> DemoLoadResult:
    with override_settings(DEMO_MODE=True):
        return demo_organization_load()


@pytest.fixture
def loaded(db) -> DemoLoadResult:
    return load()


def staff_of(email: str) -> StaffMember:
    return (
        User.objects.select_related(
            "staff_member__profession", "staff_member__department", "staff_member__site"
        )
        .get(email=email)
        .staff_member
    )


def profession_counts() -> dict[str, int]:
    rows = StaffMember.objects.values("profession__code").annotate(n=Count("pk"))
    return {row["profession__code"]: row["n"] for row in rows}


def snapshot() -> dict:
    """Everything a repeat load could add to or change."""
    return {
        "sites": Site.objects.count(),
        "departments": Department.objects.count(),
        "professions": Profession.objects.count(),
        "staff": StaffMember.objects.count(),
        "staff_last_changed": StaffMember.objects.aggregate(Max("updated_at")),
        "users": list(User.objects.order_by("pk").values_list("email", "password")),
        "addresses": EmailAddress.objects.count(),
        "roles": RoleAssignment.objects.count(),
        "audit_events": AuditEvent.objects.count(),
        "scope_versions": ScopeVersion.objects.count(),
        "demand": DemandRecord.objects.count(),
        "candidates": Candidate.objects.count(),
        "nominations": Nomination.objects.count(),
        "hours": HoursEntry.objects.count(),
        "training_sessions": TrainingSession.objects.count(),
        "offers": OutreachOffer.objects.count(),
    }


# --- The program's history ---------------------------------------------------------------


def test_the_demo_serves_physicians_and_has_scheduled_an_expansion(loaded):
    in_force = scope_in_force()
    assert in_force.name.startswith("Physicians")
    later = ScopeVersion.objects.get(name="All health professionals")
    assert later.status == ScopeStatus.SCHEDULED
    assert later.effective_from > timezone.localdate()
    assert ScopeVersion.objects.filter(status=ScopeStatus.PROPOSED).exists()


def test_the_demo_director_has_acknowledged_a_time_commitment(loaded):
    director = User.objects.get(email="director@demo.test")
    assignment = RoleAssignment.objects.current().get(
        staff_member=director.staff_member, role=Role.PROGRAM_DIRECTOR
    )
    assert assignment.committed_percent == 20
    assert assignment.acknowledged_at is not None
    assert HoursEntry.objects.filter(staff_member=director.staff_member).exists()


def test_unmet_demand_comes_from_outside_the_scope(loaded):
    unmet = DemandRecord.objects.filter(in_scope=False)
    assert unmet.count() >= 10
    assert not unmet.filter(profession__code="physician").exists()
    assert DemandRecord.objects.filter(in_scope=True).exists()


def test_a_past_round_with_erased_nominators_and_a_round_in_progress(loaded):
    past, current = NominationRound.objects.order_by("opens_on")
    assert past.status() == "closed"
    assert past.nominators_erased_at is not None
    assert not Nomination.objects.filter(round=past, nominator__isnull=False).exists()
    assert set(past.candidates.values_list("stage", flat=True)) >= {
        CandidateStage.IN_TRAINING,
        CandidateStage.NOT_SELECTED,
        CandidateStage.DECLINED,
    }
    assert current.is_open()
    stages = set(current.candidates.values_list("stage", flat=True))
    assert {CandidateStage.NOMINATED, CandidateStage.INVITED} <= stages
    clinician = User.objects.get(email="clinician@demo.test")
    assert Nomination.objects.filter(
        round=current, nominator=clinician.staff_member
    ).exists()


def test_supporters_stand_in_every_state_after_a_realistic_training_history(loaded):
    standings = dict(
        SupporterStanding.objects.values_list("staff_member__first_name", "status")
    )
    assert standings["Daniel"] == Readiness.ACTIVE  # supporter1@demo.test
    assert standings["Sofia"] == Readiness.ACTIVE  # supporter2@demo.test
    assert standings["Aisha"] == Readiness.REFRESHER_DUE
    assert standings["Hannah"] == Readiness.AWAITING_SIGN_OFF
    assert standings["Kenji"] == Readiness.IN_TRAINING
    assert standings["Farah"] == Readiness.PAUSED
    assert TrainingSession.objects.filter(starts_at__gt=timezone.now()).count() == 2
    assert SessionFeedback.objects.count() >= 20


def test_outreach_has_offers_at_every_stage_and_the_demo_supporter_has_work(loaded):
    states = set(OutreachOffer.objects.values_list("state", flat=True))
    assert {"assigned", "contacted", "accepted", "in_support", "closed"} <= states
    assert AdverseEvent.objects.filter(source="manual").exists()
    assert AdverseEvent.objects.exclude(source="manual").exists()
    supporter1 = User.objects.get(email="supporter1@demo.test").staff_member
    assert OutreachOffer.objects.filter(supporter=supporter1).exists()
    assert OutreachOffer.objects.filter(referral__isnull=False).count() == 3


def test_cases_in_support_have_conversations_logged_with_care_checks(loaded):
    in_support = OutreachOffer.objects.filter(state="in_support")
    assert in_support.exists()
    assert all(offer.encounters.exists() for offer in in_support)
    assert CareCheck.objects.count() == Encounter.objects.count() > 0
    assert not any(encounter.note for encounter in Encounter.objects.all())  # notes off
    assert set(FacilitatedReferral.objects.values_list("outcome", flat=True)) == {
        "reached",
        "waiting",
    }


def test_coverage_shows_at_least_one_gap(loaded):
    coverage = supporter_coverage()
    assert coverage.supporters >= 7
    assert coverage.gaps >= 1


# --- Demo mode only ------------------------------------------------------------------


@override_settings(DEMO_MODE=False)
def test_it_refuses_to_run_outside_demo_mode(db):
    with pytest.raises(CommandError, match=r"ALONGSIDE_MODE=demo"):
        call_command("load_demo", stdout=StringIO())
    assert not StaffMember.objects.exists()
    assert not User.objects.exists()


# --- The eight demo accounts --------------------------------------------------------------


def test_the_eight_demo_accounts_hold_their_roles(loaded):
    for email, roles in DEMO_ROLES.items():
        held = RoleAssignment.objects.current().filter(staff_member=staff_of(email))
        assert set(held.values_list("role", flat=True)) == roles, email


def test_each_demo_account_belongs_to_an_active_roster_member_at_its_address(loaded):
    for email in DEMO_ROLES:
        user = User.objects.get(email=email)
        assert user.is_active
        assert user.staff_member.is_active
        assert user.staff_member.work_email == email
        assert EmailAddress.objects.filter(
            user=user, email=email, verified=True, primary=True
        ).exists()


@override_settings(DEMO_MODE=True)
def test_demo_accounts_sign_in_with_the_demo_password_in_demo_mode(loaded):
    for email in DEMO_ROLES:
        user = authenticate(request=None, email=email, password=settings.DEMO_PASSWORD)
        assert user == User.objects.get(email=email)


@override_settings(DEMO_MODE=False)
def test_the_demo_password_is_refused_outside_demo_mode(loaded):
    for email in DEMO_ROLES:
        assert (
            authenticate(request=None, email=email, password=settings.DEMO_PASSWORD)
            is None
        )


@pytest.mark.parametrize("email", HOME_HEADINGS)
@override_settings(DEMO_MODE=True, MFA_REQUIRED_FOR_PROGRAM_ROLES=False)
def test_each_demo_account_signs_in_on_the_login_page_and_sees_its_home(loaded, email):
    client = Client()
    response = client.post(
        "/accounts/login/", {"login": email, "password": settings.DEMO_PASSWORD}
    )
    assert response.status_code == 302
    home = client.get("/")
    assert home.status_code == 200
    assert home.wsgi_request.user.email == email
    content = home.content.decode()
    assert f"Hello, {staff_of(email).first_name}" in content
    assert HOME_HEADINGS[email] in content


def test_the_director_is_a_physician_and_the_administrator_is_not_clinical(loaded):
    assert staff_of("director@demo.test").profession.code == "physician"
    assert staff_of("clinician@demo.test").profession.code == "physician"
    assert not staff_of("admin@demo.test").profession.is_clinical


def test_the_two_supporter_accounts_are_physicians_in_different_places(loaded):
    first, second = staff_of("supporter1@demo.test"), staff_of("supporter2@demo.test")
    assert first.profession.code == second.profession.code == "physician"
    assert first.department != second.department
    assert first.site != second.site


def test_risk_and_it_work_in_their_own_departments(loaded):
    assert staff_of("risk@demo.test").department.name == "Quality & Patient Safety"
    assert staff_of("it@demo.test").department.name == "Information Technology"


def test_a_handful_of_peer_supporters_cover_departments_and_sites(loaded):
    supporters = StaffMember.objects.filter(
        role_assignments__in=RoleAssignment.objects.current().filter(
            role=Role.PEER_SUPPORTER
        )
    )
    assert 6 <= supporters.count() <= 8
    assert supporters.values("department").distinct().count() >= 5
    assert supporters.values("site").distinct().count() == Site.objects.count()
    assert not supporters.filter(profession__is_clinical=False).exists()


# --- The roster -------------------------------------------------------------------------


def test_the_organization_has_three_sites_about_twenty_departments_and_seven_professions(
    loaded,
):
    assert Site.objects.count() == 3
    assert 18 <= Department.objects.count() <= 25
    assert set(Profession.objects.values_list("code", flat=True)) == PROFESSIONS
    assert list(
        Profession.objects.filter(is_clinical=False).values_list("code", flat=True)
    ) == ["non-clinical"]


def test_about_six_hundred_people_in_a_realistic_mix_of_professions(loaded):
    total = StaffMember.objects.count()
    counts = profession_counts()
    assert 550 <= total <= 650
    assert max(counts, key=counts.get) == "nurse"
    assert 0.25 <= counts["nurse"] / total <= 0.45
    assert 0.12 <= counts["physician"] / total <= 0.30
    assert 0.06 <= counts["resident"] / total <= 0.18
    assert counts["app"] < counts["physician"]
    assert counts["pharmacist"] < counts["app"]
    assert 0.04 <= counts["non-clinical"] / total <= 0.15
    assert counts["other-clinical"] > 0


def test_people_are_spread_over_every_site_and_department(loaded):
    per_site = Site.objects.annotate(n=Count("staff_members"))
    assert all(site.n >= 50 for site in per_site)
    assert max(site.n for site in per_site) > StaffMember.objects.count() / 2
    assert not Department.objects.filter(staff_members__isnull=True).exists()


def test_a_few_people_have_left_and_a_few_have_just_started(loaded):
    today = timezone.localdate()
    recent = today - datetime.timedelta(days=120)
    assert 1 <= StaffMember.objects.filter(is_active=False).count() <= 20
    assert 5 <= StaffMember.objects.filter(start_date__gte=recent).count() <= 90
    assert not StaffMember.objects.filter(start_date__gt=today).exists()
    assert not StaffMember.objects.filter(start_date__isnull=True).exists()


def test_work_emails_are_unique_and_names_are_varied(loaded):
    emails = [
        e.lower() for e in StaffMember.objects.values_list("work_email", flat=True)
    ]
    assert len(emails) == len(set(emails))
    demo_addresses = {e for e in emails if e.endswith("@demo.test")}
    assert demo_addresses == set(DEMO_ROLES)
    assert all(e.endswith("@riverside.test") for e in set(emails) - demo_addresses)
    assert StaffMember.objects.values("last_name").distinct().count() >= 100
    assert StaffMember.objects.values("first_name").distinct().count() >= 80


def test_supervisors_form_no_loops_and_nobody_supervises_themselves(loaded):
    supervisor_of = dict(StaffMember.objects.values_list("pk", "supervisor_id"))
    assert sum(supervisor is None for supervisor in supervisor_of.values()) == 1
    for person in supervisor_of:
        seen = {person}
        above = supervisor_of[person]
        while above is not None:
            assert above not in seen, f"supervision loop through {person}"
            seen.add(above)
            above = supervisor_of[above]


def clinical_departments():
    """Departments with a chief: those with residents or advanced practice providers."""
    return Department.objects.filter(
        staff_members__profession__code__in=["resident", "app"]
    ).distinct()


def test_chiefs_supervise_medical_staff_and_report_to_one_medical_officer(loaded):
    medical_officers = set()
    for department in clinical_departments():
        chiefs = {
            person.supervisor
            for person in department.staff_members.filter(
                profession__code__in=["resident", "app"]
            ).select_related("supervisor__profession")
        }
        assert len(chiefs) == 1, department
        (chief,) = chiefs
        assert chief.profession.code == "physician"
        assert chief.department == department
        medical_officers.add(chief.supervisor)
    assert len(medical_officers) == 1
    assert medical_officers.pop().profession.code == "physician"


def test_nurse_managers_supervise_nurses_and_report_to_one_nursing_officer(loaded):
    nursing_officers = set()
    for department in clinical_departments():
        nurses = department.staff_members.filter(profession__code="nurse")
        supervisors = {
            nurse.supervisor for nurse in nurses.select_related("supervisor")
        }
        if not supervisors:
            continue
        (manager,) = {s for s in supervisors if s.department == department}
        assert manager.profession_id == nurses[0].profession_id
        assert supervisors == {manager, manager.supervisor}
        nursing_officers.add(manager.supervisor)
    assert len(nursing_officers) == 1
    assert nursing_officers.pop().profession.code == "nurse"


# --- Loading again ------------------------------------------------------------------------


def test_running_it_twice_changes_nothing(loaded):
    before = snapshot()
    again = load()
    assert not again.changed
    assert snapshot() == before


def test_one_audit_event_per_run_that_changed_something(loaded):
    demo_loaded = AuditEvent.objects.filter(action=AuditAction.DEMO_LOADED)
    assert demo_loaded.count() == 1
    load()
    assert demo_loaded.count() == 1


def test_a_changed_demo_password_is_put_back(loaded):
    user = User.objects.get(email="director@demo.test")
    user.set_password("somebody-changed-it-during-the-demo")
    user.save()
    result = load()
    assert result.changes() == {"accounts_restored": 1}
    with override_settings(DEMO_MODE=True):
        assert authenticate(
            request=None, email=user.email, password=settings.DEMO_PASSWORD
        )
    event = AuditEvent.objects.filter(action=AuditAction.DEMO_LOADED).first()
    assert event.details == {"accounts_restored": 1}


def test_a_revoked_role_and_a_deactivated_person_are_put_back(loaded):
    supporter = staff_of("supporter1@demo.test")
    role_revoke(actor=None, assignment=supporter.role_assignments.get())
    clinician = staff_of("clinician@demo.test")
    clinician.is_active = False
    clinician.save()
    result = load()
    assert result.roles_granted == 1
    assert result.people_restored == 1
    assert RoleAssignment.objects.current().filter(staff_member=supporter).exists()
    assert StaffMember.objects.get(pk=clinician.pk).is_active


def test_the_same_people_appear_every_time_whatever_the_day(db):
    def who(today: datetime.date) -> list[tuple]:
        return [
            (p.employee_id, p.first_name, p.last_name, p.work_email, p.supervisor)
            for p in demo_roster_plan(today=today)
        ]

    today = timezone.localdate()
    assert who(today) == who(today)
    assert who(today) == who(today + datetime.timedelta(days=200))


# --- The command ---------------------------------------------------------------------


@override_settings(DEMO_MODE=True)
def test_the_command_prints_the_accounts_and_the_password(db):
    first, second = StringIO(), StringIO()
    call_command("load_demo", stdout=first)
    call_command("load_demo", stdout=second)
    for email in DEMO_ROLES:
        assert email in first.getvalue()
    assert settings.DEMO_PASSWORD in first.getvalue()
    assert "Loaded Riverside Health" in first.getvalue()
    assert "nothing changed" in second.getvalue()
    assert len(first.getvalue().splitlines()) <= 12


# --- The staff survey ----------------------------------------------------------------


def past_waves() -> list:
    from surveys.models import Wave

    return list(
        Wave.objects.filter(survey__slug="pulse", imported=True)
        .select_related("summary")
        .order_by("opens_on")
    )


def high_stress(cell: list[int]) -> float:
    answered, flagged = cell
    return flagged / answered


def test_the_pulse_has_three_past_waves_six_months_apart_ending_a_month_ago(loaded):
    from surveys.models import WaveStatus

    assert loaded.survey_waves_added == 4
    waves = past_waves()
    assert len(waves) == 3
    assert {wave.status for wave in waves} == {WaveStatus.CLOSED}
    assert 20 <= (timezone.localdate() - waves[-1].closes_on).days <= 45
    gaps = [(waves[n + 1].opens_on - waves[n].opens_on).days for n in range(2)]
    assert all(170 <= gap <= 195 for gap in gaps)
    for wave in waves:
        season, year = wave.label.split()
        assert season in {"Winter", "Spring", "Summer", "Autumn"}
        assert abs(int(year) - wave.opens_on.year) <= 1


def test_each_past_wave_has_a_few_hundred_responses_and_a_believable_rate(loaded):
    for wave in past_waves():
        responses = wave.responses.count()
        assert 250 <= responses <= 500
        assert 0.55 <= responses / wave.invited <= 0.66
        assert wave.summary.responses == responses


def test_high_stress_eases_wave_by_wave_after_the_launch(loaded):
    prevalence = [
        high_stress(wave.summary.outcomes["high_stress"]["all"][""])
        for wave in past_waves()
    ]
    assert prevalence[0] > prevalence[1] > prevalence[2]
    assert 0.25 <= prevalence[2] < prevalence[0] <= 0.55


def test_emergency_medicine_and_surgery_are_the_most_stressed_and_ease_most(loaded):
    first, *_, last = past_waves()
    for code in ("ED", "SURG"):
        department = str(Department.objects.get(code=code).pk)
        before = first.summary.outcomes["high_stress"]
        after = last.summary.outcomes["high_stress"]
        assert (
            high_stress(before["department"][department])
            > high_stress(before["all"][""]) + 0.15
        )
        eased = high_stress(before["department"][department]) - high_stress(
            after["department"][department]
        )
        overall = high_stress(before["all"][""]) - high_stress(after["all"][""])
        assert eased > overall


def test_workload_documentation_and_fear_of_harm_drive_stress(loaded):
    for wave in past_waves():
        drivers = wave.summary.drivers["high_stress"]
        assert drivers["adequate"]
        ranked = sorted(drivers["weights"], key=lambda w: w["percent"], reverse=True)
        assert {w["item"] for w in ranked[:3]} == {
            "workload",
            "documentation",
            "fear_of_harm",
        }


def test_small_groups_leave_the_suppression_something_to_hide(loaded):
    from collections import Counter

    from confidentiality.suppression import suppress_count
    from surveys.invitations import DIMENSIONS

    hidden = 0
    for wave in past_waves():
        combinations = Counter(wave.responses.values_list(*DIMENSIONS))
        assert min(combinations.values()) >= wave.k
        departments = wave.summary.outcomes["high_stress"]["department"].values()
        hidden += sum(
            suppress_count(flagged, k=wave.k).suppressed for _, flagged in departments
        )
    assert hidden >= 3


def test_every_past_wave_has_enough_comments_to_show_them(loaded):
    waves = past_waves()
    for wave in waves:
        assert wave.k_comments <= wave.comments.count() <= 20
    texts = [c.text for wave in waves for c in wave.comments.all()]
    assert not any("555 014 2290" in text for text in texts)


def test_the_past_waves_were_loaded_through_the_import(loaded):
    events = AuditEvent.objects.filter(action=AuditAction.SURVEY_RESPONSES_IMPORTED)
    assert events.count() == 3
    assert {event.details["responses"] for event in events} == {
        wave.responses.count() for wave in past_waves()
    }


def test_the_next_wave_is_prepared_for_the_director_to_open(loaded):
    from surveys.models import Wave, WaveStatus
    from surveys.services import wave_open

    wave = Wave.objects.get(survey__slug="pulse", status=WaveStatus.DRAFT)
    assert wave.opens_on > timezone.localdate()
    assert wave.label not in {past.label for past in past_waves()}
    wave_open(actor=User.objects.get(email="director@demo.test"), wave=wave)
    wave.refresh_from_db()
    assert wave.status == WaveStatus.OPEN


def test_the_demo_has_a_year_of_publicity_with_grand_rounds_held(loaded):
    from publicity.models import OutreachActivity

    assert loaded.publicity_activities_added == OutreachActivity.objects.count() > 0
    assert OutreachActivity.objects.filter(
        channel="grand_rounds", status="done"
    ).exists()


def test_the_demo_keeps_a_year_of_ended_cases_as_counts(loaded):
    from django.db.models import Sum

    from outreach.models import ClosedCaseCount

    assert loaded.case_history_rows_added == ClosedCaseCount.objects.count() > 0
    months = ClosedCaseCount.objects.values("month").distinct().count()
    assert months == 12
    totals = ClosedCaseCount.objects.aggregate(
        offers=Sum("offers"), accepted=Sum("accepted"), contacted=Sum("contacted")
    )
    assert totals["offers"] >= 12 * 10
    assert totals["accepted"] <= totals["offers"]
    assert totals["contacted"] <= totals["offers"]
