"""The program dashboard and the survey results next to bare SQL on the same rows.

    python bench/load/analytics.py DIRECTOR_SESSION_KEY

Prints JSON: the best of five timings, in milliseconds, of each page rendered
whole (selectors, suppression, template) in this process, and of one plain
GROUP BY over the same rows, the least the database must do to count them.
"""

import json
import sys
import time

import django

django.setup()

from django.conf import settings  # noqa: E402 - after setup
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from surveys.models import Survey, Wave, WaveStatus  # noqa: E402

PASSES = 5

# Offers a month, trigger and department over two years, with how many were
# contacted and how many within 24 hours: what the dashboard's figures rest on.
OFFERS_SQL = """
SELECT o.trigger_type_id, date_trunc('month', o.created_at), s.department_id,
       COUNT(*), COUNT(o.contacted_at),
       COUNT(*) FILTER (WHERE o.contacted_at <= o.created_at + interval '24 hours')
FROM outreach_outreachoffer o JOIN organization_staffmember s ON s.id = o.person_id
WHERE o.created_at >= now() - interval '2 years'
GROUP BY 1, 2, 3
"""

# Answers per item, option and department in one wave: what a wave's summary counts.
ANSWERS_SQL = """
SELECT a.item, a.value, r.department_id, COUNT(*)
FROM surveys_answer a JOIN surveys_response r ON r.id = a.response_id
WHERE r.wave_id = %s GROUP BY 1, 2, 3
"""


def best(action) -> float:
    timings = []
    for _ in range(PASSES):
        started = time.perf_counter()
        action()
        timings.append((time.perf_counter() - started) * 1000)
    return min(timings)


def sql(statement: str, *params) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        cursor.fetchall()


def page(client: Client, path: str) -> None:
    response = client.get(path)
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code}")


def main() -> None:
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = sys.argv[1]
    survey = Survey.objects.order_by("pk").first()
    wave = (
        Wave.objects.filter(survey=survey, status=WaveStatus.CLOSED)
        .order_by("-closes_on")
        .first()
    )
    results = {
        "dashboard_ms": best(lambda: page(client, "/results/")),
        "offers_sql_ms": best(lambda: sql(OFFERS_SQL)),
        "survey_page_ms": best(
            lambda: page(client, f"/surveys/{survey.slug}/results/")
        ),
        "answers_sql_ms": best(lambda: sql(ANSWERS_SQL, wave.pk)),
        "summary_ms": best_summary(wave.pk),
    }
    json.dump(results, sys.stdout)


def best_summary(wave_id: int) -> float:
    """The worker's summary of the latest closed wave (once: it takes seconds)."""
    from surveys.summary import wave_summarize

    started = time.perf_counter()
    wave_summarize(wave_id=wave_id)
    return (time.perf_counter() - started) * 1000


if __name__ == "__main__":
    main()
