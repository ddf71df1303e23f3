from django import forms

from organization.models import Department, Profession, Site


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
