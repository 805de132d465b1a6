"""The aws CLI (v1, `python -m awscli`) with SSE-C against the HTTPS server (--ca-bundle).

How the CLI sends the key (botocore.handlers.sse_md5, checked in the installed botocore): when
--sse-customer-key-md5 is NOT given, the key is base64-encoded by the CLI and its MD5 computed;
when --sse-customer-key-md5 IS given, both values are sent exactly as typed, so the key must then
be given already base64-encoded. A raw 32-character key with an explicit MD5 therefore reaches the
server as a 32-character "base64" value (24 bytes decoded): 400 InvalidArgument.
"""

from __future__ import annotations

import json

import pytest

from cairntest import AwsCli, unique_name
from test_multipart_helpers import body_of
from test_sse_helpers import (  # noqa: F401 (fixtures)
    b64, key_md5_b64, s3e, srv, sse_client, sse_server, sse_tls_cert)

RAW_KEY = "0123456789abcdef0123456789ABCDEF"  # 32 characters = 32 bytes
RAW_KEY_BYTES = RAW_KEY.encode()
OTHER_KEY = "ffffffffffffffffffffffffffffffff"


@pytest.fixture
def cli(srv, tmp_path):
    workdir = tmp_path / "cli"
    workdir.mkdir()
    return AwsCli(srv, workdir)


def _ca(srv) -> list[str]:
    return ["--ca-bundle", str(srv.cafile)]


def test_cli_multipart_upload_with_sse_c(srv, s3e, cli, tmp_path):
    bucket = unique_name("cli")
    s3e.create_bucket(Bucket=bucket)
    ca = _ca(srv)
    parts = [body_of(70_000, 1), body_of(5_000, 2)]
    files = []
    for n, p in enumerate(parts, 1):
        f = tmp_path / f"part{n}"
        f.write_bytes(p)
        files.append(f)

    create = cli.json("s3api", "create-multipart-upload", "--bucket", bucket, "--key", "obj",
                      "--sse-customer-algorithm", "AES256", "--sse-customer-key", RAW_KEY, *ca)
    assert create["SSECustomerAlgorithm"] == "AES256"
    assert create["SSECustomerKeyMD5"] == key_md5_b64(RAW_KEY_BYTES)
    upload_id = create["UploadId"]

    # part 1: the three options spelled out; with an explicit MD5 the key goes as typed, so it
    # is given base64-encoded
    p1 = cli.json("s3api", "upload-part", "--bucket", bucket, "--key", "obj",
                  "--upload-id", upload_id, "--part-number", "1", "--body", str(files[0]),
                  "--sse-customer-algorithm", "AES256",
                  "--sse-customer-key", b64(RAW_KEY_BYTES),
                  "--sse-customer-key-md5", key_md5_b64(RAW_KEY_BYTES), *ca)
    assert p1["SSECustomerAlgorithm"] == "AES256"
    assert p1["SSECustomerKeyMD5"] == key_md5_b64(RAW_KEY_BYTES)

    # the raw 32-character key with an explicit MD5 is sent unencoded -> InvalidArgument
    bad = cli("s3api", "upload-part", "--bucket", bucket, "--key", "obj",
              "--upload-id", upload_id, "--part-number", "2", "--body", str(files[1]),
              "--sse-customer-algorithm", "AES256", "--sse-customer-key", RAW_KEY,
              "--sse-customer-key-md5", key_md5_b64(RAW_KEY_BYTES), *ca, check=False)
    assert bad.returncode != 0
    assert b"InvalidArgument" in bad.stderr, bad.stderr

    # a part with a different key -> InvalidRequest
    bad = cli("s3api", "upload-part", "--bucket", bucket, "--key", "obj",
              "--upload-id", upload_id, "--part-number", "2", "--body", str(files[1]),
              "--sse-customer-algorithm", "AES256", "--sse-customer-key", OTHER_KEY, *ca,
              check=False)
    assert bad.returncode != 0
    assert b"InvalidRequest" in bad.stderr, bad.stderr

    # a part without the key -> InvalidRequest
    bad = cli("s3api", "upload-part", "--bucket", bucket, "--key", "obj",
              "--upload-id", upload_id, "--part-number", "2", "--body", str(files[1]), *ca,
              check=False)
    assert bad.returncode != 0
    assert b"InvalidRequest" in bad.stderr, bad.stderr

    # part 2: the raw key, the CLI encodes it and computes the MD5
    p2 = cli.json("s3api", "upload-part", "--bucket", bucket, "--key", "obj",
                  "--upload-id", upload_id, "--part-number", "2", "--body", str(files[1]),
                  "--sse-customer-algorithm", "AES256", "--sse-customer-key", RAW_KEY, *ca)
    assert p2["SSECustomerKeyMD5"] == key_md5_b64(RAW_KEY_BYTES)

    listed = cli.json("s3api", "list-parts", "--bucket", bucket, "--key", "obj",
                      "--upload-id", upload_id, *ca)
    assert [p["ETag"] for p in listed["Parts"]] == [p1["ETag"], p2["ETag"]]

    mpu = tmp_path / "mpu.json"
    mpu.write_text(json.dumps({"Parts": [{"PartNumber": 1, "ETag": p1["ETag"]},
                                         {"PartNumber": 2, "ETag": p2["ETag"]}]}))
    done = cli.json("s3api", "complete-multipart-upload", "--bucket", bucket, "--key", "obj",
                    "--upload-id", upload_id, "--multipart-upload", f"file://{mpu}", *ca)
    assert done["ETag"].endswith('-2"')

    out = tmp_path / "out.bin"
    got = cli.json("s3api", "get-object", "--bucket", bucket, "--key", "obj",
                   "--sse-customer-algorithm", "AES256", "--sse-customer-key", RAW_KEY,
                   str(out), *ca)
    assert out.read_bytes() == b"".join(parts)
    assert got["SSECustomerAlgorithm"] == "AES256"
    assert got["SSECustomerKeyMD5"] == key_md5_b64(RAW_KEY_BYTES)
    assert got["ETag"] == done["ETag"]

    # without the key: 400
    bad = cli("s3api", "head-object", "--bucket", bucket, "--key", "obj", *ca, check=False)
    assert bad.returncode != 0
    assert b"400" in bad.stderr, bad.stderr
    # with the wrong key: 403
    bad = cli("s3api", "get-object", "--bucket", bucket, "--key", "obj",
              "--sse-customer-algorithm", "AES256", "--sse-customer-key", OTHER_KEY,
              str(tmp_path / "nope"), *ca, check=False)
    assert bad.returncode != 0
    assert b"AccessDenied" in bad.stderr, bad.stderr


