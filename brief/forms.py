"""The period a brief covers, a published finding, and the cost model's assumptions."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone

from .models import CostModelAssumptions, EvidenceFinding
from .period import EARLIEST, Period, last_twelve_months


class DateInput(forms.DateInput):
    input_type = "date"

    def format_value(self, value):
        if isinstance(value, datetime.date):
            return value.isoformat()
        return value


class PeriodForm(forms.Form):
    """From and to (both days counted); the last twelve months when not given."""

    start = forms.DateField(label="From", widget=DateInput)
    end = forms.DateField(label="To", widget=DateInput)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start is None or end is None:
            return cleaned
        today = timezone.localdate()
        if end > today:
            self.add_error("end", "The brief cannot cover days that have not happened.")
        if start > end:
            self.add_error("start", "The period has to start before it ends.")
        if start < EARLIEST:
            self.add_error("start", f"Choose a day from {EARLIEST:%Y} on.")
        return cleaned

    def period(self) -> Period:
        """The period asked for, or the last twelve months when none (or no valid one) was."""
        if self.is_bound and self.is_valid():
            return Period(self.cleaned_data["start"], self.cleaned_data["end"])
        return last_twelve_months(timezone.localdate())


def period_form(data) -> PeriodForm:
    """Bound to the query string when it asks for a period; else showing the default."""
    if "start" in data or "end" in data:
        return PeriodForm(data)
    default = last_twelve_months(timezone.localdate())
    return PeriodForm(initial={"start": default.start, "end": default.end})


class EvidenceFindingForm(forms.ModelForm):
    checked = forms.BooleanField(
        required=False,
        label="I have checked this finding, its figure and its citation against the "
        "source",
    )

    class Meta:
        model = EvidenceFinding
        fields = [
            "statement",
            "figure",
            "population",
            "authors",
            "title",
            "journal",
            "year",
            "doi",
            "url",
            "is_active",
        ]
        labels = {
            "statement": "What the study found",
            "figure": "Headline figure",
            "population": "Who was studied",
        }
        error_messages = {
            "statement": {"required": "Say what the study found, in a sentence."},
            "authors": {"required": "Give the authors, as the citation lists them."},
            "title": {"required": "Give the title of the paper."},
            "journal": {"required": "Give the journal the paper appeared in."},
            "year": {"required": "Give the year the paper was published."},
            "url": {"invalid": "Give a full web address, starting with https://."},
        }
        widgets = {
            "statement": forms.Textarea(attrs={"rows": 3}),
            "population": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.instance.needs_checking:
            self.fields["checked"].initial = True

    def clean_year(self):
        year = self.cleaned_data["year"]
        if year is not None and year > timezone.localdate().year:
            raise forms.ValidationError(
                "A published finding cannot come from the future."
            )
        return year

    def clean_doi(self):
        doi = self.cleaned_data["doi"].strip()
        for prefix in ("https://doi.org/", "http://doi.org/", "doi:"):
            if doi.lower().startswith(prefix):
                doi = doi[len(prefix) :].strip()
        return doi


class AssumptionsForm(forms.ModelForm):
    class Meta:
        model = CostModelAssumptions
        fields = [
            "physicians_in_scope",
            "annual_turnover_rate",
            "replacement_cost",
            "burnout_prevalence",
            "burnout_relative_risk",
            "expected_reduction",
            "director_time_share",
            "director_salary",
            "supporters",
            "supporter_hours_per_year",
            "supporter_hourly_cost",
            "training_cost",
            "other_costs",
            "currency",
        ]
        error_messages = {
            name: {
                "required": "The model needs this figure (0 where there is none).",
                "invalid": "Give a number, without a currency sign or spaces.",
                "max_decimal_places": "Use at most %(max)s decimal places.",
                "max_digits": "That number is too large.",
                "max_whole_digits": "That number is too large.",
            }
            for name in fields
        } | {
            "currency": {"required": "Give the sign written before amounts, like “$”."}
        }
