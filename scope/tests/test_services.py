import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from alongside.testing.cast import make_scope, make_staff_member
from confidentiality.models import AccessEvent, AuditAction, AuditAudience, AuditEvent
from organization.models import Profession
from scope import services
from scope.eligibility import scope_in_force, staff_member_is_eligible
from scope.models import DemandRecord, ScopeStatus, ScopeVersion


def today() -> datetime.date:
    return timezone.localdate()


def in_days(days: int) -> datetime.date:
    return today() + datetime.timedelta(days=days)


def everything_written() -> tuple:
    """A fingerprint of every row these services write, to show nothing changed."""
    through = ScopeVersion.professions.through, ScopeVersion.sites.through
    return (
        list(
            ScopeVersion.objects.order_by("pk").values_list(
                "pk", "name", "status", "effective_from", "all_sites", "all_departments"
            )
        ),
        [sorted(model.objects.values_list("pk", flat=True)) for model in through],
        sorted(ScopeVersion.departments.through.objects.values_list("pk", flat=True)),
        AuditEvent.objects.count(),
    )


@pytest.fixture
def nurses(cast):
    return Profession.objects.filter(code__in=["physician", "nurse"])


@pytest.fixture
def proposal(cast, nurses):
    return services.scope_version_propose(
        actor=cast.director,
        name="Physicians and nurses",
        professions=nurses,
        all_sites=True,
        all_departments=True,
    )


def propose(cast, **changes):
    values = {
        "actor": cast.director,
        "name": "Physicians and nurses",
        "professions": Profession.objects.filter(code__in=["physician", "nurse"]),
        "all_sites": True,
        "sites": [],
        "all_departments": True,
        "departments": [],
    }
    values.update(changes)
    return services.scope_version_propose(**values)


def messages_of(error: ValidationError) -> dict[str, list[str]]:
    return error.value.message_dict


# --- Proposing ----------------------------------------------------------------------


def test_a_proposal_is_saved_with_its_choices_and_audited(cast):
    version = propose(
        cast, all_sites=False, sites=[cast.org.north], name="  North nurses  "
    )
    assert version.status == ScopeStatus.PROPOSED
    assert version.effective_from is None
    assert version.name == "North nurses"
    assert version.created_by == cast.director
    assert set(version.professions.values_list("code", flat=True)) == {
        "physician",
        "nurse",
    }
    assert list(version.sites.all()) == [cast.org.north]
    event = AuditEvent.objects.get(action=AuditAction.SCOPE_PROPOSED)
    assert (event.actor, event.audience) == (cast.director, AuditAudience.PROGRAM)
    assert event.details["professions"] == ["nurse", "physician"]
    assert event.details["sites"] == ["N"]
    assert event.details["departments"] == "all"


def test_a_proposal_changes_nobody_s_eligibility(cast):
    propose(cast)
    assert not staff_member_is_eligible(cast.risk.staff_member)


def test_sites_chosen_alongside_all_sites_are_ignored(cast):
    version = propose(cast, all_sites=True, sites=[cast.org.north])
    assert not version.sites.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"professions": []}, "professions", "Choose at least one profession"),
        ({"all_sites": False, "sites": []}, "sites", "Choose at least one site"),
        (
            {"all_departments": False, "departments": []},
            "departments",
            "Choose at least one department",
        ),
        ({"name": "   "}, "name", "Give this scope a name"),
        ({"name": "x" * 201}, "name", "200 characters or fewer"),
    ],
)
def test_an_incomplete_proposal_says_what_to_fix_and_writes_nothing(
    cast, changes, field, message
):
    before = everything_written()
    with pytest.raises(ValidationError) as error:
        propose(cast, **changes)
    assert message in messages_of(error)[field][0]
    assert everything_written() == before


def test_every_problem_is_reported_at_once(cast):
    with pytest.raises(ValidationError) as error:
        propose(
            cast,
            name="",
            professions=[],
            all_sites=False,
            all_departments=False,
        )
    assert set(messages_of(error)) == {"name", "professions", "sites", "departments"}


