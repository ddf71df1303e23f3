"""The instrument definition format: the shipped pulse, validation, scoring."""

import copy
import json

import pytest

from surveys import instruments
from surveys.instruments import (
    DEFINITIONS_DIR,
    FORMAT,
    HighWhen,
    Instrument,
    InstrumentError,
    ItemType,
    Role,
    builtin_instrument,
    builtin_instruments,
    instrument_from_dict,
    instrument_from_json,
)

PULSE_DRIVERS = {
    "workload",
    "schedule_control",
    "valued",
    "teamwork",
    "documentation",
    "fear_of_harm",
    "home_strain",
    "meaning",
}

BASE = {
    "format": FORMAT,
    "slug": "test-pulse",
    "title": "Test pulse",
    "version": "1.0",
    "intro": "Placeholder introduction.",
    "minutes": 2,
    "scales": {
        "agree5": [
            {"code": 1, "label": "Strongly disagree"},
            {"code": 2, "label": "Disagree"},
            {"code": 3, "label": "Neutral"},
            {"code": 4, "label": "Agree"},
            {"code": 5, "label": "Strongly agree"},
        ]
    },
    "items": [
        {
            "id": "stress",
            "text": "Placeholder stress question?",
            "role": "outcome",
            "scale": "agree5",
            "higher_is_worse": True,
        },
        {
            "id": "workload",
            "text": "Placeholder workload statement.",
            "role": "driver",
            "scale": "agree5",
            "higher_is_worse": True,
        },
        {
            "id": "team",
            "text": "Placeholder teamwork statement.",
            "role": "driver",
            "options": [
                {"code": 0, "label": "No"},
                {"code": 1, "label": "Partly"},
                {"code": 2, "label": "Yes"},
            ],
        },
        {
            "id": "comment",
            "text": "Placeholder comment question?",
            "type": "text",
            "role": "comment",
            "max_length": 500,
        },
    ],
    "outcomes": [
        {"id": "high_stress", "label": "High stress", "item": "stress", "codes": [4, 5]}
    ],
    "composites": [
        {
            "id": "strain",
            "label": "Strain",
            "items": ["stress", "workload"],
            "method": "mean",
            "cutoff": 3.5,
            "high_when": "at_least",
        }
    ],
}


def definition(**changes: object) -> dict:
    """A valid definition, with top-level keys replaced by ``changes``."""
    data = copy.deepcopy(BASE)
    data.update(changes)
    return data


def with_item(item_id: str, **changes: object) -> dict:
    """A valid definition whose item ``item_id`` has ``changes`` (None removes a key)."""
    data = definition()
    item = next(item for item in data["items"] if item["id"] == item_id)
    item.update(changes)
    for key in [key for key, value in item.items() if value is None]:
        del item[key]
    return data


def with_outcome(**changes: object) -> dict:
    data = definition()
    data["outcomes"][0].update(changes)
    return data


def with_composite(**changes: object) -> dict:
    data = definition()
    data["composites"][0].update(changes)
    return data


def problems(data: object) -> list[str]:
    with pytest.raises(InstrumentError) as caught:
        instrument_from_dict(data)
    return caught.value.problems


@pytest.fixture
def pulse() -> Instrument:
    return builtin_instrument("alongside-pulse")


@pytest.fixture
def sample() -> Instrument:
    return instrument_from_dict(definition())


# The shipped pulse


def test_the_shipped_pulse_is_the_one_builtin_instrument_and_validates():
    assert [i.slug for i in builtin_instruments()] == ["alongside-pulse"]


def test_the_pulse_takes_under_three_minutes(pulse):
    assert pulse.minutes <= 3
    assert len(pulse.choice_items) <= 14


def test_the_pulse_flags_high_stress_at_the_top_two_options(pulse):
    outcome = next(o for o in pulse.outcomes if o.id == "high_stress")
    assert (outcome.item, outcome.codes) == ("stress", (4, 5))
    assert len(pulse.item("stress").options) == 5


def test_the_pulse_flags_burnout_at_the_top_three_options(pulse):
    outcome = next(o for o in pulse.outcomes if o.id == "burnout")
    assert (outcome.item, outcome.codes) == ("burnout", (3, 4, 5))
    assert len(pulse.item("burnout").options) == 5


