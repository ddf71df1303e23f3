"""The guide's pages: reading it, and the director's editing (guide/views.py)."""

import pytest
from django.urls import reverse

from confidentiality.models import AuditAction, AuditEvent
from guide import services
from guide.defaults import BOTHERING_QUESTION, COPING_QUESTION
from guide.models import Question
from guide.tests.conftest import stage_named, texts

READERS = ["director", "administrator", "supporter"]
NOT_READERS = ["clinician", "leader", "risk", "it"]
NOT_THE_DIRECTOR = ["administrator", "supporter", *NOT_READERS]


@pytest.mark.parametrize("role", READERS)
def test_supporters_and_program_staff_read_the_guide(cast, client_for, guide, role):
    response = client_for(cast.by_role_name()[role]).get(reverse("guide"))
    page = response.content.decode()
    assert response.status_code == 200
    for stage in guide:
        assert f"{stage.name}</h2>" in page
    assert BOTHERING_QUESTION in page
    assert COPING_QUESTION in page
    assert reverse("guide_card") in page


@pytest.mark.parametrize("role", NOT_READERS)
def test_anyone_else_is_answered_404(cast, client_for, guide, role):
    client = client_for(cast.by_role_name()[role])
    assert client.get(reverse("guide")).status_code == 404
    assert client.get(reverse("guide_card")).status_code == 404


def test_only_the_director_is_offered_the_editor(cast, client_for, guide):
    edit = reverse("guide_edit")
    assert edit in client_for(cast.director).get(reverse("guide")).content.decode()
    assert edit not in client_for(cast.supporter).get(reverse("guide")).content.decode()


def test_the_page_takes_the_same_queries_however_many_questions(
    cast, client_for, guide, django_assert_max_num_queries
):
    for stage in guide:
        while len(texts(stage)) < services.QUESTIONS_PER_STAGE_MAX:
            services.question_add(actor=cast.director, stage=stage, text="And then?")
    client = client_for(cast.supporter)
    client.get(reverse("guide"))  # the first request of a session does more
    with django_assert_max_num_queries(10) as queries:
        response = client.get(reverse("guide"))
    on_the_guide = [q for q in queries.captured_queries if "guide_" in q["sql"]]
    assert len(on_the_guide) == 2  # the stages, then all their questions
    assert response.content.decode().count("<li>") >= 8 * 6


@pytest.mark.parametrize("role", NOT_THE_DIRECTOR)
def test_nobody_but_the_director_opens_or_posts_to_the_editor(
    cast, client_for, guide, role
):
    client = client_for(cast.by_role_name()[role])
    stage = stage_named("Closing")
    question = stage.questions.first()
    assert client.get(reverse("guide_edit")).status_code == 404
    assert client.get(reverse("guide_stage_edit", args=[stage.pk])).status_code == 404
    posts = [
        (reverse("guide_stage_edit", args=[stage.pk]), {"name": "X", "purpose": "Y"}),
        (reverse("guide_question_add", args=[stage.pk]), {"text": "Mine?"}),
        (reverse("guide_question_edit", args=[question.pk]), {"text": "Mine?"}),
        (reverse("guide_question_move", args=[question.pk]), {"direction": "down"}),
        (reverse("guide_question_remove", args=[question.pk]), {}),
        (reverse("guide_restore"), {"confirm": "on"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    assert texts(stage_named("Closing"))[0] == question.text
    assert not AuditEvent.objects.filter(action=AuditAction.GUIDE_CHANGED).exists()


def test_the_director_adds_a_question_from_the_stage_page(cast, client_for, guide):
    stage = stage_named("Closing")
    client = client_for(cast.director)
    response = client.post(
        reverse("guide_question_add", args=[stage.pk]),
        {"text": "What will you do for yourself tonight?"},
    )
    assert response.status_code == 302
    assert response.url == reverse("guide_stage_edit", args=[stage.pk])
    assert texts(stage)[-1] == "What will you do for yourself tonight?"
    page = client.get(response.url).content.decode()
    assert "What will you do for yourself tonight?" in page
    assert AuditEvent.objects.filter(action=AuditAction.GUIDE_CHANGED).count() == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Write the question (or remove it instead)."),
        ("x" * 201, "Keep a question to 200 characters so it fits the pocket card"),
    ],
)
def test_a_bad_question_is_sent_back_with_what_to_fix_and_nothing_is_saved(
    cast, client_for, guide, text, message
):
    stage = stage_named("Closing")
    before = list(Question.objects.values_list("pk", "text"))
    response = client_for(cast.director).post(
        reverse("guide_question_add", args=[stage.pk]), {"text": text}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert list(Question.objects.values_list("pk", "text")) == before
    assert not AuditEvent.objects.filter(action=AuditAction.GUIDE_CHANGED).exists()


def test_rewording_a_question_to_nothing_is_sent_back(cast, client_for, guide):
    question = Question.objects.get(text=COPING_QUESTION)
    response = client_for(cast.director).post(
        reverse("guide_question_edit", args=[question.pk]), {"text": "   "}
    )
    assert response.status_code == 200
    assert "Write the question" in response.content.decode()
    question.refresh_from_db()
    assert question.text == COPING_QUESTION


def test_a_stage_without_a_name_is_sent_back(cast, client_for, guide):
    stage = stage_named("Closing")
    response = client_for(cast.director).post(
        reverse("guide_stage_edit", args=[stage.pk]),
        {"name": "", "purpose": "Sum up and agree next steps."},
    )
    assert response.status_code == 200
    assert "Give the stage a name." in response.content.decode()
    stage.refresh_from_db()
    assert stage.purpose != "Sum up and agree next steps."


def test_the_director_renames_a_stage_from_its_page(cast, client_for, guide):
    stage = stage_named("Closing")
    response = client_for(cast.director).post(
        reverse("guide_stage_edit", args=[stage.pk]),
        {"name": "Ending well", "purpose": "Sum up and agree next steps."},
    )
    assert response.status_code == 302
    stage.refresh_from_db()
    assert (stage.name, stage.purpose) == (
        "Ending well",
        "Sum up and agree next steps.",
    )


def test_the_director_moves_and_removes_questions(cast, client_for, guide):
    stage = stage_named("Listening")
    first, second, third = texts(stage)
    client = client_for(cast.director)
    client.post(
        reverse("guide_question_move", args=[stage.questions.get(text=first).pk]),
        {"direction": "down"},
    )
    assert texts(stage) == [second, first, third]
    client.post(
        reverse("guide_question_remove", args=[stage.questions.get(text=second).pk])
    )
    assert texts(stage) == [first, third]


def test_restoring_needs_the_box_ticked(cast, client_for, guide):
    Question.objects.filter(text=COPING_QUESTION).delete()
    client = client_for(cast.director)
    response = client.post(reverse("guide_restore"), {})
    assert response.status_code == 200
    assert "Tick the box to confirm" in response.content.decode()
    assert not Question.objects.filter(text=COPING_QUESTION).exists()
    response = client.post(reverse("guide_restore"), {"confirm": "on"})
    assert response.status_code == 302
    assert Question.objects.filter(text=COPING_QUESTION).exists()
