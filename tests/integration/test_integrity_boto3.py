"""boto3 as users run it, over HTTP and HTTPS, with the default checksum settings
(request_checksum_calculation=when_supported) and with when_required (what
AWS_REQUEST_CHECKSUM_CALCULATION=when_required selects).

What botocore sends (botocore/httpchecksum.py, checked on the wire below):
- default over HTTP: the signed payload SHA-256 plus an x-amz-checksum-crc32 header;
- default over HTTPS: Transfer-Encoding: chunked, Content-Encoding: aws-chunked,
  x-amz-content-sha256: STREAMING-UNSIGNED-PAYLOAD-TRAILER, x-amz-decoded-content-length,
  x-amz-trailer: x-amz-checksum-crc32 and the CRC in a trailer after the last 1 MiB aws-chunk;
- when_required: no checksum for PutObject / UploadPart (HTTPS: UNSIGNED-PAYLOAD).
GetObject under the default response_checksum_validation asks for the checksum and validates it
against the bytes it reads, so a wrong stored or combined checksum fails the read.
"""

from __future__ import annotations

import hashlib
import io

import pytest
from boto3.s3.transfer import TransferConfig

from cairntest import MiB
from test_integrity_helpers import (  # noqa: F401 (fixtures and the parametrizing hook)
    body_of, checksum, ibucket, is3, is_https, iserver, module_client, module_server,
    pytest_generate_tests, tls_cert)

CONFIGS = {"default": {}, "when_required": {"request_checksum_calculation": "when_required"}}


class Recorder:
    """The headers of every request a client sends, by operation."""

    def __init__(self, client):
        self.sent: list[tuple[str, dict[str, str]]] = []
        client.meta.events.register("before-send.s3.*", self._record)

    def _record(self, request, event_name, **_kwargs):
        self.sent.append((event_name.split(".")[-1], {
            k.lower(): v.decode() if isinstance(v, bytes) else v
            for k, v in request.headers.items()}))

    def last(self, operation: str) -> dict[str, str]:
        return [h for op, h in self.sent if op == operation][-1]

    def all(self, operation: str) -> list[dict[str, str]]:
        return [h for op, h in self.sent if op == operation]


@pytest.fixture(params=list(CONFIGS))
def config(request):
    return request.param


@pytest.fixture
def client(iserver, config):
    c = iserver.client(**CONFIGS[config])
    yield c
    c.close()


def assert_wire_format(server, config: str, headers: dict[str, str]) -> None:
    sha = headers.get("x-amz-content-sha256", "")
    if config == "when_required":
        assert not any(k.startswith("x-amz-checksum-") for k in headers), headers
        assert "aws-chunked" not in headers.get("content-encoding", "")
        return
    if is_https(server):
        assert sha == "STREAMING-UNSIGNED-PAYLOAD-TRAILER", headers
        assert "aws-chunked" in headers["content-encoding"]
        assert headers["transfer-encoding"] == "chunked"
        assert headers["x-amz-trailer"] == "x-amz-checksum-crc32"
        assert "x-amz-decoded-content-length" in headers
    else:
        assert len(sha) == 64, headers  # signed payload
        assert "x-amz-checksum-crc32" in headers


@pytest.mark.parametrize("size", [0, 1, 3 * MiB + 7], ids=["empty", "1-byte", "3MiB"])
def test_put_get_round_trip(iserver, client, ibucket, config, size):
    rec = Recorder(client)
    data = body_of(size, 1)
    resp = client.put_object(Bucket=ibucket, Key="obj", Body=data)
    assert_wire_format(iserver, config, rec.last("PutObject"))
    assert resp["ETag"] == f'"{hashlib.md5(data).hexdigest()}"'
    if config == "default":
        assert resp["ChecksumCRC32"] == checksum("CRC32", data)
    else:  # no checksum sent: the server adds S3's default, a FULL_OBJECT CRC64NVME
        assert resp["ChecksumCRC64NVME"] == checksum("CRC64NVME", data)
        assert resp["ChecksumType"] == "FULL_OBJECT"
        assert "ChecksumCRC32" not in resp
    got = client.get_object(Bucket=ibucket, Key="obj")
    assert got["Body"].read() == data
    assert got["ContentLength"] == size
    assert "ContentEncoding" not in got
    algorithm = "CRC32" if config == "default" else "CRC64NVME"
    assert got[f"Checksum{algorithm}"] == checksum(algorithm, data)  # and botocore validated it
    head = client.head_object(Bucket=ibucket, Key="obj", ChecksumMode="ENABLED")
    assert head[f"Checksum{algorithm}"] == checksum(algorithm, data)
    assert head["ChecksumType"] == "FULL_OBJECT"
    attrs = client.get_object_attributes(Bucket=ibucket, Key="obj", ObjectAttributes=["Checksum"])
    assert attrs["Checksum"][f"Checksum{algorithm}"] == checksum(algorithm, data)


