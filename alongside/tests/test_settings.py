"""Production settings come from the environment only, and refuse bad values loudly."""

import base64
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from alongside import env

BASE_DIR = Path(__file__).resolve().parents[2]


def production_environment(**overrides) -> dict[str, str]:
    keep = {
        name: os.environ[name]
        for name in ("PATH", "HOME", "LANG")
        if name in os.environ
    }
    values = {
        **keep,
        "ALONGSIDE_MODE": "production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "alongside.hospital.example",
        "DATABASE_URL": "postgres://alongside@db.hospital.example:5432/alongside",
        "FIELD_ENCRYPTION_KEYS": "2026-11:"
        + base64.urlsafe_b64encode(os.urandom(32)).decode(),
        "EMAIL_HOST": "smtp.hospital.example",
    }
    values.update(overrides)
    return {name: value for name, value in values.items() if value is not None}


def run_python(code: str, environment: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env={**environment, "DJANGO_SETTINGS_MODULE": "alongside.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def settings_value(name: str, **overrides) -> subprocess.CompletedProcess:
    code = f"from django.conf import settings; print(settings.{name})"
    return run_python(code, production_environment(**overrides))


def test_check_deploy_is_clean_under_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=production_environment(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_hashes_passwords_with_argon2():
    result = settings_value("PASSWORD_HASHERS[0]")
    assert result.stdout.strip() == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_production_requires_a_second_factor_for_program_roles():
    assert settings_value("MFA_REQUIRED_FOR_PROGRAM_ROLES").stdout.strip() == "True"


def test_production_sends_mail_over_smtp_with_tls():
    result = settings_value("MAILERS['default']")
    assert "smtp.EmailBackend" in result.stdout
    assert "'use_tls': True" in result.stdout


def test_secret_key_can_come_from_a_file(tmp_path):
    key_file = tmp_path / "secret"
    key_file.write_text("k" * 60 + "\n")
    result = settings_value(
        "SECRET_KEY", SECRET_KEY=None, SECRET_KEY_FILE=str(key_file)
    )
    assert result.stdout.strip() == "k" * 60


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"SECRET_KEY": None},
            "Set the environment variable SECRET_KEY or SECRET_KEY_FILE",
        ),
        ({"SECRET_KEY": "short"}, "SECRET_KEY must be at least 50 characters"),
        (
            {"SECRET_KEY_FILE": "/nonexistent/secret"},
            "Set SECRET_KEY or SECRET_KEY_FILE, not both",
        ),
        ({"ALLOWED_HOSTS": None}, "Set the environment variable ALLOWED_HOSTS"),
        ({"DATABASE_URL": None}, "Set the environment variable DATABASE_URL"),
        ({"DATABASE_URL": "nonsense"}, "DATABASE_URL is not a database URL"),
        ({"FIELD_ENCRYPTION_KEYS": None}, "FIELD_ENCRYPTION_KEYS"),
        ({"FIELD_ENCRYPTION_KEYS": "k1:c2hvcnQ="}, "must be 32 bytes"),
        ({"EMAIL_USE_TLS": "maybe"}, "EMAIL_USE_TLS must be true or false"),
        ({"EMAIL_PORT": "twenty-five"}, "EMAIL_PORT must be a whole number"),
        ({"ALONGSIDE_MODE": "staging"}, "ALONGSIDE_MODE must be one of"),
        ({"EMAIL_HOST": None}, "Set the environment variable EMAIL_HOST"),
    ],
)
def test_production_settings_refuse_bad_values_loudly(overrides, message):
    result = run_python(
        "import django; django.setup()", production_environment(**overrides)
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_single_sign_on_is_configured_from_the_environment():
    result = settings_value(
        "SOCIALACCOUNT_PROVIDERS['openid_connect']['APPS'][0]['settings']",
        OIDC_SERVER_URL="https://login.hospital.example/realms/staff",
        OIDC_CLIENT_ID="alongside",
        OIDC_CLIENT_SECRET="s3cret",
    )
    assert "https://login.hospital.example/realms/staff" in result.stdout


class TestEnvironmentHelpers:
    def test_booleans_accept_only_clear_answers(self, monkeypatch):
        monkeypatch.setenv("FLAG", "yes")
        assert env.env_bool("FLAG") is True
        monkeypatch.setenv("FLAG", "0")
        assert env.env_bool("FLAG") is False
        monkeypatch.setenv("FLAG", "sometimes")
        with pytest.raises(ImproperlyConfigured, match="FLAG must be true or false"):
            env.env_bool("FLAG")

    def test_defaults_apply_only_when_unset_or_blank(self, monkeypatch):
        monkeypatch.setenv("BLANK", "  ")
        assert env.env_int("BLANK", 7) == 7
        monkeypatch.delenv("MISSING", raising=False)
        with pytest.raises(
            ImproperlyConfigured, match="Set the environment variable MISSING"
        ):
            env.env_str("MISSING")

    def test_numbers_respect_their_minimum(self, monkeypatch):
        monkeypatch.setenv("WORKERS", "0")
        with pytest.raises(ImproperlyConfigured, match="at least 1"):
            env.env_int("WORKERS", minimum=1)

    def test_lists_split_on_commas(self, monkeypatch):
        monkeypatch.setenv("HOSTS", "a.example, b.example,,")
        assert env.env_list("HOSTS") == ["a.example", "b.example"]

    def test_an_empty_secret_file_is_refused(self, monkeypatch, tmp_path):
        empty = tmp_path / "empty"
        empty.write_text("")
        monkeypatch.delenv("TOKEN", raising=False)
        monkeypatch.setenv("TOKEN_FILE", str(empty))
        with pytest.raises(ImproperlyConfigured, match="empty file"):
            env.env_secret("TOKEN")

    def test_key_rings_keep_their_order_and_refuse_duplicates(self, monkeypatch):
        first = base64.urlsafe_b64encode(b"a" * 32).decode()
        second = base64.urlsafe_b64encode(b"b" * 32).decode()
        monkeypatch.setenv("KEYS", f"new:{first},old:{second}")
        assert list(env.env_key_ring("KEYS")) == ["new", "old"]
        monkeypatch.setenv("KEYS", f"same:{first},same:{second}")
        with pytest.raises(ImproperlyConfigured, match="appears twice"):
            env.env_key_ring("KEYS")
        monkeypatch.setenv("KEYS", "no-separator")
        with pytest.raises(ImproperlyConfigured, match="key-id:base64-key"):
            env.env_key_ring("KEYS")
