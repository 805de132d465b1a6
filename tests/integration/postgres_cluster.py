"""A private PostgreSQL cluster for integration tests: initdb into a temp folder, pg_ctl on a free
loopback port, as `nobody` when running as root (PostgreSQL refuses root). Missing binaries fail
the test: CI installs Debian's postgresql package."""

from __future__ import annotations

import atexit
import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import uuid

import pytest

from cairntest import free_port

USER = "cairn"


def binary(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if os.access(f"{folder}/{name}", os.X_OK):
            return f"{folder}/{name}"
    raise RuntimeError(f"PostgreSQL's {name} is not on PATH nor in /usr/lib/postgresql/*/bin: apt-get install postgresql")


class PostgresCluster:
    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="cairn-pg-", dir="/tmp"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.folder, "nobody", "nogroup")
            self.as_user = [binary("runuser"), "-u", "nobody", "--"]

    def url(self, database: str = "postgres") -> str:
        return f"postgres://{USER}@127.0.0.1:{self.port}/{database}?sslmode=disable"

    def create_database(self) -> str:
        """A new, empty database; returns its URL."""
        name = "t_" + uuid.uuid4().hex
        subprocess.run([binary("psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", USER, "-d", "postgres", "-qc",
                        f"CREATE DATABASE {name}"], check=True, stdin=subprocess.DEVNULL, capture_output=True)
        return self.url(name)

    def _run(self, *args: str) -> None:
        subprocess.run(self.as_user + list(args), check=True, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)

    def start(self) -> None:
        self._run(binary("initdb"), "-D", str(self.data), "-U", USER, "--auth=trust", "-E", "UTF8",
                  "--locale=C", "--no-sync")
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(binary("pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "server.log"), "-w",
                  "-o", options, "start")

    def stop(self) -> None:
        try:
            self._run(binary("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


_shared: PostgresCluster | None = None


def shared_cluster() -> PostgresCluster:
    """The cluster of CAIRN_TEST_METADATA=postgres runs: started on first use, stopped at exit."""
    global _shared
    if _shared is None:
        _shared = PostgresCluster()
        _shared.start()
        atexit.register(_shared.stop)
    return _shared


@pytest.fixture(scope="module")
def postgres():
    """A cluster of the test module's own (import this fixture into the module)."""
    cluster = PostgresCluster()
    cluster.start()
    yield cluster
    cluster.stop()
