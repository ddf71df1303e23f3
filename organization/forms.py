from django import forms

from organization.models import Department, Profession, RosterImportMode, Site
from organization.roster_files import ROSTER_FILE_MAX_BYTES


class SiteForm(forms.ModelForm):
    class Meta:
        model = Site
        fields = ["name", "code"]
        help_texts = {"code": "The code HR's roster file uses for this site."}


class DepartmentForm(forms.ModelForm):
    class Meta:
        model = Department
        fields = ["name", "code"]
        help_texts = {"code": "The code HR's roster file uses for this department."}


class ProfessionForm(forms.ModelForm):
    class Meta:
        model = Profession
        fields = ["name", "code", "is_clinical", "sort_order"]
        labels = {
            "is_clinical": "Clinical profession",
            "sort_order": "Position in lists",
        }
        help_texts = {"code": "The code HR's roster file uses for this profession."}


class RosterSearchForm(forms.Form):
    q = forms.CharField(
        label="Find a person",
        required=False,
        max_length=100,
        help_text="Name, work e-mail or employee id.",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    inactive = forms.BooleanField(
        label="Include people no longer active", required=False
    )


class RosterImportForm(forms.Form):
    """HR's roster file and what to do when some rows have errors.

    Only the size is checked here, before the file is read into memory; the
    import service refuses any other file that cannot be a roster.
    """

    file = forms.FileField(
        label="Roster file",
        help_text=f"A .csv or .xlsx file, up to {ROSTER_FILE_MAX_BYTES // 2**20} MB.",
        error_messages={
            "required": "Choose the roster file to import.",
            "empty": "The file is empty.",
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    mode = forms.ChoiceField(
        label="If some rows have errors",
        choices=RosterImportMode.choices,
        initial=RosterImportMode.ALL_OR_NOTHING,
        widget=forms.RadioSelect,
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > ROSTER_FILE_MAX_BYTES:
            raise forms.ValidationError(
                f"The file is larger than {ROSTER_FILE_MAX_BYTES // 2**20} MB. Split "
                "it into smaller files and import them one after the other."
            )
        self.content = upload.read()
        return upload
