from django import forms

from organization.models import Department, Profession, Site

SCOPE_FIELDS = (
    "name",
    "professions",
    "all_sites",
    "sites",
    "all_departments",
    "departments",
)


class ScopeVersionForm(forms.Form):
    """What a scope version covers. The service checks the choices and explains them."""

    name = forms.CharField(
        max_length=200,
        required=False,
        help_text="A short name the team will recognise, such as “All health professionals”.",
    )
    professions = forms.ModelMultipleChoiceField(
        queryset=Profession.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    all_sites = forms.BooleanField(
        label="All sites",
        required=False,
        help_text="Every site, including sites added later. The list below is then ignored.",
    )
    sites = forms.ModelMultipleChoiceField(
        queryset=Site.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Only these sites",
    )
    all_departments = forms.BooleanField(
        label="All departments",
        required=False,
        help_text=(
            "Every department, including departments added later. "
            "The list below is then ignored."
        ),
    )
    departments = forms.ModelMultipleChoiceField(
        queryset=Department.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Only these departments",
    )

    @classmethod
    def initial_for(cls, version) -> dict:
        return {
            "name": version.name,
            "professions": list(version.professions.all()),
            "all_sites": version.all_sites,
            "sites": list(version.sites.all()),
            "all_departments": version.all_departments,
            "departments": list(version.departments.all()),
        }


class ScopeScheduleForm(forms.Form):
    effective_from = forms.DateField(
        label="Starts on",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": "Choose the day this scope starts.",
            "invalid": "Enter the day as a date, such as 2027-03-01.",
        },
    )
