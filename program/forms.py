from django import forms

from program.models import ProgramSettings


class ProgramSettingsForm(forms.ModelForm):
    class Meta:
        model = ProgramSettings
        fields = [
            "program_contact",
            "out_of_scope_message",
            "director_time_cap_percent",
            "full_time_hours_per_week",
            "supporters_per_100_eligible",
            "assumed_requests_per_100_per_year",
            "nominator_identity_kept_days",
            "ongoing_meeting_cadence",
            "meetings_missed_allowed",
            "competency_sign_off_required",
            "reminder_hours_before",
            "supporter_caseload_cap",
            "matching_department_rule",
            "first_contact_hours_after_death",
            "second_offer_after_days",
            "check_in_days",
            "cluster_events",
            "cluster_days",
            "conversations_per_case",
            "referral_follow_up_days",
            "encounter_notes_enabled",
            "case_retention_days",
            "channel_reminder_days",
            "onboarding_window_days",
            "crisis_protocol",
        ]
        widgets = {
            "program_contact": forms.Textarea(attrs={"rows": 4}),
            "out_of_scope_message": forms.Textarea(attrs={"rows": 8}),
            "crisis_protocol": forms.Textarea(attrs={"rows": 8}),
        }
