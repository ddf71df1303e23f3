"""Anonymous means unlinkable: no path in the schema leads from a response to a person."""

from collections import Counter

import pytest
from django.db.models import ForeignKey, ManyToManyField, OneToOneField
from hypothesis import given, settings
from hypothesis import strategies as st

from accounts.models import User
from organization.models import StaffMember
from surveys.invitations import segment_labels
from surveys.models import Answer, Comment, Invitation, Response
from surveys.responses import response_submit
from surveys.tests.conftest import CALM

PERSON_MODELS = {StaffMember, User, Invitation}
ANSWER_MODELS = (Response, Answer, Comment)


def forward_closure(models) -> set:
    """Every model a row of ``models`` points to, directly or through what it points to."""
    seen, waiting = set(), list(models)
    while waiting:
        current = waiting.pop()
        if current in seen:
            continue
        seen.add(current)
        waiting.extend(
            field.related_model
            for field in current._meta.get_fields()
            if isinstance(field, ForeignKey | OneToOneField | ManyToManyField)
        )
    return {model._meta.label for model in seen}


def test_no_key_leads_from_a_response_to_a_person_or_an_invitation():
    for model in ANSWER_MODELS:
        for field in model._meta.get_fields():
            if isinstance(field, ForeignKey | OneToOneField | ManyToManyField):
                assert field.related_model not in PERSON_MODELS, (model, field.name)


def test_following_every_key_from_a_response_reaches_no_person():
    assert forward_closure(ANSWER_MODELS) == {
        "surveys.Response",
        "surveys.Answer",
        "surveys.Comment",
        "surveys.Wave",
        "surveys.Survey",
        "surveys.Instrument",
        "organization.Department",
        "organization.Profession",
        "organization.Site",
    }


def test_a_response_holds_no_user_address_agent_or_time():
    names = {f.name for m in ANSWER_MODELS for f in m._meta.concrete_fields}
    for forbidden in (
        "user",
        "ip",
        "ip_address",
        "user_agent",
        "created_at",
        "submitted_at",
    ):
        assert forbidden not in names


@pytest.mark.django_db
def test_answering_leaves_nothing_that_matches_the_invitation_but_the_wave_and_labels(
    tokens,
):
    response_submit(token=tokens[0], answers=CALM)
    invitation = Invitation.objects.get(answered=True)
    response = Response.objects.get()
    shared = {f.attname for f in Invitation._meta.concrete_fields} & {
        f.attname for f in Response._meta.concrete_fields
    }
    assert shared == {
        "id",
        "wave_id",
        "department_id",
        "profession_id",
        "site_id",
        "tenure_band",
    }
    assert str(response.pk) != str(invitation.pk)


def people(*combinations):
    return [
        {
            "pk": n,
            "department_id": d,
            "profession_id": p,
            "site_id": s,
            "tenure_band": t,
        }
        for n, (d, p, s, t) in enumerate(combinations)
    ]


def sizes(labels: dict) -> Counter:
    return Counter(tuple(row.values()) for row in labels.values())


def test_labels_are_kept_whole_when_every_group_is_big_enough():
    crowd = people(*[(1, 1, 1, "1-4")] * 5, *[(2, 1, 1, "5-9")] * 5)
    labels = segment_labels(crowd, k=5)
    assert sizes(labels) == {(1, 1, 1, "1-4"): 5, (2, 1, 1, "5-9"): 5}


def test_a_label_that_would_single_someone_out_is_coarsened_away():
    crowd = people(*[(1, 1, 1, "1-4")] * 5, (1, 1, 1, "10+"), *[(1, 1, 1, "5-9")] * 4)
    labels = segment_labels(crowd, k=5)
    assert all(count >= 5 for count in sizes(labels).values())
    assert labels[0]["department_id"] == 1  # the big group keeps its labels


def test_people_who_fit_no_group_join_the_unlabelled_one_until_it_is_big_enough():
    crowd = people(*[(1, 1, 1, "1-4")] * 6, (2, 2, 2, "<1"), (3, 3, 3, "<1"))
    labels = segment_labels(crowd, k=5)
    assert all(count >= 5 for count in sizes(labels).values())


@settings(max_examples=300, deadline=None)
@given(
    k=st.integers(3, 10),
    crowd=st.lists(
        st.tuples(
            st.integers(1, 4),
            st.integers(1, 3),
            st.integers(1, 2),
            st.sampled_from(["<1", "1-4", "5-9", "10+"]),
        ),
        min_size=10,
        max_size=80,
    ),
)
def test_no_combination_of_labels_ever_describes_fewer_than_k_people(k, crowd):
    if len(crowd) < k:
        return
    labels = segment_labels(people(*crowd), k=k)
    assert min(sizes(labels).values()) >= k
    assert set(labels) == set(range(len(crowd)))
