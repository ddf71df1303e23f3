from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, RoleAssignment
from alongside.testing.cast import make_user


def grant(client, person, role, **extra):
    data = {
        "person": person,
        "role": role,
        "starts_on": timezone.localdate().isoformat(),
    }
    data.update(extra)
    return client.post(reverse("roles"), data)


def test_roles_page_lists_who_holds_what(
    cast, client_for, django_assert_max_num_queries
):
    client = client_for(cast.it)
    with django_assert_max_num_queries(13):
        response = client.get(reverse("roles"))
    content = response.content.decode()
    assert "Program director" in content and "Dana Director" in content
    assert "Peer supporter" in content and "Priya Supporter" in content


def test_roles_page_query_count_does_not_grow_with_the_team(
    cast, client_for, django_assert_max_num_queries
):
    for number in range(25):
        make_user(
            cast.org, roles=(Role.PEER_SUPPORTER,), mfa=False, first_name=f"P{number}"
        )
    client = client_for(cast.director)
    with django_assert_max_num_queries(13):
        client.get(reverse("roles"))


def test_director_appoints_a_supporter_by_work_email(cast, client_for):
    client = client_for(cast.director)
    response = grant(client, cast.clinician.email, "peer_supporter")
    assert response.status_code == 302
    assert cast.clinician.staff_member.role_assignments.filter(
        role="peer_supporter"
    ).exists()
    page = client.get(reverse("roles"))
    assert "is now peer supporter" in page.content.decode()


def test_the_grant_form_offers_only_roles_the_person_may_grant(cast, client_for):
    form = client_for(cast.director).get(reverse("roles")).context["form"]
    assert [value for value, _ in form.fields["role"].choices] == [
        "program_administrator",
        "peer_supporter",
    ]


def test_granting_a_role_one_may_not_grant_is_refused(cast, client_for):
    response = grant(
        client_for(cast.director), cast.clinician.email, "it_administrator"
    )
    assert response.status_code == 200
    assert "not one of the available choices" in response.content.decode()
    assert not cast.clinician.staff_member.role_assignments.exists()


def test_an_unknown_person_is_named_in_the_error(cast, client_for):
    response = grant(
        client_for(cast.director), "nobody@hospital.test", "peer_supporter"
    )
    assert "Nobody active on the roster" in response.content.decode()


def test_granting_oneself_a_role_is_refused_with_a_reason(cast, client_for):
    response = grant(client_for(cast.director), cast.director.email, "peer_supporter")
    assert "Nobody can grant or revoke their own roles" in response.content.decode()


def test_an_end_before_the_start_is_explained(cast, client_for):
    response = grant(
        client_for(cast.director),
        cast.clinician.email,
        "peer_supporter",
        ends_on="2020-01-01",
    )
    assert "on or after the start date" in response.content.decode()


def test_the_administrator_sees_roles_but_cannot_grant(cast, client_for):
    client = client_for(cast.administrator)
    assert client.get(reverse("roles")).context["form"] is None
    assert grant(client, cast.clinician.email, "peer_supporter").status_code == 404


def test_it_ends_a_leadership_role(cast, client_for):
    assignment = cast.leader.staff_member.role_assignments.get()
    response = client_for(cast.it).post(reverse("role_revoke", args=[assignment.pk]))
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.revoked_by == cast.it


def test_ending_a_role_needs_a_post(cast, client_for):
    assignment = cast.leader.staff_member.role_assignments.get()
    response = client_for(cast.it).get(reverse("role_revoke", args=[assignment.pk]))
    assert response.status_code == 405
    assert RoleAssignment.objects.get(pk=assignment.pk).revoked_at is None


# --- Appointing the program director ---------------------------------------------------------


def test_the_grant_form_asks_for_the_committed_share_of_time(cast, client_for):
    content = client_for(cast.it).get(reverse("roles")).content.decode()
    assert "Committed share of time (%)" in content
    assert "leave empty for the program&#x27;s 20 %" in content


def test_it_appoints_a_director_with_the_programs_default_share(cast, client_for):
    client = client_for(cast.it)
    response = grant(client, cast.clinician.email, "program_director")
    assert response.status_code == 302
    assignment = cast.clinician.staff_member.role_assignments.get()
    assert assignment.committed_percent == 20
    assert assignment.needs_acknowledgement
    page = client.get(reverse("roles")).content.decode()
    assert "committing 20 % of their time" in page
    assert "once they acknowledge it" in page
    assert "awaiting acknowledgement" in page


def test_a_share_above_the_cap_is_accepted_with_a_warning(cast, client_for):
    client = client_for(cast.it)
    grant(client, cast.clinician.email, "program_director", committed_percent="35")
    assert cast.clinician.staff_member.role_assignments.get().committed_percent == 35
    page = client.get(reverse("roles")).content.decode()
    assert "message--warning" in page
    assert "35 % is above the program&#x27;s cap of 20 %" in page


def test_a_share_at_the_cap_brings_no_warning(cast, client_for):
    client = client_for(cast.it)
    grant(client, cast.clinician.email, "program_director", committed_percent="20")
    assert "message--warning" not in client.get(reverse("roles")).content.decode()


def test_a_share_outside_1_to_100_is_explained(cast, client_for):
    for value in ("0", "101", "a fifth"):
        response = grant(
            client_for(cast.it),
            cast.clinician.email,
            "program_director",
            committed_percent=value,
        )
        assert "Enter a whole percentage from 1 to 100." in response.content.decode()
    assert not cast.clinician.staff_member.role_assignments.exists()


def test_a_share_for_a_role_that_commits_none_is_explained(cast, client_for):
    response = grant(
        client_for(cast.it),
        cast.clinician.email,
        "leadership_viewer",
        committed_percent="10",
    )
    assert "Only the program director and administrator" in response.content.decode()
    assert not cast.clinician.staff_member.role_assignments.exists()


def test_the_director_appoints_an_administrator_with_a_share_of_time(cast, client_for):
    grant(
        client_for(cast.director),
        cast.clinician.email,
        "program_administrator",
        committed_percent="50",
    )
    assignment = cast.clinician.staff_member.role_assignments.get()
    assert (assignment.committed_percent, assignment.needs_acknowledgement) == (
        50,
        False,
    )


def test_an_unacknowledged_director_cannot_open_the_directors_pages(cast, client_for):
    grant(client_for(cast.it), cast.clinician.email, "program_director")
    client = client_for(cast.clinician)
    for name in ("roles", "audit_log", "team", "program_hours", "roster"):
        assert client.get(reverse(name)).status_code == 404, name
