"""Shared helpers and fixtures for the test_integrity_* files (this module holds no tests).

Checksums are computed here independently of the server: CRC32 with zlib, CRC32C and CRC64NVME
with awscrt when it is installed (tests/requirements.txt) and a table-driven pure-Python CRC
otherwise; SHA-1/SHA-256 with hashlib. An HTTPS server uses a self-signed certificate made with
openssl once per session."""

from __future__ import annotations

import base64
import hashlib
import os
import random
import subprocess
import zlib
from pathlib import Path

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from awschunked import send_raw
from cairntest import (REGION, CairnServer, ServerStartError, key_path, parse_error, sign_headers,
                       unique_name, wait_until)
from test_multipart_helpers import SMALL_MIN_PART

try:  # awscrt is what botocore itself uses for CRC32C / CRC64NVME
    from awscrt import checksums as _crt
except ImportError:  # pragma: no cover - the pure-Python fallback below is used
    _crt = None

ALGORITHMS = ("CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256")
# The five S3 added later; XXHASH* values come from awscrt (what botocore uses), seed 0.
NEW_ALGORITHMS = ("SHA512", "MD5", "XXHASH64", "XXHASH3", "XXHASH128")
ALL_ALGORITHMS = ALGORITHMS + NEW_ALGORITHMS


def body_of(size: int, seed: int) -> bytes:
    """Deterministic pseudo-random bytes, distinct per seed (fast enough for megabytes)."""
    return random.Random(seed).randbytes(size)


# -- CRCs, reflected, table-driven (the reference implementation for the fallback) -----------

def _table(poly: int, width: int) -> list[int]:
    mask = (1 << width) - 1
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ poly if c & 1 else c >> 1
        table.append(c & mask)
    return table


_CRC32C_TABLE = _table(0x82F63B78, 32)
_CRC64NVME_TABLE = _table(0x9A6C9329AC4BC9B5, 64)


def _crc_py(data: bytes, table: list[int], width: int) -> int:
    mask = (1 << width) - 1
    c = mask
    for b in data:
        c = table[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ mask


def crc32c_py(data: bytes) -> int:
    return _crc_py(data, _CRC32C_TABLE, 32)


def crc64nvme_py(data: bytes) -> int:
    return _crc_py(data, _CRC64NVME_TABLE, 64)


def crc32c(data: bytes) -> int:
    return _crt.crc32c(data) if _crt else crc32c_py(data)


def crc64nvme(data: bytes) -> int:
    return _crt.crc64nvme(data) if _crt else crc64nvme_py(data)


def digest(algorithm: str, data: bytes) -> bytes:
    """The raw (big-endian) checksum of `data`."""
    a = algorithm.upper()
    if a == "CRC32":
        return zlib.crc32(data).to_bytes(4, "big")
    if a == "CRC32C":
        return crc32c(data).to_bytes(4, "big")
    if a == "CRC64NVME":
        return crc64nvme(data).to_bytes(8, "big")
    if a == "SHA1":
        return hashlib.sha1(data).digest()
    if a == "SHA256":
        return hashlib.sha256(data).digest()
    if a == "SHA512":
        return hashlib.sha512(data).digest()
    if a == "MD5":
        return hashlib.md5(data).digest()
    if a in ("XXHASH64", "XXHASH3", "XXHASH128"):
        if _crt is None:
            pytest.skip("XXHASH checksums need awscrt (tests/requirements.txt)")
        one_shot = {"XXHASH64": _crt.XXHash.compute_xxhash64, "XXHASH3": _crt.XXHash.compute_xxhash3_64,
                    "XXHASH128": _crt.XXHash.compute_xxhash3_128}[a]
        return one_shot(data)
    raise ValueError(algorithm)


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def checksum(algorithm: str, data: bytes) -> str:
    """base64 of the checksum, as in x-amz-checksum-* and ChecksumXXX."""
    return b64(digest(algorithm, data))


def composite(algorithm: str, parts: list[bytes]) -> str:
    """COMPOSITE multipart checksum: base64(H(concatenated binary part checksums)) + "-N"."""
    return f"{checksum(algorithm, b''.join(digest(algorithm, p) for p in parts))}-{len(parts)}"


def full_object(algorithm: str, parts: list[bytes]) -> str:
    """FULL_OBJECT multipart checksum: the CRC of the whole object (computed over the bytes)."""
    return checksum(algorithm, b"".join(parts))


def wrong_checksum(algorithm: str, data: bytes) -> str:
    """A well-formed value of the right length that does not match `data`."""
    raw = bytearray(digest(algorithm, data))
    raw[0] ^= 0xFF
    return b64(bytes(raw))


def header_name(algorithm: str) -> str:
    return f"x-amz-checksum-{algorithm.lower()}"


def response_key(algorithm: str) -> str:
    """boto3's output key, e.g. ChecksumCRC32C."""
    return f"Checksum{algorithm.upper()}"


def bad_digest_message(algorithm: str) -> str:
    return f"The {algorithm.upper()} you specified did not match the calculated checksum."


# -- storage assertions -----------------------------------------------------------------------

def blob_files(server: CairnServer) -> list[str]:
    out = []
    for root, _dirs, files in os.walk(Path(server.data_dir) / "blobs"):
        out += [os.path.join(root, f) for f in files]
    return out


def tmp_files(server: CairnServer) -> list[str]:
    out = []
    for root, _dirs, files in os.walk(Path(server.data_dir) / "tmp"):
        out += [os.path.join(root, f) for f in files]
    return out


def snapshot(server: CairnServer) -> set[str]:
    return set(blob_files(server))


def assert_nothing_stored(server: CairnServer, s3, bucket: str, key: str, before: set[str], *,
                          previous: bytes | None = None) -> None:
    """After a rejected upload: the key is absent (or still holds `previous`), no blob was added
    or removed, and no temp file is left behind."""
    if previous is None:
        with pytest.raises(ClientError) as e:
            s3.head_object(Bucket=bucket, Key=key)
        assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    else:
        assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == previous
    assert snapshot(server) == before, "a rejected upload changed the blobs"
    assert wait_until(lambda: not tmp_files(server), 5), f"tmp/ not cleaned: {tmp_files(server)}"


def signed(server: CairnServer, method: str, bucket: str, key: str = "", *, query: str = "",
           headers: dict | None = None, body: bytes = b"",
           payload_hash: str | None = None) -> tuple[int, dict[str, str], bytes]:
    """A SigV4-signed request (signed payload SHA-256 unless `payload_hash`) over the server's
    own scheme (HTTP or HTTPS), bypassing botocore's client-side checks."""
    path = key_path(bucket, key) + (f"?{query}" if query else "")
    hdrs = dict(headers or {})
    hdrs.setdefault("Content-Length", str(len(body)))
    signed_headers = sign_headers(method, f"http://{server.host}{path}", server.default_user,
                                  headers=hdrs, body=body, payload_hash=payload_hash)
    return send_raw(server, method, path, signed_headers, body)


def assert_s3_error(status: int, body: bytes, expected_status: int, code: str | None = None,
                    message: str | None = None) -> dict[str, str]:
    assert status == expected_status, f"status {status}, body {body[:600]!r}"
    err = parse_error(body)
    if code is not None:
        assert err.get("Code") == code, err
    if message is not None:
        assert err.get("Message") == message, err
    return err


# -- HTTPS --------------------------------------------------------------------------------------

def make_self_signed(directory: Path) -> tuple[Path, Path]:
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60)
    return cert, key