def test_only_the_director_changes_the_scope(cast):
    before = everything_written()
    with pytest.raises(PermissionDenied):
        propose(cast, actor=cast.administrator)
    assert everything_written() == before


# --- Changing a version ------------------------------------------------------------------


def test_a_proposal_can_be_changed(cast, proposal):
    services.scope_version_update(
        actor=cast.director,
        version=proposal,
        name="Nurses in Surgery",
        professions=Profession.objects.filter(code="nurse"),
        all_sites=True,
        all_departments=False,
        departments=[cast.org.surgery],
    )
    proposal.refresh_from_db()
    assert proposal.name == "Nurses in Surgery"
    assert list(proposal.departments.all()) == [cast.org.surgery]
    assert list(proposal.professions.values_list("code", flat=True)) == ["nurse"]
    assert AuditEvent.objects.filter(
        action=AuditAction.SCOPE_PROPOSED, details__change="updated"
    ).exists()


def test_a_scheduled_version_can_be_changed_before_its_day_and_keeps_its_date(
    cast, proposal
):
    services.scope_version_schedule(
        actor=cast.director, version=proposal, effective_from=in_days(30)
    )
    services.scope_version_update(
        actor=cast.director,
        version=proposal,
        name="Renamed",
        professions=proposal.professions.all(),
        all_sites=True,
        all_departments=True,
    )
    proposal.refresh_from_db()
    assert (proposal.name, proposal.status, proposal.effective_from) == (
        "Renamed",
        ScopeStatus.SCHEDULED,
        in_days(30),
    )


def test_a_version_that_took_effect_is_history_and_cannot_change(cast):
    before = everything_written()
    with pytest.raises(ValidationError) as error:
        services.scope_version_update(
            actor=cast.director,
            version=cast.scope,
            name="Rewritten",
            professions=Profession.objects.all(),
            all_sites=True,
            all_departments=True,
        )
    assert "part of the program's history" in error.value.messages[0]
    assert "Propose a new version instead" in error.value.messages[0]
    assert everything_written() == before


def test_a_bad_change_leaves_the_proposal_as_it_was(cast, proposal):
    before = everything_written()
    with pytest.raises(ValidationError) as error:
        services.scope_version_update(
            actor=cast.director,
            version=proposal,
            name="Nobody",
            professions=[],
            all_sites=False,
            all_departments=True,
        )
    assert set(messages_of(error)) == {"professions", "sites"}
    assert everything_written() == before


# --- Scheduling ----------------------------------------------------------------------------


def test_scheduling_gives_a_proposal_its_day_and_is_audited(cast, proposal):
    services.scope_version_schedule(
        actor=cast.director, version=proposal, effective_from=in_days(60)
    )
    assert (proposal.status, proposal.effective_from) == (
        ScopeStatus.SCHEDULED,
        in_days(60),
    )
    event = AuditEvent.objects.get(action=AuditAction.SCOPE_SCHEDULED)
    assert event.details["effective_from"] == in_days(60).isoformat()
    assert event.details["change"] == "scheduled"


def test_a_scope_can_start_today_and_is_then_in_force(cast, proposal):
    services.scope_version_schedule(
        actor=cast.director, version=proposal, effective_from=today()
    )
    assert staff_member_is_eligible(cast.risk.staff_member)
    assert not proposal.is_open_to_change()


def test_a_scope_cannot_start_in_the_past(cast, proposal):
    before = everything_written()
    with pytest.raises(ValidationError) as error:
        services.scope_version_schedule(
            actor=cast.director, version=proposal, effective_from=in_days(-1)
        )
    assert "Choose today" in messages_of(error)["effective_from"][0]
    assert "cannot start in the past" in messages_of(error)["effective_from"][0]
    assert everything_written() == before


def test_two_versions_cannot_start_on_the_same_day(cast, proposal):
    other = make_scope(cast.org, status=ScopeStatus.PROPOSED, name="Another")
    services.scope_version_schedule(
        actor=cast.director, version=other, effective_from=in_days(10)
    )
    before = everything_written()
    with pytest.raises(ValidationError) as error:
        services.scope_version_schedule(
            actor=cast.director, version=proposal, effective_from=in_days(10)
        )
    message = messages_of(error)["effective_from"][0]
    assert "“Another” already starts on" in message
    assert "Choose another day" in message
    assert everything_written() == before


