from django import forms

from organization.models import Department, Profession, Site
from surveys.models import Instrument


class SurveyForm(forms.Form):
    title = forms.CharField(max_length=200)
    slug = forms.SlugField(
        max_length=60,
        help_text="A short name for links and for importing earlier waves, e.g. “pulse”.",
    )
    instrument = forms.ModelChoiceField(
        queryset=Instrument.objects.all(),
        help_text="The questionnaire. Every wave of the survey asks the same questions.",
    )


class WaveForm(forms.Form):
    label = forms.CharField(max_length=60, help_text="For example “Spring 2027”.")
    opens_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    closes_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    reminder_days = forms.CharField(
        max_length=50,
        required=False,
        initial="7,12",
        help_text="Days after opening when those who have not answered are reminded.",
    )
    professions = forms.ModelMultipleChoiceField(
        queryset=Profession.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: every profession the program serves.",
    )
    departments = forms.ModelMultipleChoiceField(
        queryset=Department.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: every department.",
    )
    sites = forms.ModelMultipleChoiceField(
        queryset=Site.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: every site.",
    )


class InstrumentUploadForm(forms.Form):
    JSON = "json"
    REDCAP = "redcap"

    definition = forms.FileField(
        help_text="An Alongside definition (.json) or a REDCap data dictionary (.csv)."
    )
    kind = forms.ChoiceField(
        choices=[
            (JSON, "Alongside definition (JSON)"),
            (REDCAP, "REDCap data dictionary (CSV)"),
        ],
        widget=forms.RadioSelect,
        initial=JSON,
    )
    slug = forms.SlugField(
        max_length=60,
        required=False,
        help_text="For a REDCap dictionary: a short name.",
    )
    title = forms.CharField(
        max_length=200, required=False, help_text="For a REDCap dictionary: its title."
    )
    version = forms.CharField(
        max_length=20, required=False, help_text="For a REDCap dictionary: its version."
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == self.REDCAP:
            for name in ("slug", "title", "version"):
                if not cleaned.get(name):
                    self.add_error(name, "A REDCap dictionary needs this too.")
        return cleaned
