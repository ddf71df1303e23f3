"""Matching the people an event names to the roster."""

from alongside.testing.cast import make_staff_member
from api.people import PersonRef, people_match
from events.models import MatchedBy


def test_matching_takes_one_query_however_many_people_and_kinds(
    cast, django_assert_num_queries
):
    people = [make_staff_member(cast.org, npi=f"{n:010d}") for n in range(30)]
    refs = [
        PersonRef(f"involved[{i}]", ((MatchedBy.EMPLOYEE_ID, p.employee_id),))
        for i, p in enumerate(people[:10])
    ]
    refs += [
        PersonRef(f"involved[{i}]", ((MatchedBy.EMAIL, p.work_email.upper()),))
        for i, p in enumerate(people[10:20], start=10)
    ]
    refs += [
        PersonRef(f"involved[{i}]", ((MatchedBy.NPI, p.npi),))
        for i, p in enumerate(people[20:], start=20)
    ]
    refs.append(PersonRef("involved[30]", ((MatchedBy.NPI, "9999999999"),)))
    with django_assert_num_queries(1):
        matches = people_match(refs)
    assert [match.staff_member for match in matches[:30]] == people
    assert [match.matched_by for match in matches[:30]] == (
        [MatchedBy.EMPLOYEE_ID] * 10 + [MatchedBy.EMAIL] * 10 + [MatchedBy.NPI] * 10
    )
    assert matches[30].staff_member is None
    assert matches[30].reason == "no active staff member with NPI 9999999999"


def test_identifiers_are_tried_in_order_until_one_matches(cast):
    person = make_staff_member(cast.org, npi="1234567893")
    ref = PersonRef(
        "recorder",
        (
            (MatchedBy.EMPLOYEE_ID, "NOT-HERE"),
            (MatchedBy.NPI, "1234567893"),
            (MatchedBy.EMAIL, person.work_email),
        ),
    )
    (match,) = people_match([ref])
    assert (match.staff_member, match.matched_by) == (person, MatchedBy.NPI)


def test_a_person_with_nothing_to_match_by_is_reported_with_the_known_problem(db):
    (match,) = people_match([PersonRef("recorder", (), problem="points elsewhere")])
    assert (match.staff_member, match.reason) == (None, "points elsewhere")


def test_the_reason_lists_what_was_tried_without_repeating_an_email(db):
    ref = PersonRef(
        "recorder",
        (
            (MatchedBy.EMPLOYEE_ID, "E404"),
            (MatchedBy.NPI, "1111111111"),
            (MatchedBy.EMAIL, "dr.private.name@hospital.test"),
        ),
    )
    (match,) = people_match([ref])
    assert match.reason == (
        "no active staff member with employee id E404, NPI 1111111111 or the work "
        "e-mail given"
    )
