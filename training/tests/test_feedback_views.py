"""The attendee's feedback form and the director's feedback page."""

import datetime

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from alongside.testing.cast import make_user
from training.feedback import FEEDBACK_WINDOW
from training.models import (
    Attendance,
    Enrolment,
    Modality,
    SessionFeedback,
    TrainingModule,
    TrainingSession,
)

NOW = timezone.now()


def a_session(cast, *, ended_days_ago=1.0, facilitator=None, **fields):
    ends_at = NOW - datetime.timedelta(days=ended_days_ago)
    values = {
        "title": "Listening and questions",
        "starts_at": ends_at - datetime.timedelta(hours=3),
        "ends_at": ends_at,
        "modality": Modality.REMOTE,
        "meeting_link": "https://meet.example.test/room",
        "facilitator": (facilitator or cast.director).staff_member,
        "created_by": cast.director,
        "attendance_taken_at": ends_at,
    }
    values.update(fields)
    return TrainingSession.objects.create(**values)


def closed_session(cast, **fields):
    return a_session(cast, ended_days_ago=FEEDBACK_WINDOW.days + 1, **fields)


def attend(session, user, attendance=Attendance.ATTENDED, **fields):
    Enrolment.objects.create(
        session=session, staff_member=user.staff_member, attendance=attendance, **fields
    )
    return user


def answered(session, count, scores=(4, 4, 4)):
    SessionFeedback.objects.bulk_create(
        SessionFeedback(
            session=session,
            usefulness=scores[0],
            felt_safe=scores[1],
            confidence=scores[2],
        )
        for _ in range(count)
    )


def form_url(session):
    return reverse("session_feedback", kwargs={"session_id": session.pk})


ANSWERS = {"usefulness": "4", "felt_safe": "5", "confidence": "3", "comment": ""}


# --- The form ---------------------------------------------------------------------------------


def test_an_attendee_sees_three_plain_questions_and_that_answers_are_anonymous(
    cast, client_for
):
    session = a_session(cast)
    attend(session, cast.supporter)
    response = client_for(cast.supporter).get(form_url(session))
    content = response.content.decode()
    assert response.status_code == 200
    assert "How useful was this session?" in content
    assert "Did you feel safe to speak openly?" in content
    assert "How confident do you feel supporting a colleague now?" in content
    assert "Your answers are anonymous" in content
    assert "The facilitator never sees individual answers" in content
    assert "only once at least 5 people have answered" in content
    assert content.count('type="radio"') == 15
    assert "<legend>" in content


def test_giving_feedback_thanks_the_person_and_takes_them_back(cast, client_for):
    session = a_session(cast)
    attend(session, cast.supporter)
    response = client_for(cast.supporter).post(
        form_url(session), {**ANSWERS, "comment": "Good pace."}, follow=True
    )
    assert response.redirect_chain[0] == (reverse("my_training"), 302)
    assert "Thank you" in response.content.decode()
    feedback = SessionFeedback.objects.get()
    assert (feedback.usefulness, feedback.felt_safe, feedback.confidence) == (4, 5, 3)
    assert feedback.comment == "Good pace."


def test_a_clinician_who_attended_returns_home_after_answering(cast, client_for):
    session = a_session(cast)
    attend(session, cast.clinician)
    response = client_for(cast.clinician).post(form_url(session), ANSWERS)
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_a_missing_answer_shows_the_form_again_and_saves_nothing(cast, client_for):
    session = a_session(cast)
    attend(session, cast.supporter)
    response = client_for(cast.supporter).post(
        form_url(session), {**ANSWERS, "felt_safe": ""}
    )
    assert response.status_code == 200
    assert "Choose one answer." in response.content.decode()
    assert not SessionFeedback.objects.exists()


def test_a_second_visit_after_answering_says_so_instead_of_asking_again(
    cast, client_for
):
    session = a_session(cast)
    attend(session, cast.supporter)
    client = client_for(cast.supporter)
    client.post(form_url(session), ANSWERS)
    response = client.post(form_url(session), ANSWERS, follow=True)
    assert "already given feedback" in response.content.decode()
    assert SessionFeedback.objects.count() == 1


