"""Support code for the Cairn integration tests: start/stop/kill a real `cairn server`,
make boto3 clients, sign raw requests with botocore, run the aws CLI.

Server contract assumed here (see the test files for the S3 behaviour checked):
  cairn server --data DIR --address 127.0.0.1:PORT [--users FILE] [--domain DOMAIN]
               [--min-part-size BYTES]
  credentials from env CAIRN_ACCESS_KEY / CAIRN_SECRET_KEY when no --users file is given.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator
from unittest import mock
from urllib.parse import quote, urlsplit
from xml.etree import ElementTree

import boto3
import requests
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

REPO_ROOT = Path(__file__).resolve().parents[2]
# `postgres` runs every server on PostgreSQL metadata (a fresh database each, in one cluster this
# test process starts); anything else, SQLite in the server's data folder.
METADATA = os.environ.get("CAIRN_TEST_METADATA", "sqlite")
CAIRN_BIN = os.environ.get("CAIRN_BIN", str(REPO_ROOT / ".build" / "debug" / "cairn"))
REGION = "us-east-1"
READY_TIMEOUT = 30.0

KiB = 1024
MiB = 1024 * KiB
GiB = 1024 * MiB

UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
S3_NS = "{http://s3.amazonaws.com/doc/2006-03-01/}"


@dataclass(frozen=True)
class User:
    access_key: str
    secret_key: str
    id: str = ""
    display_name: str = ""


# The single user of a server started without --users (its canonical id is whatever the
# server reports in ListBuckets' Owner; the tests never assume it).
ADMIN = User("cairntestadmin", "cairn-test-secret/Key+0123456789abcdef")

# Users for servers started with --users.
ALICE = User("AKIAALICE000000001", "alice-secret-key/0000000000000000000001",
             "canonical-id-alice-0001", "alice")
BOB = User("AKIABOB00000000002", "bob-secret-key/00000000000000000000002",
           "canonical-id-bob-0002", "bob")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def unique_name(prefix: str = "bkt") -> str:
    """A valid, unique bucket name."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def md5_hex(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def quoted_etag(data: bytes) -> str:
    return f'"{md5_hex(data)}"'


def key_path(bucket: str, key: str = "") -> str:
    """Path-style request path, encoded the way botocore encodes it."""
    if key:
        return f"/{bucket}/{quote(key, safe='/~')}"
    return f"/{bucket}"


class ServerStartError(RuntimeError):
    pass


