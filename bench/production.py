"""Alongside under load on a large system: the figures production readiness rests on.

    .venv/bin/python bench/production.py [--generate] [--users 20] [--seconds 120]

On PostgreSQL (DATABASE_URL's server, default the local one), in a database
called ``alongside_large`` made by ``generate_large_system`` (100 000 staff,
2 000 supporters, 200 000 events, 500 000 offers, 2 million survey answers;
``--generate`` makes it afresh, and it is made when missing):

1. gunicorn serves Alongside under production settings (bench/settings.py:
   the production ones, plus a bare view and a query-count header), with
   Redis as the shared cache, a worker running and a stand-in SMTP server
   taking its mail, as in production;
2. locust plays ``--users`` people at once (directors, supporters, leaders,
   the IT administrator and the incident system posting events) for
   ``--seconds`` after a 30 s warm-up, each pausing 2–6 s between pages
   (``--think``), plus two users requesting the bare view. Every page's p50
   and p95 and its throughput are printed next to the bare view's, with the
   ratio, and the most queries it made;
3. the dashboard and the survey results are timed against bare SQL
   aggregates over the same rows;
4. event ingest over HTTP, the worker reaching in, and matching are timed.

Nothing leaves the machine; keys are throwaway.
"""

import argparse
import base64
import contextlib
import csv
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DATABASE = "alongside_large"
SEED = 20261126
# The key ring the generator encrypts with (test mode's), so the server can read it.
TEST_KEYS = "test-1:" + base64.b64encode(b"test-key-test-key-test-key-00000").decode()
P95_TARGET_MS = 300
WARM_UP_SECONDS = 30
QUERY_LIMIT = 30


def api_key_file(database: str) -> Path:
    """Where the generator leaves the incident system's API key (throwaway)."""
    return Path(tempfile.gettempdir()) / f"{database}-api-key"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default=DATABASE)
    parser.add_argument("--generate", action="store_true")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--web-workers", type=int, default=4)
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument(
        "--think",
        default="2,6",
        help="the least and most seconds a person pauses between pages",
    )
    arguments = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="alongside-production-bench-"))
    database_url = large_database(arguments)
    environment = server_environment(database_url, work)
    run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], environment)
    api_key = api_key_file(arguments.database).read_text().strip()
    context = work / "context.json"
    context.write_text(
        run([PYTHON, "bench/load/context.py", api_key], environment).stdout
    )
    director = json.loads(context.read_text())["sessions"]["director"]["key"]
    with smtp_sink(environment), gunicorn(environment, arguments.web_workers) as url:
        with worker(environment):
            load = locust(url, environment, context, work, arguments)
            analytics = run_json(
                [PYTHON, "bench/load/analytics.py", director], environment
            )
        # The background worker is stopped: the reach-in is timed on its own.
        throughput = run_json(
            [PYTHON, "bench/load/throughput.py", url, api_key, str(arguments.events)],
            environment,
        )
    print_tables(arguments, load, analytics, throughput)


# --- The large system -----------------------------------------------------------


