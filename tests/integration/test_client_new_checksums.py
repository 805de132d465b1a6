"""SHA512, MD5 and the XXHASH checksums through the command-line clients: `cairn s3api` (which
computes them like botocore for --checksum-algorithm, or sends a given value) and the aws CLI v1
(botocore computes SHA512 and, with awscrt, XXHASH*)."""

from __future__ import annotations

import json

import pytest

from cairntest import run_aws
from clienttest import Cairn
from test_integrity_helpers import checksum, composite

COMPUTABLE = ["SHA512", "XXHASH64", "XXHASH3", "XXHASH128"]


@pytest.fixture
def cairn(server, work):
    u = server.default_user
    return Cairn(server.endpoint, work, u.access_key, u.secret_key)


@pytest.mark.parametrize("algorithm", COMPUTABLE + ["MD5"])
def test_cairn_put_object_checksum_algorithm(server, s3, bucket, cairn, work, algorithm):
    data = b"cairn checksum body\n" * 999
    (work / "f").write_bytes(data)
    out = cairn.json("put-object", "--bucket", bucket, "--key", "k", "--body", "f",
                     "--checksum-algorithm", algorithm)
    assert out[f"Checksum{algorithm}"] == checksum(algorithm, data)
    head = s3.head_object(Bucket=bucket, Key="k", ChecksumMode="ENABLED")
    assert head[f"Checksum{algorithm}"] == checksum(algorithm, data)


@pytest.mark.parametrize("algorithm", COMPUTABLE + ["MD5"])
def test_cairn_put_object_given_value_and_wrong_value(server, s3, bucket, cairn, work, algorithm):
    data = b"given value\n" * 321
    (work / "f").write_bytes(data)
    option = f"--checksum-{algorithm.lower()}"
    out = cairn.json("put-object", "--bucket", bucket, "--key", "k", "--body", "f", option, checksum(algorithm, data))
    assert out[f"Checksum{algorithm}"] == checksum(algorithm, data)
    bad = cairn.s3api("put-object", "--bucket", bucket, "--key", "k2", "--body", "f", option,
                      checksum(algorithm, b"other"), check=False)
    assert bad.returncode != 0
    assert b"BadDigest" in bad.stderr
    assert f"The {algorithm} you specified did not match the calculated checksum.".encode() in bad.stderr


def test_cairn_upload_part_with_the_upload_algorithm(server, s3, bucket, cairn, work):
    uid = s3.create_multipart_upload(Bucket=bucket, Key="mp", ChecksumAlgorithm="XXHASH3")["UploadId"]
    data = b"part bytes" * 500
    (work / "p").write_bytes(data)
    out = cairn.json("upload-part", "--bucket", bucket, "--key", "mp", "--part-number", "1", "--body", "p",
                     "--upload-id", uid, "--checksum-algorithm", "XXHASH3")
    assert out["ChecksumXXHASH3"] == checksum("XXHASH3", data)
    parts = cairn.json("list-parts", "--bucket", bucket, "--key", "mp", "--upload-id", uid)
    assert parts["ChecksumAlgorithm"] == "XXHASH3" and parts["ChecksumType"] == "COMPOSITE"
    assert parts["Parts"][0]["ChecksumXXHASH3"] == checksum("XXHASH3", data)


@pytest.mark.parametrize("algorithm", COMPUTABLE)
def test_aws_cli_put_object_checksum_algorithm(server, s3, bucket, work, algorithm):
    data = b"aws cli body\n" * 777
    (work / "f").write_bytes(data)
    out = json.loads(run_aws(server, ["s3api", "put-object", "--bucket", bucket, "--key", "k", "--body", "f",
                                      "--checksum-algorithm", algorithm], workdir=work).stdout)
    assert out[f"Checksum{algorithm}"] == checksum(algorithm, data)
    head = json.loads(run_aws(server, ["s3api", "head-object", "--bucket", bucket, "--key", "k",
                                       "--checksum-mode", "ENABLED"], workdir=work).stdout)
    assert head[f"Checksum{algorithm}"] == checksum(algorithm, data)
    assert head["ChecksumType"] == "FULL_OBJECT"


def test_aws_cli_multipart_composite_xxhash128(server, s3, bucket, work):
    def aws(*args):
        return json.loads(run_aws(server, ["s3api", *args], workdir=work).stdout or b"{}")

    created = aws("create-multipart-upload", "--bucket", bucket, "--key", "mp", "--checksum-algorithm", "XXHASH128")
    assert (created["ChecksumAlgorithm"], created["ChecksumType"]) == ("XXHASH128", "COMPOSITE")
    uid = created["UploadId"]
    bodies = [b"a" * (5 * 1024 * 1024), b"tail"]  # the default server keeps S3's 5 MiB minimum part
    parts = []
    for n, body in enumerate(bodies, 1):
        (work / f"p{n}").write_bytes(body)
        out = aws("upload-part", "--bucket", bucket, "--key", "mp", "--upload-id", uid, "--part-number", str(n),
                  "--body", f"p{n}", "--checksum-algorithm", "XXHASH128")
        assert out["ChecksumXXHASH128"] == checksum("XXHASH128", body)
        parts.append({"PartNumber": n, "ETag": out["ETag"], "ChecksumXXHASH128": out["ChecksumXXHASH128"]})
    done = aws("complete-multipart-upload", "--bucket", bucket, "--key", "mp", "--upload-id", uid,
               "--multipart-upload", json.dumps({"Parts": parts}))
    assert done["ChecksumXXHASH128"] == composite("XXHASH128", bodies)
    assert done["ChecksumType"] == "COMPOSITE"
    attrs = aws("get-object-attributes", "--bucket", bucket, "--key", "mp", "--object-attributes", "Checksum")
    assert attrs["Checksum"] == {"ChecksumXXHASH128": composite("XXHASH128", bodies), "ChecksumType": "COMPOSITE"}
