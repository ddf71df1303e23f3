"""Second-factor helpers for tests: the code an authenticator app would show now."""

import time

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

from accounts.services import MFA_SECRET_CONTEXT
from confidentiality import crypto


def totp_secret(user) -> str:
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    return crypto.decrypt(authenticator.data["secret"], context=MFA_SECRET_CONTEXT)


PERIOD = 30
# A code typed into a browser reaches the server a moment later; one read in
# the last seconds of its period would arrive stale (allauth allows no drift).
FRESH_FOR_AT_LEAST = 5


def totp_code_for_secret(secret: str) -> str:
    left = PERIOD - time.time() % PERIOD
    if left < FRESH_FOR_AT_LEAST:
        time.sleep(left + 0.05)
    return format_hotp_value(hotp_value(secret, int(time.time()) // PERIOD))


def totp_code(user) -> str:
    return totp_code_for_secret(totp_secret(user))
