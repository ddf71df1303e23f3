from django import forms


class ApiKeyForm(forms.Form):
    source = forms.CharField(
        label="Source system",
        max_length=100,
        help_text=(
            "The system that will send events with this key, e.g. the "
            "incident-reporting system's name. Events are recorded once per source "
            "and event id."
        ),
    )
