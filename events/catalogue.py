"""The default trigger catalogue; the director configures it from then on."""

# code, name, uses harm level, first-contact hours
DEFAULT_TRIGGERS = [
    ("serious-safety-event", "Serious safety event or patient harm", True, 24),
    ("unexpected-death", "Unexpected patient death", False, 2),
    ("first-patient-death", "A clinician's first patient death", False, 4),
    ("pediatric-event", "Pediatric event", True, 24),
    ("cluster", "A cluster of bad outcomes in one unit", False, 48),
    ("litigation", "Notice of litigation or a claim", False, 48),
    ("aggression", "Patient or visitor aggression", False, 24),
    ("colleague-death", "Death of a colleague", False, 4),
    ("other", "Another hard event", False, 48),
]


def default_triggers_load(trigger_model) -> int:
    """Put the default catalogue into an empty one; how many were added."""
    if trigger_model.objects.exists():
        return 0
    trigger_model.objects.bulk_create(
        trigger_model(
            code=code,
            name=name,
            uses_harm_level=uses_harm,
            first_contact_hours=hours,
            sort_order=position * 10,
        )
        for position, (code, name, uses_harm, hours) in enumerate(DEFAULT_TRIGGERS, 1)
    )
    return len(DEFAULT_TRIGGERS)
