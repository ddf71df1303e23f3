"""The publicity section of the one door: who may, and which rows."""

import pytest
from django.http import Http404
from django.utils import timezone

from confidentiality import policy
from publicity.models import HowTold, OnboardingContact
from publicity.tests.conftest import days_ago, make_activity, new_starter

OTHERS = ["supporter", "clinician", "leader", "risk", "it"]


@pytest.mark.parametrize("who", ["director", "administrator"])
def test_program_staff_see_activities_and_onboarding_records(cast, who):
    user = getattr(cast, who)
    activity = make_activity()
    contact = OnboardingContact.objects.create(
        staff_member=new_starter(cast.org), how=HowTold.EMAIL, told_on=days_ago(0)
    )

    assert policy.may_manage_publicity(user)
    assert list(policy.outreach_activities_visible_to(user)) == [activity]
    assert policy.access_outreach_activity(user, activity.pk) == activity
    assert list(policy.onboarding_contacts_visible_to(user)) == [contact]
    assert policy.access_onboarding_contact(user, contact.pk) == contact


@pytest.mark.parametrize("who", OTHERS)
def test_nobody_else_sees_any(cast, who):
    user = getattr(cast, who)
    activity = make_activity()
    contact = OnboardingContact.objects.create(
        staff_member=new_starter(cast.org), how=HowTold.EMAIL, told_on=days_ago(0)
    )

    assert not policy.may_manage_publicity(user)
    assert not policy.outreach_activities_visible_to(user).exists()
    assert not policy.onboarding_contacts_visible_to(user).exists()
    with pytest.raises(Http404):
        policy.access_outreach_activity(user, activity.pk)
    with pytest.raises(Http404):
        policy.access_onboarding_contact(user, contact.pk)
    with pytest.raises(Http404):
        policy.access_onboarding_list(
            user, today=timezone.localdate(), window_days=60, purpose="Onboarding list"
        )


@pytest.mark.parametrize("bad", [999, "abc", None])
def test_an_unknown_id_is_404_like_a_forbidden_one(cast, bad):
    with pytest.raises(Http404):
        policy.access_outreach_activity(cast.director, bad)
    with pytest.raises(Http404):
        policy.access_onboarding_contact(cast.director, bad)
