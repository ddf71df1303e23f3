from django.conf import settings
from django.core.exceptions import ValidationError


class NotTheDemoPasswordValidator:
    """The demo password is public; nobody may choose it for a real account."""

    def validate(self, password, user=None):
        if password == settings.DEMO_PASSWORD and not settings.DEMO_MODE:
            raise ValidationError(
                "This password is published with the demo. Choose another.",
                code="demo_password",
            )

    def get_help_text(self):
        return "Your password can't be the demo password."
