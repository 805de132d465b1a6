"""`cairn server --metadata postgres://...` on a wrong URL: a closed port, a host that does not
resolve, a listener that never answers, a wrong password, a database that does not exist. Each
must end the process within seconds, non-zero, with one line naming the problem, and never listen
(PostgresStartupCheck). A right URL on the same cluster starts, so the failures are the URL's."""

from __future__ import annotations

import os
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest

from cairntest import CAIRN_BIN, free_port, unique_name
from postgres_cluster import PostgresCluster, binary

ROLE, PASSWORD = "pwuser", "right-Pa55word"


class PasswordPostgres(PostgresCluster):
    """The tests' private cluster, plus a role that must log in with SCRAM (the rest stays trust)."""

    def start(self) -> None:
        super().start()
        self.psql(f"CREATE ROLE {ROLE} LOGIN PASSWORD '{PASSWORD}'")
        hba = self.data / "pg_hba.conf"
        hba.write_text(f"host all {ROLE} 127.0.0.1/32 scram-sha-256\n" + hba.read_text())
        self._run(binary("pg_ctl"), "-D", str(self.data), "reload")
        time.sleep(0.5)  # the postmaster rereads pg_hba.conf asynchronously

    def psql(self, sql: str) -> None:
        subprocess.run([binary("psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "cairn", "-d", "postgres", "-qc", sql],
                       check=True, stdin=subprocess.DEVNULL, capture_output=True)

    def role_url(self, password: str, database: str) -> str:
        return f"postgres://{ROLE}:{password}@127.0.0.1:{self.port}/{database}?sslmode=disable"


@pytest.fixture(scope="module")
def pg():
    cluster = PasswordPostgres()
    cluster.start()
    name = "t_" + unique_name("db").replace("-", "_")
    cluster.psql(f"CREATE DATABASE {name} OWNER {ROLE}")
    cluster.database = name
    yield cluster
    cluster.stop()


def refused(tmp_path: Path, url: str, *args: str) -> str:
    """Runs `cairn server` on `url`: it must exit non-zero within seconds, never listening. Returns
    the standard error."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAIRN_")}
    started = time.monotonic()
    out = subprocess.run([CAIRN_BIN, "server", "--data", str(tmp_path / unique_name("d")), "--address", f"127.0.0.1:{port}",
                          "--metadata", url, *args], capture_output=True, text=True, timeout=60, env=env,
                         stdin=subprocess.DEVNULL)
    elapsed = time.monotonic() - started
    assert out.returncode != 0, out
    # The startup check's bound is 5 s; the rest is the process starting and stopping.
    assert elapsed < 15, f"took {elapsed:.1f} s: {out.stderr}"
    errors = [line for line in out.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, out.stderr
    assert PASSWORD not in out.stderr
    return errors[0]


def test_a_closed_port_is_named_and_refused(tmp_path):
    line = refused(tmp_path, f"postgres://cairn@127.0.0.1:{free_port()}/db?sslmode=disable")
    assert "PostgreSQL at 127.0.0.1:" in line and "connection refused" in line, line


def test_a_host_that_does_not_resolve_is_named_and_refused(tmp_path):
    line = refused(tmp_path, "postgres://cairn@no-such-host.invalid:5432/db?sslmode=disable")
    assert "no-such-host.invalid" in line, line
    assert "cannot resolve the host name" in line or "no answer within" in line, line


def test_a_listener_that_never_answers_is_refused_after_the_bound(tmp_path):
    # Accepts the TCP connection and then says nothing, as a firewall's tarpit or a stuck server.
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept():
        silent.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(silent.accept()[0])
            except OSError:
                pass

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        line = refused(tmp_path, f"postgres://cairn@127.0.0.1:{silent.getsockname()[1]}/db?sslmode=disable")
        assert "no answer within 5 s" in line, line
    finally:
        stop.set()
        thread.join()
        for s in held + [silent]:
            s.close()


def test_a_wrong_password_is_named_and_refused(tmp_path, pg):
    line = refused(tmp_path, pg.role_url("wrong-password", pg.database))
    assert f'password authentication failed for user "{ROLE}"' in line and "28P01" in line, line
    assert "wrong-password" not in line


def test_no_password_where_one_is_asked_is_named_and_refused(tmp_path, pg):
    line = refused(tmp_path, f"postgres://{ROLE}@127.0.0.1:{pg.port}/{pg.database}?sslmode=disable")
    assert "asks for a password" in line, line


def test_a_database_that_does_not_exist_is_named_and_refused(tmp_path, pg):
    line = refused(tmp_path, pg.role_url(PASSWORD, "no_such_database"))
    assert 'database "no_such_database" does not exist' in line and "3D000" in line, line


def test_the_right_url_on_the_same_cluster_starts(start_server, pg):
    srv = start_server(extra_args=["--metadata", pg.role_url(PASSWORD, pg.database)])
    s3 = srv.client()
    bucket = unique_name("pw")
    s3.create_bucket(Bucket=bucket)
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_metadata_migrate_names_a_wrong_password(tmp_path, pg):
    sqlite = tmp_path / "metadata.sqlite"
    sqlite.touch()  # an empty file is an empty SQLite database
    started = time.monotonic()
    out = subprocess.run([CAIRN_BIN, "metadata", "migrate", "--from", str(sqlite), "--to", pg.role_url("nope", pg.database)],
                         capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert out.returncode != 0
    assert time.monotonic() - started < 15
    assert f'password authentication failed for user "{ROLE}"' in out.stderr, out.stderr
