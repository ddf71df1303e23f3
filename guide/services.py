"""The director's changes to the conversation guide, each in one transaction and audited.

Questions are numbered 1, 2, 3… within their stage after every change, so
their order is always the order the director sees. Edits to one stage are
serialised by locking its row.
"""

from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.models import User
from confidentiality import policy
from confidentiality.models import AuditAction, AuditAudience
from confidentiality.services import audit_event_record
from guide.defaults import default_guide_load
from guide.models import NAME_MAX, PURPOSE_MAX, QUESTION_MAX, Question, Stage

QUESTIONS_PER_STAGE_MAX = 6  # what still fits a stage on the pocket card


def _require_editor(actor: User) -> None:
    if not policy.may_edit_guide(actor):
        raise PermissionDenied(
            "Only the program director edits the conversation guide."
        )


def _audit(actor: User, obj, **details) -> None:
    audit_event_record(
        actor=actor,
        action=AuditAction.GUIDE_CHANGED,
        obj=obj,
        audience=AuditAudience.PROGRAM,
        details=details,
    )


def _locked(stage: Stage) -> Stage:
    return Stage.objects.select_for_update().get(pk=stage.pk)


def _question_text_checked(text: str) -> str:
    text = " ".join(text.split())
    if not text:
        raise ValidationError({"text": "Write the question (or remove it instead)."})
    if len(text) > QUESTION_MAX:
        raise ValidationError(
            {
                "text": f"Keep a question to {QUESTION_MAX} characters so it fits "
                f"the pocket card; this one has {len(text)}."
            }
        )
    return text


def _renumber(questions: list[Question]) -> None:
    for number, question in enumerate(questions, 1):
        question.position = number
    Question.objects.bulk_update(questions, ["position"])


@transaction.atomic
def stage_change(*, actor: User, stage: Stage, name: str, purpose: str) -> Stage:
    """Rename a stage or rewrite what the supporter does in it."""
    _require_editor(actor)
    stage = _locked(stage)
    name, purpose = " ".join(name.split()), " ".join(purpose.split())
    errors = {}
    if not name:
        errors["name"] = "Give the stage a name."
    elif len(name) > NAME_MAX:
        errors["name"] = f"Keep the name to {NAME_MAX} characters."
    elif Stage.objects.exclude(pk=stage.pk).filter(name__iexact=name).exists():
        errors["name"] = f"Another stage is already called “{name}”."
    if not purpose:
        errors["purpose"] = "Say in a sentence or two what the supporter does here."
    elif len(purpose) > PURPOSE_MAX:
        errors["purpose"] = (
            f"Keep it to {PURPOSE_MAX} characters (a sentence or two); "
            f"this has {len(purpose)}."
        )
    if errors:
        raise ValidationError(errors)
    before = stage.name
    stage.name, stage.purpose = name, purpose
    stage.full_clean()
    stage.save()
    _audit(actor, stage, change="stage changed", stage=stage.name, was=before)
    return stage


@transaction.atomic
def question_add(*, actor: User, stage: Stage, text: str) -> Question:
    """A new question at the end of a stage."""
    _require_editor(actor)
    stage = _locked(stage)
    text = _question_text_checked(text)
    questions = list(stage.questions.all())
    if len(questions) >= QUESTIONS_PER_STAGE_MAX:
        raise ValidationError(
            {
                "text": f"A stage holds at most {QUESTIONS_PER_STAGE_MAX} questions "
                "on the pocket card: remove one first."
            }
        )
    question = Question(stage=stage, position=len(questions) + 1, text=text)
    question.full_clean()
    question.save()
    _audit(actor, question, change="question added", stage=stage.name, text=text)
    return question


@transaction.atomic
def question_change(*, actor: User, question: Question, text: str) -> Question:
    _require_editor(actor)
    _locked(question.stage)
    text = _question_text_checked(text)
    before = question.text
    question.text = text
    question.full_clean()
    question.save(update_fields=["text"])
    _audit(
        actor,
        question,
        change="question changed",
        stage=question.stage.name,
        text=text,
        was=before,
    )
    return question


@transaction.atomic
def question_remove(*, actor: User, question: Question) -> None:
    _require_editor(actor)
    stage = _locked(question.stage)
    _audit(
        actor, question, change="question removed", stage=stage.name, was=question.text
    )
    question.delete()
    _renumber(list(stage.questions.all()))


@transaction.atomic
def question_move(
    *, actor: User, question: Question, direction: Literal["up", "down"]
) -> Question:
    """Swap a question with the one before or after it; at either end, nothing moves."""
    _require_editor(actor)
    if direction not in ("up", "down"):
        raise ValidationError("A question moves up or down.")
    stage = _locked(question.stage)
    questions = list(stage.questions.all())
    index = next((i for i, q in enumerate(questions) if q.pk == question.pk), None)
    if index is None:
        raise ValidationError("That question has just been removed.")
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(questions):
        return question
    questions[index], questions[other] = questions[other], questions[index]
    _renumber(questions)
    question.position = other + 1
    _audit(
        actor,
        question,
        change=f"question moved {direction}",
        stage=stage.name,
        position=question.position,
    )
    return question


@transaction.atomic
def guide_default_restore(*, actor: User) -> int:
    """Replace the whole guide with Alongside's default; how many stages it has."""
    _require_editor(actor)
    list(Stage.objects.select_for_update())
    Stage.objects.all().delete()  # questions go with their stages
    count = default_guide_load(Stage, Question)
    _audit(actor, None, change="default restored")
    return count
