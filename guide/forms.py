from django import forms

from guide.models import NAME_MAX, PURPOSE_MAX, QUESTION_MAX


class StageForm(forms.Form):
    name = forms.CharField(
        label="Stage name",
        max_length=NAME_MAX,
        error_messages={
            "required": "Give the stage a name.",
            "max_length": "Keep the name to %(limit_value)d characters; "
            "this has %(show_value)d.",
        },
    )
    purpose = forms.CharField(
        label="What the supporter is doing in this stage",
        max_length=PURPOSE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=f"A sentence or two, up to {PURPOSE_MAX} characters.",
        error_messages={
            "required": "Say in a sentence or two what the supporter does here.",
            "max_length": "Keep it to %(limit_value)d characters (a sentence or "
            "two); this has %(show_value)d.",
        },
    )


class QuestionForm(forms.Form):
    text = forms.CharField(
        label="Question",
        max_length=QUESTION_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=f"One question, up to {QUESTION_MAX} characters so it fits the "
        "pocket card.",
        error_messages={
            "required": "Write the question (or remove it instead).",
            "max_length": "Keep a question to %(limit_value)d characters so it fits "
            "the pocket card; this one has %(show_value)d.",
        },
    )


class RestoreForm(forms.Form):
    confirm = forms.BooleanField(
        label="Replace the whole guide with Alongside's default, losing every "
        "change made to it",
        error_messages={
            "required": "Tick the box to confirm: restoring replaces every change."
        },
    )
