"""The director's changes to the guide (guide/services.py)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from confidentiality.models import AuditAction, AuditAudience, AuditEvent
from guide import services
from guide.defaults import COPING_QUESTION
from guide.models import Question, Stage
from guide.tests.conftest import stage_named, texts

NOT_THE_DIRECTOR = ["administrator", "supporter", "clinician", "leader", "risk", "it"]


def guide_audits() -> list[dict]:
    return list(
        AuditEvent.objects.filter(action=AuditAction.GUIDE_CHANGED)
        .order_by("id")
        .values_list("details", flat=True)
    )


def test_the_director_renames_a_stage_and_it_is_audited(cast, guide):
    stage = services.stage_change(
        actor=cast.director,
        stage=stage_named("Invitation"),
        name="  Reaching  out ",
        purpose="Say who you are and why you are in touch.",
    )
    assert Stage.objects.get(pk=stage.pk).name == "Reaching out"
    event = AuditEvent.objects.get(action=AuditAction.GUIDE_CHANGED)
    assert event.actor == cast.director
    assert event.audience == AuditAudience.PROGRAM
    assert event.details["was"] == "Invitation"
    assert event.details["stage"] == "Reaching out"


def test_two_stages_cannot_share_a_name(cast, guide):
    with pytest.raises(ValidationError) as caught:
        services.stage_change(
            actor=cast.director,
            stage=stage_named("Closing"),
            name="listening",
            purpose="Anything.",
        )
    assert "Another stage is already called" in caught.value.message_dict["name"][0]
    assert stage_named("Closing")
    assert guide_audits() == []


def test_a_stage_needs_a_purpose(cast, guide):
    with pytest.raises(ValidationError) as caught:
        services.stage_change(
            actor=cast.director,
            stage=stage_named("Closing"),
            name="Closing",
            purpose=" ",
        )
    assert "purpose" in caught.value.message_dict


def test_the_director_adds_a_question_at_the_end_of_a_stage(cast, guide):
    stage = stage_named("Coping")
    question = services.question_add(
        actor=cast.director, stage=stage, text="What has helped you before?"
    )
    assert texts(stage)[-1] == "What has helped you before?"
    assert question.position == len(texts(stage))
    assert guide_audits() == [
        {
            "change": "question added",
            "stage": "Coping",
            "text": "What has helped you before?",
        }
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [("   ", "Write the question"), ("Why? " * 50, "Keep a question to 200")],
)
def test_an_empty_or_overlong_question_is_refused_and_nothing_is_saved(
    cast, guide, text, message
):
    before = Question.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.question_add(
            actor=cast.director, stage=stage_named("Coping"), text=text
        )
    assert message in caught.value.message_dict["text"][0]
    assert Question.objects.count() == before
    assert guide_audits() == []


def test_a_full_stage_takes_no_more_questions(cast, guide):
    stage = stage_named("Reframing")
    while stage.questions.count() < services.QUESTIONS_PER_STAGE_MAX:
        services.question_add(actor=cast.director, stage=stage, text="And then?")
    with pytest.raises(ValidationError, match="at most"):
        services.question_add(actor=cast.director, stage=stage, text="One more?")


def test_the_director_rewords_a_question_and_the_old_words_are_audited(cast, guide):
    question = Question.objects.get(text=COPING_QUESTION)
    services.question_change(
        actor=cast.director, question=question, text="How do you cope when it's hard?"
    )
    question.refresh_from_db()
    assert question.text == "How do you cope when it's hard?"
    assert guide_audits()[-1]["was"] == COPING_QUESTION


def test_removing_a_question_closes_the_gap_in_the_order(cast, guide):
    stage = stage_named("Listening")
    first = stage.questions.first()
    remaining = texts(stage)[1:]
    services.question_remove(actor=cast.director, question=first)
    assert texts(stage) == remaining
    assert list(stage.questions.values_list("position", flat=True)) == [1, 2]
    assert guide_audits()[-1]["change"] == "question removed"


def test_moving_a_question_up_swaps_it_with_the_one_before(cast, guide):
    stage = stage_named("Listening")
    first, second, third = texts(stage)
    services.question_move(
        actor=cast.director, question=stage.questions.get(text=third), direction="up"
    )
    assert texts(stage) == [first, third, second]
    assert guide_audits()[-1] == {
        "change": "question moved up",
        "stage": "Listening",
        "position": 2,
    }


def test_moving_the_first_question_up_changes_nothing(cast, guide):
    stage = stage_named("Listening")
    before = texts(stage)
    services.question_move(
        actor=cast.director, question=stage.questions.first(), direction="up"
    )
    assert texts(stage) == before
    assert guide_audits() == []


def test_restoring_the_default_undoes_every_change(cast, guide):
    services.stage_change(
        actor=cast.director,
        stage=stage_named("Coping"),
        name="Looking after yourself",
        purpose="Self-care.",
    )
    Question.objects.filter(text=COPING_QUESTION).delete()
    assert services.guide_default_restore(actor=cast.director) == 8
    assert stage_named("Coping").questions.filter(text=COPING_QUESTION).exists()
    assert not Stage.objects.filter(name="Looking after yourself").exists()
    assert guide_audits()[-1] == {"change": "default restored"}


@pytest.mark.parametrize("role", NOT_THE_DIRECTOR)
def test_nobody_but_the_director_changes_the_guide(cast, guide, role):
    actor = cast.by_role_name()[role]
    question = Question.objects.get(text=COPING_QUESTION)
    attempts = [
        lambda: services.stage_change(
            actor=actor, stage=question.stage, name="Mine", purpose="Mine."
        ),
        lambda: services.question_add(actor=actor, stage=question.stage, text="Mine?"),
        lambda: services.question_change(actor=actor, question=question, text="Mine?"),
        lambda: services.question_move(
            actor=actor, question=question, direction="down"
        ),
        lambda: services.question_remove(actor=actor, question=question),
        lambda: services.guide_default_restore(actor=actor),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()
    assert Question.objects.filter(text=COPING_QUESTION).exists()
    assert guide_audits() == []
