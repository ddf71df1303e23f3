"""Showing a service's refusal to a person: beside the field it names, or as a message.

Services raise ``ValidationError`` keyed by field names (or a plain one) and
``PermissionDenied``; views use these two helpers rather than each unpacking
the error its own way.
"""

from django.core.exceptions import ValidationError


def form_errors_add(form, error: ValidationError) -> None:
    """Put each message on the field it names, or on the form when the form has no such field."""
    if hasattr(error, "error_dict"):
        for name, texts in error.message_dict.items():
            form.add_error(name if name in form.fields else None, texts)
    else:
        form.add_error(None, error.messages)


def error_text(error: Exception) -> str:
    """One line for a flash message."""
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)
