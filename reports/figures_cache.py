"""The program's figures, kept for a few minutes in the shared cache.

A figure for a period is a handful of GROUP BY queries over every offer made
in it: at a large system's size (hundreds of thousands of offers) that is a
second or more of database work, and leadership's page over several quarters
works it out for each quarter too. The figures of a period change slowly, and
those of a period that has ended hardly at all (an event recorded late can
still add to one), so each is kept in the cache (Redis, shared by the web
processes, in production): ten minutes while the period runs, an hour once
it has ended. The page says how fresh its figures are; the worker works out
the pages people open first every few minutes (``reports.figures_refresh``),
so nobody waits for them.

The cache holds raw counts, never a person: aggregates over offers, events
and conversations, as the dashboard's selectors return them.
"""

import contextlib
import contextvars
import datetime
import functools
import hashlib

from django.core.cache import cache
from django.utils import timezone

# Longer than the worker's refresh interval (4 minutes) plus a refresh's own
# time on a large system, so the pages it keeps ready never run out.
RUNNING_PERIOD_SECONDS = 10 * 60
ENDED_PERIOD_SECONDS = 60 * 60
PREFIX = "reports.figures:v1"
_refreshing = contextvars.ContextVar("reports_figures_refreshing", default=False)


@contextlib.contextmanager
def refreshing():
    """Inside, running periods' figures are worked out afresh and kept anew (the
    worker's way); an ended period's are still taken from the cache while kept."""
    token = _refreshing.set(True)
    try:
        yield
    finally:
        _refreshing.reset(token)


def _key(function, positional: tuple, arguments: dict) -> str:
    described = repr((positional, sorted(arguments.items())))
    digest = hashlib.sha256(described.encode()).hexdigest()[:32]
    return f"{PREFIX}:{function.__module__}.{function.__qualname__}:{digest}"


def _seconds_to_keep(arguments: dict) -> int:
    end = arguments.get("end") or arguments.get("today")
    if isinstance(end, datetime.date) and end < timezone.localdate():
        return ENDED_PERIOD_SECONDS
    return RUNNING_PERIOD_SECONDS


def cached_figures(function):
    """Keep what ``function`` returns for its arguments, as described above."""

    @functools.wraps(function)
    def kept(*positional, **arguments):
        key = _key(function, positional, arguments)
        seconds = _seconds_to_keep(arguments)
        if not (_refreshing.get() and seconds == RUNNING_PERIOD_SECONDS):
            found = cache.get(key)
            if found is not None:
                return found
        figures = function(*positional, **arguments)
        cache.set(key, figures, seconds)
        return figures

    return kept
