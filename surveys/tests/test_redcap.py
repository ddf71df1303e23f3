"""Importing a REDCap data dictionary as an instrument definition."""

import csv
import io
from pathlib import Path

import pytest

from surveys.instruments import InstrumentError, ItemType, Role, instrument_from_dict
from surveys.redcap import COLUMNS, instrument_from_redcap, plain_text

SAMPLE = Path(__file__).parent / "samples" / "redcap_dictionary.csv"
HEADER = [
    "Variable / Field Name",
    "Form Name",
    "Section Header",
    "Field Type",
    "Field Label",
    "Choices, Calculations, OR Slider Labels",
    "Field Note",
    "Text Validation Type OR Show Slider Number",
    "Text Validation Min",
    "Text Validation Max",
    "Identifier?",
    "Branching Logic (Show field only if...)",
    "Required Field?",
    "Custom Alignment",
    "Question Number (surveys only)",
    "Matrix Group Name",
    "Matrix Ranking?",
    "Field Annotation",
]
FIVE = "1, One | 2, Two | 3, Three | 4, Four | 5, Five"
OUTCOME_ROW = {
    "Variable / Field Name": "strain",
    "Field Type": "radio",
    "Field Label": "Placeholder strain question?",
    "Choices, Calculations, OR Slider Labels": FIVE,
    "Field Annotation": "@ALONGSIDE-OUTCOME=4,5",
}


