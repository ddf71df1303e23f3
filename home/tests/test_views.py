import pytest

from accounts.models import Role

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
