"""Issue 17: I/O errors. With `--inject-faults` the blob store fails every 3rd fsync (commit) and
every 40th write the way the disk would report EIO (every body a file: `--inline-max 0`). A write whose data did not reach the disk is
never acknowledged: it answers 500 InternalError, nothing of it is visible, and every write that
was acknowledged reads back exactly."""

from __future__ import annotations

import hashlib

from botocore.exceptions import ClientError

from cairntest import KiB, error_code, http_status, wait_until


def test_failed_fsyncs_and_writes_are_never_acknowledged(start_server):
    server = start_server(min_part_size=1, extra_args=["--inject-faults", "commit:3,write:40", "--inline-max", "0"])
    s3 = server.client()
    s3.create_bucket(Bucket="faults")
    acknowledged: dict[str, bytes] = {}
    refused = 0
    for i in range(30):
        body = bytes([i]) * (i * 37 * KiB + 1)
        try:
            s3.put_object(Bucket="faults", Key=f"o{i}", Body=body)
            acknowledged[f"o{i}"] = body
        except ClientError as e:
            assert (http_status(e), error_code(e)) == (500, "InternalError")
            refused += 1
    assert refused >= 8 and len(acknowledged) >= 10
    upload = s3.create_multipart_upload(Bucket="faults", Key="mp")["UploadId"]
    parts = {}
    for n in range(1, 16):
        body = bytes([n]) * (n * 50 * KiB)
        try:
            etag = s3.upload_part(Bucket="faults", Key="mp", UploadId=upload, PartNumber=n, Body=body)["ETag"]
            parts[n] = (etag, body)
        except ClientError as e:
            assert http_status(e) == 500
    listed = {p["PartNumber"]: p["ETag"] for p in s3.list_parts(Bucket="faults", Key="mp", UploadId=upload).get("Parts", [])}
    assert listed == {n: etag for n, (etag, _) in parts.items()}
    s3.complete_multipart_upload(Bucket="faults", Key="mp", UploadId=upload, MultipartUpload={
        "Parts": [{"PartNumber": n, "ETag": etag} for n, (etag, _) in sorted(parts.items())]})
    acknowledged["mp"] = b"".join(body for _, (_, body) in sorted(parts.items()))

    listed_keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket="faults")["Contents"])
    assert listed_keys == sorted(acknowledged)
    for key, body in acknowledged.items():
        got = s3.get_object(Bucket="faults", Key=key)["Body"].read()
        assert hashlib.md5(got).digest() == hashlib.md5(body).digest(), key
    # No blob of a refused write remains; no temporary file either.
    blobs = lambda: sum(1 for p in (server.data_dir / "blobs").rglob("*") if p.is_file())  # noqa: E731
    assert wait_until(lambda: blobs() == len(acknowledged) - 1 + len(parts), timeout=10), blobs()
    assert [p for p in (server.data_dir / "tmp").rglob("*") if p.is_file()] == []
