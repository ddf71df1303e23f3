from django.apps import AppConfig


class EncryptedSamplesConfig(AppConfig):
    name = "confidentiality.tests.encrypted_samples"
    label = "encrypted_samples"
