import datetime

import pytest
from django.utils import timezone

from events.models import TriggerType


def yesterday() -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=1)


def tomorrow() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=1)


def trigger(code: str) -> TriggerType:
    """A trigger from the default catalogue the migrations load."""
    return TriggerType.objects.get(code=code)


@pytest.fixture
def record_manual(cast):
    """Risk & quality staff record an event by hand; fields override the defaults."""
    from events.services import event_record_manual

    def record(*people, **fields):
        values = {
            "actor": cast.risk,
            "occurred_on": yesterday(),
            "trigger_type": trigger("serious-safety-event"),
            "harm_level": "moderate",
            "unit": cast.org.emergency,
            "site": cast.org.north,
            "involved": list(people) or [cast.clinician.staff_member],
        }
        values.update(fields)
        return event_record_manual(**values)

    return record
