"""A text field stored encrypted (see confidentiality.crypto)."""

from django.db import models

from confidentiality import crypto


class EncryptedTextField(models.TextField):
    """Free text encrypted at rest. It cannot be searched or filtered on, by design."""

    description = "Text encrypted with AES-GCM"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("blank", True)
        kwargs.setdefault("null", True)
        super().__init__(*args, **kwargs)

    @property
    def context(self) -> str:
        return f"{self.model._meta.label_lower}.{self.name}"

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        return crypto.decrypt(value, context=self.context)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None:
            return None
        return crypto.encrypt(str(value), context=self.context)

    def get_lookup(self, lookup_name):
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)
