"""Typed readers for configuration from the environment.

Each helper either returns a value of the right type or raises
``ImproperlyConfigured`` naming the variable and what was wrong, so a
misconfigured deployment fails at start-up rather than at 3 a.m.
"""

import base64
import binascii
import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_MISSING = object()
_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


def _raw(name: str, default):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        if default is _MISSING:
            raise ImproperlyConfigured(f"Set the environment variable {name}.")
        return default
    return value.strip()


def env_str(name: str, default=_MISSING) -> str:
    return _raw(name, default)


def env_bool(name: str, default=_MISSING) -> bool:
    value = _raw(name, default)
    if isinstance(value, bool):
        return value
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(name: str, default=_MISSING, *, minimum: int | None = None) -> int:
    value = _raw(name, default)
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.")
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}.")
    return number


def env_list(name: str, default=_MISSING) -> list[str]:
    value = _raw(name, default)
    if isinstance(value, list):
        return value
    return [part.strip() for part in value.split(",") if part.strip()]


def env_choice(name: str, choices: tuple[str, ...], default=_MISSING) -> str:
    value = _raw(name, default)
    if value not in choices:
        raise ImproperlyConfigured(
            f"{name} must be one of {', '.join(choices)}, not {value!r}."
        )
    return value


def env_secret(name: str, default=_MISSING) -> str:
    """Read NAME, or the contents of the file named by NAME_FILE.

    Secrets in files suit container and systemd credential stores. Setting
    both is refused, since it is never clear which one was meant.
    """
    inline = os.environ.get(name, "").strip()
    file_name = os.environ.get(f"{name}_FILE", "").strip()
    if inline and file_name:
        raise ImproperlyConfigured(f"Set {name} or {name}_FILE, not both.")
    if file_name:
        path = Path(file_name)
        if not path.is_file():
            raise ImproperlyConfigured(
                f"{name}_FILE points to {file_name}, which is not a readable file."
            )
        content = path.read_text().strip()
        if not content:
            raise ImproperlyConfigured(f"{name}_FILE points to an empty file.")
        return content
    if inline:
        return inline
    if default is _MISSING:
        raise ImproperlyConfigured(
            f"Set the environment variable {name} or {name}_FILE."
        )
    return default


def env_key_ring(name: str, default=_MISSING) -> dict[str, bytes]:
    """Read "key-id:base64key,key-id:base64key" (newest first) into a dict.

    Every key must decode to exactly 32 bytes (AES-256) and every id must be
    unique; the first entry is the one new ciphertexts are written with.
    """
    value = env_secret(name, default)
    ring: dict[str, bytes] = {}
    for position, entry in enumerate(value.split(","), start=1):
        key_id, separator, encoded = entry.strip().partition(":")
        if not separator or not key_id or not encoded:
            raise ImproperlyConfigured(
                f"{name}: entry {position} must look like key-id:base64-key."
            )
        try:
            key = base64.urlsafe_b64decode(encoded.encode())
        except (binascii.Error, ValueError):
            raise ImproperlyConfigured(f"{name}: key {key_id!r} is not valid base64.")
        if len(key) != 32:
            raise ImproperlyConfigured(
                f"{name}: key {key_id!r} must be 32 bytes, it is {len(key)}."
            )
        if key_id in ring:
            raise ImproperlyConfigured(f"{name}: key id {key_id!r} appears twice.")
        ring[key_id] = key
    return ring
