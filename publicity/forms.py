from django import forms
from django.utils import timezone

from publicity.models import (
    AUDIENCE_MAX,
    ActivityStatus,
    Channel,
    HowTold,
    OutreachActivity,
)
from publicity.period import DEFAULT_MONTHS, PERIOD_CHOICES

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

LABELS = {
    "channel": "Channel",
    "title": "What it is",
    "held_on": "Date",
    "audience_size": "Audience reached",
    "presenter": "Presenter",
    "materials": "Materials",
    "notes": "Notes",
}
HELP = {
    "held_on": "The day it is (or was) held, or the newsletter goes out.",
    "audience_size": "How many people it reached: those present (in the room or "
    "online), or a newsletter's readers.",
    "notes": "For the program team: what worked, what to do next time.",
}


class ActivityForm(forms.ModelForm):
    """Plan an activity or log one held; on an existing one, edit everything but its status."""

    status = forms.ChoiceField(
        label="Has it happened yet?",
        choices=[
            (ActivityStatus.PLANNED, "No: plan it"),
            (ActivityStatus.DONE, "Yes: log it as held"),
        ],
        initial=ActivityStatus.PLANNED,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = OutreachActivity
        fields = [
            "channel",
            "title",
            "held_on",
            "audience_size",
            "presenter",
            "materials",
            "notes",
        ]
        labels = LABELS
        help_texts = HELP
        widgets = {
            "held_on": DATE_INPUT,
            "materials": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["status", *self.Meta.fields])
        if self.instance.pk is not None:
            del self.fields["status"]
            if self.instance.status != ActivityStatus.DONE:
                del self.fields["audience_size"]
        else:
            self.fields["audience_size"].help_text += " Only once it has been held."
            self.fields["held_on"].initial = timezone.localdate()

    def clean(self):
        cleaned = super().clean()
        if "status" in self.fields and "status" in cleaned:
            self.instance.status = cleaned["status"]
        return cleaned


class MarkDoneForm(forms.Form):
    audience_size = forms.IntegerField(
        label="Audience reached",
        min_value=1,
        max_value=AUDIENCE_MAX,
        help_text=HELP["audience_size"],
        error_messages={
            "required": "Say how many people it reached: an activity that has been "
            "held needs its audience size."
        },
    )
    held_on = forms.DateField(
        label="Held on",
        widget=DATE_INPUT,
        help_text="Change it if it was held on another day than planned.",
    )


class OnboardingToldForm(forms.Form):
    people = forms.ModelMultipleChoiceField(
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose who was told."},
    )
    how = forms.ChoiceField(
        label="How they were told",
        choices=HowTold.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Say how they were told."},
    )
    told_on = forms.DateField(label="Told on", widget=DATE_INPUT)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = people
        self.fields["told_on"].initial = timezone.localdate()


class PublicityFilterForm(forms.Form):
    months = forms.TypedChoiceField(
        label="Period",
        choices=PERIOD_CHOICES,
        coerce=int,
        initial=DEFAULT_MONTHS,
        required=False,
    )
    channel = forms.ChoiceField(
        label="Channel",
        choices=[("", "Every channel"), *Channel.choices],
        required=False,
    )

    def values(self) -> tuple[int, str]:
        """The period in months and the channel asked for; the defaults for anything else."""
        if not self.is_valid():
            return DEFAULT_MONTHS, ""
        return (
            self.cleaned_data.get("months") or DEFAULT_MONTHS,
            self.cleaned_data.get("channel") or "",
        )