def test_the_pulse_asks_about_the_eight_drivers_on_a_five_point_agree_scale(pulse):
    assert {item.id for item in pulse.drivers} == PULSE_DRIVERS
    assert {item.scale for item in pulse.drivers} == {"agree5"}


def test_the_pulse_orients_each_driver_in_the_direction_its_wording_runs(pulse):
    worse_when_agreed = {d.id for d in pulse.drivers if d.higher_is_worse}
    assert worse_when_agreed == {
        "workload",
        "documentation",
        "fear_of_harm",
        "home_strain",
    }


def test_the_pulse_has_a_coping_item_and_one_open_comment(pulse):
    assert pulse.item("support_known").role == Role.OTHER
    assert pulse.comment_item.id == "comment"
    assert pulse.comment_item.type == ItemType.TEXT


def test_every_choice_item_in_the_pulse_file_states_its_direction():
    data = json.loads((DEFINITIONS_DIR / "alongside-pulse.json").read_text())
    choices = [item for item in data["items"] if item.get("type") != "text"]
    assert all("higher_is_worse" in item for item in choices)


@pytest.fixture
def definitions_dir(tmp_path, monkeypatch):
    """An empty definitions folder in place of surveys/definitions/."""
    monkeypatch.setattr(instruments, "DEFINITIONS_DIR", tmp_path)
    instruments._builtin_instruments.cache_clear()
    yield tmp_path
    instruments._builtin_instruments.cache_clear()


def test_a_builtin_file_with_problems_is_refused_naming_the_file(definitions_dir):
    (definitions_dir / "test-pulse.json").write_text(json.dumps(definition(title="")))
    with pytest.raises(InstrumentError) as caught:
        builtin_instruments()
    assert caught.value.problems == ["test-pulse.json: title must not be empty"]


def test_a_builtin_file_must_be_named_after_its_slug(definitions_dir):
    (definitions_dir / "pulse.json").write_text(json.dumps(definition()))
    with pytest.raises(InstrumentError) as caught:
        builtin_instruments()
    assert caught.value.problems == [
        'pulse.json: slug "test-pulse" does not match the file name'
    ]


def test_an_unknown_builtin_slug_is_a_key_error():
    with pytest.raises(KeyError):
        builtin_instrument("no-such-survey")


# Reading and round-tripping


def test_a_valid_definition_is_read_into_frozen_dataclasses(sample):
    assert sample.slug == "test-pulse"
    assert sample.item("team").options[2].label == "Yes"
    assert sample.item("workload").scale == "agree5"
    assert sample.composites[0].high_when == HighWhen.AT_LEAST
    with pytest.raises(AttributeError):
        sample.title = "Changed"  # type: ignore[misc]


def test_to_dict_reads_back_as_the_same_instrument(sample, pulse):
    assert instrument_from_dict(sample.to_dict()) == sample
    assert instrument_from_dict(pulse.to_dict()) == pulse


def test_to_dict_is_the_definition_with_every_default_written_out(sample):
    expected = definition()
    expected["items"][0] |= {"type": "choice"}
    expected["items"][1] |= {"type": "choice"}
    expected["items"][2] |= {"type": "choice", "higher_is_worse": False}
    assert sample.to_dict() == expected
    assert json.loads(json.dumps(sample.to_dict())) == expected


def test_defaults_fill_in_what_a_definition_leaves_out():
    data = definition(composites=None, intro=None, minutes=None)
    data = {key: value for key, value in data.items() if value is not None}
    data["items"][2].pop("role")
    data["items"][3].pop("role")
    data["items"][3].pop("max_length")
    instrument = instrument_from_dict(data)
    assert instrument.composites == ()
    assert instrument.intro == ""
    assert instrument.item("team").role == Role.OTHER
    assert instrument.comment_item.role == Role.COMMENT
    assert instrument.comment_item.max_length == 1000


def test_minutes_left_out_are_estimated_from_the_items():
    data = definition()
    del data["minutes"]
    assert instrument_from_dict(data).minutes == 2


