import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from alongside.testing.cast import make_staff_member
from program.models import ProgramSettings
from selection.models import NominationRound
from selection.services import nomination_make
from team.models import HoursEntry

ROLE_HEADINGS = {
    "director": "Your program",
    "administrator": "The roster",
    "supporter": "Your assignments",
    "clinician": "For you",
    "leader": "Program results",
    "risk": "Adverse events",
    "it": "System health",
}


def test_anonymous_visitor_sees_the_welcome_page(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"Sign in" in response.content
    assert b"988" in response.content


@pytest.mark.parametrize("name", ROLE_HEADINGS)
def test_each_role_lands_on_its_own_home(cast, client_for, name):
    response = client_for(cast.by_role_name()[name]).get("/")
    assert response.status_code == 200
    assert ROLE_HEADINGS[name] in response.content.decode()


def test_a_person_with_two_roles_sees_both_panels(cast, client_for):
    from accounts.services import role_grant

    role_grant(
        actor=cast.director,
        staff_member=cast.administrator.staff_member,
        role=Role.PEER_SUPPORTER,
    )
    content = client_for(cast.administrator).get("/").content.decode()
    assert "The roster" in content and "Your assignments" in content


def test_home_pages_are_not_cached(cast, client_for):
    response = client_for(cast.clinician).get("/")
    assert "no-store" in response["Cache-Control"]


# --- What needs the director ----------------------------------------------------------


def test_the_director_is_told_when_nobody_is_eligible(cast, client_for):
    cast.scope.delete()
    content = client_for(cast.director).get("/").content.decode()
    assert "Nobody is eligible for the program yet" in content


def test_the_director_sees_who_waits_in_the_open_round(cast, client_for):
    round_ = NominationRound.objects.create(
        title="Spring",
        opens_on=timezone.localdate(),
        closes_on=timezone.localdate() + datetime.timedelta(days=7),
        created_by=cast.director,
    )
    nomination_make(
        nominator=cast.clinician,
        nomination_round=round_,
        nominee=make_staff_member(cast.org),
    )
    content = client_for(cast.director).get("/").content.decode()
    assert "1 person is waiting to be invited in “Spring”" in content


def test_the_director_is_warned_when_over_their_commitment(cast, client_for):
    for day in range(1, 5):
        HoursEntry.objects.create(
            staff_member=cast.director.staff_member,
            worked_on=timezone.localdate().replace(day=day),
            hours=Decimal("12"),
            activity="meetings",
            created_by=cast.director,
        )
    content = client_for(cast.director).get("/").content.decode()
    assert "You have logged 48 hours this month, more than the" in content


def test_the_home_page_takes_a_fixed_number_of_queries(
    cast, client_for, django_assert_max_num_queries
):
    for _ in range(30):
        make_staff_member(cast.org)
    client = client_for(cast.director)
    client.get("/")
    with django_assert_max_num_queries(24):
        client.get("/")


def test_a_clinician_is_invited_to_nominate_while_a_round_is_open(cast, client_for):
    NominationRound.objects.create(
        title="Spring",
        opens_on=timezone.localdate(),
        closes_on=timezone.localdate() + datetime.timedelta(days=7),
        created_by=cast.director,
    )
    content = client_for(cast.clinician).get("/").content.decode()
    assert "Nominate a colleague" in content
    assert "Ask for support" in content


def test_only_the_deepest_matching_section_is_marked_current(cast, client_for):
    page = client_for(cast.it).get("/system/api-keys/").content.decode()
    assert page.count('aria-current="page"') == 1
    assert 'href="/system/api-keys/" aria-current="page"' in page


def test_a_page_outside_the_navigation_marks_no_section(cast, client_for):
    page = client_for(cast.supporter).get("/safety/").content.decode()
    assert 'aria-current="page"' not in page
    home = client_for(cast.supporter).get("/").content.decode()
    assert 'href="/" aria-current="page"' in home


def test_the_privacy_page_says_how_long_identifying_details_are_kept(db, client):
    ProgramSettings.objects.update_or_create(pk=1, defaults={"case_retention_days": 60})
    page = client.get(reverse("privacy")).content.decode()
    assert "deleted 60 days after support ends" in page
