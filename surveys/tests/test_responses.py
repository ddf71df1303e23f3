"""Answering a wave: the answers are kept, the link is spent, and nothing joins the two."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from confidentiality.models import AccessEvent, AuditEvent
from surveys.models import Answer, Comment, Invitation, Response
from surveys.responses import comment_scrub, link_state, response_submit
from surveys.tests.conftest import CALM

pytestmark = pytest.mark.django_db


def test_an_answer_is_kept_without_a_person_and_the_link_is_spent(tokens):
    audit_before = AuditEvent.objects.count()
    response_submit(token=tokens[0], answers=CALM, comment="")
    response = Response.objects.get()
    assert dict(response.answers.values_list("item", "value")) == {
        item: int(code) for item, code in CALM.items()
    }
    assert Invitation.objects.filter(answered=True).count() == 1
    assert AuditEvent.objects.count() == audit_before
    assert not AccessEvent.objects.exists()


def test_a_link_works_once(tokens):
    response_submit(token=tokens[0], answers=CALM)
    with pytest.raises(ValidationError, match="already answered"):
        response_submit(token=tokens[0], answers=CALM)
    assert Response.objects.count() == 1


def test_every_question_is_optional(tokens):
    response_submit(token=tokens[0], answers={"stress": "5"})
    assert list(Answer.objects.values_list("item", "value")) == [("stress", 5)]


@pytest.mark.parametrize(
    "answers, item",
    [
        ({"stress": "9"}, "stress"),
        ({"stress": "lots"}, "stress"),
        ({"salary": "3"}, "salary"),
    ],
)
def test_a_wrong_answer_is_refused_naming_the_question_and_nothing_is_kept(
    tokens, answers, item
):
    with pytest.raises(ValidationError) as refused:
        response_submit(token=tokens[0], answers=answers)
    assert item in refused.value.message_dict
    assert not Response.objects.exists()
    assert not Invitation.objects.filter(answered=True).exists()


def test_an_unknown_link_is_refused(open_wave):
    assert "not one Alongside knows" in link_state("made-up-token").problem
    with pytest.raises(ValidationError):
        response_submit(token="made-up-token", answers=CALM)


def test_a_link_after_the_wave_closes_is_refused(open_wave, tokens):
    with time_machine.travel(open_wave.closes_on + datetime.timedelta(days=2)):
        assert "closed on" in link_state(tokens[0]).problem


def test_a_comment_is_scrubbed_and_kept_apart_from_the_answers(tokens):
    response_submit(
        token=tokens[0],
        answers=CALM,
        comment="Rotas are brutal. Write to dr.who@hospital.test or call 555-010-4477.",
    )
    [comment] = Comment.objects.all()
    assert comment.text == (
        "Rotas are brutal. Write to [e-mail address removed] or call [number removed]."
    )
    assert {f.name for f in Comment._meta.concrete_fields} == {"id", "wave", "text"}
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM surveys_comment")
        [stored] = cursor.fetchone()
    assert "brutal" not in stored


def test_scrubbing_leaves_ordinary_numbers_alone():
    assert comment_scrub("We had 3 codes in 12 hours") == "We had 3 codes in 12 hours"


def test_responses_are_stored_in_no_order_that_says_who_came_first(tokens):
    for token in tokens[:8]:
        response_submit(token=token, answers=CALM)
    ids = [str(pk) for pk in Response.objects.values_list("pk", flat=True)]
    assert ids == sorted(ids)  # ordered by the random id, not by arrival
    assert len({pk[:8] for pk in ids}) == 8


def test_the_wave_is_the_only_time_a_response_carries(tokens):
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=5)):
        response_submit(token=tokens[0], answers=CALM)
    kinds = {
        field.get_internal_type()
        for model in (Response, Answer, Comment)
        for field in model._meta.concrete_fields
    }
    assert not kinds & {"DateTimeField", "DateField", "TimeField"}
