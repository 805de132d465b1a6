"""`cairn server --metadata postgres://...`: the S3 API on PostgreSQL metadata, through boto3."""

from __future__ import annotations

import subprocess

import pytest

from cairntest import CAIRN_BIN, unique_name
from postgres_cluster import postgres  # noqa: F401 - the fixture


def test_put_get_list_multipart_on_postgres_survive_a_restart(start_server, postgres):
    srv = start_server(extra_args=["--metadata", postgres.create_database()])
    s3 = srv.client()
    bucket = unique_name("pg")
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="a/one", Body=b"hello")
    s3.put_object(Bucket=bucket, Key="a/\U0010ffff", Body=b"top")
    s3.put_object(Bucket=bucket, Key="b", Body=b"bee")

    part = b"x" * (5 * 1024 * 1024)
    upload = s3.create_multipart_upload(Bucket=bucket, Key="big")["UploadId"]
    etags = [s3.upload_part(Bucket=bucket, Key="big", UploadId=upload, PartNumber=n, Body=part + bytes([n]))["ETag"]
             for n in (1, 2)]
    assert [p["PartNumber"] for p in s3.list_parts(Bucket=bucket, Key="big", UploadId=upload)["Parts"]] == [1, 2]
    s3.complete_multipart_upload(Bucket=bucket, Key="big", UploadId=upload, MultipartUpload={
        "Parts": [{"PartNumber": n, "ETag": e} for n, e in zip((1, 2), etags)]})

    # The metadata is in PostgreSQL, not in the data folder.
    assert not (srv.data_dir / "metadata.sqlite").exists()
    srv.restart()
    s3 = srv.client()
    assert s3.get_object(Bucket=bucket, Key="a/one")["Body"].read() == b"hello"
    assert s3.get_object(Bucket=bucket, Key="big")["Body"].read() == part + b"\x01" + part + b"\x02"
    listed = s3.list_objects_v2(Bucket=bucket, Prefix="a/")["Contents"]
    assert [o["Key"] for o in listed] == ["a/one", "a/\U0010ffff"]
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == ["a/one", "a/\U0010ffff", "b", "big"]
    assert s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []


def test_a_bad_metadata_url_is_refused_before_start(tmp_path):
    out = subprocess.run([CAIRN_BIN, "server", "--data", str(tmp_path / "d"), "--metadata", "mysql://x@y/z"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode != 0
    assert "postgres://" in out.stderr
