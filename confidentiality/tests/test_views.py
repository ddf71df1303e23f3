from django.urls import reverse

from accounts.models import Role
from accounts.services import role_grant
from confidentiality import policy


def test_my_record_shows_my_roster_entry_roles_and_who_looked(cast, client_for):
    policy.access_staff_member(
        cast.administrator,
        cast.supporter.staff_member_id,
        purpose="Opened the roster entry",
    )
    content = client_for(cast.supporter).get(reverse("my_record")).content.decode()
    assert cast.supporter.staff_member.employee_id in content
    assert "Peer supporter, from" in content
    assert "Alex Administrator" in content
    assert "Opened: Opened the roster entry" in content


def test_my_record_shows_nothing_about_anyone_else(cast, client_for):
    policy.access_staff_member(
        cast.administrator,
        cast.supporter.staff_member_id,
        purpose="Opened the roster entry",
    )
    content = client_for(cast.clinician).get(reverse("my_record")).content.decode()
    assert "Nobody has opened your records." in content
    assert cast.supporter.staff_member.employee_id not in content


def test_an_account_without_a_roster_entry_is_told_so(
    db, client_for, django_user_model
):
    user = django_user_model.objects.create_user(
        "contractor@elsewhere.test", password="x" * 16
    )
    content = client_for(user).get(reverse("my_record")).content.decode()
    assert "not linked to the staff roster" in content


def test_the_audit_log_lists_changes_for_the_director(
    cast, client_for, django_assert_max_num_queries
):
    for person in (cast.clinician, cast.leader):
        role_grant(
            actor=cast.director,
            staff_member=person.staff_member,
            role=Role.PEER_SUPPORTER,
        )
    client = client_for(cast.director)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("audit_log"))
    content = response.content.decode()
    assert content.count("Role granted") >= 2
    assert "role: Peer supporter" in content
    assert "Chris Clinician" in content


def test_the_audit_log_can_be_filtered_by_kind_of_change(cast, client_for):
    role_grant(
        actor=cast.director,
        staff_member=cast.clinician.staff_member,
        role=Role.PEER_SUPPORTER,
    )
    response = client_for(cast.it).get(
        reverse("audit_log"), {"action": "roster.imported"}
    )
    assert list(response.context["page"]) == []
    response = client_for(cast.it).get(reverse("audit_log"), {"action": "role.granted"})
    assert len(response.context["page"]) == 1
