"""A synthetic large health system for load tests: 100 000 staff and 2½ years of the program.

``large_system_generate(seed=…, scale=1.0)`` fills an empty, migrated
database (``manage.py generate_large_system``; docs/large-system.md) with:

* six hospitals, 150 departments of Zipf-like sizes, 100 000 staff
  (``organization``); a scope that grew from physicians to everyone;
* 2 000 trained peer supporters and the sign-in accounts (``people``):
  director@, administrator@, leader@, risk@, it@ and supporter0001@ …
  supporter2000@large.test, password ``large-system-pass-2026``, each with a
  TOTP authenticator;
* 200 000 adverse events (``events``) and 500 000 outreach offers with their
  timelines, conversations, facilitated referrals and witness rows
  (``cases``, ``timeline``);
* the pulse survey, four closed waves and one open, ~2 million answers,
  summarized by the worker's own function (``surveys``);
* an API key for the incident system, and ProgramSettings.case_retention_days
  set to 3650, the maximum, so the years of cases stay live (nothing is
  purged, so ClosedCaseCount and EventOutreachTally stay empty, as they would).

Everything random comes from ``seed`` (one numpy Generator and one
random.Random), and every time is counted back from ``now``: the same seed
and the same ``now`` give the same rows. What is not reproducible, by its
nature: password hashes, TOTP secrets, the API key, and the few rows the
project's own services write with the wall clock (roles' ``granted_at``,
the survey's ``created_at``, the summaries' ``computed_at``).

Signing in without a browser: ``signed_in_session_key(user)`` creates a real
session the way a completed password + TOTP sign-in leaves it: Django's
``_auth_user_id``, ``_auth_user_backend`` (allauth's backend) and
``_auth_user_hash``; allauth's ``account_authentication_methods`` (password
and mfa records); ``alongside_signed_in_at`` (the absolute session limit
counts from it, so a session lasts SESSION_ABSOLUTE_SECONDS) and
``alongside_mfa_enrolled`` = True, the mark RequireMFAForProgramRolesMiddleware
sets once it has seen the TOTP authenticator (without it the middleware looks
the authenticator up and sets it itself). Send the key as the ``sessionid``
cookie; a CSRF cookie and token are still needed for POSTs.
"""

from demo.large_system.generate import (
    LargeSystemRefused,
    StageTiming,
    large_system_generate,
)
from demo.large_system.people import PASSWORD, signed_in_session_key, supporter_email

__all__ = [
    "PASSWORD",
    "LargeSystemRefused",
    "StageTiming",
    "large_system_generate",
    "signed_in_session_key",
    "supporter_email",
]
