from django import forms
from django.utils import timezone

from accounts.models import Role
from accounts.services import COMMITTING_ROLES
from confidentiality import policy
from program.selectors import program_settings


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

    committed_percent = forms.IntegerField(
        label="Committed share of time (%)",
        required=False,
        min_value=1,
        max_value=100,
        error_messages={
            "min_value": "Enter a whole percentage from 1 to 100.",
            "max_value": "Enter a whole percentage from 1 to 100.",
            "invalid": "Enter a whole percentage from 1 to 100.",
        },
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        grantable = policy.grantable_roles(actor)
        self.fields["role"].choices = [
            (r.value, r.label) for r in Role if r in grantable
        ]
        self.fields["starts_on"].initial = timezone.localdate()
        committing = grantable & COMMITTING_ROLES
        if not committing:
            del self.fields["committed_percent"]
            return
        self.director_time_cap_percent = program_settings().director_time_cap_percent
        help_text = []
        if Role.PROGRAM_DIRECTOR in committing:
            help_text.append(
                "The share of a full-time week the program director gives the "
                f"program; leave empty for the program's {self.director_time_cap_percent} %."
            )
        if Role.PROGRAM_ADMINISTRATOR in committing:
            help_text.append("Optional for a program administrator.")
        help_text.append("Leave empty for other roles.")
        self.fields["committed_percent"].help_text = " ".join(help_text)
        self.fields["committed_percent"].widget.attrs.update(min=1, max=100)

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
        role = cleaned.get("role")
        if cleaned.get("committed_percent") and role and role not in COMMITTING_ROLES:
            self.add_error(
                "committed_percent",
                "Only the program director and administrator commit a share of "
                "their time; leave this empty.",
            )
        return cleaned

    @property
    def above_the_cap(self) -> bool:
        """A director's commitment above the program's cap: allowed, with a warning."""
        percent = self.cleaned_data.get("committed_percent")
        return (
            self.cleaned_data.get("role") == Role.PROGRAM_DIRECTOR
            and percent is not None
            and percent > self.director_time_cap_percent
        )
