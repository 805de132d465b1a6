"""`cairn metadata migrate --from DATA/metadata.sqlite --to postgres://...`: a single-node store's
metadata moves into PostgreSQL, verified, and the same data folder then serves everything on it."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from cairntest import CAIRN_BIN, CairnServer, unique_name
from postgres_cluster import postgres  # noqa: F401 - the fixture

PART = 64 * 1024


class SQLiteServer(CairnServer):
    """A server on SQLite whatever CAIRN_TEST_METADATA says: the migration's source."""

    def command(self) -> list[str]:
        cmd = super().command()
        if "--metadata" in cmd and "--metadata" not in self.extra_args:
            i = cmd.index("--metadata")
            del cmd[i:i + 2]
        return cmd


def migrate(source, url):
    return subprocess.run([CAIRN_BIN, "metadata", "migrate", "--from", str(source), "--to", url],
                          capture_output=True, text=True, timeout=120)


def snapshot(s3, bucket, upload):
    """Everything a client can see of the bucket, for comparing before and after."""
    def clean(d):
        return {k: v for k, v in d.items() if k != "ResponseMetadata"}
    objects = {}
    for v in s3.list_object_versions(Bucket=bucket).get("Versions", []):
        got = s3.get_object(Bucket=bucket, Key=v["Key"], VersionId=v["VersionId"])
        objects[(v["Key"], v["VersionId"])] = (got["Body"].read(), got["ETag"], got.get("Metadata"),
                                               got.get("ContentType"))
    return {
        "versions": clean(s3.list_object_versions(Bucket=bucket)),
        "objects": objects,
        "tags": clean(s3.get_object_tagging(Bucket=bucket, Key="tagged")),
        "lifecycle": clean(s3.get_bucket_lifecycle_configuration(Bucket=bucket)),
        "policy": s3.get_bucket_policy(Bucket=bucket)["Policy"],
        "uploads": clean(s3.list_multipart_uploads(Bucket=bucket)),
        "parts": clean(s3.list_parts(Bucket=bucket, Key="open", UploadId=upload)),
        "buckets": [b["Name"] for b in s3.list_buckets()["Buckets"]],
    }


@pytest.fixture
def source(tmp_path):
    server = SQLiteServer(tmp_path / "single", min_part_size=PART)
    server.start()
    yield server
    server.stop()


def test_migrate_copies_every_table_verified_and_the_data_folder_serves_on_postgres(tmp_path, postgres, source):
    s3 = source.client()
    bucket = unique_name("moving")
    s3.create_bucket(Bucket=bucket)
    s3.create_bucket(Bucket=unique_name("empty"))
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket=bucket, Key="k", Body=b"one", Metadata={"m": "  spaced  value "}, ContentType="text/plain")
    s3.put_object(Bucket=bucket, Key="k", Body=b"two")
    s3.put_object(Bucket=bucket, Key="gone", Body=b"x")
    s3.delete_object(Bucket=bucket, Key="gone")
    s3.put_object(Bucket=bucket, Key="a/\U0010ffff\r", Body=b"edge")
    s3.put_object(Bucket=bucket, Key="tagged", Body=b"t", Tagging="team=blue")
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [
        {"ID": "r", "Filter": {"Prefix": "logs/"}, "Status": "Enabled", "Expiration": {"Days": 30}}]})
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Principal": "*", "Action": "s3:DeleteBucket", "Resource": f"arn:aws:s3:::{bucket}"}]}))
    done = s3.create_multipart_upload(Bucket=bucket, Key="mp")["UploadId"]
    parts = [{"PartNumber": n, "ETag": s3.upload_part(Bucket=bucket, Key="mp", UploadId=done, PartNumber=n,
                                                       Body=bytes([n]) * (PART if n == 1 else 5))["ETag"]} for n in (1, 2)]
    s3.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=done, MultipartUpload={"Parts": parts})
    upload = s3.create_multipart_upload(Bucket=bucket, Key="open")["UploadId"]
    open_part = os.urandom(PART)
    open_etag = s3.upload_part(Bucket=bucket, Key="open", UploadId=upload, PartNumber=1, Body=open_part)["ETag"]
    before = snapshot(s3, bucket, upload)
    source.stop()

    url = postgres.create_database()
    out = migrate(source.data_dir / "metadata.sqlite", url)
    assert out.returncode == 0, out.stderr
    lines = dict(line.split(": ", 1) for line in out.stdout.splitlines() if ": " in line and "rows, sha256" in line)
    assert {"buckets", "objects", "object_versions", "uploads", "parts", "completed_uploads", "bucket_configs",
            "blob_deletions"} <= set(lines), out.stdout
    assert lines["buckets"].startswith("2 rows, sha256 ") and lines["parts"].startswith("1 rows, sha256 ")
    assert "nodes" not in lines and "leases" not in lines, "runtime state is not copied"

    again = migrate(source.data_dir / "metadata.sqlite", url)
    assert again.returncode != 0 and "the target is not empty" in again.stderr, again.stderr

    # The same data folder, now on PostgreSQL: a client sees exactly what it saw.
    moved = CairnServer(tmp_path / "pg", min_part_size=PART, extra_args=["--metadata", url])
    moved.data_dir = source.data_dir
    moved.start()
    try:
        s3 = moved.client()
        assert snapshot(s3, bucket, upload) == before
        # The upload in progress goes on where it was.
        etag2 = s3.upload_part(Bucket=bucket, Key="open", UploadId=upload, PartNumber=2, Body=b"end")["ETag"]
        s3.complete_multipart_upload(Bucket=bucket, Key="open", UploadId=upload, MultipartUpload={
            "Parts": [{"PartNumber": 1, "ETag": open_etag}, {"PartNumber": 2, "ETag": etag2}]})
        assert s3.get_object(Bucket=bucket, Key="open")["Body"].read() == open_part + b"end"
        # A retried Complete of the upload finished before the move still gets its answer.
        retry = s3.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=done, MultipartUpload={"Parts": parts})
        assert retry["ETag"] == before["versions"]["Versions"][[v["Key"] for v in before["versions"]["Versions"]].index("mp")]["ETag"]
    finally:
        moved.stop()


def test_migrate_refuses_a_missing_source_and_a_bad_url(tmp_path):
    missing = subprocess.run([CAIRN_BIN, "metadata", "migrate", "--from", str(tmp_path / "nope.sqlite"),
                              "--to", "postgres://u@127.0.0.1:1/db"], capture_output=True, text=True, timeout=60)
    assert missing.returncode != 0 and "no SQLite store" in missing.stderr
    assert not (tmp_path / "nope.sqlite").exists()
    bad = subprocess.run([CAIRN_BIN, "metadata", "migrate", "--from", str(tmp_path / "x"), "--to", "mysql://x@y/z"],
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode != 0 and "postgres://" in bad.stderr