def test_people_who_did_not_attend_get_404(cast, client_for):
    session = a_session(cast)
    attend(session, cast.supporter)
    attend(session, cast.other_supporter, attendance=Attendance.ABSENT)
    for user in (cast.other_supporter, cast.clinician, cast.director, cast.it):
        assert client_for(user).get(form_url(session)).status_code == 404
        assert client_for(user).post(form_url(session), ANSWERS).status_code == 404
    assert not SessionFeedback.objects.exists()


def test_the_form_asks_anonymous_visitors_to_sign_in(cast):
    session = a_session(cast)
    response = Client().get(form_url(session))
    assert response.status_code == 302
    assert reverse("account_login") in response.url


def test_an_unknown_session_is_404(cast, client_for):
    response = client_for(cast.supporter).get(
        reverse("session_feedback", kwargs={"session_id": 999999})
    )
    assert response.status_code == 404


# --- The director's page --------------------------------------------------------------------------


def test_the_director_sees_totals_and_no_one_who_answered(cast, client_for):
    module = TrainingModule.objects.create(
        title="Listening well", summary=".", objectives="."
    )
    session = closed_session(cast, title="Spring cohort")
    session.modules.set([module])
    attendees = [
        attend(session, make_user(cast.org, first_name="Wilhelmina", mfa=False))
        for _ in range(5)
    ]
    attend(session, cast.supporter)
    answered(session, 5, scores=(5, 4, 3))
    response = client_for(cast.director).get(reverse("feedback_summary"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Spring cohort" in content and "Listening well" in content
    assert "4.0" in content and "5.0" in content and "3.0" in content
    assert "Wilhelmina" not in content
    for user in [*attendees, cast.supporter]:
        assert user.staff_member.last_name not in content
        assert user.email not in content


def test_four_responses_read_fewer_than_five(cast, client_for):
    session = closed_session(cast, title="Small cohort")
    answered(session, 4, scores=(1, 1, 1))
    content = client_for(cast.director).get(reverse("feedback_summary")).content
    content = content.decode()
    assert "Small cohort" in content
    assert "fewer than 5 responses" in content
    assert "1.0" not in content


def test_five_responses_show_the_scores(cast, client_for):
    session = closed_session(cast, title="Cohort")
    answered(session, 5, scores=(2, 2, 2))
    content = client_for(cast.director).get(reverse("feedback_summary")).content
    assert "2.0" in content.decode()


def test_comments_show_from_ten_responses(cast, client_for):
    session = closed_session(cast)
    SessionFeedback.objects.bulk_create(
        SessionFeedback(
            session=session,
            usefulness=4,
            felt_safe=4,
            confidence=4,
            comment=f"comment number {n}",
        )
        for n in range(9)
    )
    url = reverse("feedback_summary")
    assert "comment number" not in client_for(cast.director).get(url).content.decode()
    answered(session, 1)
    assert "comment number 8" in client_for(cast.director).get(url).content.decode()


def test_a_facilitator_who_is_not_the_director_gets_404(cast, client_for):
    session = closed_session(cast, facilitator=cast.other_supporter)
    answered(session, 12)
    response = client_for(cast.other_supporter).get(reverse("feedback_summary"))
    assert response.status_code == 404


def test_nobody_but_the_director_opens_the_feedback_page(cast, client_for):
    for name in ("administrator", "supporter", "clinician", "leader", "risk", "it"):
        response = client_for(getattr(cast, name)).get(reverse("feedback_summary"))
        assert response.status_code == 404, name


def test_the_feedback_page_uses_a_bounded_number_of_queries(
    cast, client_for, django_assert_max_num_queries
):
    modules = [
        TrainingModule.objects.create(title=f"Module {n}", summary=".", objectives=".")
        for n in range(4)
    ]
    facilitators = [cast.director, cast.administrator, cast.other_supporter]
    for n in range(30):
        session = closed_session(
            cast, title=f"Session {n}", facilitator=facilitators[n % 3]
        )
        session.modules.set(modules[: n % 4 + 1])
        answered(session, 3 + n % 9)
    a_session(cast)
    client = client_for(cast.director)
    # About eight for signing in, roles, the page frame and the session; six for
    # the figures, however many sessions, facilitators and modules there are.
    with django_assert_max_num_queries(15):
        response = client.get(reverse("feedback_summary"))
    assert response.status_code == 200
    assert response.content.decode().count("fewer than 5 responses") == 8
