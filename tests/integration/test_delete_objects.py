"""DeleteObjects (multi-object delete)."""

import base64
import hashlib

import pytest
from botocore.exceptions import ClientError

from cairntest import error_code, http_status


def put_keys(s3, bucket, keys):
    for k in keys:
        s3.put_object(Bucket=bucket, Key=k, Body=b"x")


def remaining(s3, bucket):
    return [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]


def test_delete_objects_deletes_several_keys_and_reports_each(s3, bucket):
    put_keys(s3, bucket, ["a", "b", "c", "keep"])
    resp = s3.delete_objects(Bucket=bucket, Delete={
        "Objects": [{"Key": "a"}, {"Key": "b"}, {"Key": "c"}]})
    assert http_status(resp) == 200
    assert sorted(d["Key"] for d in resp["Deleted"]) == ["a", "b", "c"]
    assert not resp.get("Errors")
    assert remaining(s3, bucket) == ["keep"]


def test_delete_objects_reports_missing_keys_as_deleted(s3, bucket):
    put_keys(s3, bucket, ["exists"])
    resp = s3.delete_objects(Bucket=bucket, Delete={
        "Objects": [{"Key": "exists"}, {"Key": "never-existed"}]})
    assert sorted(d["Key"] for d in resp["Deleted"]) == ["exists", "never-existed"]
    assert not resp.get("Errors")
    assert remaining(s3, bucket) == []


def test_delete_objects_quiet_mode_returns_no_deleted_entries(s3, bucket):
    put_keys(s3, bucket, ["q1", "q2"])
    resp = s3.delete_objects(Bucket=bucket, Delete={
        "Objects": [{"Key": "q1"}, {"Key": "q2"}, {"Key": "missing"}], "Quiet": True})
    assert http_status(resp) == 200
    assert not resp.get("Deleted")
    assert not resp.get("Errors")
    assert remaining(s3, bucket) == []


def test_delete_objects_handles_special_character_keys(s3, bucket):
    keys = ["sp ace", "plus+", "ü/ñ", "amp&lt;<>", "d//s/"]
    put_keys(s3, bucket, keys)
    resp = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in keys]})
    assert sorted(d["Key"] for d in resp["Deleted"]) == sorted(keys)
    assert remaining(s3, bucket) == []


def test_delete_objects_with_1000_keys_is_allowed(s3, bucket):
    put_keys(s3, bucket, ["one", "two"])
    objects = [{"Key": f"k{i:04d}"} for i in range(998)] + [{"Key": "one"}, {"Key": "two"}]
    resp = s3.delete_objects(Bucket=bucket, Delete={"Objects": objects, "Quiet": True})
    assert http_status(resp) == 200
    assert remaining(s3, bucket) == []


def test_delete_objects_with_more_than_1000_keys_gives_MalformedXML(s3, bucket):
    put_keys(s3, bucket, ["survivor"])
    objects = [{"Key": f"k{i:04d}"} for i in range(1000)] + [{"Key": "survivor"}]
    with pytest.raises(ClientError) as e:
        s3.delete_objects(Bucket=bucket, Delete={"Objects": objects})
    assert error_code(e.value) == "MalformedXML"
    assert http_status(e.value) == 400
    # nothing was deleted
    assert remaining(s3, bucket) == ["survivor"]


def test_delete_objects_with_malformed_body_gives_MalformedXML(server, bucket):
    body = b"<Delete><Object><Key>unterminated"
    raw = server.signed_request(
        "POST", f"/{bucket}", query="delete", body=body,
        headers={"Content-MD5": base64.b64encode(hashlib.md5(body).digest()).decode(),
                 "Content-Type": "application/xml"})
    assert raw.status_code == 400
    assert b"<Code>MalformedXML</Code>" in raw.content


def test_delete_objects_on_missing_bucket_gives_NoSuchBucket(s3):
    with pytest.raises(ClientError) as e:
        s3.delete_objects(Bucket="no-such-bucket-x", Delete={"Objects": [{"Key": "a"}]})
    assert error_code(e.value) == "NoSuchBucket"
    assert http_status(e.value) == 404
