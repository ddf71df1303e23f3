from django.urls import reverse

from alongside.testing.cast import make_staff_member
from confidentiality.models import AccessEvent, AuditAction, AuditEvent
from organization.models import Department, Profession


def test_the_roster_lists_active_people(
    cast, client_for, django_assert_max_num_queries
):
    for number in range(60):
        make_staff_member(cast.org, last_name=f"Roster{number:02}")
    client = client_for(cast.administrator)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("roster"))
    page = response.context["page"]
    assert page.paginator.count == 68
    assert len(page.object_list) == 50


def test_the_roster_finds_people_by_name_email_or_employee_id(cast, client_for):
    client = client_for(cast.director)
    clinician = cast.clinician.staff_member
    for query in (
        "Clinician",
        "chris clin",
        clinician.work_email,
        clinician.employee_id,
    ):
        people = list(client.get(reverse("roster"), {"q": query}).context["page"])
        assert people == [clinician], query


def test_people_who_left_are_hidden_unless_asked_for(cast, client_for):
    gone = make_staff_member(cast.org, last_name="Departed", is_active=False)
    client = client_for(cast.administrator)
    assert gone not in client.get(reverse("roster"), {"q": "Departed"}).context["page"]
    asked = client.get(reverse("roster"), {"q": "Departed", "inactive": "on"})
    assert list(asked.context["page"]) == [gone]


def test_opening_a_roster_entry_is_recorded_for_the_person(cast, client_for):
    target = cast.clinician.staff_member
    response = client_for(cast.administrator).get(
        reverse("staff_member_detail", args=[target.pk])
    )
    assert target.employee_id in response.content.decode()
    event = AccessEvent.objects.get()
    assert (event.actor, event.subject) == (cast.administrator, target)


def test_the_organization_page_counts_active_staff(cast, client_for):
    response = client_for(cast.administrator).get(reverse("organization_settings"))
    departments = {
        d.code: d.active_staff for d in response.context["structure"]["departments"]
    }
    assert departments["ED"] >= 1


def test_adding_a_profession_is_audited(cast, client_for):
    response = client_for(cast.director).post(
        reverse("organization_settings"),
        {
            "kind": "profession",
            "profession-name": "Respiratory therapist",
            "profession-code": "rt",
            "profession-is_clinical": "on",
            "profession-sort_order": "60",
        },
    )
    assert response.status_code == 302
    assert Profession.objects.filter(code="rt", is_clinical=True).exists()
    assert AuditEvent.objects.filter(action=AuditAction.ORGANIZATION_CHANGED).exists()


def test_a_duplicate_department_code_is_explained(cast, client_for):
    response = client_for(cast.administrator).post(
        reverse("organization_settings"),
        {
            "kind": "department",
            "department-name": "Emergency 2",
            "department-code": "ED",
        },
    )
    assert response.status_code == 200
    assert "Department with this Code already exists." in response.content.decode()
    assert Department.objects.filter(code="ED").count() == 1


def test_renaming_a_department(cast, client_for):
    url = reverse("organization_unit_edit", args=["department", cast.org.surgery.pk])
    response = client_for(cast.administrator).post(
        url, {"name": "General Surgery", "code": "SURG"}
    )
    assert response.status_code == 302
    cast.org.surgery.refresh_from_db()
    assert cast.org.surgery.name == "General Surgery"


def test_an_unknown_kind_of_unit_is_not_found(cast, client_for):
    url = reverse("organization_unit_edit", args=["ward", 1])
    assert client_for(cast.administrator).get(url).status_code == 404
