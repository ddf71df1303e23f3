import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Role
from accounts.services import role_grant
from alongside.testing.cast import make_user
from program.selectors import program_settings
from team.models import Activity, HoursEntry
from team.selectors import (
    add_months,
    committed_hours,
    director_hours_by_month,
    held_days,
    hours_a_month,
    parse_month,
    program_hours_for_month,
    team_for_page,
)

TODAY = timezone.localdate()
JANUARY_2025 = datetime.date(2025, 1, 1)  # 31 days
FEBRUARY_2025 = datetime.date(2025, 2, 1)  # 28 days
FEBRUARY_2024 = datetime.date(2024, 2, 1)  # 29 days
APRIL_2025 = datetime.date(2025, 4, 1)  # 30 days


def since(user, starts_on=datetime.date(2024, 1, 1), **fields):
    """Let the cast member's role start long ago, with the given commitment."""
    assignment = user.staff_member.role_assignments.get()
    assignment.starts_on = starts_on
    for name, value in fields.items():
        setattr(assignment, name, value)
    assignment.save()
    return assignment


def worked(user, day, hours, activity=Activity.MEETINGS):
    return HoursEntry.objects.create(
        staff_member=user.staff_member,
        worked_on=day,
        hours=Decimal(hours),
        activity=activity,
        created_by=user,
    )


def row_for(overview, user):
    return next(r for r in overview.rows if r.staff_member == user.staff_member)


# --- The arithmetic ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (31, Decimal("35.43")),  # 0.2 x 40 x 31 / 7
        (30, Decimal("34.29")),
        (29, Decimal("33.14")),
        (28, Decimal("32.00")),
        (7, Decimal("8.00")),
    ],
)
def test_committed_hours_are_the_share_of_a_full_time_week_over_the_days(
    days, expected
):
    assert (
        committed_hours(percent=20, full_time_hours_per_week=Decimal("40"), days=days)
        == expected
    )


def test_a_share_of_time_is_about_35_hours_in_an_average_month():
    assert hours_a_month(percent=20, full_time_hours_per_week=Decimal("40")) == 35


def test_a_month_is_read_from_year_and_month():
    assert parse_month("2024-02") == FEBRUARY_2024


@pytest.mark.parametrize("value", [None, "", "2024-13", "February", "2024-02-01"])
def test_a_missing_or_unreadable_month_means_this_month(value):
    assert parse_month(value) == TODAY.replace(day=1)


def test_a_month_still_to_come_means_this_month():
    assert parse_month(f"{TODAY.year + 1}-01") == TODAY.replace(day=1)


def test_months_are_added_across_years():
    assert add_months(datetime.date(2024, 11, 1), 3) == datetime.date(2025, 2, 1)
    assert add_months(datetime.date(2025, 1, 1), -1) == datetime.date(2024, 12, 1)


def test_a_role_revoked_in_a_month_is_held_until_the_day_before(cast):
    assignment = since(cast.director)
    assignment.revoked_at = timezone.make_aware(datetime.datetime(2025, 1, 11, 9))
    assert held_days(assignment, JANUARY_2025, datetime.date(2025, 1, 31)) == 10


# --- A month of hours ------------------------------------------------------------------------


def test_a_31_day_month_compares_the_directors_hours_with_their_commitment(cast):
    since(cast.director, committed_percent=20)
    worked(cast.director, datetime.date(2025, 1, 6), "10")
    worked(cast.director, datetime.date(2025, 1, 20), "5.25")
    row = row_for(program_hours_for_month(cast.director, JANUARY_2025), cast.director)
    assert row.hours == Decimal("15.25")
    assert row.committed_hours == Decimal("35.43")
    assert row.percent_used == 43
    assert row.is_director
    assert (row.is_over, row.is_near) == (False, False)


def test_february_commits_fewer_hours_than_january(cast):
    since(cast.director, committed_percent=20)
    february = row_for(
        program_hours_for_month(cast.director, FEBRUARY_2025), cast.director
    )
    leap_february = row_for(
        program_hours_for_month(cast.director, FEBRUARY_2024), cast.director
    )
    assert february.committed_hours == Decimal("32.00")
    assert leap_february.committed_hours == Decimal("33.14")


def test_the_director_is_warned_when_their_hours_exceed_the_commitment(cast):
    since(cast.director, committed_percent=20)
    for day in (3, 10, 17, 24):
        worked(cast.director, datetime.date(2025, 2, day), "8.25")
    overview = program_hours_for_month(cast.director, FEBRUARY_2025)
    row = row_for(overview, cast.director)
    assert row.hours == Decimal("33")
    assert row.is_over and not row.is_near
    assert row.percent_used == 103
    assert overview.director_rows == [row]


def test_hours_equal_to_the_commitment_are_not_over_it(cast):
    since(cast.director, committed_percent=20)
    worked(cast.director, datetime.date(2025, 2, 3), "16")
    worked(cast.director, datetime.date(2025, 2, 4), "16")
    row = row_for(program_hours_for_month(cast.director, FEBRUARY_2025), cast.director)
    assert row.percent_used == 100
    assert not row.is_over
    assert row.is_near


