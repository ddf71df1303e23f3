"""Alongside's one settings module.

Everything comes from the environment (see docs/configuration.md). The
variable ALONGSIDE_MODE picks safe defaults for where the code runs:

- ``production`` (the default): every secret and host must be given; nothing
  is read from files the environment does not name.
- ``demo``: what ``make run`` uses, a local SQLite database under var/ and
  mail written to files; the demo password works only here.
- ``test``: what the test suite uses; fixed throwaway keys, fast hashing.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from alongside.env import (
    env_bool,
    env_choice,
    env_int,
    env_key_ring,
    env_list,
    env_secret,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

MODE = env_choice("ALONGSIDE_MODE", ("production", "demo", "test"), "production")
PRODUCTION = MODE == "production"
DEMO_MODE = MODE == "demo"
TESTING = MODE == "test"

DEBUG = env_bool("DEBUG", False)

if PRODUCTION:
    SECRET_KEY = env_secret("SECRET_KEY")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long.")
else:
    SECRET_KEY = env_secret(
        "SECRET_KEY", "insecure-local-key-for-demo-and-tests-only-" + "x" * 20
    )

if PRODUCTION:
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
else:
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "accounts",
    "organization",
    "confidentiality",
    "worker",
    "outbox",
    "program",
    "scope",
    "team",
    "selection",
    "training",
    "events",
    "outreach",
    "api",
    "resources",
    "guide",
    "conversations",
    "surveys",
    "reports",
    "publicity",
    "brief",
    "home",
    "demo",
]

if TESTING:
    INSTALLED_APPS.append("confidentiality.tests.encrypted_samples")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "alongside.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.SessionTimeoutMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.RequireMFAForProgramRolesMiddleware",
    "accounts.middleware.NoStoreForSignedInMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "alongside.urls"
WSGI_APPLICATION = "alongside.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "home.context_processors.navigation",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
if PRODUCTION:
    _database_url = env_str("DATABASE_URL")
else:
    VAR_DIR.mkdir(exist_ok=True)
    _database_url = env_str(
        "DATABASE_URL", f"sqlite:///{VAR_DIR / 'alongside.sqlite3'}"
    )
try:
    # Connections are kept for a minute and checked before a request reuses
    # one, so the first request after a database restart gets a fresh one
    # instead of failing on a dead one (see alongside/middleware.py).
    DATABASES = {
        "default": dj_database_url.parse(
            _database_url, conn_max_age=60, conn_health_checks=True
        )
    }
except ValueError as error:
    raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {error}")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # A file, not memory, so the worker processes some tests start can share it;
    # one per test run, so runs side by side do not trip over each other.
    DATABASES["default"]["TEST"] = {
        "NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")
    }
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (rate limits are shared through it) ----------------------------------
_redis_url = env_str("REDIS_URL", "")
if _redis_url:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _redis_url,
            "KEY_PREFIX": "alongside",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Accounts and sign-in --------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "accounts.backends.DemoPasswordGuardBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 is deliberately slow; the suite checks the production list separately.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.validators.NotTheDemoPasswordValidator"},
]
DEMO_PASSWORD = "alongside-demo"  # noqa: S105 - public; refused outside demo mode

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none" if DEMO_MODE else "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
# Failed sign-ins: at most 10 a minute from one address, and 5 per account in
# 5 minutes. Counters live in the cache (Redis when there are several web processes).
ACCOUNT_RATE_LIMITS = {
    "login_failed": f"10/m/ip,{env_int('LOGIN_ATTEMPTS_LIMIT', 5, minimum=1)}/300s/key",
}
# The address the per-address limit counts is the client's, read from
# X-Forwarded-For past this many proxies; counting the proxy's own address
# would let ten failures a minute lock everyone out. Production runs behind
# one proxy (docs/deploy.md), as SECURE_PROXY_SSL_HEADER assumes too.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", int(PRODUCTION), minimum=0)
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Alongside: "
MFA_ADAPTER = "accounts.adapters.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env_str("MFA_TOTP_ISSUER", "Alongside")
MFA_REQUIRED_FOR_PROGRAM_ROLES = not DEMO_MODE
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True

# Single sign-on through an OpenID Connect identity provider, when configured.
OIDC_SERVER_URL = env_str("OIDC_SERVER_URL", "")
SOCIALACCOUNT_PROVIDERS = {}
if OIDC_SERVER_URL:
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [
            {
                "provider_id": env_str("OIDC_PROVIDER_ID", "hospital"),
                "name": env_str("OIDC_PROVIDER_NAME", "your organization's sign-in"),
                "client_id": env_str("OIDC_CLIENT_ID"),
                "secret": env_secret("OIDC_CLIENT_SECRET"),
                "settings": {"server_url": OIDC_SERVER_URL},
            }
        ],
    }

# Sessions end after inactivity and, whatever happens, after an absolute limit.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30, minimum=5) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_HOURS", 12, minimum=1) * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- Field encryption (keys kept apart from SECRET_KEY) ---------------------------
# Comma-separated "key-id:base64-32-byte-key" pairs, newest first; the first
# one encrypts, all of them decrypt. See docs/confidentiality.md.
if TESTING:
    FIELD_ENCRYPTION_KEYS = env_key_ring(
        "FIELD_ENCRYPTION_KEYS", "test-1:dGVzdC1rZXktdGVzdC1rZXktdGVzdC1rZXktMDAwMDA="
    )
else:
    FIELD_ENCRYPTION_KEYS = env_key_ring("FIELD_ENCRYPTION_KEYS")
if any(key == SECRET_KEY.encode()[:32] for key in FIELD_ENCRYPTION_KEYS.values()):
    raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS must not reuse SECRET_KEY.")

# --- Email (Django's MAILERS; sent only by the worker, from the outbox) ---------------
if TESTING:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
elif DEMO_MODE:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))},
        }
    }
else:
    _use_tls = env_bool("EMAIL_USE_TLS", True)
    _use_ssl = env_bool("EMAIL_USE_SSL", False)
    if _use_tls and _use_ssl:
        raise ImproperlyConfigured("Set EMAIL_USE_TLS or EMAIL_USE_SSL, not both.")
    MAILERS = {
        "default": {
            "BACKEND": env_str(
                "EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"
            ),
            "OPTIONS": {
                "host": env_str("EMAIL_HOST"),
                "port": env_int("EMAIL_PORT", 587, minimum=1),
                "username": env_str("EMAIL_HOST_USER", ""),
                "password": env_secret("EMAIL_HOST_PASSWORD", ""),
                "use_tls": _use_tls,
                "use_ssl": _use_ssl,
                "timeout": env_int("EMAIL_TIMEOUT", 30, minimum=1),
            },
        }
    }
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Alongside <alongside@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Background worker ---------------------------------------------------------------
WORKER_LEASE_SECONDS = env_int("WORKER_LEASE_SECONDS", 300, minimum=1)
WORKER_POLL_SECONDS = env_int("WORKER_POLL_SECONDS", 2, minimum=1)
WORKER_BATCH_SIZE = env_int("WORKER_BATCH_SIZE", 20, minimum=1)

# --- Static files -----------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
if PRODUCTION:
    _static_backend = "whitenoise.storage.CompressedManifestStaticFilesStorage"
else:
    # Tests and the demo serve straight from the source folders.
    _static_backend = "django.contrib.staticfiles.storage.StaticFilesStorage"
    WHITENOISE_USE_FINDERS = True
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
    WHITENOISE_AUTOREFRESH = DEMO_MODE
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": _static_backend},
}
MEDIA_ROOT = VAR_DIR / "uploads"

# --- Security headers -----------------------------------------------------------------------
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
CSRF_COOKIE_HTTPONLY = True

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["alongside.formats"]

# --- Logging: to stderr, never with request bodies ----------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    },
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["stderr"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint narrates every pocket card it renders at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- The program ----------------------------------------------------------------------------------
ORGANIZATION_NAME = env_str(
    "ORGANIZATION_NAME", "Riverside Health" if DEMO_MODE else "Alongside"
)
# Links in e-mail (invitations, reminders) are made from this address.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- The event-ingest API (/api/v1/; see docs/api.md) --------------------------------------------
# A request body larger than this is refused (413) before it is parsed.
API_MAX_BODY_BYTES = env_int("API_MAX_BODY_BYTES", 256 * 1024, minimum=1024)
# Requests per API key per clock minute (429 beyond it); counted in the cache.
API_RATE_LIMIT_PER_MINUTE = env_int("API_RATE_LIMIT_PER_MINUTE", 120, minimum=1)
# The FHIR identifier systems that name a person's employee id and NPI.
FHIR_EMPLOYEE_ID_SYSTEM = env_str(
    "FHIR_EMPLOYEE_ID_SYSTEM", "urn:alongside:employee-id"
)
FHIR_NPI_SYSTEM = env_str("FHIR_NPI_SYSTEM", "http://hl7.org/fhir/sid/us-npi")
