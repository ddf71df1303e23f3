import datetime

from django import forms
from django.utils import timezone

from training.models import (
    Modality,
    PauseReason,
    SessionKind,
    TrainingModule,
    TrainingSession,
)
from training.selectors import facilitators


class TrainingModuleForm(forms.ModelForm):
    class Meta:
        model = TrainingModule
        fields = [
            "title",
            "summary",
            "objectives",
            "is_core",
            "sort_order",
            "is_retired",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "objectives": forms.Textarea(attrs={"rows": 6}),
        }


class SessionForm(forms.Form):
    """A session on one day, from a start time to an end time, in the program's time zone."""

    kind = forms.ChoiceField(label="What kind of session", choices=SessionKind.choices)
    title = forms.CharField(max_length=200)
    modules = forms.ModelMultipleChoiceField(
        queryset=TrainingModule.objects.filter(is_retired=False),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="What a training session covers. Attending completes these modules.",
    )
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    starts = forms.TimeField(
        label="From", widget=forms.TimeInput(attrs={"type": "time"})
    )
    ends = forms.TimeField(
        label="Until", widget=forms.TimeInput(attrs={"type": "time"})
    )
    modality = forms.ChoiceField(choices=Modality.choices, widget=forms.RadioSelect)
    meeting_link = forms.URLField(
        required=False,
        assume_scheme="https",
        help_text="Needed for a remote session: one only participants can join.",
    )
    room = forms.CharField(
        max_length=200,
        required=False,
        help_text="Needed for a session in person: a room with a door that closes.",
    )
    private_setting_confirmed = forms.BooleanField(
        required=False,
        label="The setting is private: a closed room, or a meeting only participants can join",
    )
    capacity = forms.IntegerField(min_value=1, max_value=200, initial=12)
    facilitator = forms.ModelChoiceField(queryset=facilitators())
    repeats = forms.IntegerField(
        label="Also schedule the next meetings at the program's cadence",
        required=False,
        min_value=0,
        max_value=12,
        initial=0,
        help_text="Ongoing meetings only: how many more to schedule.",
    )

    def __init__(self, *args, session: TrainingSession | None = None, **kwargs):
        if session is not None and "initial" not in kwargs:
            local_start = timezone.localtime(session.starts_at)
            kwargs["initial"] = {
                "kind": session.kind,
                "title": session.title,
                "modules": list(session.modules.all()),
                "day": local_start.date(),
                "starts": local_start.time(),
                "ends": timezone.localtime(session.ends_at).time(),
                "modality": session.modality,
                "meeting_link": session.meeting_link,
                "room": session.room,
                "private_setting_confirmed": session.private_setting_confirmed,
                "capacity": session.capacity,
                "facilitator": session.facilitator,
            }
        super().__init__(*args, **kwargs)
        self.fields["facilitator"].queryset = facilitators()
        # Required for one modality or kind (the service says which); the form
        # should not call them optional.
        self.fields["meeting_link"].required_when = "remote"
        self.fields["room"].required_when = "in person"
        self.fields["modules"].required_when = "training"
        if session is not None:
            del self.fields["kind"]
            del self.fields["repeats"]

    def clean(self):
        cleaned = super().clean()
        day, starts, ends = (
            cleaned.get("day"),
            cleaned.get("starts"),
            cleaned.get("ends"),
        )
        if day and starts and ends:
            cleaned["starts_at"] = timezone.make_aware(
                datetime.datetime.combine(day, starts)
            )
            cleaned["ends_at"] = timezone.make_aware(
                datetime.datetime.combine(day, ends)
            )
        return cleaned

    def apply_to(self, session: TrainingSession) -> TrainingSession:
        data = self.cleaned_data
        for name in (
            "title",
            "starts_at",
            "ends_at",
            "modality",
            "meeting_link",
            "room",
            "private_setting_confirmed",
            "capacity",
            "facilitator",
        ):
            setattr(session, name, data[name])
        if "kind" in data:
            session.kind = data["kind"]
        return session


class PauseForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why are you pausing?",
        choices=PauseReason.choices,
        widget=forms.RadioSelect,
    )


class SignOffForm(forms.Form):
    note = forms.CharField(
        label="Note for program staff (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: role-play with the director on a first patient death.",
    )


class EnrolSupporterForm(forms.Form):
    staff_member = forms.ModelChoiceField(
        label="Enrol a supporter", queryset=None, empty_label="Choose a supporter"
    )

    def __init__(self, *args, supporters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff_member"].queryset = supporters
