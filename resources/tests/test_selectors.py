"""What the resources page and the safety-concern screen show."""

import pytest

from resources.selectors import (
    crisis_resources,
    resources_for_management,
    resources_for_page,
)
from resources.tests.conftest import make_resource

pytestmark = pytest.mark.django_db


def test_the_page_lists_active_resources_crisis_lines_first_then_in_order():
    make_resource(name="Chaplaincy", kind="chaplaincy", sort_order=50)
    make_resource(name="EAP", sort_order=10)
    make_resource(name="988", kind="crisis_line", is_crisis=True, sort_order=90)
    make_resource(name="Old EAP", sort_order=1, is_active=False)
    make_resource(name="Counselling", kind="counselling", sort_order=50)

    assert [r.name for r in resources_for_page()] == [
        "988",
        "EAP",
        "Chaplaincy",
        "Counselling",
    ]


def test_crisis_resources_are_the_active_crisis_ones_only():
    make_resource(name="988", kind="crisis_line", is_crisis=True, sort_order=2)
    make_resource(name="Text line", kind="crisis_line", is_crisis=True, sort_order=1)
    make_resource(name="Old crisis line", is_crisis=True, is_active=False)
    make_resource(name="EAP")

    assert [r.name for r in crisis_resources()] == ["Text line", "988"]


def test_program_staff_see_retired_resources_after_the_active_ones():
    make_resource(name="Old EAP", sort_order=1, is_active=False)
    make_resource(name="EAP", sort_order=10)

    assert [r.name for r in resources_for_management()] == ["EAP", "Old EAP"]