def test_the_accessors_pick_out_items_by_type_and_role(sample):
    assert [i.id for i in sample.choice_items] == ["stress", "workload", "team"]
    assert [i.id for i in sample.drivers] == ["workload", "team"]
    assert [i.id for i in sample.outcome_items] == ["stress"]
    assert sample.comment_item.id == "comment"


def test_an_instrument_without_a_text_item_has_no_comment_item():
    data = definition()
    data["items"].pop()
    assert instrument_from_dict(data).comment_item is None


def test_asking_for_an_unknown_item_is_a_key_error(sample):
    with pytest.raises(KeyError, match="nope"):
        sample.item("nope")


# JSON


def test_json_text_is_read_like_a_dict(sample):
    assert instrument_from_json(json.dumps(definition())) == sample


def test_a_json_syntax_error_gives_the_line_and_column():
    with pytest.raises(InstrumentError) as caught:
        instrument_from_json('{\n  "slug": "x",\n  "title" "oops"\n}')
    assert caught.value.problems == [
        "not valid JSON: Expecting ':' delimiter at line 3, column 11"
    ]


def test_a_key_given_twice_in_json_is_refused():
    text = json.dumps(definition())[:-1] + ', "title": "Again"}'
    with pytest.raises(InstrumentError) as caught:
        instrument_from_json(text)
    assert caught.value.problems == ['key "title" appears twice in one object']


def test_json_that_is_not_an_object_is_refused():
    with pytest.raises(InstrumentError) as caught:
        instrument_from_json("[1, 2]")
    assert caught.value.problems == ["the definition must be a JSON object"]


# Validation: the instrument


def test_every_problem_is_reported_at_once():
    data = definition(format="v2", slug="", version=2)
    data["items"][1]["scale"] = "agree7"
    assert problems(data) == [
        'format "v2" is not supported (it must be "alongside-instrument/1")',
        "slug must not be empty",
        'version must be a string (write "2", in quotes)',
        'item "workload": scale "agree7" is not defined',
    ]


def test_the_problems_are_also_the_exception_message():
    with pytest.raises(InstrumentError, match='format "v2" is not supported'):
        instrument_from_dict(definition(format="v2"))


def test_a_missing_format_is_refused():
    data = definition()
    del data["format"]
    assert problems(data) == ['format is missing (it must be "alongside-instrument/1")']


@pytest.mark.parametrize("key", ["slug", "title", "version"])
def test_a_missing_slug_title_or_version_is_refused(key):
    data = definition()
    del data[key]
    assert problems(data) == [f"{key} is missing"]


def test_a_slug_with_capitals_or_spaces_is_refused():
    assert problems(definition(slug="Test Pulse")) == [
        'slug "Test Pulse" must be lowercase letters, digits and hyphens'
    ]


def test_an_empty_title_is_refused():
    assert problems(definition(title="  ")) == ["title must not be empty"]


def test_a_version_written_as_a_number_is_refused():
    assert problems(definition(version=1.0)) == [
        'version must be a string (write "1.0", in quotes)'
    ]


def test_an_unknown_top_level_key_is_named():
    assert problems(definition(colour="blue")) == [
        'unknown key "colour" at the top level'
    ]


@pytest.mark.parametrize("minutes", [0, 61, 2.5, "3"])
def test_minutes_must_be_a_whole_number_up_to_an_hour(minutes):
    assert problems(definition(minutes=minutes)) == [
        "minutes must be a whole number from 1 to 60"
    ]


def test_an_intro_that_is_not_text_is_refused():
    assert problems(definition(intro=["a"])) == ["intro must be a string"]


# Validation: scales and options


def test_a_scale_with_a_code_given_twice_is_refused():
    data = definition()
    data["scales"]["agree5"][4]["code"] = 4
    assert problems(data) == ['scale "agree5": code 4 appears more than once']


def test_a_scale_with_a_code_that_is_not_a_whole_number_is_refused():
    data = definition()
    data["scales"]["agree5"][1]["code"] = "2"
    assert problems(data) == [
        'scale "agree5": codes must be whole numbers (option 2 has "2")'
    ]


