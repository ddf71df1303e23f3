"""Production settings for the load test, plus what only a benchmark needs.

The server runs as production runs (``ALONGSIDE_MODE=production``: no debug,
Argon2, second factor for program roles, compressed static files, secure
cookies), with three differences for loopback: no redirect to HTTPS, a bare
view to compare every page against, and a header that counts each request's
database queries.
"""

from alongside.settings import *  # noqa: F403 - the production settings, unchanged
from alongside.settings import MIDDLEWARE

ROOT_URLCONF = "bench.urls"
SECURE_SSL_REDIRECT = False
MIDDLEWARE = ["bench.load.queries.QueryCountMiddleware", *MIDDLEWARE]
