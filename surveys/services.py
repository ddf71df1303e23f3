"""Running surveys: instruments, surveys, and a wave from plan to close."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from confidentiality import policy
from confidentiality.models import AuditAction, AuditAudience
from confidentiality.services import audit_event_record
from confidentiality.suppression import current_k, current_k_comments
from surveys.instruments import Instrument as InstrumentDefinition
from surveys.instruments import builtin_instruments
from surveys.invitations import DIMENSIONS, segment_labels, wave_audience
from surveys.models import (
    Answer,
    Comment,
    Instrument,
    Invitation,
    Response,
    Survey,
    Wave,
    WaveStatus,
)
from worker.services import task_schedule

INVITE_AT = datetime.time(8, 0)


def _require_manager(actor: User | None) -> None:
    if actor is not None and not policy.may_manage_surveys(actor):
        raise PermissionDenied("Only program staff run surveys.")


@transaction.atomic
def instrument_install(
    *,
    actor: User | None,
    definition: InstrumentDefinition,
    is_builtin: bool = False,
) -> Instrument:
    """Keep a validated definition. A version already used by a survey never changes."""
    _require_manager(actor)
    data = definition.to_dict()
    existing = Instrument.objects.filter(
        slug=definition.slug, version=definition.version
    ).first()
    if existing is not None:
        if existing.definition == data:
            return existing
        if existing.surveys.exists():
            raise ValidationError(
                f"Version {definition.version} of “{definition.slug}” is already in "
                "use and cannot change: give the new definition a new version."
            )
        existing.definition = data
        existing.title = definition.title
        existing.save(update_fields=["definition", "title"])
        instrument = existing
    else:
        instrument = Instrument.objects.create(
            slug=definition.slug,
            version=definition.version,
            title=definition.title,
            definition=data,
            is_builtin=is_builtin,
        )
    audit_event_record(
        actor=actor,
        action=AuditAction.SURVEY_INSTRUMENT_LOADED,
        obj=instrument,
        audience=AuditAudience.PROGRAM,
        details={"slug": instrument.slug, "version": instrument.version},
    )
    return instrument


def builtin_instruments_install() -> list[Instrument]:
    """Alongside's own instruments, from surveys/definitions (idempotent)."""
    return [
        instrument_install(actor=None, definition=definition, is_builtin=True)
        for definition in builtin_instruments()
    ]


@transaction.atomic
def survey_create(
    *, actor: User | None, slug: str, title: str, instrument: Instrument
) -> Survey:
    _require_manager(actor)
    survey = Survey(slug=slug, title=title.strip(), instrument=instrument)
    survey.full_clean()
    survey.save()
    audit_event_record(
        actor=actor,
        action=AuditAction.SURVEY_CHANGED,
        obj=survey,
        audience=AuditAudience.PROGRAM,
        details={"change": "created", "instrument": instrument.slug},
    )
    return survey


def _reminder_days(text: str) -> list[int]:
    days = []
    for part in (text or "").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit() or int(part) < 1:
            raise ValidationError(
                {"reminder_days": f"“{part}” is not a number of days: write e.g. 7,12."}
            )
        days.append(int(part))
    return sorted(set(days))


@transaction.atomic
def wave_plan(
    *,
    actor: User | None,
    survey: Survey,
    label: str,
    opens_on: datetime.date,
    closes_on: datetime.date,
    reminder_days: str = "7,12",
    professions=(),
    departments=(),
    sites=(),
    wave: Wave | None = None,
) -> Wave:
    """Plan a wave, or change one still being prepared."""
    _require_manager(actor)
    if wave is not None and wave.status != WaveStatus.DRAFT:
        raise ValidationError("A wave that has opened cannot be changed.")
    errors = {}
    if closes_on < opens_on:
        errors["closes_on"] = "A wave closes on or after the day it opens."
    elif any(
        day >= (closes_on - opens_on).days for day in _reminder_days(reminder_days)
    ):
        errors["reminder_days"] = "Reminders must go out before the wave closes."
    if errors:
        raise ValidationError(errors)
    wave = wave or Wave(survey=survey)
    wave.label = label.strip()
    wave.opens_on = opens_on
    wave.closes_on = closes_on
    wave.reminder_days = ",".join(str(d) for d in _reminder_days(reminder_days))
    wave.full_clean(exclude=["survey"])
    wave.save()
    wave.professions.set(professions)
    wave.departments.set(departments)
    wave.sites.set(sites)
    audit_event_record(
        actor=actor,
        action=AuditAction.SURVEY_CHANGED,
        obj=wave,
        audience=AuditAudience.PROGRAM,
        details={"change": "wave planned", "label": wave.label},
    )
    return wave