def test_put_with_file_object_and_content_encoding(iserver, client, ibucket, config):
    """A seekable file body, and a user Content-Encoding that botocore combines with aws-chunked
    over HTTPS ("gzip,aws-chunked"): the stored Content-Encoding is the user's alone."""
    data = body_of(2 * MiB + 3, 2)
    client.put_object(Bucket=ibucket, Key="obj", Body=io.BytesIO(data), ContentEncoding="gzip")
    head = client.head_object(Bucket=ibucket, Key="obj")
    assert head["ContentEncoding"] == "gzip"
    got = client.get_object(Bucket=ibucket, Key="obj")
    assert got["Body"].read() == data


def test_multipart_round_trip_without_algorithm(iserver, client, ibucket, config):
    rec = Recorder(client)
    parts = [body_of(MiB + 1, 3), body_of(2 * MiB + 5, 4), body_of(123, 5)]
    upload_id = client.create_multipart_upload(Bucket=ibucket, Key="mp")["UploadId"]
    completed = []
    for n, data in enumerate(parts, 1):
        r = client.upload_part(Bucket=ibucket, Key="mp", UploadId=upload_id, PartNumber=n,
                               Body=data)
        assert r["ETag"] == f'"{hashlib.md5(data).hexdigest()}"'
        completed.append({"PartNumber": n, "ETag": r["ETag"]})
    for headers in rec.all("UploadPart"):
        assert_wire_format(iserver, config, headers)
    client.complete_multipart_upload(Bucket=ibucket, Key="mp", UploadId=upload_id,
                                     MultipartUpload={"Parts": completed})
    assert client.get_object(Bucket=ibucket, Key="mp")["Body"].read() == b"".join(parts)


@pytest.mark.parametrize("algorithm,ctype", [("CRC32", "FULL_OBJECT"), ("CRC32C", "COMPOSITE"),
                                             ("CRC64NVME", "FULL_OBJECT")])
def test_multipart_round_trip_with_algorithm(iserver, client, ibucket, config, algorithm, ctype):
    parts = [body_of(MiB, 6), body_of(MiB + 333, 7)]
    upload_id = client.create_multipart_upload(Bucket=ibucket, Key="mp", ChecksumAlgorithm=algorithm,
                                               ChecksumType=ctype)["UploadId"]
    completed = []
    for n, data in enumerate(parts, 1):
        r = client.upload_part(Bucket=ibucket, Key="mp", UploadId=upload_id, PartNumber=n,
                               Body=data, ChecksumAlgorithm=algorithm)
        assert r[f"Checksum{algorithm}"] == checksum(algorithm, data)
        completed.append({"PartNumber": n, "ETag": r["ETag"],
                          f"Checksum{algorithm}": r[f"Checksum{algorithm}"]})
    done = client.complete_multipart_upload(Bucket=ibucket, Key="mp", UploadId=upload_id,
                                            MultipartUpload={"Parts": completed})
    assert done["ChecksumType"] == ctype
    got = client.get_object(Bucket=ibucket, Key="mp")  # validates a FULL_OBJECT CRC on read
    assert got["Body"].read() == b"".join(parts)
    if ctype == "FULL_OBJECT":
        assert got[f"Checksum{algorithm}"] == checksum(algorithm, b"".join(parts))


def test_upload_fileobj_and_download_fileobj(iserver, client, ibucket, config):
    """s3transfer (upload_fileobj / download_fileobj) with a multipart upload: 3 parts."""
    data = body_of(11 * MiB + 17, 8)
    cfg = TransferConfig(multipart_threshold=5 * MiB, multipart_chunksize=5 * MiB,
                         max_concurrency=3)
    client.upload_fileobj(io.BytesIO(data), ibucket, "big", Config=cfg)
    head = client.head_object(Bucket=ibucket, Key="big")
    assert head["ContentLength"] == len(data)
    assert head["ETag"].endswith('-3"')
    out = io.BytesIO()
    client.download_fileobj(ibucket, "big", out, Config=cfg)
    assert out.getvalue() == data


def test_environment_variable_when_required(iserver, ibucket, monkeypatch):
    """AWS_REQUEST_CHECKSUM_CALCULATION=when_required, as users set it, behaves like the config
    option: PutObject and UploadPart go without checksums and still round-trip."""
    monkeypatch.setenv("AWS_REQUEST_CHECKSUM_CALCULATION", "when_required")
    c = iserver.client()
    try:
        rec = Recorder(c)
        data = body_of(MiB + 9, 9)
        c.put_object(Bucket=ibucket, Key="obj", Body=data)
        assert_wire_format(iserver, "when_required", rec.last("PutObject"))
        assert c.get_object(Bucket=ibucket, Key="obj")["Body"].read() == data
    finally:
        c.close()
