from decimal import Decimal

from alongside.testing.cast import make_staff_member
from program.selectors import program_settings
from selection import selectors, services
from selection.models import CandidateStage


def rows_by_label(rows):
    return {row.label: row for row in rows}


def test_coverage_counts_supporters_against_the_eligible_population(cast):
    for _ in range(95):
        make_staff_member(cast.org, department=cast.org.emergency)
    coverage = selectors.supporter_coverage()
    # Five physicians in the cast (director, two supporters, clinician, leader) + 95.
    assert coverage.eligible == 100
    assert coverage.supporters == 2
    assert coverage.target == 2
    physicians = rows_by_label(coverage.by_profession)["Physician"]
    assert (physicians.eligible, physicians.supporters, physicians.shortfall) == (
        100,
        2,
        0,
    )
    emergency = rows_by_label(coverage.by_department)["Emergency Medicine"]
    assert emergency.supporters == 0
    assert emergency.target == 2
    assert emergency.shortfall == 2


def test_the_target_follows_the_program_setting(cast):
    settings_row = program_settings()
    settings_row.supporters_per_100_eligible = Decimal("50")
    settings_row.save()
    coverage = selectors.supporter_coverage()
    assert coverage.target == 3  # half of five, rounded up


def test_a_department_whose_profession_has_no_supporter_elsewhere_is_a_gap(cast):
    make_staff_member(
        cast.org,
        profession=cast.org.professions["resident"],
        department=cast.org.emergency,
    )
    cross = {
        row.department: row for row in selectors.supporter_coverage().cross_department
    }
    emergency = cross["Emergency Medicine"]
    assert emergency.supporters_inside == 0
    assert emergency.supporters_elsewhere == 2
    assert emergency.professions_without_cover == ["Resident/fellow"]


def test_a_supporter_alone_in_their_profession_leaves_their_own_department_uncovered(
    cast,
):
    cross = {
        row.department: row for row in selectors.supporter_coverage().cross_department
    }
    # Surgery's physician supporter can be matched to Pediatrics' and back.
    assert cross["Surgery"].professions_without_cover == []
    assert cross["Surgery"].supporters_elsewhere == 1


def test_people_outside_the_scope_do_not_count_as_eligible(cast):
    make_staff_member(cast.org, profession=cast.org.professions["nurse"])
    labels = rows_by_label(selectors.supporter_coverage().by_profession)
    assert "Nurse" not in labels


def test_coverage_takes_a_fixed_number_of_queries(cast, django_assert_max_num_queries):
    for department in (cast.org.emergency, cast.org.surgery, cast.org.pediatrics):
        for _ in range(20):
            make_staff_member(cast.org, department=department)
    program_settings()  # created once, on first use
    # The settings, the scope in force, eligible staff and supporters, grouped.
    with django_assert_max_num_queries(4):
        selectors.supporter_coverage()


def test_the_funnel_counts_each_stage(cast, spring, nominee):
    services.nomination_make(
        nominator=cast.clinician, nomination_round=spring, nominee=nominee
    )
    services.supporter_apply(
        applicant=cast.leader,
        nomination_round=spring,
        statement="I would like to help colleagues after hard days.",
    )
    funnel = {
        step.stage: step.count for step in selectors.round_funnel(cast.director, spring)
    }
    assert funnel[CandidateStage.NOMINATED] == 1
    assert funnel[CandidateStage.APPLIED] == 1
    assert funnel[CandidateStage.SELECTED] == 0


def test_nobody_but_program_staff_sees_candidates(cast, spring, nominee):
    services.nomination_make(
        nominator=cast.clinician, nomination_round=spring, nominee=nominee
    )
    assert selectors.round_candidates(cast.administrator, spring).count() == 1
    assert selectors.round_candidates(cast.supporter, spring).count() == 0
    assert selectors.round_candidates(cast.leader, spring).count() == 0


def test_a_nominee_does_not_see_that_they_were_nominated(cast, spring):
    services.nomination_make(
        nominator=cast.director,
        nomination_round=spring,
        nominee=cast.clinician.staff_member,
    )
    assert selectors.own_candidacy(cast.clinician, spring) is None


def test_reasons_come_in_alphabetical_order_without_nominators(cast, spring, nominee):
    services.nomination_make(
        nominator=cast.clinician,
        nomination_round=spring,
        nominee=nominee,
        reason="Steady.",
    )
    services.nomination_make(
        nominator=cast.leader,
        nomination_round=spring,
        nominee=nominee,
        reason="Always listens.",
    )
    candidate = nominee.supporter_candidacies.get()
    file = selectors.candidate_file(candidate)
    assert file.reasons == ["Always listens.", "Steady."]
    assert file.nomination_count == 2


def test_the_current_round_is_the_open_one(cast, spring):
    assert selectors.nomination_round_current(cast.clinician) == spring
    services.nomination_round_close(actor=cast.director, nomination_round=spring)
    assert selectors.nomination_round_current(cast.clinician) is None
