"""TLS to PostgreSQL: `sslmode` in the `--metadata` URL, as libpq reads it. `require` encrypts
without checking the certificate; `verify-full` refuses one the system does not trust; `require`
refuses a server without TLS."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from cairntest import CairnServer, ServerStartError, unique_name
from postgres_cluster import PostgresCluster, binary, postgres  # noqa: F401 - the fixture


class TLSPostgres(PostgresCluster):
    """The private cluster with `ssl=on` and a self-signed certificate for 127.0.0.1."""

    def start(self) -> None:
        self._run(binary("initdb"), "-D", str(self.data), "-U", "cairn", "--auth=trust", "-E", "UTF8", "--locale=C",
                  "--no-sync")
        key, cert = self.data / "server.key", self.data / "server.crt"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                        "-days", "1", "-subj", "/CN=127.0.0.1"], check=True, capture_output=True)
        key.chmod(0o600)
        if self.as_user:
            for f in (key, cert):
                shutil.chown(f, "nobody", "nogroup")
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off -c ssl=on"
        self._run(binary("pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "server.log"), "-w", "-o", options,
                  "start")

    def encrypted_sessions(self, database: str) -> int:
        out = subprocess.run([binary("psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "cairn", "-d", "postgres",
                              "-Atc", "SELECT count(*) FROM pg_stat_ssl JOIN pg_stat_activity USING (pid) "
                                      f"WHERE ssl AND datname = '{database}'"],
                             check=True, capture_output=True, text=True, env={"PGSSLMODE": "disable"})
        return int(out.stdout.strip())


@pytest.fixture(scope="module")
def tls_postgres():
    cluster = TLSPostgres()
    cluster.start()
    yield cluster
    cluster.stop()


def with_sslmode(url: str, mode: str) -> str:
    return url.replace("sslmode=disable", f"sslmode={mode}")


def test_sslmode_require_encrypts_the_metadata_connections(start_server, tls_postgres):
    url = with_sslmode(tls_postgres.create_database(), "require")
    srv = start_server(extra_args=["--metadata", url])
    s3 = srv.client()
    bucket = unique_name("tls")
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="k", Body=b"over TLS")
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"over TLS"
    database = url.rsplit("/", 1)[1].split("?")[0]
    assert tls_postgres.encrypted_sessions(database) >= 1


def refused_start(tmp_path, url: str) -> str:
    """Starts a server on `url`; it must exit with an error before it listens. Returns its log."""
    srv = CairnServer(tmp_path / "s", extra_args=["--metadata", url])
    # The startup check's one connection fails and the process exits (test_postgres_bad_url.py).
    with pytest.raises(ServerStartError, match="exited with 1"):
        srv.start(timeout=15)
    return srv.log_tail()


def test_sslmode_verify_full_refuses_an_untrusted_certificate(tmp_path, tls_postgres):
    log = refused_start(tmp_path, with_sslmode(tls_postgres.create_database(), "verify-full"))
    assert "TLS failed" in log and "CERTIFICATE_VERIFY_FAILED" in log, log


def test_sslmode_require_refuses_a_server_without_tls(tmp_path, postgres):
    log = refused_start(tmp_path, with_sslmode(postgres.create_database(), "require"))
    assert "the server does not offer TLS, and the URL's sslmode requires it" in log, log
