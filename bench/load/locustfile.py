"""The people of a large program using Alongside at once, for locust.

Run by bench/production.py, which starts the server and writes the context
file (``BENCH_CONTEXT``: session keys and the ids of real rows). Each user is
one role going through its usual pages with a pause between them (``--think``:
2 to 6 seconds by default, shorter than it takes to read a page); the bare view
is requested by users of its own so its figures are taken under the same load.

Requests are named by route (``/outreach/<id>/``), so the table has one line
per page; the largest ``X-Queries`` header seen for each is kept too.
"""

import json
import os
import random
from pathlib import Path

from locust import HttpUser, between, events, task

CONTEXT = json.loads(Path(os.environ["BENCH_CONTEXT"]).read_text())
QUERIES: dict[str, int] = {}
# Seconds a person pauses between pages, least and most (bench/production.py --think).
PAUSE = between(*(float(s) for s in os.environ.get("BENCH_THINK", "2,6").split(",")))


@events.request.add_listener
def count_queries(name, response, **_) -> None:
    if response is not None and "X-Queries" in response.headers:
        QUERIES[name] = max(QUERIES.get(name, 0), int(response.headers["X-Queries"]))


@events.test_stop.add_listener
def write_queries(**_) -> None:
    Path(os.environ["BENCH_QUERIES"]).write_text(json.dumps(QUERIES))


class Person(HttpUser):
    abstract = True
    wait_time = PAUSE
    role = ""

    def on_start(self) -> None:
        session = CONTEXT["sessions"][self.role]
        if isinstance(session, list):
            session = random.choice(session)
        self.session = session
        self.client.cookies.set("sessionid", session["key"])

    def page(self, path: str, name: str) -> None:
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} for {path}")


class Director(Person):
    weight = 5
    role = "director"

    @task(3)
    def home(self):
        self.page("/", "/ (director)")

    @task(2)
    def roster(self):
        self.page("/people/", "/people/")

    @task
    def roster_search(self):
        self.page(f"/people/?q={random.choice(CONTEXT['surnames'])}", "/people/?q=")

    @task
    def staff_member(self):
        self.page(
            f"/people/{random.choice(CONTEXT['staff_members'])}/", "/people/<id>/"
        )

    @task(2)
    def events(self):
        self.page("/events/", "/events/")

    @task
    def event(self):
        self.page(f"/events/{random.choice(CONTEXT['events'])}/", "/events/<id>/")

    @task(3)
    def queue(self):
        self.page("/outreach/", "/outreach/")

    @task(2)
    def offer(self):
        self.page(f"/outreach/{random.choice(CONTEXT['offers'])}/", "/outreach/<id>/")

    @task
    def team(self):
        self.page("/team/", "/team/")

    @task
    def coverage(self):
        self.page("/selection/coverage/", "/selection/coverage/")

    @task
    def training(self):
        self.page("/training/", "/training/")

    @task(2)
    def results(self):
        self.page("/results/", "/results/")

    @task
    def survey_results(self):
        self.page(CONTEXT["survey_results"], "/surveys/<slug>/results/")

    @task
    def audit(self):
        self.page("/audit/", "/audit/")

    @task
    def publicity(self):
        self.page("/publicity/", "/publicity/")

    @task
    def brief(self):
        self.page("/brief/", "/brief/")


class Supporter(Person):
    weight = 8
    role = "supporters"

    @task(3)
    def home(self):
        self.page("/", "/ (supporter)")

    @task(3)
    def assignments(self):
        self.page("/assignments/", "/assignments/")

    @task(2)
    def conversations(self):
        offer = self.session.get("offer")
        if offer:
            self.page(
                f"/assignments/{offer}/conversations/",
                "/assignments/<id>/conversations/",
            )

    @task
    def guide(self):
        self.page("/guide/", "/guide/")

    @task
    def resources(self):
        self.page("/resources/", "/resources/")

    @task
    def my_training(self):
        self.page("/training/me/", "/training/me/")


class Leader(Person):
    weight = 2
    role = "leader"

    @task
    def home(self):
        self.page("/", "/ (leader)")

    @task(2)
    def results(self):
        self.page("/results/", "/results/ (leader)")

    @task
    def survey_results(self):
        self.page(CONTEXT["survey_results"], "/surveys/<slug>/results/ (leader)")


class Administrator(Person):
    weight = 1
    role = "it"

    @task
    def system(self):
        self.page("/system/", "/system/")

    @task
    def audit(self):
        self.page("/audit/", "/audit/ (IT)")


class IncidentSystem(HttpUser):
    """The incident-reporting system posting events as they are reported."""

    weight = 1
    wait_time = PAUSE

    def on_start(self) -> None:
        self.client.headers["Authorization"] = f"Bearer {CONTEXT['api_key']}"

    @task
    def event(self):
        number = random.randrange(10**9)
        payload = {
            "event_id": f"LOAD-{os.getpid()}-{number}",
            "occurred_on": CONTEXT["today"],
            "trigger_type": random.choice(CONTEXT["triggers"]),
            "harm_level": "moderate",
            "involved": [
                {"employee_id": random.choice(CONTEXT["employee_ids"])}
                for _ in range(2)
            ],
        }
        with self.client.post(
            "/api/v1/events",
            json=payload,
            name="POST /api/v1/events",
            catch_response=True,
        ) as response:
            if response.status_code not in (200, 201):
                response.failure(f"{response.status_code}: {response.text[:200]}")


class Bare(HttpUser):
    """The bare view: what any request through this server costs at this load."""

    fixed_count = 2  # on top of the people, who share the rest by weight
    wait_time = PAUSE

    @task
    def bare(self):
        self.client.get("/bench/bare/", name="bare Django view")
