"""Shared helpers and fixtures for the test_sse_* files (this module holds no tests).

Server-side encryption contract tested (issue 5):
  * SSE-C headers x-amz-server-side-encryption-customer-{algorithm,key,key-MD5} (and the
    x-amz-copy-source-... variants for a copy's source) are accepted over HTTPS only, unless
    the server runs with `--sse-c-insecure-http`.
  * SSE-S3 (`x-amz-server-side-encryption: AES256`) uses a master key in DATA/keys/master.key
    (mode 0600, created on first start).
  * SSE-KMS (`aws:kms`) uses named keys made with `cairn kms create-key NAME --data DATA`
    (keyring in DATA/keys/kms/); SSEKMSKeyId is answered as
    arn:aws:kms:us-east-1:000000000000:key/NAME.

Most tests share one HTTPS server per test module (`sse_server`), started with the minimum part
size lowered and the KMS keys below created beforehand; each test uses its own bucket.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import os
import socket
import ssl
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from cairntest import (CAIRN_BIN, REGION, CairnServer, MiB, ServerStartError, key_path,
                       parse_error, sign_headers, unique_name)
from test_multipart_helpers import SMALL_MIN_PART, body_of, multipart_etag  # noqa: F401

# HTTPS support (self-signed certificate, TLS server class) is shared with the integrity tests.
from test_integrity_helpers import TLSCairnServer, make_self_signed  # noqa: E402


KiB = 1024
CHUNK = 64 * KiB  # the at-rest format's plaintext chunk size (AES-256-GCM per 64 KiB)

ACCOUNT_ARN_PREFIX = "arn:aws:kms:us-east-1:000000000000:key/"
KMS_KEY = "cairn-test-key"
KMS_KEY_2 = "cairn-test-key-2"

# AWS's message when SSE-C is sent over plain HTTP (the same text S3-compatible servers that
# copy AWS return, e.g. MinIO: github.com/minio/minio/issues/11162).
INSECURE_SSE_C_MESSAGE = ("Requests specifying Server Side Encryption with Customer provided keys "
                          "must be made over a secure connection.")

SSEC_PREFIX = "x-amz-server-side-encryption-customer-"
COPY_SSEC_PREFIX = "x-amz-copy-source-server-side-encryption-customer-"


def kms_arn(name: str) -> str:
    return ACCOUNT_ARN_PREFIX + name


# -- SSE-C keys ---------------------------------------------------------------------------------

def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def key_md5_b64(key: bytes) -> str:
    return b64(hashlib.md5(key).digest())


def new_key(seed: str) -> bytes:
    """A deterministic 32-byte SSE-C key."""
    return hashlib.sha256(f"sse-c-key:{seed}".encode()).digest()


KEY_A = new_key("A")
KEY_B = new_key("B")


def ssec(key: bytes) -> dict:
    """boto3 parameters for SSE-C (botocore base64-encodes the key and adds its MD5)."""
    return {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": key}


def copy_ssec(key: bytes) -> dict:
    return {"CopySourceSSECustomerAlgorithm": "AES256", "CopySourceSSECustomerKey": key}


def ssec_headers(key: bytes, *, prefix: str = SSEC_PREFIX, algorithm: str | None = "AES256",
                 key_b64: str | None = None, md5: str | None = None,
                 omit: tuple[str, ...] = ()) -> dict[str, str]:
    """Raw SSE-C headers; every part can be overridden or left out (`omit` names among
    'algorithm', 'key', 'key-MD5')."""
    hdrs = {
        prefix + "algorithm": algorithm,
        prefix + "key": key_b64 if key_b64 is not None else b64(key),
        prefix + "key-MD5": md5 if md5 is not None else key_md5_b64(key),
    }
    return {k: v for k, v in hdrs.items()
            if v is not None and k[len(prefix):] not in omit}


def assert_ssec_echo(resp: dict, key: bytes) -> None:
    assert resp.get("SSECustomerAlgorithm") == "AES256", resp.get("ResponseMetadata")
    assert resp.get("SSECustomerKeyMD5") == key_md5_b64(key), resp.get("ResponseMetadata")


# -- encryption modes ---------------------------------------------------------------------------

@dataclass
class Mode:
    """An encryption mode as the tests drive it through boto3."""
    name: str
    write: dict = field(default_factory=dict)       # PutObject / CreateMultipartUpload / Copy dest
    read: dict = field(default_factory=dict)        # GetObject / HeadObject
    part: dict = field(default_factory=dict)        # UploadPart / UploadPartCopy (destination)
    copy_source: dict = field(default_factory=dict)  # CopyObject / UploadPartCopy source
    key: bytes | None = None                        # the SSE-C key, if any
    kms_key: str | None = None

    def check(self, resp: dict) -> None:
        """The response headers show this mode."""
        meta = resp.get("ResponseMetadata")
        if self.name == "none":
            assert "ServerSideEncryption" not in resp, meta
            assert "SSECustomerAlgorithm" not in resp, meta
            assert "SSEKMSKeyId" not in resp, meta
        elif self.key is not None:
            assert_ssec_echo(resp, self.key)
            assert resp.get("ServerSideEncryption") in (None, "AES256"), meta
            assert "SSEKMSKeyId" not in resp, meta
        elif self.kms_key is not None:
            assert resp.get("ServerSideEncryption") == "aws:kms", meta
            assert resp.get("SSEKMSKeyId") == kms_arn(self.kms_key), meta
            assert "SSECustomerAlgorithm" not in resp, meta
        else:
            assert resp.get("ServerSideEncryption") == "AES256", meta
            assert "SSECustomerAlgorithm" not in resp, meta
            assert "SSEKMSKeyId" not in resp, meta


def mode_none() -> Mode:
    return Mode("none")


def mode_ssec(key: bytes = KEY_A, name: str = "sse-c") -> Mode:
    return Mode(name, write=ssec(key), read=ssec(key), part=ssec(key),
                copy_source=copy_ssec(key), key=key)


def mode_s3() -> Mode:
    return Mode("sse-s3", write={"ServerSideEncryption": "AES256"})


def mode_kms(name: str = KMS_KEY) -> Mode:
    return Mode("sse-kms", write={"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": name},
                kms_key=name)


def all_modes() -> dict[str, Mode]:
    return {"none": mode_none(), "sse-c": mode_ssec(), "sse-s3": mode_s3(), "sse-kms": mode_kms()}


# -- the cairn binary ---------------------------------------------------------------------------

def create_kms_key(server: CairnServer, name: str) -> subprocess.CompletedProcess:
    """`cairn kms create-key NAME --data DATA` (before the server starts or while it runs)."""
    proc = subprocess.run([CAIRN_BIN, "kms", "create-key", name, "--data", str(server.data_dir)],
                          capture_output=True, timeout=30, env=server.environment())
    assert proc.returncode == 0, (f"cairn kms create-key {name} exited {proc.returncode}:\n"
                                  f"{proc.stdout.decode(errors='replace')}\n"
                                  f"{proc.stderr.decode(errors='replace')}")
    return proc


def start(server: CairnServer) -> CairnServer:
    try:
        server.start()
    except ServerStartError as e:
        pytest.fail(str(e), pytrace=False)
    return server


# -- raw requests -------------------------------------------------------------------------------

def connection(server: CairnServer, timeout: float = 30) -> http.client.HTTPConnection:
    cafile = getattr(server, "cafile", None)
    if cafile:
        ctx = ssl.create_default_context(cafile=str(cafile))
        return http.client.HTTPSConnection("127.0.0.1", server.port, timeout=timeout, context=ctx)
    return http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout)


def signed_headers(server: CairnServer, method: str, path: str, headers: dict | None,
                   body: bytes) -> dict[str, str]:
    hdrs = dict(headers or {})
    if method in ("PUT", "POST") or body:
        hdrs.setdefault("Content-Length", str(len(body)))
    return sign_headers(method, f"http://{server.host}{path}", server.default_user,
                        headers=hdrs, body=body)


def request(server: CairnServer, method: str, bucket: str, key: str = "", *, query: str = "",
            headers: dict | None = None, body: bytes = b"",
            timeout: float = 30) -> tuple[int, dict[str, str], bytes]:
    """A SigV4-signed request over the server's own scheme (HTTP or HTTPS), bypassing botocore's
    client-side checks. Returns (status, lower-cased headers, body)."""
    path = key_path(bucket, key) + (f"?{query}" if query else "")
    hdrs = signed_headers(server, method, path, headers, body)
    conn = connection(server, timeout)
    try:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        for k, v in hdrs.items():
            conn.putheader(k, v)
        conn.endheaders()
        if body:
            try:
                conn.send(body)
            except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
                pass
        resp = conn.getresponse()
        data = resp.read()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data
    finally:
        conn.close()


def streamed_get(server: CairnServer, bucket: str, key: str, *, headers: dict | None = None,
                 query: str = "", timeout: float = 15) -> tuple[int, dict[str, str], bytes, bool]:
    """A GET read to the end as far as the server lets it: (status, headers, bytes received,
    complete). `complete` is False when the connection was cut or the body is shorter than
    Content-Length."""
    path = key_path(bucket, key) + (f"?{query}" if query else "")
    hdrs = signed_headers(server, "GET", path, headers, b"")
    conn = connection(server, timeout)
    received = bytearray()
    complete = True
    try:
        conn.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
        for k, v in hdrs.items():
            conn.putheader(k, v)
        conn.endheaders()
        resp = conn.getresponse()
        status = resp.status
        resp_headers = {k.lower(): v for k, v in resp.getheaders()}
        try:
            while True:
                chunk = resp.read(16 * KiB)
                if not chunk:
                    break
                received += chunk
        except http.client.IncompleteRead as e:
            received += e.partial
            complete = False
        except (ConnectionError, ssl.SSLError, socket.timeout, http.client.HTTPException,
                OSError):
            complete = False
        length = resp_headers.get("content-length")
        if length is not None and int(length) != len(received):
            complete = False
        return status, resp_headers, bytes(received), complete
    finally:
        conn.close()


def assert_error(status: int, body: bytes, expected_status: int, code: str | None = None,
                 message: str | None = None) -> dict[str, str]:
    assert status == expected_status, f"status {status}, body {body[:600]!r}"
    if not body:  # HEAD: status only
        return {}
    err = parse_error(body)
    if code is not None:
        assert err.get("Code") == code, err
    if message is not None:
        assert err.get("Message") == message, err
    return err


def client_error(exc) -> tuple[int, str]:
    return exc.response["ResponseMetadata"]["HTTPStatusCode"], exc.response["Error"]["Code"]


# -- storage ------------------------------------------------------------------------------------

def blob_files(server: CairnServer) -> set[str]:
    out = set()
    for root, _dirs, files in os.walk(Path(server.data_dir) / "blobs"):
        out |= {os.path.join(root, f) for f in files}
    return out


def all_files(directory: Path) -> list[Path]:
    out = []
    for root, _dirs, files in os.walk(directory):
        out += [Path(root) / f for f in files]
    return out


def files_containing(directory: Path, needles: list[bytes]) -> list[tuple[str, bytes]]:
    """(file, needle) for every file under `directory` holding one of `needles`."""
    hits = []
    for path in all_files(directory):
        try:
            data = path.read_bytes()
        except (FileNotFoundError, PermissionError):
            continue
        for needle in needles:
            if needle in data:
                hits.append((str(path), needle))
    return hits


def pattern_body(pattern: bytes, size: int = MiB) -> bytes:
    assert len(pattern) == 16
    return (pattern * (size // 16 + 1))[:size]


# -- fixtures -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sse_tls_cert(tmp_path_factory) -> tuple[Path, Path]:
    return make_self_signed(tmp_path_factory.mktemp("sse-tls"))


def make_tls_server(base: Path, cert: tuple[Path, Path], *, kms_keys=(KMS_KEY, KMS_KEY_2),
                    **kwargs) -> CairnServer:
    kwargs.setdefault("min_part_size", SMALL_MIN_PART)
    srv = TLSCairnServer(base, cert=cert[0], key=cert[1], **kwargs)
    for name in kms_keys:
        create_kms_key(srv, name)
    return srv


@pytest.fixture(scope="module")
def sse_server(tmp_path_factory, sse_tls_cert):
    """One HTTPS server per module (small parts, KMS keys KMS_KEY and KMS_KEY_2 created before
    it starts)."""
    srv = make_tls_server(tmp_path_factory.mktemp("sse-server"), sse_tls_cert)
    start(srv)
    yield srv
    srv.stop(timeout=1.0)


@pytest.fixture(scope="module")
def sse_client(sse_server):
    client = sse_server.client()
    yield client
    client.close()


@pytest.fixture
def srv(request, sse_server) -> CairnServer:
    request.node._cairn_servers = [sse_server]  # log tail in failure reports (conftest)
    assert sse_server.is_running(), "the shared server died in an earlier test"
    return sse_server


@pytest.fixture
def s3e(srv, sse_client):
    return sse_client


@pytest.fixture
def bkt(s3e) -> str:
    name = unique_name("sse")
    s3e.create_bucket(Bucket=name)
    return name


@pytest.fixture
def start_tls_server(request, tmp_path, sse_tls_cert):
    """Factory for a test's own HTTPS server: start_tls_server(**CairnServer kwargs)."""
    servers: list[CairnServer] = []
    request.node._cairn_servers = servers

    def _start(kms_keys=(KMS_KEY, KMS_KEY_2), **kwargs) -> CairnServer:
        srv = make_tls_server(tmp_path / f"server{len(servers)}", sse_tls_cert,
                              kms_keys=kms_keys, **kwargs)
        servers.append(srv)
        return start(srv)

    yield _start
    for s in servers:
        s.stop(timeout=1.0)
