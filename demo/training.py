"""The demo program's training history: sessions, attendance, sign-offs, a pause.

Created once, when the demo has no training sessions. It leaves supporters in
every standing: most active, one with a refresher due, one awaiting sign-off,
one still in training with a session booked, one paused.
"""

import datetime
import random

from django.utils import timezone

from accounts.models import User
from organization.models import StaffMember
from training.curriculum import default_curriculum_load
from training.models import (
    Attendance,
    CompetencySignOff,
    Enrolment,
    Modality,
    ModuleCompletion,
    SessionFeedback,
    SessionKind,
    SupporterPause,
    TrainingModule,
    TrainingSession,
)
from training.services import supporter_standings_refresh_all

SEED = 4242
FOUNDERS = ("supporter1", "supporter2")
SECOND_COHORT = (
    "supporter_anes",
    "supporter_icu",
    "supporter_obgyn",
    "supporter_onc",
    "supporter_hosp",
)
MISSED_THE_FIRST_TRAINING = "supporter_onc"
AWAITING_SIGN_OFF = "supporter_obgyn"
MISSES_MEETINGS = "supporter_icu"
PAUSED = "supporter_hosp"
MEETING_ROOM = "Riverside University Hospital, Wellness Centre, room 3 (door closed)"
TRAINING_LINK = "https://meet.riverside.demo.test/peer-support-training"


def demo_training_ensure(
    *, today: datetime.date, named: dict[str, StaffMember], director: User
) -> int:
    """Create the training history; returns how many sessions were added (0: already there)."""
    if TrainingSession.objects.exists():
        return 0
    rng = random.Random(SEED)  # noqa: S311 - a reproducible demo, nothing secret
    default_curriculum_load(TrainingModule)
    core = list(TrainingModule.objects.filter(is_core=True, is_retired=False))
    facilitator = director.staff_member
    founders = [named[key] for key in FOUNDERS if key in named]
    cohort = [named[key] for key in SECOND_COHORT if key in named]
    sessions = 0

    def session(kind, title, days_from_today, modality, **fields) -> TrainingSession:
        nonlocal sessions
        starts_at = timezone.make_aware(
            datetime.datetime.combine(
                today + datetime.timedelta(days=days_from_today), datetime.time(17, 30)
            )
        )
        created = TrainingSession.objects.create(
            kind=kind,
            title=title,
            starts_at=starts_at,
            ends_at=starts_at
            + datetime.timedelta(hours=3 if kind == "training" else 1),
            modality=modality,
            meeting_link=TRAINING_LINK if modality == Modality.REMOTE else "",
            room=MEETING_ROOM if modality == Modality.IN_PERSON else "",
            private_setting_confirmed=True,
            capacity=12,
            facilitator=facilitator,
            created_by=director,
            attendance_taken_at=timezone.now() if days_from_today < 0 else None,
            **fields,
        )
        sessions += 1
        return created

    def attend(training: TrainingSession, people, absent=()) -> None:
        for person in people:
            came = person not in absent
            Enrolment.objects.create(
                session=training,
                staff_member=person,
                attendance=""
                if training.attendance_taken_at is None
                else Attendance.ATTENDED
                if came
                else Attendance.ABSENT,
                feedback_given=came and training.attendance_taken_at is not None,
            )
            if (
                came
                and training.kind == SessionKind.TRAINING
                and training.attendance_taken_at
            ):
                for module in training.modules.all():
                    ModuleCompletion.objects.get_or_create(
                        staff_member=person,
                        module=module,
                        defaults={
                            "completed_on": timezone.localtime(
                                training.starts_at
                            ).date(),
                            "session": training,
                        },
                    )
        if training.attendance_taken_at:
            for _ in range(len(people) - len(absent)):
                SessionFeedback.objects.create(
                    session=training,
                    usefulness=rng.choice([4, 4, 5, 5, 5, 3]),
                    felt_safe=rng.choice([4, 5, 5, 5]),
                    confidence=rng.choice([3, 4, 4, 5]),
                    comment=rng.choice(
                        [
                            "",
                            "The role-plays were the most useful part.",
                            "More time on what to say when someone is angry.",
                            "",
                        ]
                    ),
                )

    founding = session(
        SessionKind.TRAINING, "Foundations of peer support", -400, Modality.IN_PERSON
    )
    founding.modules.set(core)
    attend(founding, founders)

    cohort_training = session(
        SessionKind.TRAINING,
        "Foundations of peer support: second cohort",
        -160,
        Modality.REMOTE,
    )
    cohort_training.modules.set(core)
    missed_training = named.get(MISSED_THE_FIRST_TRAINING)
    attend(cohort_training, cohort, absent=[missed_training])

    for person in founders + [p for key, p in named.items() if key in SECOND_COHORT]:
        if person is missed_training or person == named.get(AWAITING_SIGN_OFF):
            continue
        CompetencySignOff.objects.create(
            staff_member=person,
            signed_off_on=today - datetime.timedelta(days=150),
            signed_off_by=director,
            note="Role-play: a colleague after a first patient death.",
        )

    everyone = founders + cohort
    misses = named.get(MISSES_MEETINGS)
    for months_ago in range(6, 0, -1):
        meeting = session(
            SessionKind.ONGOING,
            "Supporters' meeting",
            -30 * months_ago + 3,
            Modality.IN_PERSON,
        )
        absent = [misses] if months_ago <= 3 else []
        if rng.random() < 0.5:
            absent.append(rng.choice(founders))
        attend(meeting, everyone, absent=absent)

    upcoming_meeting = session(
        SessionKind.ONGOING, "Supporters' meeting", 12, Modality.IN_PERSON
    )
    attend(upcoming_meeting, [p for p in everyone if p != named.get(PAUSED)])
    catch_up = session(
        SessionKind.TRAINING,
        "Foundations of peer support: catch-up",
        9,
        Modality.REMOTE,
    )
    catch_up.modules.set(core)
    attend(catch_up, [missed_training] if missed_training else [])

    if PAUSED in named:
        SupporterPause.objects.create(
            staff_member=named[PAUSED],
            reason="leave",
            started_at=timezone.now() - datetime.timedelta(days=20),
        )
    supporter_standings_refresh_all()
    return sessions
