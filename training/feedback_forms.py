"""The short, anonymous feedback form an attendee fills in after a session."""

from django import forms

from training.feedback import MAX_COMMENT_LENGTH


def _scale(*labels: str) -> list[tuple[int, str]]:
    return [(number, f"{number}: {label}") for number, label in enumerate(labels, 1)]


def _question(label: str, *choices: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=_scale(*choices),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose one answer."},
    )


class SessionFeedbackForm(forms.Form):
    usefulness = _question(
        "How useful was this session?",
        "Not useful",
        "A little useful",
        "Somewhat useful",
        "Useful",
        "Very useful",
    )
    felt_safe = _question(
        "Did you feel safe to speak openly?",
        "Not at all",
        "Not really",
        "Somewhat",
        "Mostly",
        "Completely",
    )
    confidence = _question(
        "How confident do you feel supporting a colleague now?",
        "Not confident",
        "A little confident",
        "Somewhat confident",
        "Confident",
        "Very confident",
    )
    comment = forms.CharField(
        label="Anything else you would like the program to know?",
        required=False,
        max_length=MAX_COMMENT_LENGTH,
        strip=True,
        help_text=f"Up to {MAX_COMMENT_LENGTH} characters. Please don't name anyone, "
        "yourself included.",
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": MAX_COMMENT_LENGTH}),
    )