@transaction.atomic
def wave_open(*, actor: User | None, wave: Wave) -> Wave:
    """Launch a wave: lock its thresholds, and let the worker invite and remind on time."""
    _require_manager(actor)
    wave = Wave.objects.select_for_update().get(pk=wave.pk)
    if wave.status != WaveStatus.DRAFT:
        raise ValidationError("This wave has already been opened.")
    if wave.closes_on < timezone.localdate():
        raise ValidationError({"closes_on": "This wave's closing day has passed."})
    k = current_k()
    audience = wave_audience(wave).count()
    if audience < k:
        raise ValidationError(
            f"This wave would ask {audience} people; at least {k} are needed for "
            "anyone's answers to stay anonymous."
        )
    wave.status = WaveStatus.OPEN
    wave.k = k
    wave.k_comments = current_k_comments()
    wave.opened_at = timezone.now()
    wave.save(update_fields=["status", "k", "k_comments", "opened_at"])
    _wave_tasks_schedule(wave)
    audit_event_record(
        actor=actor,
        action=AuditAction.SURVEY_WAVE_OPENED,
        obj=wave,
        audience=AuditAudience.PROGRAM,
        details={"audience": audience, "k": wave.k, "k_comments": wave.k_comments},
    )
    return wave


def _at(day: datetime.date, time: datetime.time = INVITE_AT) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, time))


def _wave_tasks_schedule(wave: Wave) -> None:
    invite_at = max(_at(wave.opens_on), timezone.now())
    task_schedule(
        kind="surveys.invite",
        payload={"wave_id": wave.pk},
        due_at=invite_at,
        dedupe_key=f"surveys.invite:{wave.pk}",
    )
    for days in _reminder_days(wave.reminder_days):
        task_schedule(
            kind="surveys.remind",
            payload={"wave_id": wave.pk},
            due_at=_at(wave.opens_on + datetime.timedelta(days=days)),
            dedupe_key=f"surveys.remind:{wave.pk}:{days}",
        )
    task_schedule(
        kind="surveys.close",
        payload={"wave_id": wave.pk},
        due_at=_at(wave.closes_on + datetime.timedelta(days=1), datetime.time(0, 5)),
        dedupe_key=f"surveys.close:{wave.pk}",
    )


@transaction.atomic
def wave_close(*, actor: User | None, wave_id: int) -> Wave | None:
    """Close a wave (its closing day passed, or staff close it early); then summarize it."""
    _require_manager(actor)
    wave = Wave.objects.select_for_update().filter(pk=wave_id).first()
    if wave is None or wave.status != WaveStatus.OPEN:
        return None
    wave.status = WaveStatus.CLOSED
    wave.closed_at = timezone.now()
    if actor is not None and wave.closes_on > timezone.localdate():
        wave.closes_on = max(wave.opens_on, timezone.localdate())
    wave.save(update_fields=["status", "closed_at", "closes_on"])
    responses_labels_coarsen(wave)
    wave_rows_restamp(wave)
    _invitations_delete(wave)
    wave.refresh_from_db()
    task_schedule(
        kind="surveys.summarize",
        payload={"wave_id": wave.pk},
        dedupe_key=f"surveys.summarize:{wave.pk}",
    )
    audit_event_record(
        actor=actor,
        action=AuditAction.SURVEY_WAVE_CLOSED,
        obj=wave,
        audience=AuditAudience.PROGRAM,
        details={"responses": wave.responses.count(), "invited": wave.invited},
    )
    return wave


def _invitations_delete(wave: Wave) -> None:
    """Once a wave closes, who was asked and who answered is no longer needed: keep counts."""
    invitations = Invitation.objects.filter(wave=wave)
    Wave.objects.filter(pk=wave.pk).update(
        invited=invitations.count(),
        answered=invitations.filter(answered=True).count(),
    )
    invitations.delete()


def responses_labels_coarsen(wave: Wave) -> int:
    """Coarsen the labels of responses whose combination fewer than k responses share.

    Invitations were coarsened over everyone invited; once the wave closes the
    same rule runs over those who answered, so whoever knows who answered
    cannot narrow a response down to fewer than k of them. How many changed.
    """
    rows = list(wave.responses.values("pk", *DIMENSIONS))
    coarsened = segment_labels(rows, k=wave.k or current_k())
    groups: dict[tuple, list] = {}
    for row in rows:
        labels = coarsened[row["pk"]]
        if any(row[d] != labels[d] for d in DIMENSIONS):
            groups.setdefault(tuple(labels[d] for d in DIMENSIONS), []).append(
                row["pk"]
            )
    for combination, ids in groups.items():
        Response.objects.filter(pk__in=ids).update(
            **dict(zip(DIMENSIONS, combination, strict=True))
        )
    return sum(len(ids) for ids in groups.values())


def wave_rows_restamp(wave: Wave) -> None:
    """Rewrite a wave's response and invitation rows in one transaction.

    PostgreSQL stamps every row version with the transaction that wrote it,
    and a response is written in the same transaction as its invitation's
    "answered" mark. Rewriting them all together gives every row the same
    stamp; the old versions are vacuumed away. The worker does this daily
    for open waves and once more when a wave closes.
    """
    Response.objects.filter(wave=wave).update(wave=F("wave"))
    Answer.objects.filter(response__wave=wave).update(value=F("value"))
    Comment.objects.filter(wave=wave).update(wave=F("wave"))
    Invitation.objects.filter(wave=wave, answered=True).update(answered=True)


def open_waves_restamp() -> int:
    """The worker's daily task: restamp every open wave. How many waves."""
    waves = list(Wave.objects.filter(status=WaveStatus.OPEN))
    for wave in waves:
        with transaction.atomic():
            wave_rows_restamp(wave)
    return len(waves)
