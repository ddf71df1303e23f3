import base64
import io
import os

import pytest
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from accounts.services import MFA_SECRET_CONTEXT
from confidentiality import crypto
from confidentiality.models import AuditAction, AuditEvent
from confidentiality.tests.encrypted_samples.models import EncryptedSample

OLD_RING = {"old-1": os.urandom(32)}
NEW_KEY = os.urandom(32)
NEW_RING = {"new-2": NEW_KEY, **OLD_RING}

pytestmark = pytest.mark.django_db


def raw_value(sample: EncryptedSample, column: str = "note") -> str:
    table = EncryptedSample._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [sample.pk])
        return cursor.fetchone()[0]


def test_the_table_holds_ciphertext_not_the_text():
    sample = EncryptedSample.objects.create(
        note="I keep thinking about the code", label="a"
    )
    stored = raw_value(sample)
    assert stored.startswith("enc1:test-1:")
    assert "thinking" not in stored
    assert (
        EncryptedSample.objects.get(pk=sample.pk).note
        == "I keep thinking about the code"
    )


def test_the_same_text_encrypts_differently_each_time():
    first = EncryptedSample.objects.create(note="same")
    second = EncryptedSample.objects.create(note="same")
    assert raw_value(first) != raw_value(second)


def test_empty_and_missing_values_survive_the_round_trip():
    sample = EncryptedSample.objects.create(note="", second_note=None)
    sample.refresh_from_db()
    assert (sample.note, sample.second_note) == ("", None)


def test_reading_with_the_wrong_key_fails_loudly():
    sample = EncryptedSample.objects.create(note="private")
    wrong = {"test-1": os.urandom(32)}
    with (
        override_settings(FIELD_ENCRYPTION_KEYS=wrong),
        pytest.raises(crypto.DecryptionError),
    ):
        EncryptedSample.objects.get(pk=sample.pk)


def test_reading_with_the_key_removed_names_the_missing_key():
    sample = EncryptedSample.objects.create(note="private")
    with (
        override_settings(FIELD_ENCRYPTION_KEYS={"other": os.urandom(32)}),
        pytest.raises(crypto.DecryptionError, match="test-1"),
    ):
        EncryptedSample.objects.get(pk=sample.pk)


def test_a_ciphertext_copied_into_another_column_does_not_decrypt():
    sample = EncryptedSample.objects.create(note="private", second_note="other")
    table = EncryptedSample._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET second_note = note WHERE id = %s", [sample.pk]
        )
    with pytest.raises(crypto.DecryptionError):
        EncryptedSample.objects.get(pk=sample.pk)


def test_tampered_ciphertext_fails_loudly():
    sample = EncryptedSample.objects.create(note="private")
    prefix, key_id, payload = raw_value(sample).split(":")
    raw = bytearray(base64.b64decode(payload))
    raw[-1] ^= 1
    tampered = f"{prefix}:{key_id}:{base64.b64encode(bytes(raw)).decode()}"
    table = EncryptedSample._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET note = %s WHERE id = %s", [tampered, sample.pk]
        )
    with pytest.raises(crypto.DecryptionError):
        EncryptedSample.objects.get(pk=sample.pk)


def test_a_plain_text_value_in_the_column_is_refused_not_returned():
    sample = EncryptedSample.objects.create(note="x")
    table = EncryptedSample._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET note = 'plain words' WHERE id = %s", [sample.pk]
        )
    with pytest.raises(crypto.DecryptionError):
        EncryptedSample.objects.get(pk=sample.pk)


def test_encrypted_fields_cannot_be_searched():
    with pytest.raises(Exception, match="Unsupported lookup"):
        EncryptedSample.objects.filter(note__icontains="x").count()
    assert EncryptedSample.objects.filter(note__isnull=True).count() == 0


def test_rotation_reencrypts_every_value_under_the_new_key():
    with override_settings(FIELD_ENCRYPTION_KEYS=OLD_RING):
        samples = [
            EncryptedSample.objects.create(note=f"note {n}", second_note=f"second {n}")
            for n in range(7)
        ]
    with override_settings(FIELD_ENCRYPTION_KEYS=NEW_RING):
        call_command("rotate_field_keys", stdout=io.StringIO())
        for sample in samples:
            assert crypto.key_id_of(raw_value(sample)) == "new-2"
            assert crypto.key_id_of(raw_value(sample, "second_note")) == "new-2"
    with override_settings(FIELD_ENCRYPTION_KEYS={"new-2": NEW_KEY}):
        assert sorted(s.note for s in EncryptedSample.objects.all()) == [
            f"note {n}" for n in range(7)
        ]
    event = AuditEvent.objects.get(action=AuditAction.FIELD_KEYS_ROTATED)
    assert event.details["rows"]["encrypted_samples.EncryptedSample"] == 7


def test_rotation_leaves_values_already_under_the_active_key_alone():
    sample = EncryptedSample.objects.create(note="current")
    before = raw_value(sample)
    call_command("rotate_field_keys", stdout=io.StringIO())
    assert raw_value(sample) == before


def test_second_factor_secrets_are_encrypted_and_rotated(cast):
    authenticator = Authenticator.objects.get(
        user=cast.director, type=Authenticator.Type.TOTP
    )
    assert authenticator.data["secret"].startswith("enc1:test-1:")
    secret = crypto.decrypt(authenticator.data["secret"], context=MFA_SECRET_CONTEXT)
    with override_settings(
        FIELD_ENCRYPTION_KEYS={"new-2": NEW_KEY, **settings.FIELD_ENCRYPTION_KEYS}
    ):
        call_command("rotate_field_keys", stdout=io.StringIO())
        authenticator.refresh_from_db()
        assert crypto.key_id_of(authenticator.data["secret"]) == "new-2"
        rotated = authenticator.data["secret"]
        assert crypto.decrypt(rotated, context=MFA_SECRET_CONTEXT) == secret
