import datetime

import pytest
from django.utils import timezone

from training.curriculum import default_curriculum_load
from training.models import Modality, SessionKind, TrainingModule, TrainingSession


@pytest.fixture
def core_modules(db) -> list[TrainingModule]:
    """The default curriculum (loaded by the data migration; again if a test emptied it)."""
    default_curriculum_load(TrainingModule)
    return list(TrainingModule.objects.filter(is_core=True))


@pytest.fixture
def make_session(cast):
    """A session in the future (or, with ``days`` < 0, one that has happened)."""

    def make(
        *,
        kind=SessionKind.TRAINING,
        days: int = 7,
        modules=(),
        capacity: int = 10,
        title: str = "Listening and questions",
    ) -> TrainingSession:
        starts_at = timezone.now().replace(microsecond=0) + datetime.timedelta(
            days=days
        )
        session = TrainingSession.objects.create(
            kind=kind,
            title=title,
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(hours=3),
            modality=Modality.IN_PERSON,
            room="Education Centre, room 2",
            private_setting_confirmed=True,
            capacity=capacity,
            facilitator=cast.director.staff_member,
            created_by=cast.director,
        )
        session.modules.set(modules)
        return session

    return make
