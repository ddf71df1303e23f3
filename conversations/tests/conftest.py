import datetime

import pytest
from django.utils import timezone

from outreach.models import OfferOrigin, OfferState, OutreachOffer


def an_offer(cast, *, state=OfferState.CONTACTED, person=None, supporter=None):
    """An offer to the clinician, assigned to the cast's supporter, in ``state``."""
    now = timezone.now()
    return OutreachOffer.objects.create(
        person=person or cast.clinician.staff_member,
        origin=OfferOrigin.SELF,
        state=state,
        state_changed_at=now,
        supporter=supporter or cast.supporter.staff_member,
        assigned_at=now,
        contacted_at=now,
    )


@pytest.fixture
def offer(cast):
    return an_offer(cast)


@pytest.fixture
def log(cast, offer):
    """Log a conversation as the cast's supporter; fields may be overridden."""
    from conversations.services import encounter_log

    def logged(**fields):
        values = {
            "actor": cast.supporter,
            "offer": offer,
            "occurred_on": timezone.localdate(),
            "duration_minutes": 40,
            "modality": "phone",
            "outcome": "continuing",
        }
        values.update(fields)
        return encounter_log(**values)

    return logged


def yesterday() -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=1)