def test_a_scheduled_version_can_move_to_another_future_day(cast, proposal):
    services.scope_version_schedule(
        actor=cast.director, version=proposal, effective_from=in_days(10)
    )
    services.scope_version_schedule(
        actor=cast.director, version=proposal, effective_from=in_days(20)
    )
    proposal.refresh_from_db()
    assert proposal.effective_from == in_days(20)
    assert AuditEvent.objects.filter(details__change="rescheduled").exists()


def test_a_version_without_professions_cannot_be_scheduled(cast):
    empty = ScopeVersion.objects.create(name="Empty")
    before = everything_written()
    with pytest.raises(ValidationError) as error:
        services.scope_version_schedule(
            actor=cast.director, version=empty, effective_from=in_days(5)
        )
    assert "at least one profession" in messages_of(error)["professions"][0]
    assert everything_written() == before


def test_the_scope_in_force_cannot_be_rescheduled(cast):
    before = everything_written()
    with pytest.raises(ValidationError):
        services.scope_version_schedule(
            actor=cast.director, version=cast.scope, effective_from=in_days(5)
        )
    assert everything_written() == before


# --- Withdrawing --------------------------------------------------------------------------


def test_a_proposal_can_be_withdrawn(cast, proposal):
    services.scope_version_withdraw(actor=cast.director, version=proposal)
    proposal.refresh_from_db()
    assert proposal.status == ScopeStatus.WITHDRAWN
    event = AuditEvent.objects.get(action=AuditAction.SCOPE_WITHDRAWN)
    assert event.details["was"] == ScopeStatus.PROPOSED


def test_a_future_scheduled_version_can_be_withdrawn_and_then_never_takes_effect(
    cast, proposal
):
    services.scope_version_schedule(
        actor=cast.director, version=proposal, effective_from=in_days(3)
    )
    services.scope_version_withdraw(actor=cast.director, version=proposal)
    assert scope_in_force(in_days(3)) == cast.scope


def test_the_scope_in_force_cannot_be_withdrawn(cast):
    before = everything_written()
    with pytest.raises(ValidationError) as error:
        services.scope_version_withdraw(actor=cast.director, version=cast.scope)
    assert "history" in error.value.messages[0]
    assert everything_written() == before


def test_a_withdrawn_version_stays_withdrawn(cast, proposal):
    services.scope_version_withdraw(actor=cast.director, version=proposal)
    before = everything_written()
    for attempt in (
        lambda: services.scope_version_withdraw(actor=cast.director, version=proposal),
        lambda: services.scope_version_schedule(
            actor=cast.director, version=proposal, effective_from=in_days(1)
        ),
    ):
        with pytest.raises(ValidationError) as error:
            attempt()
        assert "was withdrawn" in error.value.messages[0]
    assert everything_written() == before


# --- Counting requests --------------------------------------------------------------------


def test_a_request_from_someone_in_scope_is_counted_as_met(cast):
    person = cast.clinician.staff_member
    record = services.demand_record(staff_member=person)
    assert record.in_scope
    assert record.recorded_on == today()
    assert (record.profession, record.department, record.site) == (
        person.profession,
        person.department,
        person.site,
    )


def test_a_request_from_outside_the_scope_is_counted_as_unmet(cast):
    record = services.demand_record(staff_member=cast.risk.staff_member)
    assert not record.in_scope
    assert record.profession.code == "nurse"


def test_eligibility_is_judged_on_the_day_of_the_request(cast):
    newcomer = make_staff_member(cast.org)
    record = services.demand_record(
        staff_member=newcomer, on=cast.scope.effective_from - datetime.timedelta(1)
    )
    assert not record.in_scope


def test_counting_a_request_leaves_no_witness_row_naming_the_asker(cast):
    services.demand_record(staff_member=cast.clinician.staff_member)
    assert DemandRecord.objects.count() == 1
    assert not AuditEvent.objects.exists()
    assert not AccessEvent.objects.exists()
