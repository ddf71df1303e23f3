"""The director's view of supporters: load, heaviness, debriefs, cases past the norm."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role
from alongside.testing.cast import make_staff_member
from conversations import selectors, services
from conversations.tests.conftest import an_offer


def test_supporter_load_counts_open_cases_conversations_and_heaviness(cast, log):
    first, second = log(), log()
    for encounter, heaviness in ((first, 2), (second, 5)):
        services.care_check_answer(
            actor=cast.supporter,
            encounter=encounter,
            heaviness=heaviness,
            wants_debrief=heaviness == 5,
        )
    an_offer(cast, supporter=cast.supporter.staff_member)
    load = {row.supporter: row for row in selectors.supporter_load(cast.director)}
    mine = load[cast.supporter.staff_member]
    assert (mine.open_cases, mine.conversations, mine.heaviness) == (2, 2, 3.5)
    assert mine.wants_debrief
    other = load[cast.other_supporter.staff_member]
    assert (other.open_cases, other.conversations, other.heaviness) == (0, 0, None)


def test_supporter_load_is_the_directors_alone(cast):
    assert selectors.supporter_load(cast.administrator) == []
    assert not selectors.cases_over_the_cap(cast.administrator).exists()


def test_supporter_load_takes_one_query_however_many_supporters(cast, log):
    log()

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            selectors.supporter_load(cast.director)
        return len(captured)

    queries()  # the director's roles, read once
    before = queries()
    for _ in range(15):
        make_staff_member(cast.org).role_assignments.create(
            role=Role.PEER_SUPPORTER, starts_on=timezone.localdate()
        )
    assert queries() == before == 1


def test_cases_past_the_norm_are_listed_for_the_director(cast, log, offer):
    log(), log()
    assert not selectors.cases_over_the_cap(cast.director).exists()
    log()
    [case] = selectors.cases_over_the_cap(cast.director)
    assert (case, case.conversations) == (offer, 3)


def test_a_supporter_sees_only_their_own_conversations(cast, log, offer):
    log()
    assert selectors.encounters_for_offer(cast.supporter, offer).count() == 1
    assert selectors.encounters_for_offer(cast.other_supporter, offer).count() == 0
    assert selectors.encounters_for_offer(cast.administrator, offer).count() == 1
