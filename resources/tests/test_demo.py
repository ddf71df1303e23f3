"""The demo hospital's directory (demo/resources.py)."""

import pytest

from demo.resources import DIRECTORY, demo_resources_ensure
from resources.models import Resource, ResourceKind
from resources.selectors import crisis_resources

pytestmark = pytest.mark.django_db


def test_the_demo_directory_has_every_kind_of_help_the_program_refers_to():
    assert demo_resources_ensure() == len(DIRECTORY)

    kinds = set(Resource.objects.values_list("kind", flat=True))
    assert kinds == set(ResourceKind.values) - {ResourceKind.OTHER}
    assert [r.name for r in crisis_resources()] == ["988 Suicide & Crisis Lifeline"]


def test_loading_again_adds_nothing_and_leaves_edits_alone():
    demo_resources_ensure()
    Resource.objects.filter(kind=ResourceKind.CHAPLAINCY).update(is_active=False)

    assert demo_resources_ensure() == 0
    assert Resource.objects.count() == len(DIRECTORY)
    assert not Resource.objects.get(kind=ResourceKind.CHAPLAINCY).is_active
