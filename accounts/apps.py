from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self) -> None:
        from accounts.services import mfa_secrets_rotate
        from confidentiality.services import ciphertext_rotator_register

        ciphertext_rotator_register("mfa.Authenticator", mfa_secrets_rotate)
