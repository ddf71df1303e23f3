"""The scratch database every benchmark runs on, made afresh and removed after."""

import os
import tempfile
from collections.abc import Callable
from urllib.parse import urlsplit


def scratch_database(name: str) -> tuple[str, Callable[[], None]]:
    """A DATABASE_URL for a fresh, empty database, and a function that removes it.

    A temporary SQLite file, or, when DATABASE_URL points at PostgreSQL, a
    database called ``name`` on that server (dropped first if it is there).
    """
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        server = urlsplit(url)
        maintenance = server._replace(path="/postgres").geturl()

        def run(statement: str) -> None:
            with psycopg.connect(maintenance, autocommit=True) as connection:
                connection.execute(statement)

        run(f"DROP DATABASE IF EXISTS {name}")
        run(f"CREATE DATABASE {name}")
        return (
            server._replace(path=f"/{name}").geturl(),
            lambda: run(f"DROP DATABASE IF EXISTS {name}"),
        )
    folder = tempfile.TemporaryDirectory(prefix="alongside-bench-")
    return f"sqlite:///{folder.name}/bench.sqlite3", folder.cleanup
