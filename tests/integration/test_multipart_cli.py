"""The aws CLI against the multipart operations: the upload-part manual page's own example
(../shared/spec/upload-part.txt) replayed step by step, and `aws s3 cp` of a 20 MiB file.

The manual page's example:
    aws s3api upload-part --bucket my-bucket --key 'multipart/01' --part-number 1 \
        --body part01 --upload-id "dfRtDYU0..."
prints
    {
        "ETag": "\"e868e0f4719e394144ef36531ee6824c\""
    }
and says to save each ETag for complete-multipart-upload. The minimum part size is 5 MB (all but
the last part)."""

from __future__ import annotations

import hashlib
import json

import pytest

from cairntest import MiB
from test_multipart_helpers import body_of, multipart_etag

pytestmark = pytest.mark.multipart


@pytest.fixture
def cli(aws):
    # The manual page predates the CLI's default CRC32 request checksums, which make S3 echo an
    # extra "ChecksumCRC32" in upload-part's output. Computing checksums only when required
    # reproduces the page's exact output shape.
    (aws.workdir / "aws-config").write_text(
        "[default]\nregion = us-east-1\ns3 =\n    addressing_style = path\n"
        "request_checksum_calculation = when_required\n"
        "response_checksum_validation = when_required\n")
    return aws


def test_spec_example_replayed_with_the_aws_cli(cli, s3):
    aws = cli
    aws("s3api", "create-bucket", "--bucket", "my-bucket")
    bodies = [body_of(5 * MiB, 1), body_of(1 * MiB + 17, 2)]
    for i, body in enumerate(bodies, 1):
        (aws.workdir / f"part0{i}").write_bytes(body)

    created = aws.json("s3api", "create-multipart-upload", "--bucket", "my-bucket",
                       "--key", "multipart/01")
    assert created["Bucket"] == "my-bucket"
    assert created["Key"] == "multipart/01"
    upload_id = created["UploadId"]

    etags = []
    for i, body in enumerate(bodies, 1):
        proc = aws("s3api", "upload-part", "--bucket", "my-bucket", "--key", "multipart/01",
                   "--part-number", str(i), "--body", f"part0{i}", "--upload-id", upload_id,
                   "--output", "json")
        out = proc.stdout.decode()
        md5 = hashlib.md5(body).hexdigest()
        assert json.loads(out) == {"ETag": f'"{md5}"'}, out
        # printed exactly as the manual page shows it
        assert f'"ETag": "\\"{md5}\\""' in out, out
        etags.append(json.loads(out)["ETag"])

    listed = aws.json("s3api", "list-parts", "--bucket", "my-bucket", "--key", "multipart/01",
                      "--upload-id", upload_id)
    assert [(p["PartNumber"], p["ETag"], p["Size"]) for p in listed["Parts"]] == \
        [(i, etags[i - 1], len(b)) for i, b in enumerate(bodies, 1)]
    assert listed["StorageClass"] == "STANDARD"
    assert listed["Initiator"]["ID"] and listed["Owner"]["ID"]

    uploads = aws.json("s3api", "list-multipart-uploads", "--bucket", "my-bucket")
    assert [(u["Key"], u["UploadId"]) for u in uploads["Uploads"]] == \
        [("multipart/01", upload_id)]

    (aws.workdir / "parts.json").write_text(json.dumps(
        {"Parts": [{"ETag": etag, "PartNumber": i} for i, etag in enumerate(etags, 1)]}))
    done = aws.json("s3api", "complete-multipart-upload", "--bucket", "my-bucket",
                    "--key", "multipart/01", "--upload-id", upload_id,
                    "--multipart-upload", "file://parts.json")
    assert done["ETag"] == multipart_etag(bodies)
    assert done["Bucket"] == "my-bucket"
    assert done["Key"] == "multipart/01"

    got = aws.json("s3api", "get-object", "--bucket", "my-bucket", "--key", "multipart/01",
                   "downloaded")
    assert got["ContentLength"] == sum(map(len, bodies))
    assert got["ETag"] == multipart_etag(bodies)
    assert (aws.workdir / "downloaded").read_bytes() == b"".join(bodies)

    # the upload is finished: nothing in progress, and boto3 sees the same object
    assert not aws.json("s3api", "list-multipart-uploads", "--bucket", "my-bucket").get("Uploads")
    assert s3.head_object(Bucket="my-bucket", Key="multipart/01")["ETag"] == \
        multipart_etag(bodies)


def test_abort_multipart_upload_with_the_aws_cli(cli, s3):
    aws = cli
    aws("s3api", "create-bucket", "--bucket", "my-bucket")
    upload_id = aws.json("s3api", "create-multipart-upload", "--bucket", "my-bucket",
                         "--key", "multipart/01")["UploadId"]
    (aws.workdir / "part01").write_bytes(b"abandoned")
    aws("s3api", "upload-part", "--bucket", "my-bucket", "--key", "multipart/01",
        "--part-number", "1", "--body", "part01", "--upload-id", upload_id)
    proc = aws("s3api", "abort-multipart-upload", "--bucket", "my-bucket",
               "--key", "multipart/01", "--upload-id", upload_id)
    assert proc.stdout.strip() == b""
    proc = aws("s3api", "list-parts", "--bucket", "my-bucket", "--key", "multipart/01",
               "--upload-id", upload_id, check=False)
    assert proc.returncode != 0
    assert b"NoSuchUpload" in proc.stderr


def test_s3_cp_of_20_mib_file_round_trips(aws, s3):
    aws("s3", "mb", "s3://cli-cp")
    data = body_of(20 * MiB, 20)
    src = aws.workdir / "twenty.bin"
    src.write_bytes(data)
    aws("s3", "cp", src, "s3://cli-cp/dir/twenty.bin")

    head = s3.head_object(Bucket="cli-cp", Key="dir/twenty.bin")
    assert head["ContentLength"] == len(data)
    chunk = 8 * MiB  # the CLI's default multipart_chunksize
    assert head["ETag"] == multipart_etag([data[i:i + chunk] for i in range(0, len(data), chunk)])
    assert head["ETag"].endswith('-3"')

    dst = aws.workdir / "twenty-down.bin"
    aws("s3", "cp", "s3://cli-cp/dir/twenty.bin", dst)
    assert hashlib.sha256(dst.read_bytes()).digest() == hashlib.sha256(data).digest()
    assert not s3.list_multipart_uploads(Bucket="cli-cp").get("Uploads")
