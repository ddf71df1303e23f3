import datetime
from decimal import Decimal

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.selectors import appointments_awaiting
from accounts.services import role_grant
from alongside.testing.cast import make_user
from confidentiality import policy
from team.models import Activity, HoursEntry

TODAY = timezone.localdate()
FEBRUARY_2025 = datetime.date(2025, 2, 1)


def worked(user, day, hours, activity=Activity.MEETINGS, note=""):
    return HoursEntry.objects.create(
        staff_member=user.staff_member,
        worked_on=day,
        hours=Decimal(hours),
        activity=activity,
        note=note,
        created_by=user,
    )


def since_2024(user, **fields):
    user.staff_member.role_assignments.update(
        starts_on=datetime.date(2024, 1, 1), **fields
    )


def appoint_clinician_director(cast, **extra):
    return role_grant(
        actor=cast.it,
        staff_member=cast.clinician.staff_member,
        role=Role.PROGRAM_DIRECTOR,
        **extra,
    )


# --- The team page -------------------------------------------------------------------------


def test_the_team_page_shows_who_leads_and_who_supports(cast, client_for):
    since_2024(cast.director, committed_percent=20)
    response = client_for(cast.administrator).get(reverse("team"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Dana Director" in content
    assert "20 % of their time (about 8 hours a week)" in content
    assert "Alex Administrator" in content
    assert "Priya Supporter" in content and "Surgery" in content
    assert "Omar Othersupporter" in content and "South Hospital" in content


def test_the_team_page_shows_a_director_awaiting_acknowledgement(cast, client_for):
    cast.director.staff_member.role_assignments.all().delete()
    appoint_clinician_director(cast, committed_percent=30)
    content = client_for(cast.administrator).get(reverse("team")).content.decode()
    assert "Chris Clinician" in content
    assert "awaiting acknowledgement" in content
    assert "above the 20 % cap" in content
    assert "has not yet acknowledged" in content


def test_the_team_page_shows_supporters_who_start_later(cast, client_for):
    role_grant(
        actor=cast.director,
        staff_member=cast.clinician.staff_member,
        role=Role.PEER_SUPPORTER,
        starts_on=TODAY + datetime.timedelta(days=14),
    )
    content = client_for(cast.director).get(reverse("team")).content.decode()
    assert "starts later" in content
    assert "<dt>peer supporters starting later</dt><dd>1</dd>" in content


def test_the_director_is_offered_the_roles_page_to_appoint(cast, client_for):
    content = client_for(cast.director).get(reverse("team")).content.decode()
    assert "Appoint someone" in content
    content = client_for(cast.administrator).get(reverse("team")).content.decode()
    assert "Appoint someone" not in content


def test_the_team_page_query_count_does_not_grow_with_the_team(
    cast, client_for, django_assert_max_num_queries
):
    for number in range(30):
        make_user(
            cast.org, roles=(Role.PEER_SUPPORTER,), mfa=False, first_name=f"P{number}"
        )
    client = client_for(cast.director)
    # Supporters are counted and read a page at a time: four queries, at any size.
    with django_assert_max_num_queries(16):
        response = client.get(reverse("team"))
    assert response.content.decode().count("P29 ") == 1


@pytest.mark.parametrize("who", ["supporter", "clinician", "leader", "risk", "it"])
def test_the_team_page_is_not_found_for_anyone_outside_the_program_staff(
    cast, client_for, who
):
    assert client_for(getattr(cast, who)).get(reverse("team")).status_code == 404


# --- Acknowledging an appointment --------------------------------------------------------------


def test_the_appointee_reads_the_commitment_before_acknowledging(cast, client_for):
    assignment = appoint_clinician_director(cast)
    url = reverse("appointment_acknowledge", args=[assignment.pk])
    content = client_for(cast.clinician).get(url).content.decode()
    assert (
        f"You have been appointed program director from {TODAY:%-d %B %Y}, "
        "committing 20 % of your time (about 35 hours a month" in content
    )
    assert "I acknowledge this commitment" in content
    assert "above the program" not in content


def test_the_appointee_is_warned_of_a_share_above_the_cap(cast, client_for):
    assignment = appoint_clinician_director(cast, committed_percent=40)
    url = reverse("appointment_acknowledge", args=[assignment.pk])
    content = client_for(cast.clinician).get(url).content.decode()
    assert "more than the program's usual cap of 20 %" in content


def with_second_factor(user):
    TOTP.activate(user, generate_totp_secret())
    return user


def test_acknowledging_makes_the_appointee_the_director(cast, client_for):
    assignment = appoint_clinician_director(cast)
    client = client_for(with_second_factor(cast.clinician))
    url = reverse("appointment_acknowledge", args=[assignment.pk])
    response = client.post(url)
    assert response.status_code == 302 and response.url == reverse("home")
    assignment.refresh_from_db()
    assert assignment.acknowledged_at is not None
    assert client.get(reverse("audit_log")).status_code == 200
    assert "You acknowledged this commitment" in client.get(url).content.decode()


def test_once_acknowledged_the_role_asks_for_a_second_factor(cast, client_for):
    assignment = appoint_clinician_director(cast)
    client = client_for(cast.clinician)
    url = reverse("appointment_acknowledge", args=[assignment.pk])
    assert client.get(url).status_code == 200  # no role yet, so no second factor yet
    client.post(url)
    assert client.get(reverse("home")).url == reverse("mfa_activate_totp")


def test_acknowledging_twice_explains_it_is_done(cast, client_for):
    assignment = appoint_clinician_director(cast)
    client = client_for(with_second_factor(cast.clinician))
    url = reverse("appointment_acknowledge", args=[assignment.pk])
    client.post(url)
    response = client.post(url, follow=True)
    assert "already acknowledged" in response.content.decode()


def test_a_withdrawn_appointment_offers_nothing_to_acknowledge(cast, client_for):
    assignment = appoint_clinician_director(cast)
    client_for(cast.it).post(reverse("role_revoke", args=[assignment.pk]))
    url = reverse("appointment_acknowledge", args=[assignment.pk])
    content = client_for(cast.clinician).get(url).content.decode()
    assert "nothing to acknowledge" in content
    assert "I acknowledge this commitment" not in content


@pytest.mark.parametrize("who", ["director", "administrator", "it", "supporter"])
def test_nobody_but_the_appointee_can_open_or_acknowledge_it(cast, client_for, who):
    assignment = appoint_clinician_director(cast)
    client = client_for(getattr(cast, who))
    url = reverse("appointment_acknowledge", args=[assignment.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assignment.refresh_from_db()
    assert assignment.acknowledged_at is None


def test_a_role_that_needs_no_acknowledgement_has_no_page(cast, client_for):
    assignment = cast.supporter.staff_member.role_assignments.get()
    url = reverse("appointment_acknowledge", args=[assignment.pk])
    assert client_for(cast.supporter).get(url).status_code == 404


def test_the_home_page_panel_links_to_the_appointment(cast):
    assignment = appoint_clinician_director(cast)
    html = render_to_string(
        "team/panels/appointments_awaiting.html",
        {"ctx": {"appointments": appointments_awaiting(cast.clinician)}, "panel_id": 1},
    )
    assert reverse("appointment_acknowledge", args=[assignment.pk]) in html
    assert "committing 20 % of your time" in html


# --- Program hours --------------------------------------------------------------------------


def log(client, **fields):
    data = {
        "worked_on": TODAY.isoformat(),
        "hours": "1.5",
        "activity": "outreach_publicity",
        "note": "Grand rounds talk",
    }
    data.update(fields)
    return client.post(reverse("program_hours"), data)


def test_the_director_logs_hours_and_sees_them_in_the_month(cast, client_for):
    client = client_for(cast.director)
    response = log(client)
    assert response.status_code == 302
    assert response.url == f"{reverse('program_hours')}?month={TODAY:%Y-%m}"
    entry = HoursEntry.objects.get()
    assert (entry.staff_member, entry.hours) == (
        cast.director.staff_member,
        Decimal("1.5"),
    )
    content = client.get(response.url).content.decode()
    assert "Logged 1.5 hours" in content
    assert "Grand rounds talk" in content
    assert "Outreach and publicity" in content


def test_the_administrator_logs_hours_too(cast, client_for):
    assert log(client_for(cast.administrator)).status_code == 302
    assert HoursEntry.objects.get().staff_member == cast.administrator.staff_member


def test_hours_for_a_day_to_come_are_explained_beside_the_day(cast, client_for):
    tomorrow = TODAY + datetime.timedelta(days=1)
    response = log(client_for(cast.director), worked_on=tomorrow.isoformat())
    assert response.status_code == 200
    assert response.context["form"].errors["worked_on"] == [
        "Hours can be logged for today or earlier, not for later days."
    ]
    assert not HoursEntry.objects.exists()


def test_hours_that_are_not_quarters_are_explained(cast, client_for):
    response = log(client_for(cast.director), hours="1.1")
    assert "quarters of an hour" in response.content.decode()
    assert not HoursEntry.objects.exists()


def test_more_than_24_hours_in_a_day_is_explained(cast, client_for):
    worked(cast.director, TODAY, "23")
    response = log(client_for(cast.director), hours="1.25")
    assert "more than 24 hours" in response.content.decode()


def test_the_month_warns_when_the_director_runs_over(cast, client_for):
    since_2024(cast.director, committed_percent=20)
    for day in (3, 10, 17, 24):
        worked(cast.director, FEBRUARY_2025.replace(day=day), "8.25")
    content = (
        client_for(cast.administrator)
        .get(reverse("program_hours"), {"month": "2025-02"})
        .content.decode()
    )
    assert "February 2025" in content
    assert "Over the commitment." in content
    assert (
        "logged 33 hours in February: more than the 32.0 hours committed (103 %)"
        in content
    )
    assert "?month=2025-01" in content and "?month=2025-03" in content


def test_the_month_notes_when_the_director_is_near_the_commitment(cast, client_for):
    since_2024(cast.director, committed_percent=20)
    worked(cast.director, FEBRUARY_2025.replace(day=3), "15")
    worked(cast.director, FEBRUARY_2025.replace(day=4), "15")
    content = (
        client_for(cast.director)
        .get(reverse("program_hours"), {"month": "2025-02"})
        .content.decode()
    )
    assert "is near the commitment: 30 of 32.0 hours" in content
    assert "Over the commitment." not in content


def test_the_month_defaults_to_this_month(cast, client_for):
    response = client_for(cast.director).get(reverse("program_hours"), {"month": "x"})
    assert response.context["overview"].month == TODAY.replace(day=1)
    assert response.context["overview"].next is None


def test_the_hours_page_shows_the_directors_twelve_months(cast, client_for):
    response = client_for(cast.director).get(reverse("program_hours"))
    assert len(response.context["director_year"]) == 12
    assert "The director over twelve months" in response.content.decode()


def test_the_hours_page_lists_only_ones_own_entries_to_remove(cast, client_for):
    worked(cast.director, TODAY, "2", note="Director's entry")
    worked(cast.administrator, TODAY, "3", note="Administrator's entry")
    content = client_for(cast.administrator).get(reverse("program_hours")).content
    assert b"Administrator&#x27;s entry" in content
    assert b"Director&#x27;s entry" not in content


def test_the_hours_page_query_count_does_not_grow_with_entries(
    cast, client_for, django_assert_max_num_queries
):
    since_2024(cast.director, committed_percent=20)
    for offset in range(60):
        worked(cast.director, TODAY - datetime.timedelta(days=offset), "1")
    client = client_for(cast.director)
    with django_assert_max_num_queries(19):
        client.get(reverse("program_hours"))


@pytest.mark.parametrize("who", ["supporter", "clinician", "leader", "risk", "it"])
def test_the_hours_page_is_not_found_for_anyone_else(cast, client_for, who):
    client = client_for(getattr(cast, who))
    assert client.get(reverse("program_hours")).status_code == 404
    assert log(client).status_code == 404
    assert not HoursEntry.objects.exists()


def test_an_unacknowledged_director_cannot_log_hours(cast, client_for):
    appoint_clinician_director(cast)
    assert log(client_for(cast.clinician)).status_code == 404


# --- Removing hours ------------------------------------------------------------------------


def test_one_removes_ones_own_entry(cast, client_for):
    entry = worked(cast.director, FEBRUARY_2025.replace(day=3), "2")
    response = client_for(cast.director).post(reverse("hours_remove", args=[entry.pk]))
    assert response.status_code == 302
    assert response.url.endswith("?month=2025-02")
    assert not HoursEntry.objects.exists()


def test_nobody_removes_someone_elses_entry(cast, client_for):
    entry = worked(cast.director, TODAY, "2")
    response = client_for(cast.administrator).post(
        reverse("hours_remove", args=[entry.pk])
    )
    assert response.status_code == 404
    assert HoursEntry.objects.filter(pk=entry.pk).exists()


def test_removing_needs_a_post(cast, client_for):
    entry = worked(cast.director, TODAY, "2")
    response = client_for(cast.director).get(reverse("hours_remove", args=[entry.pk]))
    assert response.status_code == 405
    assert HoursEntry.objects.filter(pk=entry.pk).exists()


def test_the_policy_gives_an_entry_only_to_its_owner(cast):
    entry = worked(cast.director, TODAY, "2")
    assert policy.access_own_hours_entry(cast.director, entry.pk) == entry
    for someone_else in (cast.administrator, cast.supporter, cast.it):
        with pytest.raises(Http404):
            policy.access_own_hours_entry(someone_else, entry.pk)


def test_a_large_team_lists_its_supporters_fifty_a_page(cast, client_for):
    for number in range(55):
        make_user(
            cast.org, roles=(Role.PEER_SUPPORTER,), last_name=f"Zupporter{number:02d}"
        )
    client = client_for(cast.director)

    first = client.get(reverse("team")).content.decode()
    second = client.get(reverse("team"), {"page": 2}).content.decode()

    assert "Page 1 of 2" in first
    listed = [f"Zupporter{number:02d}" for number in range(55)]
    on_first = [name for name in listed if name in first]
    on_second = [name for name in listed if name in second]
    assert len(on_first) + len(on_second) == 55
    assert not set(on_first) & set(on_second)
