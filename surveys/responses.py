"""Answering a wave with a single-use link.

One transaction stores the response and marks the invitation answered, and
nothing joins the two: the response gets a random id, the invitation's
segment labels and no time; the invitation learns only that it was used.
Nothing here writes an audit or access event, and nothing logs the answers:
a witness row at the moment of answering would be a timestamp to join on.
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import dateformat, timezone

from surveys.instruments import Instrument, instrument_from_dict
from surveys.invitations import DIMENSIONS, token_hash
from surveys.models import Answer, Comment, Invitation, Response, Wave, WaveStatus

EMAIL_ADDRESS = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
PHONE_NUMBER = re.compile(r"\+?\d[\d\s().-]{5,}\d")
COMMENT_MAX = 2000


def comment_scrub(text: str) -> str:
    """Remove e-mail addresses and telephone numbers from a comment."""
    text = EMAIL_ADDRESS.sub("[e-mail address removed]", text)
    return PHONE_NUMBER.sub("[number removed]", text).strip()


@dataclass(frozen=True)
class LinkState:
    """What a response link leads to: the form, or a page saying why not."""

    invitation: Invitation | None
    problem: str = ""

    @property
    def wave(self) -> Wave | None:
        return self.invitation.wave if self.invitation else None


def link_state(token: str) -> LinkState:
    invitation = (
        Invitation.objects.select_related("wave__survey__instrument")
        .filter(token_hash=token_hash(token))
        .first()
    )
    return LinkState(invitation, _problem(invitation))


def _problem(invitation: Invitation | None) -> str:
    if invitation is None:
        return (
            "This link is not one Alongside knows, or its survey has closed. If you "
            "copied it from an e-mail, check that it was copied whole."
        )
    wave = invitation.wave
    today = timezone.localdate()
    if invitation.answered:
        return "You have already answered this survey. Thank you."
    if wave.status != WaveStatus.OPEN or today > wave.closes_on:
        return f"This survey closed on {_day(wave.closes_on)}. Thank you all the same."
    if today < wave.opens_on:
        return f"This survey opens on {_day(wave.opens_on)}."
    return ""


def _day(day) -> str:
    return dateformat.format(day, "j F Y")


def wave_instrument(wave: Wave) -> Instrument:
    return instrument_from_dict(wave.survey.instrument.definition)


@transaction.atomic
def response_submit(*, token: str, answers: dict[str, str], comment: str = "") -> None:
    """Store one anonymous response and mark the link used. Every question is optional."""
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("wave__survey__instrument")
        .filter(token_hash=token_hash(token))
        .first()
    )
    problem = _problem(invitation)
    if problem:
        raise ValidationError(problem)
    wave = invitation.wave
    instrument = wave_instrument(wave)
    codes = answers_clean(instrument, answers)
    response = Response.objects.create(
        wave=wave, **{d: getattr(invitation, d) for d in DIMENSIONS}
    )
    Answer.objects.bulk_create(
        Answer(response=response, item=item, value=code) for item, code in codes.items()
    )
    comment = comment_scrub(comment or "")[:COMMENT_MAX]
    if comment and instrument.comment_item is not None:
        Comment.objects.create(wave=wave, text=comment)
    invitation.answered = True
    invitation.save(update_fields=["answered"])


def answers_clean(instrument: Instrument, answers: dict[str, str]) -> dict[str, int]:
    """The codes given, checked against the instrument; errors name the question."""
    errors: dict[str, str] = {}
    codes: dict[str, int] = {}
    for item in instrument.choice_items:
        raw = answers.get(item.id)
        if raw in (None, ""):
            continue
        allowed = {option.code for option in item.options}
        try:
            code = int(raw)
        except (TypeError, ValueError):
            code = None
        if code not in allowed:
            errors[item.id] = f"“{raw}” is not one of the answers to “{item.text}”."
            continue
        codes[item.id] = code
    unknown = set(answers) - {item.id for item in instrument.choice_items}
    for name in sorted(unknown):
        errors[name] = f"“{name}” is not a question of this survey."
    if errors:
        raise ValidationError(errors)
    return codes