def test_above_90_percent_of_the_commitment_is_near_it(cast):
    since(cast.director, committed_percent=20)
    worked(cast.director, datetime.date(2025, 2, 3), "14.5")  # 90.6 % of 32
    worked(cast.director, datetime.date(2025, 2, 4), "14.5")
    row = row_for(program_hours_for_month(cast.director, FEBRUARY_2025), cast.director)
    assert row.is_near and not row.is_over


def test_90_percent_exactly_is_not_yet_near(cast):
    since(cast.director, committed_percent=25)
    worked(cast.director, datetime.date(2025, 2, 3), "18")  # 90 % of 20 (5 x 28 / 7)
    worked(cast.director, datetime.date(2025, 2, 4), "18")
    row = row_for(program_hours_for_month(cast.director, FEBRUARY_2025), cast.director)
    assert row.committed_hours == Decimal("40.00")
    assert row.percent_used == 90
    assert not row.is_near


def test_a_role_taken_up_during_the_month_commits_only_the_days_held(cast):
    since(cast.director, starts_on=datetime.date(2025, 4, 15), committed_percent=20)
    row = row_for(program_hours_for_month(cast.director, APRIL_2025), cast.director)
    assert row.committed_hours == committed_hours(
        percent=20, full_time_hours_per_week=Decimal("40"), days=16
    )


def test_the_full_time_week_comes_from_the_programs_settings(cast):
    settings_row = program_settings()
    settings_row.full_time_hours_per_week = Decimal("37.5")
    settings_row.save()
    since(cast.director, committed_percent=20)
    row = row_for(program_hours_for_month(cast.director, FEBRUARY_2025), cast.director)
    assert row.committed_hours == Decimal("30.00")


def test_a_director_without_a_recorded_share_is_taken_at_the_programs_cap(cast):
    since(cast.director)  # created before commitments were recorded
    row = row_for(program_hours_for_month(cast.director, FEBRUARY_2025), cast.director)
    assert row.committed_hours == Decimal("32.00")
    assert row.commitment_assumed


def test_an_administrator_without_a_share_has_no_commitment_to_compare(cast):
    since(cast.administrator)
    worked(cast.administrator, datetime.date(2025, 2, 3), "6")
    row = row_for(
        program_hours_for_month(cast.director, FEBRUARY_2025), cast.administrator
    )
    assert (row.hours, row.committed_hours, row.percent_used) == (
        Decimal(6),
        None,
        None,
    )
    assert not row.is_over


def test_an_administrators_share_is_compared_too(cast):
    since(cast.administrator, committed_percent=50)
    row = row_for(
        program_hours_for_month(cast.administrator, FEBRUARY_2025), cast.administrator
    )
    assert row.committed_hours == Decimal("80.00")
    assert not row.is_director


def test_someone_who_left_the_role_still_shows_with_the_hours_they_logged(cast):
    worked(cast.administrator, datetime.date(2025, 2, 3), "2")  # role starts today
    row = row_for(
        program_hours_for_month(cast.director, FEBRUARY_2025), cast.administrator
    )
    assert row.hours == Decimal(2)
    assert row.roles == ()
    assert row.committed_hours is None


def test_supporters_are_not_program_staff_in_the_monthly_view(cast):
    since(cast.director)
    since(cast.supporter)
    overview = program_hours_for_month(cast.director, FEBRUARY_2025)
    assert cast.supporter.staff_member not in [r.staff_member for r in overview.rows]


def test_a_director_awaiting_acknowledgement_has_no_commitment_yet(cast):
    cast.director.staff_member.role_assignments.get().delete()
    role_grant(
        actor=cast.it,
        staff_member=cast.clinician.staff_member,
        role=Role.PROGRAM_DIRECTOR,
        starts_on=datetime.date(2025, 1, 1),
    )
    overview = program_hours_for_month(cast.administrator, FEBRUARY_2025)
    assert overview.director_rows == []


def test_hours_are_summed_by_kind_of_work(cast):
    since(cast.director)
    worked(
        cast.director, datetime.date(2025, 2, 3), "2", Activity.OUTREACH_AND_PUBLICITY
    )
    worked(cast.director, datetime.date(2025, 2, 4), "1.5", Activity.MEETINGS)
    worked(cast.director, datetime.date(2025, 2, 5), "1", Activity.MEETINGS)
    overview = program_hours_for_month(cast.director, FEBRUARY_2025)
    assert overview.by_activity == [
        ("Outreach and publicity", Decimal("2")),
        ("Meetings", Decimal("2.5")),
    ]


def test_the_month_offers_the_one_before_and_after_but_not_months_to_come(cast):
    overview = program_hours_for_month(cast.director, FEBRUARY_2025)
    assert (overview.previous, overview.next) == (
        JANUARY_2025,
        datetime.date(2025, 3, 1),
    )
    this_month = program_hours_for_month(cast.director, TODAY.replace(day=1))
    assert this_month.next is None


def test_nobody_outside_the_program_staff_sees_anyones_hours(cast):
    since(cast.director)
    worked(cast.director, datetime.date(2025, 2, 3), "2")
    overview = program_hours_for_month(cast.supporter, FEBRUARY_2025)
    assert overview.rows == []
    assert overview.by_activity == []


