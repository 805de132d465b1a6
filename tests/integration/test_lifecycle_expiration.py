"""Lifecycle expiration with a shortened day (`--lifecycle-day-seconds 1`) and a fast sweeper:
Expiration on unversioned (deletes) and versioned buckets (delete markers), filters by prefix,
tag and size, ExpiredObjectDeleteMarker, NoncurrentVersionExpiration with NewerNoncurrentVersions,
locked versions kept, multipart-made objects, and `x-amz-expiration`."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from botocore.exceptions import ClientError

from cairntest import error_code, unique_name, wait_until


@pytest.fixture
def fast(start_server):
    return start_server(extra_args=["--lifecycle-day-seconds", "1", "--lifecycle-sweep-seconds", "0.2"])


def keys(s3, bucket) -> list[str]:
    return [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]


def test_expiration_filters_and_header_on_an_unversioned_bucket(fast):
    s3 = fast.client()
    b = unique_name("exp")
    s3.create_bucket(Bucket=b)
    s3.put_bucket_lifecycle_configuration(Bucket=b, LifecycleConfiguration={"Rules": [
        {"ID": "logs", "Status": "Enabled", "Filter": {"Prefix": "logs/"}, "Expiration": {"Days": 2}},
        {"ID": "big-tagged", "Status": "Enabled",
         "Filter": {"And": {"Prefix": "data/", "Tags": [{"Key": "tmp", "Value": "yes"}], "ObjectSizeGreaterThan": 3}},
         "Expiration": {"Days": 1}},
    ]})
    rules = s3.get_bucket_lifecycle_configuration(Bucket=b)["Rules"]
    assert rules[0]["Expiration"] == {"Days": 2} and rules[1]["Filter"]["And"]["ObjectSizeGreaterThan"] == 3
    r = s3.put_object(Bucket=b, Key="logs/a", Body=b"x")
    assert 'rule-id="logs"' in r["Expiration"]
    s3.put_object(Bucket=b, Key="keep/a", Body=b"x")
    s3.put_object(Bucket=b, Key="data/big", Body=b"xxxxx", Tagging="tmp=yes")
    s3.put_object(Bucket=b, Key="data/small", Body=b"x", Tagging="tmp=yes")
    s3.put_object(Bucket=b, Key="data/untagged", Body=b"xxxxx")
    up = s3.create_multipart_upload(Bucket=b, Key="logs/mp")["UploadId"]
    etag = s3.upload_part(Bucket=b, Key="logs/mp", UploadId=up, PartNumber=1, Body=b"part")["ETag"]
    s3.complete_multipart_upload(Bucket=b, Key="logs/mp", UploadId=up, MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]})
    assert "Expiration" in s3.head_object(Bucket=b, Key="logs/mp")
    assert wait_until(lambda: keys(s3, b) == ["data/small", "data/untagged", "keep/a"], timeout=10), keys(s3, b)


def test_versioned_expiration_markers_noncurrent_and_locks(fast):
    s3 = fast.client()
    b = unique_name("vexp")
    s3.create_bucket(Bucket=b, ObjectLockEnabledForBucket=True)
    for n in range(4):
        s3.put_object(Bucket=b, Key="k", Body=f"v{n}".encode())
    locked = s3.put_object(Bucket=b, Key="locked", Body=b"L", ObjectLockMode="COMPLIANCE",
                           ObjectLockRetainUntilDate=dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1))["VersionId"]
    s3.put_object(Bucket=b, Key="locked", Body=b"newer")
    s3.put_object(Bucket=b, Key="gone", Body=b"x")
    s3.delete_object(Bucket=b, Key="gone")
    s3.put_bucket_lifecycle_configuration(Bucket=b, LifecycleConfiguration={"Rules": [
        {"ID": "noncurrent-k", "Status": "Enabled", "Filter": {"Prefix": "k"},
         "NoncurrentVersionExpiration": {"NoncurrentDays": 1, "NewerNoncurrentVersions": 1}},
        {"ID": "noncurrent-rest", "Status": "Enabled", "Filter": {"Prefix": "gone"},
         "NoncurrentVersionExpiration": {"NoncurrentDays": 1}},
        {"ID": "noncurrent-locked", "Status": "Enabled", "Filter": {"Prefix": "locked"},
         "NoncurrentVersionExpiration": {"NoncurrentDays": 1}},
        {"ID": "markers", "Status": "Enabled", "Filter": {"Prefix": ""}, "Expiration": {"ExpiredObjectDeleteMarker": True}},
    ]})

    def state():
        r = s3.list_object_versions(Bucket=b)
        return ([(v["Key"], v["IsLatest"]) for v in r.get("Versions", [])],
                [m["Key"] for m in r.get("DeleteMarkers", [])])

    # k keeps its current version and the newest noncurrent one; the older two go. The locked
    # noncurrent version stays. "gone": its only version expires, then the lone marker goes.
    assert wait_until(lambda: state() == ([("k", True), ("k", False), ("locked", True), ("locked", False)], []), timeout=15), state()
    assert s3.get_object(Bucket=b, Key="locked", VersionId=locked)["Body"].read() == b"L"


def test_current_expiration_on_a_versioned_bucket_writes_a_delete_marker(fast):
    s3 = fast.client()
    b = unique_name("vcur")
    s3.create_bucket(Bucket=b)
    s3.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Enabled"})
    v = s3.put_object(Bucket=b, Key="k", Body=b"x")["VersionId"]
    s3.put_bucket_lifecycle_configuration(Bucket=b, LifecycleConfiguration={"Rules": [
        {"ID": "e", "Status": "Enabled", "Filter": {"Prefix": ""}, "Expiration": {"Days": 1}}]})
    assert wait_until(lambda: keys(s3, b) == [], timeout=10)
    r = s3.list_object_versions(Bucket=b)
    assert [x["VersionId"] for x in r["Versions"]] == [v] and len(r["DeleteMarkers"]) == 1


def test_bad_expiration_rules_are_refused(s3, bucket):
    for rule, code in [
        ({"ID": "a", "Status": "Enabled", "Filter": {"Prefix": ""}, "Expiration": {"Days": 0}}, "InvalidArgument"),
        ({"ID": "a", "Status": "Enabled", "Filter": {"Prefix": ""}, "NoncurrentVersionExpiration": {"NoncurrentDays": 0}}, "InvalidArgument"),
        ({"ID": "a", "Status": "Enabled", "Filter": {"Prefix": ""}, "Expiration": {"Date": dt.datetime(2030, 1, 1, 12, tzinfo=dt.timezone.utc)}},
         "InvalidArgument"),
    ]:
        with pytest.raises(ClientError) as e:
            s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [rule]})
        assert error_code(e.value) == code, rule
