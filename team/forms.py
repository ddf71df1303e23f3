from decimal import Decimal

from django import forms
from django.utils import timezone

from team.models import MAX_HOURS, MIN_HOURS, Activity, HoursEntry


class HoursEntryForm(forms.Form):
    worked_on = forms.DateField(
        label="Day", widget=forms.DateInput(attrs={"type": "date"})
    )
    hours = forms.DecimalField(
        label="Hours",
        min_value=MIN_HOURS,
        max_value=MAX_HOURS,
        max_digits=4,
        decimal_places=2,
        help_text="In quarters of an hour: 0.25 is fifteen minutes, 1.5 an hour and a half.",
        widget=forms.NumberInput(attrs={"step": "0.25"}),
        error_messages={
            "min_value": "Enter at least a quarter of an hour (0.25).",
            "max_value": "A day has 24 hours at most.",
        },
    )
    activity = forms.ChoiceField(label="Kind of work", choices=Activity.choices)
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=200,
        help_text=HoursEntry._meta.get_field("note").help_text,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["worked_on"].initial = today
        self.fields["worked_on"].widget.attrs["max"] = today.isoformat()

    def clean_hours(self):
        hours: Decimal = self.cleaned_data["hours"]
        if hours % Decimal("0.25"):
            raise forms.ValidationError(
                "Enter hours in quarters of an hour (for example 1.25 or 2.5)."
            )
        return hours
