import datetime

import pytest
from django.utils import timezone

from alongside.testing.cast import make_staff_member
from surveys.invitations import invitation_token
from surveys.models import Instrument
from surveys.services import (
    builtin_instruments_install,
    survey_create,
    wave_open,
    wave_plan,
)
from worker.runner import Worker

CALM = {
    "stress": "2",
    "burnout": "1",
    "workload": "4",
    "schedule_control": "4",
    "valued": "4",
    "teamwork": "5",
    "documentation": "3",
    "fear_of_harm": "2",
    "home_strain": "2",
    "meaning": "5",
    "support_known": "4",
}


def run_worker() -> None:
    Worker(worker_id="survey-test").run(once=True)


@pytest.fixture
def pulse(db) -> Instrument:
    [instrument] = builtin_instruments_install()
    return instrument


@pytest.fixture
def survey(cast, pulse):
    return survey_create(
        actor=cast.director, slug="pulse", title="Staff pulse", instrument=pulse
    )


@pytest.fixture
def colleagues(cast):
    """Twelve more physicians: six in emergency medicine, six in surgery."""
    return [
        make_staff_member(
            cast.org, department=cast.org.emergency if n < 6 else cast.org.surgery
        )
        for n in range(12)
    ]


@pytest.fixture
def planned_wave(cast, survey, colleagues):
    today = timezone.localdate()
    return wave_plan(
        actor=cast.director,
        survey=survey,
        label="Spring",
        opens_on=today,
        closes_on=today + datetime.timedelta(days=14),
        reminder_days="7",
    )


@pytest.fixture
def open_wave(cast, planned_wave):
    wave = wave_open(actor=cast.director, wave=planned_wave)
    run_worker()
    wave.refresh_from_db()
    return wave


def token_for(wave, staff_member) -> str:
    return invitation_token(wave.pk, staff_member.pk)


@pytest.fixture
def tokens(open_wave):
    return [
        invitation_token(open_wave.pk, staff_member_id)
        for staff_member_id in open_wave.invitations.values_list(
            "staff_member_id", flat=True
        )
    ]