def test_inline_options_with_a_fractional_code_name_the_item():
    data = with_item(
        "team", options=[{"code": 0.5, "label": "Half"}, {"code": 1, "label": "One"}]
    )
    assert problems(data) == [
        'item "team": codes must be whole numbers (option 1 has 0.5)'
    ]


def test_an_option_with_an_empty_label_is_refused():
    data = definition()
    data["scales"]["agree5"][2]["label"] = ""
    assert problems(data) == ['scale "agree5", option 3: label must not be empty']


def test_an_option_with_an_unknown_key_is_named():
    data = definition()
    data["scales"]["agree5"][0]["value"] = 1
    assert problems(data) == ['scale "agree5", option 1: unknown key "value"']


def test_a_scale_needs_at_least_two_options():
    data = definition()
    data["scales"]["agree5"] = [{"code": 1, "label": "Only"}]
    assert problems(data) == [
        'scale "agree5": options must be a list of at least two options'
    ]


def test_a_scale_with_a_badly_formed_name_is_refused():
    data = definition()
    data["scales"]["Agree 5"] = data["scales"]["agree5"]
    assert problems(data) == [
        'scale "Agree 5": the name must be lowercase letters, digits and '
        "underscores, starting with a letter"
    ]


# Validation: items


def test_an_item_naming_a_scale_that_is_not_defined_is_refused():
    assert problems(with_item("workload", scale="agree7")) == [
        'item "workload": scale "agree7" is not defined'
    ]


def test_items_using_a_broken_scale_are_not_blamed_for_it():
    data = definition()
    data["scales"]["agree5"][4]["code"] = 4
    assert len(problems(data)) == 1


def test_two_items_with_the_same_id_are_refused():
    data = definition()
    data["items"][2]["id"] = "workload"
    assert problems(data) == ['item "workload": another item has the same id']


def test_an_item_with_empty_text_is_refused():
    assert problems(with_item("workload", text="")) == [
        'item "workload": text must not be empty'
    ]


def test_an_item_without_an_id_is_named_by_its_position():
    assert problems(with_item("team", id=None)) == ["item 3: id is missing"]


def test_an_item_id_with_capitals_is_refused():
    assert problems(with_item("team", id="Team")) == [
        'item 3: id "Team" must be lowercase letters, digits and underscores, '
        "starting with a letter"
    ]


def test_an_unknown_item_key_is_named_with_its_item():
    assert problems(with_item("workload", colour="red")) == [
        'item "workload": unknown key "colour"'
    ]


def test_an_unknown_item_type_is_refused():
    assert problems(with_item("team", type="slider")) == [
        'item "team": type "slider" is not one of choice, text'
    ]


def test_an_unknown_role_is_refused_without_further_complaints():
    assert problems(with_item("stress", role="primary")) == [
        'item "stress": role "primary" is not one of outcome, driver, other, comment'
    ]


def test_a_choice_item_needs_a_scale_or_options():
    assert problems(with_item("workload", scale=None)) == [
        'item "workload": a choice item needs a "scale" or "options"'
    ]


def test_a_choice_item_cannot_have_both_a_scale_and_options():
    data = with_item("workload", options=BASE["items"][2]["options"])
    assert problems(data) == ['item "workload": give "scale" or "options", not both']


def test_higher_is_worse_must_be_true_or_false():
    assert problems(with_item("workload", higher_is_worse="yes")) == [
        'item "workload": higher_is_worse must be true or false'
    ]


def test_a_choice_item_cannot_be_the_comment():
    assert problems(with_item("team", role="comment")) == [
        'item "team": role "comment" is only for the text item'
    ]


def test_max_length_is_only_for_text_items():
    assert problems(with_item("team", max_length=10)) == [
        'item "team": "max_length" is only for text items'
    ]


def test_a_text_item_must_be_the_comment():
    assert problems(with_item("comment", role="other")) == [
        'item "comment": a text item must have role "comment"'
    ]


def test_a_text_item_takes_no_scale():
    assert problems(with_item("comment", scale="agree5")) == [
        'item "comment": a text item takes no "scale"'
    ]


@pytest.mark.parametrize("max_length", [0, 10_001, "500"])
def test_a_text_items_max_length_must_be_a_sensible_whole_number(max_length):
    assert problems(with_item("comment", max_length=max_length)) == [
        'item "comment": max_length must be a whole number from 1 to 10000'
    ]


