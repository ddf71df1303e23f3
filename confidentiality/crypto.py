"""AES-256-GCM for the few free-text fields Alongside may hold.

A ciphertext is ``enc1:<key id>:<base64(nonce | ciphertext | tag)>``. The key
id says which key of FIELD_ENCRYPTION_KEYS wrote it, so keys can rotate; the
field's own name is bound in as associated data, so a ciphertext copied into
another column does not decrypt. Any failure raises DecryptionError: a
caller never gets ciphertext back where it expected text.
"""

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

VERSION = "enc1"
NONCE_BYTES = 12


class DecryptionError(Exception):
    pass


def active_key_id() -> str:
    return next(iter(settings.FIELD_ENCRYPTION_KEYS))


def _associated_data(key_id: str, context: str) -> bytes:
    return f"{VERSION}:{key_id}:{context}".encode()


def encrypt(plaintext: str, *, context: str) -> str:
    key_id = active_key_id()
    key = settings.FIELD_ENCRYPTION_KEYS[key_id]
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(key).encrypt(
        nonce, plaintext.encode(), _associated_data(key_id, context)
    )
    return f"{VERSION}:{key_id}:{base64.b64encode(nonce + sealed).decode()}"


def key_id_of(token: str) -> str:
    return _split(token)[1]


def decrypt(token: str, *, context: str) -> str:
    _, key_id, encoded = _split(token)
    key = settings.FIELD_ENCRYPTION_KEYS.get(key_id)
    if key is None:
        raise DecryptionError(f"Key {key_id!r} is not in FIELD_ENCRYPTION_KEYS.")
    try:
        raw = base64.b64decode(encoded, validate=True)
        nonce, sealed = raw[:NONCE_BYTES], raw[NONCE_BYTES:]
        plaintext = AESGCM(key).decrypt(
            nonce, sealed, _associated_data(key_id, context)
        )
    except (InvalidTag, ValueError) as error:
        raise DecryptionError(
            f"Could not decrypt a value of {context} with key {key_id!r}."
        ) from error
    return plaintext.decode()


def _split(token: str) -> tuple[str, str, str]:
    parts = token.split(":", 2)
    if len(parts) != 3 or parts[0] != VERSION:
        raise DecryptionError("The stored value is not an Alongside ciphertext.")
    return parts[0], parts[1], parts[2]
