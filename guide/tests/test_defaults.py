"""The default guide the data migration loads (guide/defaults.py)."""

from guide.defaults import BOTHERING_QUESTION, COPING_QUESTION, default_guide_load
from guide.models import Question, Stage

STAGES = [
    "Invitation",
    "Listening",
    "Reflecting",
    "Reframing",
    "Sense-making",
    "Coping",
    "Closing",
    "Resources",
]


def test_the_migration_loads_eight_stages_in_the_program_s_order(db):
    assert list(Stage.objects.values_list("position", "name")) == list(
        enumerate(STAGES, 1)
    )


def test_every_stage_says_what_the_supporter_does_and_has_questions(db):
    for stage in Stage.objects.prefetch_related("questions"):
        assert stage.purpose.strip()
        assert [q.position for q in stage.questions.all()] == list(
            range(1, stage.questions.count() + 1)
        )
        assert stage.questions.exists()


def test_the_program_s_two_questions_are_there_word_for_word(db):
    assert BOTHERING_QUESTION == (
        "What, if anything, is bothering you or worrying you about this event?"
    )
    assert COPING_QUESTION == "What are your coping strategies for stressful times?"
    assert Question.objects.get(text=BOTHERING_QUESTION).stage.name == "Listening"
    assert Question.objects.get(text=COPING_QUESTION).stage.name == "Coping"


def test_loading_again_into_a_guide_that_exists_adds_nothing(db):
    before = Question.objects.count()
    assert default_guide_load(Stage, Question) == 0
    assert Question.objects.count() == before


def test_an_emptied_guide_is_loaded_again(db):
    Stage.objects.all().delete()
    assert default_guide_load(Stage, Question) == 8
    assert Stage.objects.count() == 8