def test_a_month_is_read_in_a_fixed_number_of_queries(
    cast, django_assert_max_num_queries
):
    since(cast.director, committed_percent=20)
    since(cast.administrator, committed_percent=40)
    for day in range(1, 29):
        worked(cast.director, datetime.date(2025, 2, day), "1")
        worked(cast.administrator, datetime.date(2025, 2, day), "2")
    for _ in range(3):
        make_user(cast.org, roles=(Role.PROGRAM_ADMINISTRATOR,), mfa=False)
    with django_assert_max_num_queries(8):
        overview = program_hours_for_month(cast.director, FEBRUARY_2025)
        [r.staff_member.full_name for r in overview.rows]


# --- Twelve months of the director's hours -------------------------------------------------------


def test_the_directors_year_lists_twelve_months_newest_first(cast):
    since(cast.director, committed_percent=20)
    year = director_hours_by_month(cast.director, FEBRUARY_2025)
    assert [row.month for row in year][:3] == [
        FEBRUARY_2025,
        JANUARY_2025,
        datetime.date(2024, 12, 1),
    ]
    assert len(year) == 12
    assert year[-1].month == datetime.date(2024, 3, 1)


def test_the_directors_year_marks_the_months_they_ran_over(cast):
    since(cast.director, committed_percent=20)
    worked(cast.director, datetime.date(2025, 1, 6), "20")
    worked(cast.director, datetime.date(2025, 1, 7), "16")
    worked(cast.director, datetime.date(2024, 12, 2), "10")
    year = {
        row.month: row for row in director_hours_by_month(cast.director, FEBRUARY_2025)
    }
    assert year[JANUARY_2025].hours == Decimal(36)
    assert year[JANUARY_2025].committed_hours == Decimal("35.43")
    assert year[JANUARY_2025].is_over
    assert not year[datetime.date(2024, 12, 1)].is_over
    assert year[FEBRUARY_2025].hours == 0


def test_months_before_the_director_was_appointed_have_no_commitment(cast):
    since(cast.director, starts_on=datetime.date(2025, 1, 1), committed_percent=20)
    year = {
        row.month: row for row in director_hours_by_month(cast.director, FEBRUARY_2025)
    }
    assert year[datetime.date(2024, 12, 1)].committed_hours is None
    assert year[JANUARY_2025].committed_hours == Decimal("35.43")


def test_the_directors_year_leaves_out_the_administrators_hours(cast):
    since(cast.director, committed_percent=20)
    since(cast.administrator)
    worked(cast.administrator, datetime.date(2025, 1, 6), "20")
    year = director_hours_by_month(cast.administrator, FEBRUARY_2025)
    assert all(row.hours == 0 for row in year)


# --- The team page --------------------------------------------------------------------------------


def test_the_team_groups_the_director_administrators_and_supporters(cast):
    team = team_for_page(cast.director)
    assert [m.staff_member for m in team.directors] == [cast.director.staff_member]
    assert [m.staff_member for m in team.administrators] == [
        cast.administrator.staff_member
    ]
    assert {m.staff_member for m in team.supporters} == {
        cast.supporter.staff_member,
        cast.other_supporter.staff_member,
    }
    assert (team.supporters_now, team.administrators_now, team.has_director) == (
        2,
        1,
        True,
    )


def test_the_team_shows_supporters_starting_later_apart_from_those_in_role(cast):
    role_grant(
        actor=cast.director,
        staff_member=cast.clinician.staff_member,
        role=Role.PEER_SUPPORTER,
        starts_on=TODAY + datetime.timedelta(days=14),
    )
    team = team_for_page(cast.director)
    later = next(
        m for m in team.supporters if m.staff_member == cast.clinician.staff_member
    )
    assert later.is_upcoming
    assert (team.supporters_now, team.supporters_coming) == (2, 1)


def test_the_team_leaves_out_roles_that_have_ended(cast):
    role_grant(
        actor=cast.director,
        staff_member=cast.clinician.staff_member,
        role=Role.PEER_SUPPORTER,
        starts_on=TODAY - datetime.timedelta(days=30),
        ends_on=TODAY - datetime.timedelta(days=1),
    )
    team = team_for_page(cast.director)
    assert cast.clinician.staff_member not in [m.staff_member for m in team.supporters]


def test_a_director_awaiting_acknowledgement_shows_but_does_not_lead_yet(cast):
    cast.director.staff_member.role_assignments.get().delete()
    role_grant(
        actor=cast.it,
        staff_member=cast.clinician.staff_member,
        role=Role.PROGRAM_DIRECTOR,
        committed_percent=25,
    )
    team = team_for_page(cast.administrator)
    [director] = team.directors
    assert director.is_awaiting_acknowledgement
    assert director.hours_a_week == Decimal("10.00")
    assert not team.has_director


def test_only_program_staff_see_the_team(cast):
    team = team_for_page(cast.supporter)
    assert (team.directors, team.administrators, list(team.supporters)) == ([], [], [])