def test_cli_s3_cp_with_sse_c_and_sse_s3(srv, s3e, cli, tmp_path):
    bucket = unique_name("cli")
    s3e.create_bucket(Bucket=bucket)
    ca = _ca(srv)
    data = body_of(150_000, 3)
    src = tmp_path / "src.bin"
    src.write_bytes(data)
    cli("s3", "cp", str(src), f"s3://{bucket}/ssec", "--sse-c", "AES256", "--sse-c-key", RAW_KEY,
        *ca)
    cli("s3", "cp", str(src), f"s3://{bucket}/sses3", "--sse", "AES256", *ca)
    out = tmp_path / "out.bin"
    cli("s3", "cp", f"s3://{bucket}/ssec", str(out), "--sse-c", "AES256", "--sse-c-key", RAW_KEY,
        *ca)
    assert out.read_bytes() == data
    head = s3e.head_object(Bucket=bucket, Key="sses3")
    assert head["ServerSideEncryption"] == "AES256"
    # s3 cp between SSE-C objects with a key change
    cli("s3", "cp", f"s3://{bucket}/ssec", f"s3://{bucket}/ssec2",
        "--sse-c-copy-source", "AES256", "--sse-c-copy-source-key", RAW_KEY,
        "--sse-c", "AES256", "--sse-c-key", OTHER_KEY, *ca)
    got = s3e.get_object(Bucket=bucket, Key="ssec2", SSECustomerAlgorithm="AES256",
                         SSECustomerKey=OTHER_KEY)
    assert got["Body"].read() == data