def test_there_can_be_only_one_text_item():
    data = definition()
    data["items"].append(dict(data["items"][3], id="second_comment"))
    assert problems(data) == [
        'item "second_comment": there can be only one text item '
        '(item "comment" is one already)'
    ]


def test_items_must_be_a_non_empty_list():
    assert problems(definition(items=[], outcomes=[], composites=[])) == [
        "items must be a list of at least one item",
        "at least one outcome is required",
    ]


# Validation: outcomes


def test_an_outcome_naming_a_code_the_item_does_not_have_is_refused_naming_both():
    assert problems(with_outcome(codes=[5, 6])) == [
        'outcome "high_stress": code 6 is not an option of item "stress"'
    ]


def test_at_least_one_outcome_is_required():
    data = definition()
    del data["outcomes"]
    data["items"][0]["role"] = "other"
    assert problems(data) == ["at least one outcome is required"]


def test_an_outcome_naming_an_item_that_does_not_exist_is_refused():
    assert problems(with_outcome(item="stres")) == [
        'outcome "high_stress": item "stres" does not exist',
        'item "stress": it has role "outcome" but no outcome is scored from it',
    ]


def test_an_outcome_cannot_be_scored_from_the_text_item():
    assert problems(with_outcome(item="comment"))[0] == (
        'outcome "high_stress": item "comment" is a text item; outcomes are '
        "scored from choice items"
    )


def test_an_outcome_must_be_scored_from_an_outcome_item():
    data = definition()
    data["outcomes"].append(
        {"id": "overworked", "label": "Overworked", "item": "workload", "codes": [5]}
    )
    assert problems(data) == [
        'outcome "overworked": item "workload" has role "driver"; outcomes are '
        'scored from items with role "outcome"'
    ]


def test_an_outcome_item_no_outcome_is_scored_from_is_refused():
    assert problems(with_item("team", role="outcome")) == [
        'item "team": it has role "outcome" but no outcome is scored from it'
    ]


def test_outcome_codes_must_be_whole_numbers():
    assert problems(with_outcome(codes=[4.5])) == [
        'outcome "high_stress": codes must be whole numbers'
    ]


def test_outcome_codes_must_not_be_empty():
    assert problems(with_outcome(codes=[])) == [
        'outcome "high_stress": codes must be a list of at least one code'
    ]


def test_an_outcome_listing_a_code_twice_is_refused():
    assert problems(with_outcome(codes=[4, 4])) == [
        'outcome "high_stress": a code is listed more than once'
    ]


def test_an_outcome_that_every_answer_would_set_is_refused():
    assert problems(with_outcome(codes=[1, 2, 3, 4, 5])) == [
        'outcome "high_stress": the codes cover every option of item "stress", so '
        "the flag would always be true"
    ]


def test_an_outcome_without_a_label_is_refused():
    data = definition()
    del data["outcomes"][0]["label"]
    assert problems(data) == ['outcome "high_stress": label is missing']


def test_an_unknown_outcome_key_is_named():
    assert problems(with_outcome(threshold=4)) == [
        'outcome "high_stress": unknown key "threshold"'
    ]


def test_two_outcomes_with_the_same_id_are_refused():
    data = definition()
    data["outcomes"].append(dict(data["outcomes"][0], codes=[5]))
    assert problems(data) == [
        'outcome "high_stress": another outcome or composite has the same id'
    ]


def test_an_outcome_on_a_broken_item_adds_no_complaint_of_its_own():
    assert problems(with_item("stress", text="")) == [
        'item "stress": text must not be empty'
    ]


# Validation: composites


def test_a_composite_and_an_outcome_cannot_share_an_id():
    assert problems(with_composite(id="high_stress")) == [
        'composite "high_stress": another outcome or composite has the same id'
    ]


def test_a_composite_needs_at_least_two_items():
    assert problems(with_composite(items=["stress"])) == [
        'composite "strain": items must be a list of at least two item ids'
    ]


