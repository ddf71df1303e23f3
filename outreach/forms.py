from django import forms

from outreach.models import (
    CloseReason,
    ContactModality,
    DepartmentPreference,
    OfferState,
    OnCallWindow,
    Referral,
    SupporterGender,
    SupporterProfile,
)


class ReferralPreferencesForm(forms.ModelForm):
    """What the person would like: every answer optional, nothing about what happened."""

    supporter_gender = forms.ChoiceField(
        label="A supporter of a particular gender?",
        choices=[("", "No preference"), *SupporterGender.choices],
        required=False,
    )

    class Meta:
        model = Referral
        fields = [
            "department_preference",
            "same_profession",
            "supporter_gender",
            "modality",
            "good_times",
            "phone",
            "how_heard",
        ]
        labels = {
            "department_preference": "Who would you like to talk to?",
            "same_profession": "Someone in my own profession",
            "modality": "How would you like to talk?",
            "good_times": "When is a good time to reach you?",
            "phone": "A number to call",
            "how_heard": "How did you hear about the program?",
        }
        help_texts = {
            "good_times": "For example: weekday evenings, or after 3 pm.",
            "phone": "Otherwise your supporter writes to your work e-mail.",
            "how_heard": "It helps the program reach others.",
        }
        widgets = {
            "department_preference": forms.RadioSelect,
            "good_times": forms.TextInput,
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.fields:
            self.fields[name].required = False
        self.fields["department_preference"].initial = DepartmentPreference.ANY
        self.fields["modality"].initial = ContactModality.ANY

    def clean_phone(self):
        phone = (self.cleaned_data.get("phone") or "").strip()
        if phone and not any(ch.isdigit() for ch in phone):
            raise forms.ValidationError("Enter a phone number, or leave it empty.")
        return phone[:40]

    def clean_good_times(self):
        return (self.cleaned_data.get("good_times") or "").strip()[:200]

    def preferences(self) -> dict:
        """The answers given, with the program's defaults for any left empty."""
        preferences = {name: self.cleaned_data[name] for name in self.Meta.fields}
        # No wish expressed: the program's department rule applies, as a preference.
        preferences["department_preference"] = (
            preferences["department_preference"] or DepartmentPreference.ANY
        )
        preferences["modality"] = preferences["modality"] or ContactModality.ANY
        return preferences


class ColleagueSearchForm(forms.Form):
    q = forms.CharField(
        label="Your colleague's name",
        min_length=2,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


class ColleagueReferralForm(forms.Form):
    as_leader = forms.BooleanField(required=False, label="I am their manager or leader")
    how_heard = ReferralPreferencesForm.base_fields["how_heard"]


class PublicRequestForm(forms.Form):
    email = forms.EmailField(
        label="Your work e-mail",
        help_text="We send a link to it, so only you can make this request.",
    )


class OfferMoveForm(forms.Form):
    to_state = forms.ChoiceField(choices=OfferState.choices)
    close_reason = forms.ChoiceField(
        choices=[("", "—"), *CloseReason.choices], required=False
    )


class OfferReassignForm(forms.Form):
    supporter = forms.ModelChoiceField(queryset=None, label="Assign to")
    reason = forms.CharField(
        label="Why this supporter?",
        max_length=200,
        help_text="Recorded with the override, for the timeline.",
    )

    def __init__(self, *args, supporters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supporter"].queryset = supporters


class OfferCloseForm(forms.Form):
    close_reason = forms.ChoiceField(
        label="Why is it closing?", choices=CloseReason.choices
    )


class OnCallWindowForm(forms.ModelForm):
    class Meta:
        model = OnCallWindow
        fields = ["starts_at", "ends_at"]
        labels = {"starts_at": "On call from", "ends_at": "Until"}
        widgets = {
            "starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "ends_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
        }

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", "The window must end after it starts.")
        return cleaned


class SupporterProfileForm(forms.ModelForm):
    class Meta:
        model = SupporterProfile
        fields = ["gender"]
        labels = {"gender": "Your gender, for people who ask for it"}