def large_database(arguments) -> str:
    """The URL of the generated database, made when missing or asked for."""
    server = urlsplit(
        os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    )
    if server.scheme not in ("postgres", "postgresql"):
        raise SystemExit("The production benchmark runs on PostgreSQL only.")
    maintenance = server._replace(path="/postgres").geturl()
    name = arguments.database
    url = server._replace(path=f"/{name}").geturl()
    import psycopg

    with psycopg.connect(maintenance, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if exists and not arguments.generate and generated(url, name):
            # The code may have new migrations (indexes) since it was generated.
            run([PYTHON, "manage.py", "migrate", "-v0"], generator_environment(url))
            tune(connection, name)
            return url
        connection.execute(f"DROP DATABASE IF EXISTS {name}")
        connection.execute(f"CREATE DATABASE {name}")
        tune(connection, name)
    environment = generator_environment(url)
    print(f"Generating the large system in {name} (about 15 minutes at full scale)")
    run([PYTHON, "manage.py", "migrate", "-v0"], environment)
    run(
        [
            PYTHON,
            "manage.py",
            "generate_large_system",
            f"--seed={SEED}",
            f"--scale={arguments.scale}",
            f"--api-key-file={api_key_file(name)}",
        ],
        environment,
        capture=False,
    )
    return url


def tune(connection, name: str) -> None:
    """The planner setting docs/operations.md recommends for a server on SSDs."""
    connection.execute(f"ALTER DATABASE {name} SET random_page_cost = 1.1")


def generator_environment(url: str) -> dict[str, str]:
    return {**os.environ, "ALONGSIDE_MODE": "test", "DATABASE_URL": url}


def generated(url: str, name: str) -> bool:
    import psycopg

    try:
        with psycopg.connect(url) as connection:
            row = connection.execute(
                "SELECT count(*) FROM organization_staffmember"
            ).fetchone()
    except psycopg.Error:
        return False
    return row[0] > 0 and api_key_file(name).exists()


def server_environment(database_url: str, work: Path) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")},
        "ALONGSIDE_MODE": "production",
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "SECRET_KEY": "bench-" + "k" * 60,
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DATABASE_URL": database_url,
        "FIELD_ENCRYPTION_KEYS": TEST_KEYS,
        "REDIS_URL": "redis://127.0.0.1:6379/15",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_USE_TLS": "false",
        "STATIC_ROOT": str(work / "static"),
        "API_RATE_LIMIT_PER_MINUTE": "1000000",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }


def run(command, environment, *, capture=True) -> subprocess.CompletedProcess:
    result = subprocess.run(
        command, cwd=ROOT, env=environment, capture_output=capture, text=True
    )
    if result.returncode:
        raise SystemExit(
            f"{' '.join(command)} failed:\n{result.stdout or ''}{result.stderr or ''}"
        )
    return result


def run_json(command, environment) -> dict:
    return json.loads(run(command, environment).stdout)


# --- The processes ----------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def process(command, environment):
    child = subprocess.Popen(command, cwd=ROOT, env=environment)
    try:
        yield child
    finally:
        child.terminate()
        try:
            child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            child.kill()


@contextlib.contextmanager
def smtp_sink(environment):
    """aiosmtpd taking the worker's mail and discarding it."""
    port = free_port()
    environment["EMAIL_PORT"] = str(port)
    command = [PYTHON, "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Sink"]
    with process([*command, "-l", f"127.0.0.1:{port}"], environment):
        yield


@contextlib.contextmanager
def gunicorn(environment, workers: int):
    port = free_port()
    command = [
        PYTHON,
        "-m",
        "gunicorn",
        "alongside.wsgi",
        f"--workers={workers}",
        "--preload",  # every worker starts with the code loaded, as after warm-up
        f"--bind=127.0.0.1:{port}",
        "--log-level=warning",
    ]
    with process(command, environment):
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while not answers(port):
            if time.monotonic() > deadline:
                raise SystemExit("gunicorn did not start")
            time.sleep(0.5)
        yield url


def answers(port: int) -> bool:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        connection.request("GET", "/healthz")
        return connection.getresponse().status == 200
    except OSError:
        return False


@contextlib.contextmanager
def worker(environment):
    with process([PYTHON, "manage.py", "run_worker"], environment):
        yield


def locust(url, environment, context: Path, work: Path, arguments) -> dict:
    """A warm-up (every worker loads what its pages import), then the measured run."""
    queries = work / "queries.json"
    runs = (("warm-up", WARM_UP_SECONDS), ("locust", arguments.seconds))
    for name, seconds in runs:
        run(
            [
                str(Path(PYTHON).parent / "locust"),
                "-f",
                "bench/load/locustfile.py",
                "--headless",
                f"--users={arguments.users + 2}",  # the bare view's two users on top
                "--spawn-rate=5",
                f"--run-time={seconds}s",
                f"--host={url}",
                f"--csv={work / name}",
                "--only-summary",
                "--loglevel=WARNING",
            ],
            {
                **environment,
                "BENCH_CONTEXT": str(context),
                "BENCH_QUERIES": str(queries),
                "BENCH_THINK": arguments.think,
            },
            capture=name == "warm-up",
        )
    with open(work / "locust_stats.csv", newline="") as stats:
        rows = [row for row in csv.DictReader(stats) if row["Name"] != "Aggregated"]
    return {"rows": rows, "queries": json.loads(queries.read_text())}


