"""Planning and logging outreach activities: validation, the audit trail, who may."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from confidentiality.models import AuditAction, AuditEvent
from publicity import services
from publicity.models import ActivityStatus, OutreachActivity
from publicity.tests.conftest import days_ago, make_activity


def planned(**fields) -> OutreachActivity:
    values = {
        "channel": "grand_rounds",
        "title": "Grand rounds: peer support",
        "held_on": days_ago(-14),
        "status": ActivityStatus.PLANNED,
    }
    values.update(fields)
    return OutreachActivity(**values)


def messages_of(error: ValidationError) -> dict[str, list[str]]:
    return error.value.message_dict


def test_planning_an_activity_saves_it_and_audits_it(cast):
    activity = services.activity_plan(actor=cast.administrator, activity=planned())

    assert activity.pk and activity.created_by == cast.administrator
    event = AuditEvent.objects.get(action=AuditAction.PUBLICITY_PLANNED)
    assert event.actor == cast.administrator
    assert event.object_id == str(activity.pk)
    assert event.details["channel"] == "grand_rounds"
    assert event.details["status"] == "planned"
    assert "presenter" not in event.details


def test_an_activity_already_held_can_be_logged_with_its_audience(cast):
    activity = services.activity_plan(
        actor=cast.director,
        activity=planned(
            held_on=days_ago(3), status=ActivityStatus.DONE, audience_size=45
        ),
    )

    assert activity.status == ActivityStatus.DONE
    assert activity.audience_size == 45


def test_a_held_activity_needs_its_audience_size(cast):
    with pytest.raises(ValidationError) as error:
        services.activity_plan(
            actor=cast.director,
            activity=planned(held_on=days_ago(3), status=ActivityStatus.DONE),
        )

    assert messages_of(error)["audience_size"] == [
        "Say how many people it reached: an activity that has been held needs its "
        "audience size."
    ]
    assert not OutreachActivity.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_held_activity_cannot_be_dated_in_the_future(cast):
    with pytest.raises(ValidationError) as error:
        services.activity_plan(
            actor=cast.director,
            activity=planned(
                held_on=days_ago(-2), status=ActivityStatus.DONE, audience_size=10
            ),
        )

    assert "still to come" in messages_of(error)["held_on"][0]


def test_a_planned_activity_cannot_be_dated_in_the_past(cast):
    with pytest.raises(ValidationError) as error:
        services.activity_plan(
            actor=cast.director, activity=planned(held_on=days_ago(1))
        )

    assert messages_of(error)["held_on"] == [
        "A planned activity is dated today or later. To log one that has already "
        "been held, choose “Held” and give its audience."
    ]


def test_a_planned_activity_has_no_audience_yet(cast):
    with pytest.raises(ValidationError) as error:
        services.activity_plan(actor=cast.director, activity=planned(audience_size=50))

    assert "Leave the audience empty" in messages_of(error)["audience_size"][0]


@pytest.mark.parametrize("days", [-365 * 4, 365 * 40])
def test_a_date_far_from_today_is_refused(cast, days):
    with pytest.raises(ValidationError) as error:
        services.activity_plan(
            actor=cast.director, activity=planned(held_on=days_ago(days))
        )

    assert "check the year" in messages_of(error)["held_on"][0]


@pytest.mark.parametrize("who", ["supporter", "clinician", "leader", "risk", "it"])
def test_only_program_staff_plan_publicity(cast, who):
    with pytest.raises(PermissionDenied):
        services.activity_plan(actor=getattr(cast, who), activity=planned())


def test_marking_an_activity_held_records_its_audience_and_audits_it(cast):
    activity = make_activity(status=ActivityStatus.PLANNED, held_on=days_ago(0))

    services.activity_mark_done(
        actor=cast.administrator, activity=activity, audience_size=80
    )

    activity.refresh_from_db()
    assert (activity.status, activity.audience_size) == (ActivityStatus.DONE, 80)
    event = AuditEvent.objects.get(action=AuditAction.PUBLICITY_HELD)
    assert event.details["audience_size"] == 80


def test_marking_it_held_can_correct_the_day_it_was_held(cast):
    activity = make_activity(status=ActivityStatus.PLANNED, held_on=days_ago(0))

    services.activity_mark_done(
        actor=cast.director, activity=activity, audience_size=30, held_on=days_ago(2)
    )

    activity.refresh_from_db()
    assert activity.held_on == days_ago(2)


def test_an_activity_is_not_marked_held_before_its_day(cast):
    activity = make_activity(status=ActivityStatus.PLANNED, held_on=days_ago(-5))

    with pytest.raises(ValidationError) as error:
        services.activity_mark_done(
            actor=cast.director, activity=activity, audience_size=30
        )

    assert "still to come" in messages_of(error)["held_on"][0]
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.PLANNED


def test_marking_held_without_an_audience_is_refused(cast):
    activity = make_activity(status=ActivityStatus.PLANNED, held_on=days_ago(0))

    with pytest.raises(ValidationError) as error:
        services.activity_mark_done(
            actor=cast.director, activity=activity, audience_size=None
        )

    assert "audience_size" in messages_of(error)


@pytest.mark.parametrize(
    "status, words",
    [
        (ActivityStatus.DONE, "already marked held"),
        (ActivityStatus.CANCELLED, "cancelled"),
    ],
)
def test_only_a_planned_activity_is_marked_held(cast, status, words):
    activity = make_activity(status=status, audience_size=20)

    with pytest.raises(ValidationError, match=words):
        services.activity_mark_done(
            actor=cast.director, activity=activity, audience_size=30
        )


def test_editing_an_activity_keeps_its_status_and_audits_what_changed(cast):
    activity = make_activity(status=ActivityStatus.PLANNED, held_on=days_ago(-7))
    activity.title = "Faculty meeting: the program in ten minutes"
    activity.status = ActivityStatus.DONE  # a form cannot change the status

    services.activity_update(actor=cast.director, activity=activity)

    activity.refresh_from_db()
    assert activity.title == "Faculty meeting: the program in ten minutes"
    assert activity.status == ActivityStatus.PLANNED
    event = AuditEvent.objects.get(action=AuditAction.PUBLICITY_CHANGED)
    assert event.details["fields"] == ["title"]


def test_saving_without_a_change_writes_no_audit_event(cast):
    activity = make_activity()

    services.activity_update(actor=cast.director, activity=activity)

    assert not AuditEvent.objects.exists()


def test_a_planned_activity_whose_day_passed_can_still_be_edited(cast):
    activity = make_activity(status=ActivityStatus.PLANNED, held_on=days_ago(3))
    activity.presenter = "Dr Lee"

    services.activity_update(actor=cast.director, activity=activity)

    activity.refresh_from_db()
    assert activity.presenter == "Dr Lee"


def test_a_held_activity_keeps_its_audience_when_edited(cast):
    activity = make_activity()
    activity.audience_size = None

    with pytest.raises(ValidationError) as error:
        services.activity_update(actor=cast.director, activity=activity)

    assert "audience_size" in messages_of(error)


def test_a_cancelled_activity_cannot_be_edited(cast):
    activity = make_activity(status=ActivityStatus.CANCELLED)
    activity.title = "Changed"

    with pytest.raises(ValidationError, match="cannot be changed"):
        services.activity_update(actor=cast.director, activity=activity)


def test_cancelling_a_planned_activity_keeps_it_marked_cancelled(cast):
    activity = make_activity(status=ActivityStatus.PLANNED, held_on=days_ago(-3))

    services.activity_cancel(actor=cast.administrator, activity=activity)

    activity.refresh_from_db()
    assert activity.status == ActivityStatus.CANCELLED
    assert (
        AuditEvent.objects.filter(action=AuditAction.PUBLICITY_CANCELLED).count() == 1
    )
    services.activity_cancel(actor=cast.administrator, activity=activity)
    assert (
        AuditEvent.objects.filter(action=AuditAction.PUBLICITY_CANCELLED).count() == 1
    )


def test_a_held_activity_cannot_be_cancelled(cast):
    activity = make_activity()

    with pytest.raises(ValidationError, match="has been held"):
        services.activity_cancel(actor=cast.director, activity=activity)


def test_an_activity_is_not_planned_cancelled(cast):
    with pytest.raises(ValidationError, match="planned, or logged as held"):
        services.activity_plan(
            actor=cast.director, activity=planned(status=ActivityStatus.CANCELLED)
        )


def test_planning_adds_a_new_activity_only(cast):
    with pytest.raises(ValueError, match="use activity_update"):
        services.activity_plan(actor=cast.director, activity=make_activity())