class TLSCairnServer(CairnServer):
    """A `cairn server --tls-cert --tls-key`: https endpoint, clients verify the test's own
    certificate (`cafile`)."""

    def __init__(self, base_dir: Path, *, cert: Path, key: Path, **kwargs):
        extra = list(kwargs.pop("extra_args", ())) + ["--tls-cert", str(cert), "--tls-key", str(key)]
        super().__init__(base_dir, extra_args=extra, **kwargs)
        self.cafile = cert

    @property
    def endpoint(self) -> str:
        return f"https://127.0.0.1:{self.port}"


@pytest.fixture(scope="session")
def tls_cert(tmp_path_factory) -> tuple[Path, Path]:
    return make_self_signed(tmp_path_factory.mktemp("tls"))


def _module_server(tmp_path_factory, tls_cert, tls: bool) -> CairnServer:
    base = tmp_path_factory.mktemp("https-server" if tls else "http-server")
    srv = (TLSCairnServer(base, cert=tls_cert[0], key=tls_cert[1], min_part_size=SMALL_MIN_PART)
           if tls else CairnServer(base, min_part_size=SMALL_MIN_PART))
    try:
        srv.start()
    except ServerStartError as e:
        pytest.fail(str(e), pytrace=False)
    return srv


def http_only(fn):
    """Runs a test against the plain-HTTP module server only: for checks of parsing that does
    not depend on the transport (HTTPS round trips and errors are covered by the other tests)."""
    fn.http_only = True
    return fn


def pytest_generate_tests(metafunc):
    """Import this hook into a test module: every test using `module_server` runs over HTTP and
    HTTPS (one shared server per module and transport), tests marked @http_only over HTTP only."""
    if "module_server" in metafunc.fixturenames:
        transports = ["http"] if getattr(metafunc.function, "http_only", False) else ["http", "https"]
        metafunc.parametrize("module_server", transports, indirect=True, scope="module")


@pytest.fixture(scope="module")
def module_server(request, tmp_path_factory, tls_cert):
    """One server per test module and transport (HTTP, HTTPS), minimum part size lowered; tests
    use their own buckets. Shared to keep the suite fast."""
    srv = _module_server(tmp_path_factory, tls_cert, request.param == "https")
    yield srv
    # A failed test keeps its response objects (and their keep-alive connections) alive in the
    # report; the TLS server's graceful stop waits ~5 s for such idle connections, so do not
    # wait that long here (stop() falls back to SIGKILL).
    srv.stop(timeout=1.0)


@pytest.fixture
def iserver(request, module_server) -> CairnServer:
    request.node._cairn_servers = [module_server]  # log tail in failure reports (conftest)
    assert module_server.is_running(), "the shared server died in an earlier test"
    return module_server


@pytest.fixture(scope="module")
def module_client(module_server):
    client = module_server.client()
    yield client
    # Idle keep-alive connections would otherwise delay the TLS server's graceful stop (it waits
    # about 5 s for them; the plain HTTP server closes them at once).
    client.close()


@pytest.fixture
def is3(iserver, module_client):
    return module_client


@pytest.fixture
def ibucket(is3) -> str:
    return new_bucket(is3)


def is_https(server: CairnServer) -> bool:
    return server.endpoint.startswith("https://")


def new_bucket(client) -> str:
    name = unique_name("int")
    client.create_bucket(Bucket=name)
    return name
