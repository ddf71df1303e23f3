from django import forms
from django.utils import timezone

from selection.models import NEXT_STAGES, CandidateStage
from selection.services import NOTE_MAX_LENGTH, REASON_MAX_LENGTH, STATEMENT_MAX_LENGTH


class NominationRoundForm(forms.Form):
    title = forms.CharField(
        label="Name of the round",
        max_length=200,
        help_text="For example “Spring 2027”.",
    )
    opens_on = forms.DateField(
        label="Opens on", widget=forms.DateInput(attrs={"type": "date"})
    )
    closes_on = forms.DateField(
        label="Closes after",
        help_text="The last day colleagues can nominate and apply.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["opens_on"].initial = today
        self.fields["closes_on"].initial = today + timezone.timedelta(days=21)


class NominationForm(forms.Form):
    reason = forms.CharField(
        label="Why would you trust them after a hard day?",
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The program director reads this without your name. "
        "Leave out anything about patients or events.",
    )


class ApplicationForm(forms.Form):
    statement = forms.CharField(
        label="Why would you like to be a peer supporter?",
        max_length=STATEMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="A few sentences for the program director: what draws you to it, "
        "and any experience of supporting colleagues.",
    )


class NomineeSearchForm(forms.Form):
    q = forms.CharField(
        label="Colleague's name",
        min_length=2,
        max_length=100,
        help_text="At least two letters of their first or last name.",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


ACTION_LABELS = {
    CandidateStage.INVITED: "Send an invitation",
    CandidateStage.ACCEPTED: "They accepted",
    CandidateStage.DECLINED: "They declined",
    CandidateStage.INTERVIEWED: "Interview done",
    CandidateStage.SELECTED: "Select as a peer supporter",
    CandidateStage.NOT_SELECTED: "Not selected",
    CandidateStage.IN_TRAINING: "Start training",
}


class CandidateMoveForm(forms.Form):
    to_stage = forms.ChoiceField(label="Move to", widget=forms.RadioSelect)
    note = forms.CharField(
        label="Note for program staff (optional)",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Seen only by the program director and administrator.",
    )

    def __init__(self, *args, candidate, may_decide: bool, **kwargs):
        super().__init__(*args, **kwargs)
        stages = [
            CandidateStage(stage)
            for stage in NEXT_STAGES[candidate.stage]
            if may_decide
            or stage not in {CandidateStage.SELECTED, CandidateStage.NOT_SELECTED}
        ]
        self.fields["to_stage"].choices = [(s.value, ACTION_LABELS[s]) for s in stages]