class CairnServer:
    """One `cairn server` process on its own port and data directory."""

    def __init__(self, base_dir: Path, *, users: list[User] | None = None,
                 domain: str | None = None, min_part_size: int | None = None,
                 admin: User = ADMIN, extra_args: Iterable[str] = ()):
        self.base_dir = Path(base_dir)
        self.base_dir.mkdir(parents=True, exist_ok=True)
        # The data dir is deliberately not created: the server must create it.
        self.data_dir = self.base_dir / "data"
        self.log_path = self.base_dir / "server.log"
        self.users = list(users) if users else None
        self.domain = domain
        self.min_part_size = min_part_size
        self.admin = admin
        self.extra_args = list(extra_args)
        self.port = free_port()
        self.proc: subprocess.Popen | None = None
        self.users_file: Path | None = None
        if self.users:
            self.users_file = self.base_dir / "users.json"
            self.users_file.write_text(json.dumps({"users": [
                {"accessKey": u.access_key, "secretKey": u.secret_key,
                 "id": u.id, "displayName": u.display_name} for u in self.users]}, indent=2))

    # -- process control -------------------------------------------------

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    @property
    def default_user(self) -> User:
        return self.users[0] if self.users else self.admin

    def command(self) -> list[str]:
        cmd = [CAIRN_BIN, "server", "--data", str(self.data_dir),
               "--address", f"127.0.0.1:{self.port}"]
        if self.users_file:
            cmd += ["--users", str(self.users_file)]
        if self.domain:
            cmd += ["--domain", self.domain]
        if self.min_part_size is not None:
            cmd += ["--min-part-size", str(self.min_part_size)]
        if METADATA == "postgres" and "--metadata" not in self.extra_args:
            # One database per server, kept across its restarts.
            if getattr(self, "metadata_url", None) is None:
                from postgres_cluster import shared_cluster
                self.metadata_url = shared_cluster().create_database()
            cmd += ["--metadata", self.metadata_url]
        return cmd + self.extra_args

    def environment(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("CAIRN_")}
        if not self.users:
            env["CAIRN_ACCESS_KEY"] = self.admin.access_key
            env["CAIRN_SECRET_KEY"] = self.admin.secret_key
        return env

    def is_running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def start(self, timeout: float = READY_TIMEOUT) -> None:
        assert not self.is_running(), "server already running"
        if not (os.path.isfile(CAIRN_BIN) and os.access(CAIRN_BIN, os.X_OK)):
            raise ServerStartError(
                f"cairn binary not found at {CAIRN_BIN} (build it or set CAIRN_BIN)")
        with open(self.log_path, "ab") as log:
            log.write(f"\n=== start: {' '.join(self.command())}\n".encode())
            log.flush()
            self.proc = subprocess.Popen(self.command(), stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, env=self.environment())
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise ServerStartError(
                    f"cairn server exited with {self.proc.returncode} before accepting "
                    f"connections; log tail:\n{self.log_tail()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.kill()
                raise ServerStartError(
                    f"cairn server did not accept connections on port {self.port} within "
                    f"{timeout} s; log tail:\n{self.log_tail()}")
            time.sleep(0.02)

    def stop(self, timeout: float = 10.0) -> None:
        """Graceful stop (SIGTERM), falling back to SIGKILL."""
        if not self.is_running():
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        """SIGKILL: no chance to clean up, like a crash or power cut of the process."""
        if not self.is_running():
            return
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def restart(self, *, kill: bool = False) -> None:
        """Restart on the same data dir (and, if possible, the same port)."""
        if kill:
            self.kill()
        else:
            self.stop()
        try:
            self.start()
        except ServerStartError:
            # The old port may be unusable for a moment (e.g. no SO_REUSEADDR); the data dir
            # is what matters, so try once more on a new port.
            if self.is_running():
                raise
            self.port = free_port()
            self.start()

    # -- what is stored ----------------------------------------------------

    def blob_files(self) -> list[Path]:
        """Blob files under DATA/blobs (bodies larger than --inline-max)."""
        return sorted(p for p in (self.data_dir / "blobs").rglob("*") if p.is_file())

    def inline_blob_count(self) -> int:
        """Small bodies kept in the metadata store (`--inline-max`, 64 KiB by default)."""
        return int(self.metadata_query("SELECT count(*) FROM inline_blobs"))

    def stored_blob_count(self) -> int:
        """Every stored body: blob files plus inline blobs."""
        return len(self.blob_files()) + self.inline_blob_count()

    def metadata_query(self, sql: str) -> str:
        """One value from the server's metadata store (SQLite file or its PostgreSQL database)."""
        url = getattr(self, "metadata_url", None)
        if url:
            from postgres_cluster import binary
            out = subprocess.run([binary("psql"), url, "-tAc", sql], check=True, capture_output=True, text=True)
            return out.stdout.strip()
        import sqlite3
        db = sqlite3.connect(f"file:{self.data_dir / 'metadata.sqlite'}?mode=ro", uri=True, timeout=10)
        try:
            return str(db.execute(sql).fetchone()[0])
        finally:
            db.close()

    def log_tail(self, lines: int = 60) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def rss_bytes(self, field: str = "VmRSS") -> int:
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
        raise RuntimeError(f"{field} not in /proc/{self.pid}/status")

    # -- clients ---------------------------------------------------------

    def client(self, user: User | None = None, *, access_key: str | None = None,
               secret_key: str | None = None, addressing_style: str = "path",
               region: str = REGION, **config):
        user = user or self.default_user
        cfg = Config(region_name=region, signature_version="s3v4",
                     s3={"addressing_style": addressing_style},
                     retries={"total_max_attempts": 1},
                     connect_timeout=5, read_timeout=120, **config)
        return boto3.client("s3", endpoint_url=self.endpoint,
                            aws_access_key_id=access_key or user.access_key,
                            aws_secret_access_key=secret_key or user.secret_key,
                            region_name=region, config=cfg,
                            verify=str(self.cafile) if getattr(self, "cafile", None) else None)

    def signed_request(self, method: str, path: str, *, query: str = "",
                       user: User | None = None, headers: dict | None = None,
                       body: bytes = b"", payload_hash: str | None = None,
                       when: _dt.datetime | None = None, stream: bool = False,
                       timeout: float = 60) -> requests.Response:
        """Send one request signed with SigV4 (Authorization header) using `requests`.

        `path` must already be URL-encoded (see key_path). `payload_hash` overrides the
        x-amz-content-sha256 value (e.g. UNSIGNED-PAYLOAD or a wrong hash); `when` signs at
        another time (naive UTC datetime)."""
        user = user or self.default_user
        url = self.endpoint + path + (f"?{query}" if query else "")
        hdrs = sign_headers(method, url, user, headers=headers, body=body,
                            payload_hash=payload_hash, when=when)
        return requests.request(method, url, headers=hdrs, data=body or None,
                                stream=stream, timeout=timeout)

    def anonymous_request(self, method: str, path: str, **kwargs) -> requests.Response:
        return requests.request(method, self.endpoint + path, timeout=30, **kwargs)


class _Signer(S3SigV4Auth):
    def __init__(self, credentials, region, payload_hash=None):
        super().__init__(credentials, "s3", region)
        self._payload_hash = payload_hash

    def payload(self, request):
        if self._payload_hash is not None:
            return self._payload_hash
        return super().payload(request)


def sign_headers(method: str, url: str, user: User, *, headers: dict | None = None,
                 body: bytes = b"", payload_hash: str | None = None,
                 when: _dt.datetime | None = None, region: str = REGION) -> dict[str, str]:
    """Headers (including Host, X-Amz-Date, X-Amz-Content-SHA256 and Authorization) for a
    SigV4-signed request. A Host header in `headers` is signed and must be sent as is."""
    hdrs = dict(headers or {})
    if not any(k.lower() == "host" for k in hdrs):
        hdrs["Host"] = urlsplit(url).netloc
    req = AWSRequest(method=method, url=url, data=body if isinstance(body, bytes) else b"",
                     headers=hdrs)
    signer = _Signer(Credentials(user.access_key, user.secret_key), region, payload_hash)
    if when is None:
        signer.add_auth(req)
    else:
        with mock.patch("botocore.auth.get_current_datetime", return_value=when):
            signer.add_auth(req)
    return dict(req.headers.items())


def utcnow_naive() -> _dt.datetime:
    return _dt.datetime.now(_dt.timezone.utc).replace(tzinfo=None)


def parse_error(body: bytes) -> dict[str, str]:
    """The child elements of an S3 <Error> document as a dict."""
    root = ElementTree.fromstring(body)
    tag = root.tag.split("}")[-1]
    assert tag == "Error", f"root element is {root.tag!r}, not Error: {body[:300]!r}"
    return {child.tag.split("}")[-1]: (child.text or "") for child in root}


def error_code(exc) -> str:
    return exc.response["Error"]["Code"]


def http_status(resp_or_exc) -> int:
    meta = resp_or_exc.response["ResponseMetadata"] if hasattr(resp_or_exc, "response") \
        else resp_or_exc["ResponseMetadata"]
    return meta["HTTPStatusCode"]


def headers_of(resp_or_exc) -> dict[str, str]:
    meta = resp_or_exc.response["ResponseMetadata"] if hasattr(resp_or_exc, "response") \
        else resp_or_exc["ResponseMetadata"]
    return meta["HTTPHeaders"]


# -- streaming uploads over a raw connection --------------------------------------------

def pattern_chunks(total: int, chunk_size: int = MiB, seed: int = 0) -> Iterator[bytes]:
    """Deterministic, non-constant bytes, cheap to produce: a 1 MiB random block rotated."""
    block = hashlib.sha256(str(seed).encode()).digest() * (chunk_size // 32 + 1)
    block = block[:chunk_size]
    sent = 0
    i = 0
    while sent < total:
        n = min(chunk_size, total - sent)
        # vary each chunk cheaply so misplaced chunks would change the MD5
        rot = i % chunk_size
        chunk = block[rot:] + block[:rot]
        yield chunk[:n]
        sent += n
        i += 1


def open_streaming_put(server: CairnServer, bucket: str, key: str, content_length: int,
                       *, user: User | None = None, headers: dict | None = None,
                       timeout: float = 120) -> http.client.HTTPConnection:
    """Send the request line and headers of a PUT signed with UNSIGNED-PAYLOAD; the caller
    then sends exactly `content_length` body bytes with conn.send() and calls
    conn.getresponse()."""
    user = user or server.default_user
    path = key_path(bucket, key)
    hdrs = {"Content-Length": str(content_length)}
    hdrs.update(headers or {})
    signed = sign_headers("PUT", server.endpoint + path, user, headers=hdrs,
                          payload_hash=UNSIGNED_PAYLOAD)
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout)
    conn.putrequest("PUT", path, skip_host=True, skip_accept_encoding=True)
    for k, v in signed.items():
        conn.putheader(k, v)
    conn.endheaders()
    return conn


def streaming_put(server: CairnServer, bucket: str, key: str, chunks: Iterable[bytes],
                  content_length: int, *, user: User | None = None,
                  timeout: float = 300) -> tuple[int, dict[str, str], bytes]:
    conn = open_streaming_put(server, bucket, key, content_length, user=user, timeout=timeout)
    try:
        for chunk in chunks:
            conn.send(chunk)
        resp = conn.getresponse()
        body = resp.read()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, body
    finally:
        conn.close()


class InterruptedUpload(threading.Thread):
    """A PUT (UNSIGNED-PAYLOAD) that sends `send_first` bytes of a larger declared body,
    then stalls until the server dies (or `release` is set) and keeps sending."""

    def __init__(self, server: CairnServer, bucket: str, key: str, *, total: int,
                 send_first: int, user: User | None = None):
        super().__init__(daemon=True)
        self.server, self.bucket, self.key = server, bucket, key
        self.total, self.send_first, self.user = total, send_first, user
        self.sent = 0
        self.first_part_sent = threading.Event()
        self.release = threading.Event()
        self.error: BaseException | None = None
        self.status: int | None = None

    def run(self):
        try:
            conn = open_streaming_put(self.server, self.bucket, self.key, self.total,
                                      user=self.user, timeout=30)
            for chunk in pattern_chunks(self.total, seed=42):
                if self.sent >= self.send_first and not self.first_part_sent.is_set():
                    self.first_part_sent.set()
                    self.release.wait(60)
                conn.send(chunk)
                self.sent += len(chunk)
            self.status = conn.getresponse().status
        except BaseException as e:  # noqa: BLE001 - the server is expected to vanish
            self.error = e
        finally:
            self.first_part_sent.set()


# -- aws CLI -----------------------------------------------------------------------------

def aws_cli_command() -> list[str]:
    # `python -m awscli` uses the same interpreter (and site-packages) as pytest.
    return [sys.executable, "-m", "awscli"]


def run_aws(server: CairnServer, args: list[str], *, workdir: Path, user: User | None = None,
            secret_key: str | None = None, check: bool = True, timeout: float = 180,
            input: bytes | None = None) -> subprocess.CompletedProcess:
    user = user or server.default_user
    config = workdir / "aws-config"
    if not config.exists():
        config.write_text("[default]\nregion = us-east-1\n"
                          "s3 =\n    addressing_style = path\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({
        "AWS_ACCESS_KEY_ID": user.access_key,
        "AWS_SECRET_ACCESS_KEY": secret_key or user.secret_key,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_CONFIG_FILE": str(config),
        "AWS_SHARED_CREDENTIALS_FILE": str(workdir / "aws-credentials-none"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_MAX_ATTEMPTS": "1",
        "AWS_PAGER": "",
    })
    cmd = aws_cli_command() + ["--endpoint-url", server.endpoint] + list(args)
    proc = subprocess.run(cmd, cwd=workdir, env=env, capture_output=True, timeout=timeout,
                          input=input)
    if check and proc.returncode != 0:
        raise AssertionError(
            f"aws {' '.join(args)} exited {proc.returncode}\nstdout:\n"
            f"{proc.stdout.decode(errors='replace')}\nstderr:\n"
            f"{proc.stderr.decode(errors='replace')}\nserver log tail:\n{server.log_tail(30)}")
    return proc


def aws_json(server: CairnServer, args: list[str], **kwargs):
    proc = run_aws(server, list(args) + ["--output", "json"], **kwargs)
    out = proc.stdout.decode()
    return json.loads(out) if out.strip() else {}


class AwsCli:
    """Runs the aws CLI (v1, `python -m awscli`) against a server."""

    def __init__(self, server: CairnServer, workdir: Path):
        self.server, self.workdir = server, workdir

    def __call__(self, *args, **kwargs):
        kwargs.setdefault("workdir", self.workdir)
        return run_aws(self.server, [str(a) for a in args], **kwargs)

    def json(self, *args, **kwargs):
        kwargs.setdefault("workdir", self.workdir)
        return aws_json(self.server, [str(a) for a in args], **kwargs)


def dir_size(path: Path) -> int:
    total = 0
    for root, _dirs, files in os.walk(path):
        for f in files:
            try:
                total += os.lstat(os.path.join(root, f)).st_size
            except FileNotFoundError:
                pass
    return total


def wait_until(predicate, timeout: float, interval: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()

