import pytest

from guide.defaults import default_guide_load
from guide.models import Question, Stage


@pytest.fixture
def guide(db) -> list[Stage]:
    """The default guide (loaded by the data migration; again if a test emptied it)."""
    default_guide_load(Stage, Question)
    return list(Stage.objects.prefetch_related("questions"))


def stage_named(name: str) -> Stage:
    return Stage.objects.get(name=name)


def texts(stage: Stage) -> list[str]:
    return list(stage.questions.values_list("text", flat=True))
