import datetime

import pytest
from django.utils import timezone

from events.models import TriggerType
from events.services import event_record
from training.models import Readiness, SupporterStanding


def make_active(*staff_members) -> None:
    """Trained, signed off, coming to meetings: assignable."""
    for staff_member in staff_members:
        SupporterStanding.objects.update_or_create(
            staff_member=staff_member, defaults={"status": Readiness.ACTIVE}
        )


@pytest.fixture
def active_supporters(cast):
    """The cast's two supporters, both assignable."""
    make_active(cast.supporter.staff_member, cast.other_supporter.staff_member)
    return cast.supporter, cast.other_supporter


@pytest.fixture
def record_event(cast):
    def record(*people, trigger="serious-safety-event", harm="moderate", **fields):
        return event_record(
            source="manual",
            source_event_id="",
            occurred_on=timezone.localdate() - datetime.timedelta(days=1),
            trigger_type=TriggerType.objects.get(code=trigger),
            harm_level=harm,
            involved=[(person, "roster") for person in people],
            **fields,
        )

    return record