def test_a_composite_naming_an_unknown_item_is_refused():
    assert problems(with_composite(items=["stress", "nope"])) == [
        'composite "strain": item "nope" does not exist'
    ]


def test_a_composite_cannot_average_the_text_item():
    assert problems(with_composite(items=["stress", "comment"])) == [
        'composite "strain": item "comment" is a text item; composites average '
        "choice items"
    ]


def test_a_composite_listing_an_item_twice_is_refused():
    assert problems(with_composite(items=["stress", "stress"])) == [
        'composite "strain": item "stress" is listed twice'
    ]


def test_a_composite_of_items_running_in_opposite_directions_is_refused():
    assert problems(with_composite(items=["stress", "team"])) == [
        'composite "strain": its items run in opposite directions (higher_is_worse '
        "differs), so their mean would mean nothing"
    ]


def test_a_composite_method_other_than_mean_is_refused():
    assert problems(with_composite(method="sum")) == [
        'composite "strain": method "sum" is not supported (only "mean")'
    ]


def test_a_composite_needs_a_numeric_cutoff():
    assert problems(with_composite(cutoff="high")) == [
        'composite "strain": cutoff must be a number'
    ]


def test_a_composite_without_a_cutoff_is_refused():
    data = definition()
    del data["composites"][0]["cutoff"]
    assert problems(data) == ['composite "strain": cutoff is missing']


def test_a_cutoff_outside_the_items_codes_is_refused():
    assert problems(with_composite(cutoff=7)) == [
        'composite "strain": cutoff 7 is outside the codes of its items (1 to 5)'
    ]


def test_an_unknown_high_when_is_refused():
    assert problems(with_composite(high_when="above")) == [
        'composite "strain": high_when "above" is not one of at_least, at_most'
    ]


def test_an_unknown_composite_key_is_named():
    assert problems(with_composite(weight=2)) == [
        'composite "strain": unknown key "weight"'
    ]


# Scoring


def test_outcome_flags_are_true_for_the_listed_codes_and_false_otherwise(sample):
    assert sample.outcome_flags({"stress": 4}) == {"high_stress": True}
    assert sample.outcome_flags({"stress": 3}) == {"high_stress": False}


def test_an_unanswered_outcome_item_gives_no_flag(sample):
    assert sample.outcome_flags({"workload": 2}) == {"high_stress": None}
    assert sample.outcome_flags({"stress": None}) == {"high_stress": None}


def test_an_answer_the_item_does_not_offer_is_an_error(sample):
    with pytest.raises(ValueError, match='item "stress" has no option 9'):
        sample.outcome_flags({"stress": 9})


def test_a_composite_score_is_the_mean_of_its_items(sample):
    assert sample.composite_scores({"stress": 3, "workload": 4}) == {"strain": 3.5}


def test_a_composite_with_an_unanswered_item_has_no_score(sample):
    assert sample.composite_scores({"stress": 3}) == {"strain": None}
    assert sample.composite_flags({"stress": 3}) == {"strain": None}


def test_a_composite_at_least_its_cutoff_is_high(sample):
    assert sample.composite_flags({"stress": 3, "workload": 4}) == {"strain": True}
    assert sample.composite_flags({"stress": 3, "workload": 3}) == {"strain": False}


def test_an_at_most_composite_is_high_at_or_below_its_cutoff():
    instrument = instrument_from_dict(with_composite(high_when="at_most", cutoff=2))
    assert instrument.composite_flags({"stress": 1, "workload": 3}) == {"strain": True}
    assert instrument.composite_flags({"stress": 2, "workload": 3}) == {"strain": False}


def test_a_driver_where_higher_is_worse_keeps_its_code(sample):
    assert sample.driver_value("workload", 5) == 5.0
    assert sample.driver_value("stress", 1) == 1.0


def test_a_driver_where_higher_is_better_is_reversed(sample):
    assert sample.driver_value("team", 2) == 0.0
    assert sample.driver_value("team", 0) == 2.0


def test_driver_value_refuses_the_text_item_and_unknown_codes(sample):
    with pytest.raises(ValueError, match="text item"):
        sample.driver_value("comment", 1)
    with pytest.raises(ValueError, match="no option 3"):
        sample.driver_value("team", 3)
