"""Running a wave: planning, opening with locked thresholds, inviting, reminding, closing."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone

from confidentiality.models import AuditAction, AuditEvent
from outbox.models import OutboundEmail
from surveys.instruments import builtin_instrument
from surveys.invitations import wave_reminders_send
from surveys.models import Invitation, WaveStatus
from surveys.responses import response_submit
from surveys.services import (
    instrument_install,
    open_waves_restamp,
    survey_create,
    wave_close,
    wave_open,
    wave_plan,
)
from surveys.tests.conftest import CALM, run_worker, token_for
from worker.models import BackgroundTask, DueStatus

pytestmark = pytest.mark.django_db


def test_only_program_staff_run_surveys(cast, pulse):
    with pytest.raises(PermissionDenied):
        survey_create(actor=cast.leader, slug="x", title="X", instrument=pulse)


def test_a_wave_that_closes_before_it_opens_is_refused(cast, survey):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as refused:
        wave_plan(
            actor=cast.director,
            survey=survey,
            label="Backwards",
            opens_on=today,
            closes_on=today - datetime.timedelta(days=1),
        )
    assert "closes_on" in refused.value.message_dict


@pytest.mark.parametrize("days", ["7,twelve", "30"])
def test_reminder_days_must_be_numbers_inside_the_wave(cast, survey, days):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as refused:
        wave_plan(
            actor=cast.director,
            survey=survey,
            label="Reminders",
            opens_on=today,
            closes_on=today + datetime.timedelta(days=14),
            reminder_days=days,
        )
    assert "reminder_days" in refused.value.message_dict


@override_settings(SUPPRESSION_K=7, SUPPRESSION_K_COMMENTS=12)
def test_opening_locks_the_thresholds_in_force(cast, planned_wave):
    wave = wave_open(actor=cast.director, wave=planned_wave)
    assert (wave.k, wave.k_comments, wave.status) == (7, 12, WaveStatus.OPEN)
    audit = AuditEvent.objects.get(action=AuditAction.SURVEY_WAVE_OPENED)
    assert audit.details["k"] == 7
    with override_settings(SUPPRESSION_K=9):
        wave.refresh_from_db()
        assert wave.k == 7


def test_a_wave_too_small_to_stay_anonymous_does_not_open(cast, planned_wave):
    planned_wave.sites.set([cast.org.south])  # only the other supporter works there
    with pytest.raises(ValidationError, match="at least 5 are needed"):
        wave_open(actor=cast.director, wave=planned_wave)
    planned_wave.refresh_from_db()
    assert planned_wave.status == WaveStatus.DRAFT


def test_the_worker_invites_the_audience_once_each_with_a_neutral_email(
    cast, open_wave, colleagues
):
    invited = set(open_wave.invitations.values_list("staff_member_id", flat=True))
    assert {c.pk for c in colleagues} <= invited
    assert cast.administrator.staff_member_id not in invited  # not a clinician
    assert open_wave.invited == len(invited)
    run_worker()
    assert Invitation.objects.count() == len(invited)
    messages = OutboundEmail.objects.filter(purpose="survey_invitation")
    assert messages.count() == len(invited)
    run_worker()  # the outbox
    body = mail.outbox[0].body
    assert mail.outbox[0].subject == "A short, anonymous survey"
    assert "/s/" in body and "at least 5 people" in body


def test_invitation_links_are_kept_only_as_hashes(open_wave, colleagues):
    token = token_for(open_wave, colleagues[0])
    assert not Invitation.objects.filter(token_hash=token).exists()
    assert token not in str(list(Invitation.objects.values()))


def test_reminders_go_only_to_those_who_have_not_answered(open_wave, colleagues):
    response_submit(token=token_for(open_wave, colleagues[0]), answers=CALM)
    mail.outbox.clear()
    OutboundEmail.objects.all().delete()
    reminded = wave_reminders_send(wave_id=open_wave.pk)
    assert reminded == open_wave.invited - 1
    recipients = set(
        OutboundEmail.objects.filter(purpose="survey_reminder").values_list(
            "recipient", flat=True
        )
    )
    assert colleagues[0].work_email not in recipients
    assert colleagues[1].work_email in recipients


def test_opening_schedules_invitations_reminders_and_closing(cast, planned_wave):
    wave_open(actor=cast.director, wave=planned_wave)
    kinds = set(
        BackgroundTask.objects.filter(status=DueStatus.PENDING).values_list(
            "kind", flat=True
        )
    )
    assert {"surveys.invite", "surveys.remind", "surveys.close"} <= kinds


def test_the_wave_closes_itself_after_its_last_day_and_is_summarized(open_wave, tokens):
    response_submit(token=tokens[0], answers=CALM)
    with time_machine.travel(open_wave.closes_on + datetime.timedelta(days=2)):
        run_worker()
        run_worker()
    open_wave.refresh_from_db()
    assert open_wave.status == WaveStatus.CLOSED
    assert open_wave.summary.responses == 1


def test_closing_early_moves_the_last_day_to_today(cast, open_wave):
    wave = wave_close(actor=cast.director, wave_id=open_wave.pk)
    assert wave.closes_on == timezone.localdate()
    assert wave_close(actor=cast.director, wave_id=open_wave.pk) is None


def test_an_instrument_version_in_use_never_changes(cast, survey):
    definition = builtin_instrument("alongside-pulse")
    changed = definition.__class__(
        **{**definition.__dict__, "title": "Something else entirely"}
    )
    with pytest.raises(ValidationError, match="already in use"):
        instrument_install(actor=cast.director, definition=changed)


def test_closing_coarsens_labels_that_fewer_than_k_respondents_share(
    cast, open_wave, colleagues
):
    from surveys.models import Response

    surgery = [c for c in colleagues if c.department == cast.org.surgery]
    emergency = [c for c in colleagues if c.department == cast.org.emergency]
    emergency += [cast.director.staff_member, cast.clinician.staff_member]
    emergency.append(cast.leader.staff_member)
    for person in [*emergency, surgery[0]]:
        response_submit(token=token_for(open_wave, person), answers=CALM)
    assert Response.objects.filter(department=cast.org.surgery).count() == 1
    wave_close(actor=cast.director, wave_id=open_wave.pk)
    # The one surgeon joins the unlabelled group, and four of the nine from
    # emergency medicine join it too, so that it, like theirs, holds five.
    assert not Response.objects.filter(department=cast.org.surgery).exists()
    assert Response.objects.filter(department=cast.org.emergency).count() == 5
    assert Response.objects.filter(department__isnull=True).count() == 5


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row stamps (xmin) are PostgreSQL's"
)
def test_restamping_leaves_no_transaction_shared_by_one_response_and_its_invitation(
    open_wave, tokens
):
    for token in tokens[:3]:
        response_submit(token=token, answers=CALM)

    def stamps(table: str, where: str = "") -> set[str]:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT xmin::text FROM {table} {where}")
            return {row[0] for row in cursor.fetchall()}

    answered = "WHERE answered"
    assert len(stamps("surveys_response") & stamps("surveys_invitation", answered)) == 3
    with transaction.atomic():
        open_waves_restamp()
    assert len(stamps("surveys_response")) == 1
    assert stamps("surveys_response") == stamps("surveys_invitation", answered)


def test_closing_forgets_who_was_asked_and_who_answered_and_keeps_the_counts(
    cast, open_wave, tokens
):
    invited = open_wave.invited
    for token in tokens[:4]:
        response_submit(token=token, answers=CALM)
    wave = wave_close(actor=cast.director, wave_id=open_wave.pk)
    assert not Invitation.objects.exists()
    assert (wave.invited, wave.answered) == (invited, 4)
    assert wave.responses.count() == 4
    audit = AuditEvent.objects.get(action=AuditAction.SURVEY_WAVE_CLOSED)
    assert audit.details == {"responses": 4, "invited": invited}
