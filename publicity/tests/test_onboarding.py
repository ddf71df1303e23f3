"""The onboarding list: recent starters in scope, recording who was told, and retention."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from confidentiality import policy
from confidentiality.models import AccessEvent, AccessKind, AuditAction, AuditEvent
from program.selectors import program_settings
from publicity.models import HowTold, OnboardingContact
from publicity.onboarding import (
    onboarding_contacts_purge,
    onboarding_list_open,
    onboarding_summary,
    onboarding_told_record,
    onboarding_told_remove,
)
from publicity.tests.conftest import days_ago, new_starter


def listed(user) -> list:
    _, people = onboarding_list_open(user, today=timezone.localdate())
    return list(people)


def test_only_recent_starters_in_the_programs_scope_are_listed(cast):
    recent = new_starter(cast.org, started_days_ago=3, last_name="Recent")
    edge = new_starter(cast.org, started_days_ago=59, last_name="Edge")
    new_starter(cast.org, started_days_ago=61, last_name="Earlier")
    new_starter(cast.org, started_days_ago=-7, last_name="Tocome")
    new_starter(cast.org, profession=cast.org.professions["nurse"], last_name="Nurse")
    new_starter(cast.org, is_active=False, last_name="Left")

    assert listed(cast.director) == [recent, edge]


def test_the_window_is_the_programs_setting(cast):
    earlier = new_starter(cast.org, started_days_ago=80)
    settings_row = program_settings()
    settings_row.onboarding_window_days = 90
    settings_row.save()

    assert listed(cast.administrator) == [earlier]


def test_those_not_yet_told_come_first(cast):
    told = new_starter(cast.org, started_days_ago=2)
    untold = new_starter(cast.org, started_days_ago=20)
    onboarding_told_record(
        actor=cast.director,
        staff_member_ids=[told.pk],
        how=HowTold.ORIENTATION,
        told_on=days_ago(1),
    )

    people = listed(cast.director)

    assert people == [untold, told]
    assert [p.told for p in people] == [False, True]


def test_opening_the_list_is_witnessed_once(cast):
    new_starter(cast.org)
    new_starter(cast.org)

    listed(cast.director)

    event = AccessEvent.objects.get()
    assert event.actor == cast.director
    assert event.kind == AccessKind.READ
    assert event.object_type == "organization.staffmember"
    assert event.purpose == "Onboarding list (2 people)"


@pytest.mark.parametrize("who", ["supporter", "clinician", "leader", "risk", "it"])
def test_nobody_else_may_open_it(cast, who):
    new_starter(cast.org)

    with pytest.raises(Http404):
        listed(getattr(cast, who))
    assert not policy.onboarding_list_visible_to(
        getattr(cast, who), today=timezone.localdate(), window_days=60
    ).exists()
    assert not AccessEvent.objects.exists()


def test_recording_that_people_were_told_is_audited_person_by_person(cast):
    first, second = new_starter(cast.org), new_starter(cast.org)

    recorded = onboarding_told_record(
        actor=cast.administrator,
        staff_member_ids=[first.pk, second.pk],
        how=HowTold.EMAIL,
        told_on=days_ago(0),
    )

    assert recorded == 2
    assert OnboardingContact.objects.count() == 2
    events = AuditEvent.objects.filter(action=AuditAction.ONBOARDING_TOLD)
    assert {event.subject for event in events} == {first, second}
    assert events[0].details["how"] == "email"


def test_recording_again_corrects_the_record(cast):
    person = new_starter(cast.org)
    for how in (HowTold.EMAIL, HowTold.IN_PERSON):
        onboarding_told_record(
            actor=cast.director,
            staff_member_ids=[person.pk],
            how=how,
            told_on=days_ago(0),
        )

    assert OnboardingContact.objects.get().how == HowTold.IN_PERSON


def test_someone_not_on_the_list_cannot_be_recorded(cast):
    outside = new_starter(cast.org, profession=cast.org.professions["nurse"])

    with pytest.raises(ValidationError) as error:
        onboarding_told_record(
            actor=cast.director,
            staff_member_ids=[outside.pk],
            how=HowTold.EMAIL,
            told_on=days_ago(0),
        )

    assert "no longer on the onboarding list" in error.value.message_dict["people"][0]
    assert not OnboardingContact.objects.exists()


@pytest.mark.parametrize(
    "changes, field, words",
    [
        ({"staff_member_ids": []}, "people", "Choose who was told."),
        ({"how": "carrier pigeon"}, "how", "Say how they were told."),
        ({"told_on": days_ago(-1)}, "told_on", "still to come"),
    ],
)
def test_recording_needs_who_how_and_a_day_not_to_come(cast, changes, field, words):
    person = new_starter(cast.org)
    arguments = {
        "actor": cast.director,
        "staff_member_ids": [person.pk],
        "how": HowTold.ORIENTATION,
        "told_on": days_ago(0),
        **changes,
    }

    with pytest.raises(ValidationError) as error:
        onboarding_told_record(**arguments)

    assert words in error.value.message_dict[field][0]


def test_only_program_staff_record_it(cast):
    person = new_starter(cast.org)

    with pytest.raises(PermissionDenied):
        onboarding_told_record(
            actor=cast.supporter,
            staff_member_ids=[person.pk],
            how=HowTold.EMAIL,
            told_on=days_ago(0),
        )


def test_a_record_made_by_mistake_can_be_removed(cast):
    person = new_starter(cast.org)
    onboarding_told_record(
        actor=cast.director,
        staff_member_ids=[person.pk],
        how=HowTold.EMAIL,
        told_on=days_ago(0),
    )

    onboarding_told_remove(actor=cast.director, contact=OnboardingContact.objects.get())

    assert not OnboardingContact.objects.exists()
    assert (
        AuditEvent.objects.get(action=AuditAction.ONBOARDING_TOLD_REMOVED).subject
        == person
    )


def test_the_summary_counts_starters_and_those_told(cast):
    told = new_starter(cast.org)
    new_starter(cast.org)
    new_starter(cast.org)
    onboarding_told_record(
        actor=cast.director,
        staff_member_ids=[told.pk],
        how=HowTold.ORIENTATION,
        told_on=days_ago(0),
    )

    summary = onboarding_summary(cast.director, today=timezone.localdate())

    assert (summary.starters, summary.told, summary.not_told) == (3, 1, 2)
    assert summary.window_days == 60
    assert not AccessEvent.objects.exists()  # counts, no names


def test_records_go_when_people_leave_the_roster_or_a_year_after_they_started(cast):
    staying = new_starter(cast.org, started_days_ago=20)
    leaving = new_starter(cast.org, started_days_ago=20)
    onboarding_told_record(
        actor=cast.director,
        staff_member_ids=[staying.pk, leaving.pk],
        how=HowTold.ORIENTATION,
        told_on=days_ago(0),
    )
    long_ago = new_starter(cast.org, started_days_ago=400)
    OnboardingContact.objects.create(
        staff_member=long_ago, how=HowTold.EMAIL, told_on=days_ago(390)
    )
    leaving.is_active = False
    leaving.save()

    assert onboarding_contacts_purge() == 2

    assert list(OnboardingContact.objects.values_list("staff_member", flat=True)) == [
        staying.pk
    ]
    purged = AuditEvent.objects.get(action=AuditAction.ONBOARDING_CONTACTS_PURGED)
    assert purged.details == {"records": 2, "kept_days_after_start": 365}
    about_leaver = AuditEvent.objects.filter(
        action=AuditAction.ONBOARDING_TOLD, details__how="orientation"
    )
    assert about_leaver.count() == 1  # the leaver's event forgot whom it was about
    assert about_leaver.get().subject == staying
    assert onboarding_contacts_purge() == 0
