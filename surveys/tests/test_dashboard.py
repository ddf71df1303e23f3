"""The dashboard's selectors: summaries in, suppressed figures out (surveys/dashboard/)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from confidentiality.suppression import Reason
from surveys import analytics
from surveys.dashboard import export_rows, survey_dashboard
from surveys.dashboard.figures import OTHER_LABEL
from surveys.dashboard.flags import flags_of, humanize
from surveys.dashboard.waves import summaries_updating
from surveys.instruments import builtin_instrument, instrument_from_dict
from surveys.models import Comment, Wave, WaveStatus, WaveSummary
from surveys.summary import wave_summarize
from surveys.tests.test_summary import simulated_wave
from worker.services import task_schedule

pytestmark = pytest.mark.django_db

START = datetime.date(2025, 1, 6)


def closed_wave(survey, label: str, *, weeks: int = 0, k: int = 5, **fields) -> Wave:
    opens_on = START + datetime.timedelta(weeks=weeks)
    values = {
        "opens_on": opens_on,
        "closes_on": opens_on + datetime.timedelta(days=14),
        "status": WaveStatus.CLOSED,
        "k": k,
        "k_comments": 10,
        "invited": 200,
        **fields,
    }
    return Wave.objects.create(survey=survey, label=label, **values)


def summarized(
    wave: Wave,
    *,
    responses: int,
    stress: tuple[int, int] | None = None,
    burnout: tuple[int, int] | None = None,
    segments: dict | None = None,
    by_segment: dict | None = None,
    drivers: dict | None = None,
) -> WaveSummary:
    """A summary by hand: overall [answered, flagged] per outcome, and optional segments.

    ``segments`` is {dimension: {segment: n}}; ``by_segment`` is
    {outcome: {dimension: {segment: [answered, flagged]}}}.
    """
    outcomes: dict = {}
    for flag, overall in (("high_stress", stress), ("burnout", burnout)):
        outcomes[flag] = {"all": {"": list(overall or (responses, 0))}}
        outcomes[flag].update((by_segment or {}).get(flag, {}))
    return WaveSummary.objects.create(
        wave=wave,
        computed_at=timezone.now(),
        responses=responses,
        segments={"all": {"": responses}, **(segments or {})},
        counts={},
        outcomes=outcomes,
        drivers=drivers or {},
    )


def trend(dashboard, flag_id: str):
    return next(t for t in dashboard.trends if t.flag.id == flag_id)


def row(heat_map, label: str):
    return next(r for r in heat_map.rows if r.label == label)


def rates(heat_row) -> dict[str, object]:
    return {cell.flag.id: cell.rate for cell in heat_row.cells}


# --- Trend ------------------------------------------------------------------------------------


def test_the_trend_gives_each_wave_s_prevalence_with_its_wilson_interval(survey):
    summarized(closed_wave(survey, "Winter"), responses=120, stress=(118, 37))
    summarized(closed_wave(survey, "Spring", weeks=13), responses=90, stress=(90, 21))
    dashboard = survey_dashboard(survey)
    points = trend(dashboard, "high_stress").points
    assert [p.wave.label for p in points] == ["Winter", "Spring"]
    for point, (flagged, answered) in zip(points, [(37, 118), (21, 90)], strict=True):
        estimate = analytics.proportion(flagged, answered)
        assert point.rate.value == round(Decimal(100 * flagged) / answered, 1)
        assert point.low.value == round(Decimal(str(100 * estimate.low)), 1)
        assert point.high.value == round(Decimal(str(100 * estimate.high)), 1)


def test_a_clear_rise_is_marked_as_a_reliable_increase(survey):
    summarized(
        closed_wave(survey, "Winter"),
        responses=100,
        stress=(100, 20),
        burnout=(100, 30),
    )
    summarized(
        closed_wave(survey, "Spring", weeks=13),
        responses=100,
        stress=(100, 50),
        burnout=(100, 31),
    )
    dashboard = survey_dashboard(survey)
    stress = trend(dashboard, "high_stress").points[1].change
    assert stress.label == "reliable increase"
    assert stress.direction == "up"
    assert stress.since == "Winter"
    assert stress.difference.value == Decimal("30.0")
    expected = analytics.newcombe_difference(20, 100, 50, 100, confidence=0.95)
    assert stress.low.value == round(Decimal(str(100 * expected.low)), 1)
    assert trend(dashboard, "burnout").points[1].change.label == "no reliable change"


def test_the_false_discovery_control_spans_every_change_on_the_page(survey):
    summarized(
        closed_wave(survey, "Winter"),
        responses=100,
        stress=(100, 20),
        burnout=(100, 30),
    )
    summarized(
        closed_wave(survey, "Spring", weeks=13),
        responses=100,
        stress=(100, 21),
        burnout=(100, 45),
    )
    burnout = trend(survey_dashboard(survey), "burnout").points[1].change
    # Burnout's rise would count as reliable were it the only comparison made ...
    assert analytics.wave_changes([(30, 100, 45, 100)])[0].reliable
    # ... but the page makes two, and the correction spans both.
    assert burnout.label == "no reliable change"
    assert burnout.difference.value == Decimal("15.0")


def test_a_clear_fall_is_marked_as_a_reliable_decrease(survey):
    summarized(closed_wave(survey, "Winter"), responses=200, stress=(200, 90))
    summarized(closed_wave(survey, "Spring", weeks=13), responses=200, stress=(200, 40))
    change = trend(survey_dashboard(survey), "high_stress").points[1].change
    assert change.label == "reliable decrease"
    assert change.difference.value == Decimal("-25.0")
    assert change.high.value < 0


def test_a_hidden_prevalence_has_no_interval_and_no_change_either_side(survey):
    summarized(closed_wave(survey, "Winter"), responses=60, stress=(60, 20))
    summarized(closed_wave(survey, "Spring", weeks=13), responses=60, stress=(60, 3))
    summarized(closed_wave(survey, "Summer", weeks=26), responses=60, stress=(60, 25))
    points = trend(survey_dashboard(survey), "high_stress").points
    assert points[1].rate.suppressed
    assert points[1].low.suppressed and points[1].high.suppressed
    assert points[1].change is None
    assert points[2].change is None
    chart = trend(survey_dashboard(survey), "high_stress").chart
    assert len(chart.gaps) == 1
    assert len(chart.markers) == 2


def test_everyone_but_a_few_flagged_hides_the_rate_too(survey):
    summarized(closed_wave(survey, "Winter"), responses=40, stress=(40, 37))
    [point] = trend(survey_dashboard(survey), "high_stress").points
    assert point.rate.suppressed


def test_only_closed_waves_with_locked_thresholds_and_a_summary_are_shown(survey):
    shown = closed_wave(survey, "Winter")
    summarized(shown, responses=50, stress=(50, 10))
    waiting = closed_wave(survey, "Spring", weeks=13)
    still_open = closed_wave(
        survey, "Summer", weeks=26, status=WaveStatus.OPEN
    )  # a summary made too early is never shown
    summarized(still_open, responses=50, stress=(50, 10))
    dashboard = survey_dashboard(survey)
    assert [wave.label for wave in dashboard.waves] == ["Winter"]
    assert [wave.label for wave in dashboard.waiting] == ["Spring"]
    assert waiting.pk in dashboard.wave_ids


def test_response_counts_are_suppressed_with_the_wave_s_k(survey):
    summarized(closed_wave(survey, "Tiny", k=7, invited=40), responses=6)
    summarized(closed_wave(survey, "Full", weeks=13, invited=40), responses=30)
    tiny, full = survey_dashboard(survey).waves
    assert tiny.responses.suppressed and tiny.response_rate.suppressed
    assert tiny.invited.value == 40
    assert full.responses.value == 30
    assert full.response_rate.value == Decimal("75.0")


def test_an_imported_wave_without_an_invited_count_has_no_rate(survey):
    summarized(closed_wave(survey, "2023", invited=0, imported=True), responses=80)
    [wave] = survey_dashboard(survey).waves
    assert wave.invited is None
    assert wave.response_rate is None
    assert wave.responses.value == 80


def test_outcomes_and_composites_are_described_in_plain_words():
    definition = builtin_instrument("alongside-pulse").to_dict()
    definition["composites"] = [
        {
            "id": "strain",
            "label": "Strain",
            "items": ["workload", "documentation"],
            "cutoff": 4,
        }
    ]
    stress, burnout, strain = flags_of(instrument_from_dict(definition))
    assert stress.description.startswith("Answered “A lot” or “More than I can cope")
    assert (burnout.id, strain.id) == ("burnout", "strain")
    assert strain.description == "An average of at least 4 over Workload, Documentation"
    assert humanize("fear_of_harm") == "Fear of harm"


# --- Heat map ---------------------------------------------------------------------------------


def test_a_segment_of_three_is_hidden_with_its_complementary_partner(cast, survey):
    org = cast.org
    ed, surgery, peds = (
        str(d.pk) for d in (org.emergency, org.surgery, org.pediatrics)
    )
    summarized(
        closed_wave(survey, "Winter"),
        responses=61,
        stress=(61, 22),
        segments={"department": {ed: 30, surgery: 20, peds: 3, "": 8}},
        by_segment={
            "high_stress": {
                "department": {
                    ed: [30, 10],
                    surgery: [20, 7],
                    peds: [3, 1],
                    "": [8, 4],
                }
            }
        },
    )
    heat_map = survey_dashboard(survey, dimension="department").heat_map
    assert [r.label for r in heat_map.rows] == [
        "Emergency Medicine",
        "Pediatrics",
        "Surgery",
        OTHER_LABEL,
    ]
    assert row(heat_map, "Pediatrics").responses.reason == Reason.SMALL
    # 8 is safe alone, but 61 - 30 - 20 would give Pediatrics' 3 away.
    assert row(heat_map, OTHER_LABEL).responses.reason == Reason.COMPLEMENTARY
    assert row(heat_map, "Emergency Medicine").responses.value == 30
    assert rates(row(heat_map, "Pediatrics"))["high_stress"].suppressed
    assert rates(row(heat_map, OTHER_LABEL))["high_stress"].suppressed
    assert rates(row(heat_map, "Emergency Medicine"))["high_stress"].value == Decimal(
        "33.3"
    )
    assert rates(row(heat_map, "Surgery"))["high_stress"].value == Decimal("35.0")
    assert heat_map.total.responses.value == 61


def test_a_rate_is_hidden_when_fewer_than_k_are_flagged_or_not_flagged(cast, survey):
    org = cast.org
    ed, surgery, peds = (
        str(d.pk) for d in (org.emergency, org.surgery, org.pediatrics)
    )
    summarized(
        closed_wave(survey, "Winter"),
        responses=140,
        stress=(140, 70),
        segments={"department": {ed: 30, surgery: 30, peds: 60, "": 20}},
        by_segment={
            "high_stress": {
                "department": {
                    ed: [30, 3],
                    surgery: [30, 27],
                    peds: [60, 30],
                    "": [20, 10],
                }
            }
        },
    )
    heat_map = survey_dashboard(survey, dimension="department").heat_map
    stress = {r.label: rates(r)["high_stress"] for r in heat_map.rows}
    assert stress["Emergency Medicine"].suppressed  # 3 flagged
    assert stress["Surgery"].suppressed  # 3 not flagged
    assert stress["Pediatrics"].value == Decimal("50.0")
    # The smallest others go too, so neither 3 can be worked out from the totals.
    assert stress[OTHER_LABEL].suppressed
    # Every group is large enough to count.
    assert all(not r.responses.suppressed for r in heat_map.rows)


def test_a_lone_small_flagged_count_takes_a_partner_with_it(cast, survey):
    org = cast.org
    ed, surgery, peds = (
        str(d.pk) for d in (org.emergency, org.surgery, org.pediatrics)
    )
    summarized(
        closed_wave(survey, "Winter"),
        responses=120,
        stress=(120, 33),
        segments={"department": {ed: 40, surgery: 40, peds: 40}},
        by_segment={
            "high_stress": {
                "department": {ed: [40, 2], surgery: [40, 11], peds: [40, 20]}
            }
        },
    )
    heat_map = survey_dashboard(survey, dimension="department").heat_map
    stress = {r.label: rates(r)["high_stress"] for r in heat_map.rows}
    # Emergency's 2 is small; Surgery's 11 is hidden so 33 - 20 cannot give it back.
    assert stress["Emergency Medicine"].suppressed
    assert stress["Surgery"].suppressed
    assert stress["Pediatrics"].value == Decimal("50.0")


def test_the_heat_map_uses_the_wave_s_locked_k_not_the_settings(cast, survey, settings):
    settings.SUPPRESSION_K = 3
    org = cast.org
    ed, surgery = str(org.emergency.pk), str(org.surgery.pk)
    summarized(
        closed_wave(survey, "Winter", k=8),
        responses=46,
        stress=(46, 20),
        segments={"department": {ed: 6, surgery: 40}},
        by_segment={"high_stress": {"department": {ed: [6, 3], surgery: [40, 17]}}},
    )
    heat_map = survey_dashboard(survey, dimension="department").heat_map
    assert row(heat_map, "Emergency Medicine").responses.suppressed
    assert row(heat_map, "Surgery").responses.suppressed  # its partner


def test_tenure_bands_keep_their_order_and_an_unknown_dimension_falls_back(survey):
    summarized(
        closed_wave(survey, "Winter"),
        responses=60,
        stress=(60, 20),
        segments={"tenure": {"10+": 20, "<1": 20, "1-4": 20}},
    )
    heat_map = survey_dashboard(survey, dimension="tenure").heat_map
    assert [r.label for r in heat_map.rows] == [
        "Less than a year",
        "1 to 4 years",
        "10 years or more",
    ]
    assert survey_dashboard(survey, dimension="salary").dimension == "department"


def test_the_heat_map_can_show_an_earlier_wave(cast, survey):
    site = str(cast.org.north.pk)
    winter = closed_wave(survey, "Winter")
    summarized(winter, responses=30, segments={"site": {site: 30}})
    summarized(
        closed_wave(survey, "Spring", weeks=13),
        responses=40,
        segments={"site": {site: 40}},
    )
    assert survey_dashboard(survey, dimension="site").heat_map.wave.label == "Spring"
    earlier = survey_dashboard(survey, dimension="site", wave_id=winter.pk).heat_map
    assert earlier.wave.label == "Winter"
    assert row(earlier, "North Hospital").responses.value == 30
    unknown = survey_dashboard(survey, dimension="site", wave_id=99999).heat_map
    assert unknown.wave.label == "Spring"


# --- Drivers ----------------------------------------------------------------------------------


def test_drivers_come_from_the_latest_adequate_wave_and_say_why_a_later_one_is_not(
    survey,
):
    big = closed_wave(survey, "Winter", invited=800)
    simulated_wave(big, 600)
    analysis = wave_summarize(wave_id=big.pk).drivers["high_stress"]
    small = closed_wave(survey, "Spring", weeks=13)
    summarized(
        small,
        responses=40,
        stress=(40, 12),
        drivers={
            "high_stress": {
                "n": 40,
                "adequate": False,
                "reason": "Driver analysis needs at least 100 responses; this wave has 40.",
                "odds_ratios": [],
                "weights": [],
                "r_squared": None,
            }
        },
    )
    section = next(
        s for s in survey_dashboard(survey).drivers if s.flag.id == "high_stress"
    )
    assert section.wave.label == "Winter"
    assert section.latest.label == "Spring"
    assert "this wave has 40" in section.latest_reason
    assert section.n.value == 600
    percents = [w.percent.value for w in section.weights]
    assert percents == sorted(percents, reverse=True)
    assert {w.item for w in section.weights[:2]} == {"workload", "fear_of_harm"}
    stored = {w["item"]: w for w in analysis["weights"]}
    top = section.weights[0]
    assert top.percent.value == round(Decimal(str(stored[top.item]["percent"])), 1)
    assert top.label in {"Workload", "Fear of harm"}
    assert top.text.startswith(("My workload", "I worry"))
    assert top.low.value <= top.percent.value <= top.high.value
    ratios = {r.item: r for r in section.odds_ratios}
    assert ratios["workload"].reading == "worse answers, more high stress"
    assert ratios["workload"].value.value == round(
        Decimal(
            str(
                next(
                    r["value"]
                    for r in analysis["odds_ratios"]
                    if r["item"] == "workload"
                )
            )
        ),
        2,
    )
    assert section.chart is not None and len(section.chart.bars) == 8


def test_without_an_adequate_wave_the_drivers_say_why(survey, open_wave, tokens):
    summarized(
        closed_wave(survey, "Winter"),
        responses=40,
        drivers={
            "high_stress": {
                "n": 40,
                "adequate": False,
                "reason": "Driver analysis needs at least 100 responses; this wave has 40.",
            }
        },
    )
    sections = {s.flag.id: s for s in survey_dashboard(survey).drivers}
    assert not sections["high_stress"].adequate
    assert "at least 100 responses" in sections["high_stress"].reason
    assert sections["burnout"].reason  # no analysis stored: still says something


# --- Comments ---------------------------------------------------------------------------------


def test_comments_wait_for_the_wave_s_comment_threshold(survey):
    wave = closed_wave(survey, "Winter")
    summarized(wave, responses=9)
    Comment.objects.create(wave=wave, text="Too few of us to say this safely.")
    comments = survey_dashboard(survey).comments
    assert comments.visible is False
    assert comments.needed == 10
    assert comments.texts == ()


def test_comments_are_shown_in_a_stable_order_and_scrubbed_again(survey):
    wave = closed_wave(survey, "Winter")
    summarized(wave, responses=10)
    # Written straight to the table, as an older version might have left it.
    Comment.objects.create(wave=wave, text="Call me on 0412 345 678 or a@b.org")
    Comment.objects.create(wave=wave, text="More staff on nights, please.")
    first = survey_dashboard(survey).comments
    assert first.visible
    assert first.texts == survey_dashboard(survey).comments.texts
    assert "More staff on nights, please." in first.texts
    scrubbed = next(text for text in first.texts if text.startswith("Call me"))
    assert "0412" not in scrubbed and "a@b.org" not in scrubbed
    assert "[number removed]" in scrubbed


def test_the_latest_wave_s_comments_only(survey):
    old = closed_wave(survey, "Winter")
    summarized(old, responses=50)
    Comment.objects.create(wave=old, text="An old comment.")
    summarized(closed_wave(survey, "Spring", weeks=13), responses=50)
    assert survey_dashboard(survey).comments.texts == ()


# --- Updating, and the export ----------------------------------------------------------------


def test_figures_are_updating_while_a_summarize_task_waits(survey):
    wave = closed_wave(survey, "Winter")
    assert summaries_updating([wave.pk]) is False
    task_schedule(
        kind="surveys.summarize",
        payload={"wave_id": wave.pk},
        dedupe_key=f"surveys.summarize:{wave.pk}",
    )
    assert summaries_updating([wave.pk]) is True
    assert summaries_updating([]) is False


def test_the_export_leaves_every_hidden_figure_blank_and_marked(cast, survey):
    ed, surgery = str(cast.org.emergency.pk), str(cast.org.surgery.pk)
    summarized(
        closed_wave(survey, "Winter"),
        responses=43,
        stress=(43, 14),
        segments={"department": {ed: 40, surgery: 3}},
        by_segment={"high_stress": {"department": {ed: [40, 13], surgery: [3, 1]}}},
    )
    rows = list(export_rows(survey_dashboard(survey)))
    header, body = rows[0], rows[1:]
    assert header[-1] == "suppressed"
    hidden = [r for r in body if r[-1] == "suppressed"]
    assert hidden and all(r[5] == r[6] == r[7] == "" for r in hidden)
    segment_rows = [r for r in body if r[0] == "segments" and r[4] == "Responses"]
    by_segment = {r[3]: r for r in segment_rows}
    assert by_segment["Surgery"][5] == "" and by_segment["Emergency Medicine"][5] == ""
    stress = next(r for r in body if r[0] == "trend" and r[4] == "High stress (%)")
    assert stress[1:3] == ("Winter", "All respondents")
    assert (stress[5], stress[-1]) == ("32.6", "")
