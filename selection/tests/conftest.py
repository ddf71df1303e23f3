import datetime

import pytest
from django.utils import timezone

from alongside.testing.cast import make_staff_member, make_user
from selection.models import NominationRound


@pytest.fixture
def spring(cast) -> NominationRound:
    """A round open today for two weeks."""
    today = timezone.localdate()
    return NominationRound.objects.create(
        title="Spring",
        opens_on=today,
        closes_on=today + datetime.timedelta(days=14),
        created_by=cast.director,
    )


@pytest.fixture
def nominee(cast):
    """An eligible physician in Surgery with an e-mail on the roster."""
    return make_staff_member(
        cast.org, first_name="Noor", last_name="Nominee", department=cast.org.surgery
    )


@pytest.fixture
def nominator(cast):
    """A second eligible physician with an account, with a name easy to search pages for."""
    return make_user(cast.org, first_name="Zebedee", last_name="Quillfeather")
