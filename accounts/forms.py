from django import forms
from django.utils import timezone

from accounts.models import Role
from confidentiality import policy


class RoleGrantForm(forms.Form):
    person = forms.CharField(
        label="Person",
        help_text="Their work e-mail or employee id, exactly as on the roster.",
        max_length=254,
    )
    role = forms.ChoiceField(label="Role")
    starts_on = forms.DateField(
        label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label="Until",
        required=False,
        help_text="Leave empty if the role has no planned end.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        grantable = policy.grantable_roles(actor)
        self.fields["role"].choices = [
            (r.value, r.label) for r in Role if r in grantable
        ]
        self.fields["starts_on"].initial = timezone.localdate()

    def clean_person(self):
        staff_member = policy.staff_member_for_role_grant(
            self.actor, self.cleaned_data["person"]
        )
        if staff_member is None:
            raise forms.ValidationError(
                "Nobody active on the roster has that work e-mail or employee id."
            )
        return staff_member

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error(
                "ends_on", "The end date must be on or after the start date."
            )
        return cleaned