def dictionary(
    *rows: dict[str, str],
    header: list[str] = HEADER,
    first: dict[str, str] | None = OUTCOME_ROW,
) -> str:
    """A data dictionary: ``first`` (the outcome row), then ``rows``."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, restval="", extrasaction="ignore")
    writer.writeheader()
    for row in (first, *rows) if first else rows:
        writer.writerow({"Form Name": "check"} | row)
    return out.getvalue()


def imported(text: str | bytes, **options: str):
    return instrument_from_redcap(
        text, slug="check", title="Check", version="1", **options
    )


def refused(text: str | bytes, **options: str) -> list[str]:
    with pytest.raises(InstrumentError) as caught:
        imported(text, **options)
    return caught.value.problems


def field(name: str, field_type: str, **columns: str) -> dict[str, str]:
    return {
        "Variable / Field Name": name,
        "Field Type": field_type,
        "Field Label": f"Placeholder label for {name}",
    } | {HEADER_BY_KEY[key]: value for key, value in columns.items()}


HEADER_BY_KEY = {
    "choices": "Choices, Calculations, OR Slider Labels",
    "validation": "Text Validation Type OR Show Slider Number",
    "identifier": "Identifier?",
    "annotation": "Field Annotation",
    "label": "Field Label",
    "form": "Form Name",
    "section": "Section Header",
    "branching": "Branching Logic (Show field only if...)",
}


@pytest.fixture
def sample():
    return imported(SAMPLE.read_bytes())


# The sample dictionary


def test_the_sample_dictionary_imports_its_questions_in_order(sample):
    instrument, _ = sample
    assert [item.id for item in instrument.items] == [
        "work_strain",
        "low_energy",
        "long_hours",
        "team_has_my_back",
        "night_shifts",
        "remarks",
    ]
    assert (instrument.slug, instrument.title, instrument.version) == (
        "check",
        "Check",
        "1",
    )


def test_the_sample_becomes_a_valid_definition_that_round_trips(sample):
    instrument, _ = sample
    assert instrument_from_dict(instrument.to_dict()) == instrument


def test_outcome_tags_make_outcome_items_and_outcomes_named_after_the_field(sample):
    instrument, _ = sample
    assert [(o.id, o.label, o.item, o.codes) for o in instrument.outcomes] == [
        ("work_strain", "Work strain", "work_strain", (4, 5)),
        ("low_energy", "Low energy", "low_energy", (3, 4)),
    ]
    assert [item.id for item in instrument.outcome_items] == [
        "work_strain",
        "low_energy",
    ]


def test_driver_tags_give_the_role_and_the_direction(sample):
    instrument, _ = sample
    assert [(d.id, d.higher_is_worse) for d in instrument.drivers] == [
        ("long_hours", True),
        ("team_has_my_back", False),
    ]


def test_radio_and_dropdown_choices_become_inline_options(sample):
    instrument, _ = sample
    item = instrument.item("low_energy")
    assert item.codes == (0, 1, 2, 3, 4)
    assert item.label(4) == "Always"
    assert item.scale == ""


def test_a_yesno_field_becomes_a_choice_coded_one_and_zero(sample):
    instrument, _ = sample
    item = instrument.item("night_shifts")
    assert [(o.code, o.label) for o in item.options] == [(1, "Yes"), (0, "No")]
    assert item.role == Role.OTHER


def test_the_first_notes_field_becomes_the_comment(sample):
    instrument, _ = sample
    assert instrument.comment_item.id == "remarks"
    assert instrument.comment_item.type == ItemType.TEXT


def test_html_is_stripped_from_labels_and_leading_descriptive_text_is_the_intro(
    sample,
):
    instrument, _ = sample
    assert instrument.intro == "Thank you for taking part. Your answers are anonymous."
    assert instrument.item("low_energy").text == (
        "Sample question: how often do you run out of energy before the day ends?"
    )


def test_what_cannot_be_imported_is_skipped_with_a_warning_naming_the_field(sample):
    _, warnings = sample
    assert warnings == [
        'row 5, field "long_hours": its section header was not imported '
        "(sections are not supported)",
        'row 6, field "team_has_my_back": its branching logic was not imported; '
        "the item is always shown",
        'row 8, field "strain_score": skipped: calculated fields are worked out in '
        "REDCap; Alongside scores outcomes and composites itself",
        'row 10, field "more_remarks": skipped: a survey has one open comment, and '
        'it is field "remarks" (row 9)',
        'row 11, field "shift_count": skipped: a text field with validation '
        '"integer" is not a free comment',
        'row 12, field "closing_note": skipped: descriptive text between questions '
        "is not supported (text before the first question becomes the introduction)",
    ]


def test_the_sample_reads_the_same_as_text_with_its_byte_order_mark(sample):
    text = SAMPLE.read_text(encoding="utf-8")
    assert text.startswith("\ufeff")
    assert imported(text) == sample


# Other field types


@pytest.mark.parametrize("field_type", ["file", "slider", "checkbox", "sql"])
def test_field_types_alongside_cannot_ask_are_skipped_with_a_warning(field_type):
    _, warnings = imported(dictionary(field("extra", field_type)))
    assert len(warnings) == 1
    assert warnings[0].startswith('row 3, field "extra": skipped: ')


def test_an_unheard_of_field_type_is_skipped_naming_the_type():
    _, warnings = imported(dictionary(field("extra", "hologram")))
    assert warnings == [
        'row 3, field "extra": skipped: field type "hologram" is not supported'
    ]


def test_a_truefalse_field_is_coded_one_and_zero():
    instrument, _ = imported(dictionary(field("agreed", "truefalse")))
    assert instrument.item("agreed").codes == (1, 0)


def test_a_text_field_without_validation_becomes_the_comment():
    instrument, _ = imported(dictionary(field("anything_else", "text")))
    assert instrument.comment_item.id == "anything_else"


def test_a_yesno_field_can_be_an_outcome():
    row = field("thought_of_leaving", "yesno", annotation="@ALONGSIDE-OUTCOME=1")
    instrument, _ = imported(dictionary(row))
    assert instrument.outcome_flags({"thought_of_leaving": 1}) == {
        "strain": None,
        "thought_of_leaving": True,
    }


def test_outcome_codes_may_be_quoted_or_spaced_after_their_commas():
    quoted = OUTCOME_ROW | {"Field Annotation": '@ALONGSIDE-OUTCOME="4,5"'}
    spaced = OUTCOME_ROW | {"Field Annotation": "@ALONGSIDE-OUTCOME=4, 5 @HIDDEN"}
    for row in (quoted, spaced):
        instrument, _ = imported(dictionary(first=row))
        assert instrument.outcomes[0].codes == (4, 5)


def test_other_action_tags_are_left_alone():
    row = field(
        "hours",
        "radio",
        choices=FIVE,
        annotation="@HIDECHOICE='3' @ALONGSIDE-DRIVER @READONLY",
    )
    instrument, _ = imported(dictionary(row))
    assert instrument.item("hours").role == Role.DRIVER


def test_a_dictionary_with_several_forms_can_be_narrowed_to_one():
    text = dictionary(
        field("other_form_question", "radio", choices=FIVE, form="consent")
    )
    instrument, warnings = imported(text, form="check")
    assert [item.id for item in instrument.items] == ["strain"]
    assert warnings == []


def test_importing_every_form_at_once_is_warned_about():
    text = dictionary(
        field("other_form_question", "radio", choices=FIVE, form="consent")
    )
    _, warnings = imported(text)
    assert warnings == [
        "the dictionary holds several forms (check, consent); their fields were "
        "all imported as one survey"
    ]


def test_asking_for_a_form_the_dictionary_does_not_have_is_refused():
    assert refused(dictionary(), form="wellbeing") == [
        'form "wellbeing" is not in the dictionary (it has: check)'
    ]


def test_labels_lose_tags_and_entities_but_keep_their_words():
    assert plain_text("<p>Fear&nbsp;of <b>harm</b> &amp; blame</p><br>Next") == (
        "Fear of harm & blame Next"
    )


# Bad files


def test_a_file_that_is_not_a_data_dictionary_names_every_missing_column():
    text = dictionary(header=HEADER[:4])
    problems = refused(text)
    assert problems[0] == (
        'row 1: column "Field Label" is missing; is this a REDCap data dictionary?'
    )
    assert len(problems) == len(COLUMNS) - 4


def test_column_names_are_matched_ignoring_case_and_spacing():
    header = [name.upper().replace(" ", "  ") for name in HEADER]
    out = io.StringIO()
    csv.writer(out).writerows(
        [
            header,
            ["strain", "check", "", "radio", "Q?", FIVE]
            + [""] * 11
            + ["@ALONGSIDE-OUTCOME=5"],
        ]
    )
    instrument, _ = imported(out.getvalue())
    assert instrument.outcomes[0].codes == (5,)


def test_an_identifier_field_is_refused_naming_its_row_and_field():
    row = field("work_email", "text", identifier="y", validation="email")
    assert refused(dictionary(row)) == [
        'row 3, field "work_email": it is marked as an identifier '
        '("Identifier?" = y); an anonymous survey must never collect '
        "identifiers, so remove the field"
    ]


def test_a_choice_without_a_comma_is_refused_naming_its_row_and_field():
    row = field("hours", "radio", choices="1, Few | 2 Many")
    assert refused(dictionary(row)) == [
        'row 3, field "hours": choice "2 Many" has no comma between its code and '
        'its label (write "1, Label")'
    ]


def test_a_choice_code_that_is_not_a_number_is_refused():
    row = field("hours", "radio", choices="a, Few | b, Many")
    assert refused(dictionary(row)) == [
        'row 3, field "hours": choice code "a" is not a whole number',
        'row 3, field "hours": choice code "b" is not a whole number',
    ]


def test_a_radio_field_without_choices_is_refused():
    assert refused(dictionary(field("hours", "radio"))) == [
        'row 3, field "hours": the field has no choices'
    ]


def test_an_outcome_tag_naming_a_code_the_field_does_not_offer_is_refused():
    row = field(
        "tired", "radio", choices="1, No | 2, Yes", annotation="@ALONGSIDE-OUTCOME=2,3"
    )
    assert refused(dictionary(row)) == [
        'row 3, field "tired": @ALONGSIDE-OUTCOME: code 3 is not one of the field\'s '
        "choices (1, 2)"
    ]


def test_an_outcome_tag_without_codes_is_refused():
    row = field("tired", "radio", choices=FIVE, annotation="@ALONGSIDE-OUTCOME")
    assert refused(dictionary(row)) == [
        'row 3, field "tired": @ALONGSIDE-OUTCOME needs the codes that count, '
        "e.g. @ALONGSIDE-OUTCOME=4,5"
    ]


def test_an_outcome_tag_with_a_code_that_is_not_a_number_is_refused():
    row = field("tired", "radio", choices=FIVE, annotation="@ALONGSIDE-OUTCOME=4,high")
    assert refused(dictionary(row)) == [
        'row 3, field "tired": @ALONGSIDE-OUTCOME: "high" is not a whole number'
    ]


def test_a_misspelt_alongside_tag_is_refused():
    row = field("hours", "radio", choices=FIVE, annotation="@ALONGSIDE-DRIVERS")
    assert refused(dictionary(row)) == [
        'row 3, field "hours": unknown action tag "@ALONGSIDE-DRIVERS" (known tags: '
        "@ALONGSIDE-OUTCOME, @ALONGSIDE-DRIVER, @ALONGSIDE-DRIVER-HIGHER-IS-WORSE)"
    ]


def test_a_field_cannot_be_both_an_outcome_and_a_driver():
    row = field(
        "hours",
        "radio",
        choices=FIVE,
        annotation="@ALONGSIDE-OUTCOME=5 @ALONGSIDE-DRIVER",
    )
    assert refused(dictionary(row)) == [
        'row 3, field "hours": a field cannot be both an outcome and a driver'
    ]


def test_alongside_tags_on_a_field_that_is_not_a_choice_are_refused():
    row = field("remarks", "notes", annotation="@ALONGSIDE-DRIVER")
    assert refused(dictionary(row)) == [
        'row 3, field "remarks": @ALONGSIDE tags only apply to radio, dropdown, '
        "yesno and truefalse fields"
    ]


def test_a_dictionary_without_an_outcome_tag_is_refused():
    untagged = OUTCOME_ROW | {"Field Annotation": ""}
    assert refused(dictionary(untagged, first=None)) == [
        "no field is tagged @ALONGSIDE-OUTCOME=codes: tag the item (or items) the "
        "survey's outcomes are scored from"
    ]


def test_problems_the_definition_finds_are_told_by_row_and_field():
    row = field("hours", "radio", choices="1, Few | 1, Many")
    assert refused(dictionary(row)) == [
        'row 3, field "hours": code 1 appears more than once'
    ]


def test_a_field_without_a_label_is_refused_by_row():
    row = field("hours", "radio", choices=FIVE, label="<br>")
    assert refused(dictionary(row)) == ['row 3, field "hours": text must not be empty']


def test_every_bad_row_is_reported_at_once():
    rows = [
        field("email", "text", identifier="y"),
        field("hours", "radio", choices="1 Few"),
    ]
    assert [p.split(":")[0] for p in refused(dictionary(*rows))] == [
        'row 3, field "email"',
        'row 4, field "hours"',
    ]


def test_a_row_without_a_field_name_is_refused():
    row = field("", "radio", choices=FIVE)
    assert refused(dictionary(row)) == ["row 3: the field name is missing"]


def test_an_empty_file_is_refused():
    assert refused("") == ["the file is empty"]


def test_a_header_without_fields_is_refused():
    assert refused(dictionary(first=None)) == ["the data dictionary has no fields"]


def test_a_file_that_is_not_utf8_is_refused():
    assert refused(dictionary().encode("utf-16")) == [
        "the file is not UTF-8 text (REDCap exports UTF-8)"
    ]


def test_the_slug_title_and_version_are_checked_like_any_definition():
    with pytest.raises(InstrumentError) as caught:
        instrument_from_redcap(dictionary(), slug="Bad Slug", title="", version="1")
    assert caught.value.problems == [
        'slug "Bad Slug" must be lowercase letters, digits and hyphens',
        "title must not be empty",
    ]
