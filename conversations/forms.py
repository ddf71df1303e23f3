from django import forms
from django.utils import timezone

from conversations.models import EncounterModality, EncounterOutcome, FollowUpWith
from resources.models import Resource
from resources.selectors import resources_for_page

HEAVINESS = [
    (1, "1 · Light"),
    (2, "2"),
    (3, "3 · It stays with me a little"),
    (4, "4"),
    (5, "5 · Very heavy"),
]


class EncounterForm(forms.Form):
    """Date, length, how, and what next. A note only where the program allows notes."""

    occurred_on = forms.DateField(
        label="When did you talk?", widget=forms.DateInput(attrs={"type": "date"})
    )
    duration_minutes = forms.IntegerField(
        label="How long, in minutes", min_value=1, max_value=600
    )
    modality = forms.ChoiceField(
        label="How", choices=EncounterModality.choices, widget=forms.RadioSelect
    )
    outcome = forms.ChoiceField(
        label="What comes next",
        choices=EncounterOutcome.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="A short note for yourself",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            "Optional. Encrypted; only you and the program director can read it, and "
            "it is deleted with the case. Nothing the person would not want written down."
        ),
    )

    def __init__(self, *args, notes_enabled: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["occurred_on"].initial = timezone.localdate()
        if not notes_enabled:
            del self.fields["note"]


class CareCheckForm(forms.Form):
    heaviness = forms.TypedChoiceField(
        label="How heavy was that conversation for you?",
        choices=HEAVINESS,
        coerce=int,
        widget=forms.RadioSelect,
    )
    wants_debrief = forms.BooleanField(
        label="I would like a debrief with the program director", required=False
    )


class FacilitatedReferralForm(forms.Form):
    resource = forms.ModelChoiceField(
        label="Where to", queryset=Resource.objects.none(), empty_label="Choose"
    )
    follow_up_with = forms.ChoiceField(
        label="Afterwards",
        choices=FollowUpWith.choices,
        widget=forms.RadioSelect,
        initial=FollowUpWith.SUPPORTER,
    )
    consent = forms.BooleanField(
        label=(
            "They agreed to this referral. Only that they are coming is passed on, "
            "nothing of what they told you."
        ),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resource"].queryset = resources_for_page()
