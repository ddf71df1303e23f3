import datetime

from django.urls import reverse
from django.utils import timezone

from confidentiality.models import AccessEvent
from outbox.models import OutboundEmail
from training import services
from training.models import (
    Enrolment,
    EnrolmentStatus,
    Readiness,
    SessionKind,
    SupporterPause,
    TrainingModule,
    TrainingSession,
)


def session_form_data(cast, core_modules, **overrides) -> dict:
    day = timezone.localdate() + datetime.timedelta(days=10)
    data = {
        "kind": SessionKind.TRAINING,
        "title": "Listening and questions",
        "modules": [m.pk for m in core_modules[:2]],
        "day": day.isoformat(),
        "starts": "17:30",
        "ends": "20:30",
        "modality": "in_person",
        "room": "Education Centre, room 2",
        "meeting_link": "",
        "private_setting_confirmed": "on",
        "capacity": "10",
        "facilitator": cast.director.staff_member_id,
        "repeats": "0",
    }
    data.update(overrides)
    return data


def test_the_administrator_schedules_a_session_from_the_form(
    cast, client_for, core_modules
):
    response = client_for(cast.administrator).post(
        reverse("session_new"), session_form_data(cast, core_modules)
    )
    session = TrainingSession.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("session_detail", args=[session.pk])
    local = timezone.localtime(session.starts_at)
    assert (local.hour, local.minute) == (17, 30)
    assert session.modules.count() == 2


def test_a_session_not_confirmed_private_is_sent_back_with_the_reason(
    cast, client_for, core_modules
):
    data = session_form_data(cast, core_modules)
    del data["private_setting_confirmed"]
    response = client_for(cast.administrator).post(reverse("session_new"), data)
    assert response.status_code == 200
    assert "Confirm the setting is private" in response.content.decode()
    assert not TrainingSession.objects.exists()


def test_a_remote_session_without_a_link_is_sent_back(cast, client_for, core_modules):
    data = session_form_data(cast, core_modules, modality="remote", room="")
    response = client_for(cast.administrator).post(reverse("session_new"), data)
    assert "A remote session needs its meeting link." in response.content.decode()


def test_a_supporter_enrols_from_the_session_page(cast, client_for, make_session):
    session = make_session()
    client = client_for(cast.supporter)
    page = client.get(reverse("session_detail", args=[session.pk])).content.decode()
    assert "Enrol me" in page
    response = client.post(reverse("session_enrol", args=[session.pk]))
    assert response.status_code == 302
    assert Enrolment.objects.get().staff_member == cast.supporter.staff_member
    page = client.get(reverse("session_detail", args=[session.pk])).content.decode()
    assert "You are enrolled" in page


def test_a_supporter_does_not_see_who_else_is_enrolled(cast, client_for, make_session):
    session = make_session()
    services.enrolment_add(
        actor=cast.administrator,
        session=session,
        staff_member=cast.other_supporter.staff_member,
    )
    page = (
        client_for(cast.supporter)
        .get(reverse("session_detail", args=[session.pk]))
        .content.decode()
    )
    assert "Othersupporter" not in page


def test_the_administrator_enrols_a_supporter_and_takes_attendance(
    cast, client_for, make_session, core_modules
):
    session = make_session(days=1, modules=core_modules)
    client = client_for(cast.administrator)
    client.post(
        reverse("session_enrol", args=[session.pk]),
        {"staff_member": cast.supporter.staff_member_id},
    )
    assert OutboundEmail.objects.filter(recipient=cast.supporter.email).exists()
    TrainingSession.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=3),
        ends_at=timezone.now() - datetime.timedelta(hours=1),
    )
    response = client.post(
        reverse("session_attendance", args=[session.pk]),
        {"attended": [cast.supporter.staff_member_id]},
    )
    assert response.status_code == 302
    cast.supporter.staff_member.refresh_from_db()
    assert cast.supporter.staff_member.standing.status == Readiness.AWAITING_SIGN_OFF


def test_the_supporter_page_says_where_they_stand_and_why(cast, client_for):
    page = client_for(cast.supporter).get(reverse("my_training")).content.decode()
    assert "In training" in page
    assert "7 of 7 core modules still to complete" in page
    assert "Pause me" in page


