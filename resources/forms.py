from django import forms

from resources.models import Resource

IMPORT_MAX_BYTES = 5 * 2**20


class ResourceForm(forms.ModelForm):
    """One resource, in the words a clinician will read it in."""

    class Meta:
        model = Resource
        fields = [
            "name",
            "kind",
            "organization_name",
            "description",
            "phone",
            "email",
            "url",
            "location",
            "hours",
            "cost",
            "eligibility",
            "confidentiality",
            "reportable_to_licensing_board",
            "is_crisis",
            "sort_order",
            "is_active",
        ]
        labels = {
            "organization_name": "Run by",
            "description": "What it offers",
            "phone": "Phone",
            "email": "E-mail",
            "url": "Web address",
            "location": "Where",
            "hours": "Hours",
            "cost": "Cost",
            "eligibility": "Who may use it",
            "confidentiality": "What it keeps confidential",
            "reportable_to_licensing_board": "Is using it reportable to a licensing board?",
            "is_crisis": "A crisis resource: shown first, and to supporters worried about safety",
            "sort_order": "Order",
            "is_active": "Listed on the resources page",
        }
        help_texts = {
            "organization_name": "The hospital, or who else: people weigh this "
            "before they call.",
            "phone": "Give at least one way to reach it: a phone, e-mail, web "
            "address or place.",
            "hours": "For example “24 hours a day, every day” or “Weekdays 8am to 6pm”.",
            "cost": "For example “Free, up to six sessions a year”.",
            "confidentiality": "Who learns that someone used it, and what it must "
            "report. Plain words.",
            "sort_order": "Lower numbers come first (crisis resources always lead).",
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "hours": forms.Textarea(attrs={"rows": 2}),
            "cost": forms.Textarea(attrs={"rows": 2}),
            "eligibility": forms.Textarea(attrs={"rows": 2}),
            "confidentiality": forms.Textarea(attrs={"rows": 4}),
            "phone": forms.TextInput(attrs={"type": "tel"}),
        }


class ResourceImportForm(forms.Form):
    file = forms.FileField(
        label="HSDS file",
        help_text="The .json file, or a .zip of the HSDS CSV tables, up to "
        f"{IMPORT_MAX_BYTES // 2**20} MB.",
        error_messages={
            "required": "Choose the file to import.",
            "empty": "The file is empty.",
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".json,.zip"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                f"The file is larger than {IMPORT_MAX_BYTES // 2**20} MB; a resource "
                "directory is far smaller. Is it the right file?"
            )
        self.content = upload.read()
        return upload
