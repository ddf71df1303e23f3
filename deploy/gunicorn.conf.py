"""gunicorn settings for Alongside: gunicorn -c deploy/gunicorn.conf.py alongside.wsgi

Each value can be overridden from the environment (GUNICORN_WORKERS and so
on). See docs/operations.md, "Deploying".
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers, (2 × cores) + 1: requests wait on PostgreSQL, not on the CPU.
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count() + 1))
worker_class = "sync"
# A request that takes longer is killed and logged (the API's bodies are small;
# a roster import runs in the worker, not in a request).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30
# Recycle workers now and then, so a slow leak cannot grow for weeks.
max_requests = 2000
max_requests_jitter = 200
# The proxy in front sets X-Forwarded-Proto; only trust it from there.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