def test_the_pause_switch_takes_a_supporter_out_and_back(cast, client_for):
    client = client_for(cast.supporter)
    client.post(reverse("my_training_pause"), {"reason": "overload"})
    assert SupporterPause.objects.get().ended_at is None
    page = client.get(reverse("my_training")).content.decode()
    assert "Paused since" in page
    client.post(reverse("my_training_resume"))
    assert SupporterPause.objects.get().ended_at is not None


def test_opening_a_supporter_record_is_witnessed(cast, client_for):
    client_for(cast.administrator).get(
        reverse("supporter_training_record", args=[cast.supporter.staff_member_id])
    )
    event = AccessEvent.objects.get(object_type="organization.staffmember")
    assert event.subject == cast.supporter.staff_member
    assert event.actor == cast.administrator


def test_the_director_signs_off_from_the_record_page(
    cast, client_for, make_session, core_modules
):
    supporter = cast.supporter.staff_member
    session = make_session(days=-2, modules=core_modules)
    Enrolment.objects.create(session=session, staff_member=supporter)
    services.attendance_record(
        actor=cast.director, session=session, attended_ids=[supporter.pk]
    )
    client = client_for(cast.director)
    url = reverse("supporter_training_record", args=[supporter.pk])
    assert "Sign off Priya" in client.get(url).content.decode()
    client.post(reverse("competency_sign_off", args=[supporter.pk]), {"note": "Good."})
    supporter.refresh_from_db()
    assert supporter.standing.status == Readiness.ACTIVE


def test_the_director_edits_a_module(cast, client_for, core_modules):
    module = core_modules[0]
    response = client_for(cast.director).post(
        reverse("training_module_edit", args=[module.pk]),
        {
            "title": module.title,
            "summary": "Listening first.",
            "objectives": "Listen\nReflect",
            "is_core": "on",
            "sort_order": "10",
        },
    )
    assert response.status_code == 302
    module.refresh_from_db()
    assert module.objective_list == ["Listen", "Reflect"]


def test_the_overview_takes_a_fixed_number_of_queries(
    cast, client_for, make_session, core_modules, django_assert_max_num_queries
):
    for days in range(1, 15):
        session = make_session(days=days, modules=core_modules[:1])
        Enrolment.objects.create(
            session=session, staff_member=cast.supporter.staff_member
        )
    services.supporter_standings_refresh_all()
    client = client_for(cast.director)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("training_overview"))
    assert response.status_code == 200
    assert response.content.decode().count("Listening and questions") == 14


def test_the_curriculum_lists_the_default_modules(cast, client_for):
    page = client_for(cast.administrator).get(reverse("curriculum")).content.decode()
    for title in TrainingModule.objects.values_list("title", flat=True):
        assert title.replace("'", "&#x27;") in page
    assert "What, if anything, is bothering you" in page


def test_a_waiting_list_place_shows_on_the_session_page(cast, client_for, make_session):
    session = make_session(capacity=1)
    services.enrolment_add(
        actor=cast.administrator,
        session=session,
        staff_member=cast.other_supporter.staff_member,
    )
    client = client_for(cast.supporter)
    client.post(reverse("session_enrol", args=[session.pk]))
    assert (
        Enrolment.objects.get(staff_member=cast.supporter.staff_member).status
        == EnrolmentStatus.WAITING
    )
    page = client.get(reverse("session_detail", args=[session.pk])).content.decode()
    assert "You are on the waiting list" in page


def test_a_trained_supporter_is_not_offered_sessions_on_what_they_know(
    cast, client_for, make_session, core_modules
):
    supporter = cast.supporter.staff_member
    done = make_session(days=-3, modules=core_modules[:1])
    Enrolment.objects.create(session=done, staff_member=supporter)
    services.attendance_record(
        actor=cast.director, session=done, attended_ids=[supporter.pk]
    )
    make_session(days=4, modules=core_modules[:1], title="Listening again")
    make_session(days=5, modules=core_modules[1:3], title="Questions and sharing")
    page = client_for(cast.supporter).get(reverse("my_training")).content.decode()
    assert "Questions and sharing" in page
    assert "Listening again" not in page