# --- The tables ---------------------------------------------------------------------


def print_tables(arguments, load, analytics, throughput) -> None:
    rows = {row["Name"]: row for row in load["rows"]}
    bare = rows.pop("bare Django view")
    bare_p50, bare_p95 = float(bare["50%"]), float(bare["95%"])
    print(
        f"\n{arguments.users} people at once for {arguments.seconds} s, pausing "
        f"{arguments.think.replace(',', '–')} s between pages "
        f"(+2 on the bare view), {arguments.web_workers} gunicorn workers, "
        f"{os.cpu_count()} CPUs shared with the load generator and the worker\n"
    )
    print(
        "| page | requests | failures | req/s | p50 ms | p95 ms "
        "| p95 ÷ bare | queries |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    print(
        f"| bare Django view | {bare['Request Count']} | {bare['Failure Count']} "
        f"| {float(bare['Requests/s']):.1f} | {bare_p50:.0f} | {bare_p95:.0f} | 1.0 | – |"
    )
    failing = []
    for name in sorted(rows):
        row = rows[name]
        p95 = float(row["95%"])
        queries = load["queries"].get(name, "–")
        print(
            f"| {name} | {row['Request Count']} | {row['Failure Count']} "
            f"| {float(row['Requests/s']):.1f} | {float(row['50%']):.0f} | {p95:.0f} "
            f"| {p95 / bare_p95:.1f} | {queries} |"
        )
        if p95 >= P95_TARGET_MS or (isinstance(queries, int) and queries > QUERY_LIMIT):
            failing.append(name)
    total = sum(float(row["Requests/s"]) for row in load["rows"])
    print(f"\nThroughput, all pages: {total:.1f} requests a second.")
    print(
        "\n| analytics | page ms | bare SQL ms | ratio |\n|---|---:|---:|---:|\n"
        f"| program dashboard (/results/) | {analytics['dashboard_ms']:.0f} "
        f"| {analytics['offers_sql_ms']:.0f} "
        f"| {analytics['dashboard_ms'] / analytics['offers_sql_ms']:.2f} |\n"
        f"| survey results | {analytics['survey_page_ms']:.0f} "
        f"| {analytics['answers_sql_ms']:.0f} "
        f"| {analytics['survey_page_ms'] / analytics['answers_sql_ms']:.2f} |\n"
        f"| the worker's summary of the latest wave | {analytics['summary_ms']:.0f} "
        f"| {analytics['answers_sql_ms']:.0f} "
        f"| {analytics['summary_ms'] / analytics['answers_sql_ms']:.1f} |"
    )
    ingest, reach_in, matching = (
        throughput["ingest"],
        throughput["reach_in"],
        throughput["matching"],
    )
    print(
        "\n| work | amount | seconds | rate |\n|---|---:|---:|---:|\n"
        f"| event ingest over HTTP (4 senders) | {ingest['events']} events "
        f"| {ingest['seconds']:.1f} | {ingest['events'] / ingest['seconds']:.0f}/s |\n"
        f"| the worker reaching in | {reach_in['tasks']} events "
        f"| {reach_in['seconds']:.1f} "
        f"| {reach_in['tasks'] / max(reach_in['seconds'], 1e-9):.1f}/s |\n"
        f"| matching one person | {matching['people']} people "
        f"| p50 {matching['p50_ms']:.0f} ms | p95 {matching['p95_ms']:.0f} ms |"
    )
    if failing:
        print(f"\nOver {P95_TARGET_MS} ms at p95 or {QUERY_LIMIT} queries: {failing}")
        sys.exit(1)


if __name__ == "__main__":
    main()
