"""A throwaway PostgreSQL server for tests that restart it or fill its disk.

The suite's own server (DATABASE_URL) is shared with every other test and is
never restarted or filled: tests that need to do that to a server start one
of these instead, in a temporary folder, on a free loopback port, and delete
it afterwards. ``cluster_unavailable_reason`` says why one cannot be made on
this machine (no PostgreSQL binaries, no way to run them), for skip messages.
"""

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg

PG_BIN = Path(os.environ.get("ALONGSIDE_PG_BIN", "/usr/lib/postgresql/15/bin"))
SERVER_USER = "postgres"  # initdb and postgres refuse to run as root
START_TIMEOUT = 30


def cluster_unavailable_reason() -> str | None:
    """Why a throwaway server cannot be started here, or None when it can."""
    for program in ("initdb", "pg_ctl", "postgres"):
        if not (PG_BIN / program).exists():
            return f"{PG_BIN / program} is missing (set ALONGSIDE_PG_BIN)."
    if os.geteuid() == 0:
        if shutil.which("runuser") is None:
            return "runuser is missing, so initdb cannot run as postgres."
        try:
            pwd.getpwnam(SERVER_USER)
        except KeyError:
            return f"There is no {SERVER_USER!r} user to run the server as."
    return None


def root_unavailable_reason() -> str | None:
    """Why a small tmpfs cannot be mounted here (it takes root), or None."""
    if os.geteuid() != 0:
        return "Mounting a small tmpfs to fill takes root."
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", SERVER_USER, "--", *command]
    return command


def give_to_server_user(path: Path) -> None:
    if os.geteuid() == 0:
        user = pwd.getpwnam(SERVER_USER)
        os.chown(path, user.pw_uid, user.pw_gid)


@dataclass
class Cluster:
    """One running throwaway server; ``url(name)`` is a DATABASE_URL for a database on it."""

    folder: Path
    port: int

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def log_path(self) -> Path:
        return self.folder / "server.log"

    def url(self, database: str = "postgres") -> str:
        return f"postgres://{SERVER_USER}@127.0.0.1:{self.port}/{database}"

    def pg_ctl(self, *arguments: str, timeout: float = START_TIMEOUT) -> None:
        subprocess.run(  # noqa: S603 - our own fixed command line
            _as_server_user(
                [
                    str(PG_BIN / "pg_ctl"),
                    "--pgdata",
                    str(self.data),
                    "--log",
                    str(self.log_path),
                    "--wait",
                    f"--timeout={int(timeout)}",
                    *arguments,
                ]
            ),
            check=True,
            capture_output=True,
            timeout=timeout + 10,
        )

    def start(self) -> None:
        self.pg_ctl("start")

    def stop(self) -> None:
        self.pg_ctl("stop", "--mode=fast")

    def restart(self) -> None:
        self.pg_ctl("restart", "--mode=fast")

    def execute(self, statement: str, database: str = "postgres") -> list[tuple]:
        with psycopg.connect(self.url(database), autocommit=True) as connection:
            cursor = connection.execute(statement)
            return cursor.fetchall() if cursor.description else []

    def create_database(self, name: str, *, template: str = "template1", **options):
        extra = "".join(f" {key.upper()} {value}" for key, value in options.items())
        self.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"{extra}')

    def server_log(self) -> str:
        if self.log_path.exists():
            return self.log_path.read_text(errors="replace")
        return ""


@contextmanager
def throwaway_cluster() -> Iterator[Cluster]:
    """initdb, start on a free port, and at the end stop and delete everything.

    Durability is switched off (fsync, full_page_writes): the data only has to
    outlive a clean restart, and the tests run on a shared 2-core machine.
    """
    folder = Path(tempfile.mkdtemp(prefix="alongside-pg-"))
    give_to_server_user(folder)
    cluster = Cluster(folder=folder, port=free_port())
    try:
        subprocess.run(  # noqa: S603 - our own fixed command line
            _as_server_user(
                [
                    str(PG_BIN / "initdb"),
                    "--pgdata",
                    str(cluster.data),
                    "--username",
                    SERVER_USER,
                    "--auth=trust",
                    "--encoding=UTF8",
                    "--no-sync",
                ]
            ),
            check=True,
            capture_output=True,
            timeout=120,
        )
        settings = {
            "listen_addresses": "'127.0.0.1'",
            "port": cluster.port,
            "unix_socket_directories": f"'{folder}'",
            "fsync": "off",
            "full_page_writes": "off",
            "synchronous_commit": "off",
            "max_connections": 50,
            "shared_buffers": "32MB",
        }
        with open(cluster.data / "postgresql.conf", "a") as conf:
            conf.writelines(f"{name} = {value}\n" for name, value in settings.items())
        cluster.start()
        _wait_for_connections(cluster)
        yield cluster
    finally:
        try:
            if (cluster.data / "postmaster.pid").exists():
                cluster.stop()
        finally:
            shutil.rmtree(folder, ignore_errors=True)


def _wait_for_connections(cluster: Cluster) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            cluster.execute("SELECT 1")
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@contextmanager
def small_tmpfs(megabytes: int) -> Iterator[Path]:
    """A tmpfs of ``megabytes`` the server user owns, unmounted and removed at the end."""
    folder = Path(tempfile.mkdtemp(prefix="alongside-tmpfs-"))
    subprocess.run(  # noqa: S603 - our own fixed command line
        ["mount", "-t", "tmpfs", "-o", f"size={megabytes}m,mode=0700", "tmpfs", folder],  # noqa: S607
        check=True,
        capture_output=True,
        timeout=30,
    )
    try:
        give_to_server_user(folder)
        yield folder
    finally:
        subprocess.run(["umount", "--lazy", folder], check=False, timeout=30)  # noqa: S603, S607
        shutil.rmtree(folder, ignore_errors=True)


def fill(folder: Path, *, leave_bytes: int) -> Path:
    """Write a file into ``folder`` until only about ``leave_bytes`` are free."""
    filler = folder / "filler"
    free = shutil.disk_usage(folder).free - leave_bytes
    with open(filler, "wb") as out:
        chunk = b"\0" * 2**20
        while free > 0:
            written = out.write(chunk[: min(len(chunk), free)])
            free -= written
    return filler
