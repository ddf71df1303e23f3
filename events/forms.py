from django import forms
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from events.models import HarmLevel, TriggerType
from organization.models import Department, Site, StaffMember


class AdverseEventForm(forms.Form):
    """What risk & quality staff enter. There is no field for clinical details, on purpose."""

    occurred_on = forms.DateField(
        label="When did it happen?", widget=forms.DateInput(attrs={"type": "date"})
    )
    trigger_type = forms.ModelChoiceField(
        label="What kind of event",
        queryset=TriggerType.objects.filter(is_active=True),
        empty_label="Choose",
    )
    harm_level = forms.ChoiceField(
        label="Harm level (AHRQ harm scale)",
        choices=[("", "Not applicable"), *HarmLevel.choices],
        required=False,
    )
    unit = forms.ModelChoiceField(
        label="Unit", queryset=Department.objects.all(), required=False
    )
    site = forms.ModelChoiceField(queryset=Site.objects.all(), required=False)
    involved = forms.CharField(
        label="Staff involved",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Employee ids or work e-mails, one per line. Find them with the search below.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["occurred_on"].initial = timezone.localdate()

    def clean_occurred_on(self):
        occurred_on = self.cleaned_data["occurred_on"]
        if occurred_on > timezone.localdate():
            raise forms.ValidationError("An event cannot have happened in the future.")
        return occurred_on

    def clean_involved(self):
        lines = [
            line.strip()
            for line in self.cleaned_data["involved"].replace(",", "\n").splitlines()
            if line.strip()
        ]
        if not lines:
            raise forms.ValidationError("Add at least one member of staff.")
        if len(lines) > 50:
            raise forms.ValidationError("At most 50 people per event.")
        found = _active_staff_named(lines)
        people, unknown = [], []
        for line in lines:
            person = found.get(line.lower() if "@" in line else line)
            if person is None:
                unknown.append(line)
            else:
                people.append(person)
        if unknown:
            raise forms.ValidationError(
                "Nobody active on the roster has "
                + ", ".join(f"“{value}”" for value in unknown)
                + ". Check the id or e-mail, or find them with the search."
            )
        return people

    def clean(self):
        cleaned = super().clean()
        trigger, harm = cleaned.get("trigger_type"), cleaned.get("harm_level")
        if trigger and trigger.uses_harm_level and not harm:
            self.add_error("harm_level", f"“{trigger}” needs a harm level.")
        return cleaned


def _active_staff_named(lines: list[str]) -> dict[str, StaffMember]:
    """One query: active staff by employee id, and by lower-cased work e-mail."""
    emails = {line.lower() for line in lines if "@" in line}
    ids = {line for line in lines if "@" not in line}
    people = (
        StaffMember.objects.filter(is_active=True)
        .annotate(email_lower=Lower("work_email"))
        .filter(Q(employee_id__in=ids) | Q(email_lower__in=emails))
    )
    found = {}
    for person in people:
        found[person.employee_id] = person
        if person.email_lower:
            found[person.email_lower] = person
    return found


class StaffSearchForm(forms.Form):
    q = forms.CharField(
        label="Find a member of staff",
        min_length=2,
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"type": "search"}),
    )


class LitigationNoticeForm(forms.Form):
    noticed_on = forms.DateField(
        label="Notice of litigation or a claim arrived on",
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class TriggerTypeForm(forms.ModelForm):
    class Meta:
        model = TriggerType
        fields = [
            "name",
            "uses_harm_level",
            "creates_offers",
            "minimum_harm_level",
            "first_contact_hours",
            "sort_order",
            "is_active",
        ]
