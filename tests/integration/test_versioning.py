"""Bucket versioning as boto3 and the aws CLI use it: version ids on every write of a versioned
bucket, reads and deletes by version id, delete markers, Suspended's null version, ListObjectVersions,
and listings that show only the latest non-marker version. Multipart-made objects behave as PUTs."""

from __future__ import annotations

import json
import re

import pytest
from botocore.exceptions import ClientError

from cairntest import error_code, headers_of, http_status, unique_name


def blob_count(server) -> int:
    return server.stored_blob_count()


def enable(s3, bucket, status="Enabled"):
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": status})


def body(s3, bucket, key, **kw) -> bytes:
    return s3.get_object(Bucket=bucket, Key=key, **kw)["Body"].read()


def versions(s3, bucket, **kw):
    r = s3.list_object_versions(Bucket=bucket, **kw)
    return ([(v["Key"], v["VersionId"], v["IsLatest"]) for v in r.get("Versions", [])],
            [(m["Key"], m["VersionId"], m["IsLatest"]) for m in r.get("DeleteMarkers", [])])


def test_versioning_status_round_trips_and_never_versioned_has_none(s3, bucket):
    assert "Status" not in s3.get_bucket_versioning(Bucket=bucket)
    enable(s3, bucket)
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    enable(s3, bucket, "Suspended")
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Suspended"
    with pytest.raises(ClientError) as e:
        enable(s3, bucket, "Disabled")
    assert error_code(e.value) == "MalformedXML"
    with pytest.raises(ClientError) as e:
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled", "MFADelete": "Enabled"})
    assert http_status(e.value) in (400, 403)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled", "MFADelete": "Disabled"})
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"


def test_unversioned_bucket_sends_no_version_id_and_lists_null(s3, bucket):
    r = s3.put_object(Bucket=bucket, Key="k", Body=b"one")
    assert "VersionId" not in r
    assert "VersionId" not in s3.head_object(Bucket=bucket, Key="k")
    assert versions(s3, bucket) == ([("k", "null", True)], [])
    # versionId=null names the null version on any bucket.
    assert body(s3, bucket, "k", VersionId="null") == b"one"
    s3.delete_object(Bucket=bucket, Key="k", VersionId="null")
    assert versions(s3, bucket) == ([], [])


def test_enabled_bucket_keeps_every_version_and_reads_each(server, s3, bucket):
    enable(s3, bucket)
    v1 = s3.put_object(Bucket=bucket, Key="k", Body=b"one")["VersionId"]
    v2 = s3.put_object(Bucket=bucket, Key="k", Body=b"two")["VersionId"]
    assert v1 != v2 and re.fullmatch(r"[A-Za-z0-9._-]+", v1) and v1 != "null"
    assert body(s3, bucket, "k") == b"two"
    assert body(s3, bucket, "k", VersionId=v1) == b"one"
    assert s3.head_object(Bucket=bucket, Key="k", VersionId=v1)["VersionId"] == v1
    assert s3.get_object(Bucket=bucket, Key="k")["VersionId"] == v2
    assert versions(s3, bucket) == ([("k", v2, True), ("k", v1, False)], [])
    # Overwrites free nothing; deleting one version frees exactly its blob.
    assert blob_count(server) == 2
    r = s3.delete_object(Bucket=bucket, Key="k", VersionId=v1)
    assert r["VersionId"] == v1 and "DeleteMarker" not in r
    assert blob_count(server) == 1
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="k", VersionId=v1)
    assert error_code(e.value) == "NoSuchVersion" and http_status(e.value) == 404
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="k", VersionId="not-a-version")
    assert http_status(e.value) in (400, 404)


def test_delete_markers_hide_the_object_and_deleting_the_marker_brings_it_back(s3, bucket):
    enable(s3, bucket)
    v1 = s3.put_object(Bucket=bucket, Key="k", Body=b"one")["VersionId"]
    r = s3.delete_object(Bucket=bucket, Key="k")
    assert r["DeleteMarker"] is True
    marker = r["VersionId"]
    assert marker not in (v1, "null")
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="k")
    assert error_code(e.value) == "NoSuchKey"
    h = headers_of(e.value)
    assert h.get("x-amz-delete-marker") == "true" and h.get("x-amz-version-id") == marker
    with pytest.raises(ClientError) as e:
        s3.head_object(Bucket=bucket, Key="k")
    assert http_status(e.value) == 404 and headers_of(e.value).get("x-amz-delete-marker") == "true"
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="k", VersionId=marker)
    assert http_status(e.value) == 405 and error_code(e.value) == "MethodNotAllowed"
    assert headers_of(e.value).get("x-amz-delete-marker") == "true"
    assert s3.list_objects_v2(Bucket=bucket).get("KeyCount") == 0
    assert versions(s3, bucket) == ([("k", v1, False)], [("k", marker, True)])
    r = s3.delete_object(Bucket=bucket, Key="k", VersionId=marker)
    assert r["DeleteMarker"] is True and r["VersionId"] == marker
    assert body(s3, bucket, "k") == b"one"
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == ["k"]


def test_suspended_writes_the_null_version_and_keeps_older_real_ones(server, s3, bucket):
    enable(s3, bucket)
    v1 = s3.put_object(Bucket=bucket, Key="k", Body=b"one")["VersionId"]
    enable(s3, bucket, "Suspended")
    assert s3.put_object(Bucket=bucket, Key="k", Body=b"two").get("VersionId") == "null"
    assert s3.put_object(Bucket=bucket, Key="k", Body=b"three").get("VersionId") == "null"
    assert versions(s3, bucket) == ([("k", "null", True), ("k", v1, False)], [])
    assert blob_count(server) == 2  # the first null version's blob was freed
    assert body(s3, bucket, "k", VersionId="null") == b"three"
    r = s3.delete_object(Bucket=bucket, Key="k")
    assert r["DeleteMarker"] is True and r["VersionId"] == "null"
    assert versions(s3, bucket) == ([("k", v1, False)], [("k", "null", True)])
    assert blob_count(server) == 1


def test_multipart_and_copy_make_versions_and_a_retried_complete_returns_the_same_version(s3, bucket):
    enable(s3, bucket)
    up = s3.create_multipart_upload(Bucket=bucket, Key="mp")["UploadId"]
    etag = s3.upload_part(Bucket=bucket, Key="mp", UploadId=up, PartNumber=1, Body=b"multi")["ETag"]
    parts = {"Parts": [{"PartNumber": 1, "ETag": etag}]}
    first = s3.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=up, MultipartUpload=parts)
    again = s3.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=up, MultipartUpload=parts)
    assert first["VersionId"] == again["VersionId"] and first["VersionId"] != "null"
    old = first["VersionId"]
    s3.put_object(Bucket=bucket, Key="mp", Body=b"newer")
    r = s3.copy_object(Bucket=bucket, Key="copy", CopySource={"Bucket": bucket, "Key": "mp", "VersionId": old})
    assert r["CopySourceVersionId"] == old and r["VersionId"] not in (old, "null")
    assert body(s3, bucket, "copy") == b"multi"
    assert s3.get_object(Bucket=bucket, Key="mp", VersionId=old, PartNumber=1)["Body"].read() == b"multi"
    attrs = s3.get_object_attributes(Bucket=bucket, Key="mp", VersionId=old, ObjectAttributes=["ObjectSize"])
    assert attrs["ObjectSize"] == 5 and attrs["VersionId"] == old
    up2 = s3.create_multipart_upload(Bucket=bucket, Key="part-copy")["UploadId"]
    s3.upload_part_copy(Bucket=bucket, Key="part-copy", UploadId=up2, PartNumber=1,
                        CopySource={"Bucket": bucket, "Key": "mp", "VersionId": old})
    s3.abort_multipart_upload(Bucket=bucket, Key="part-copy", UploadId=up2)


def test_delete_objects_with_and_without_version_ids(s3, bucket):
    enable(s3, bucket)
    v1 = s3.put_object(Bucket=bucket, Key="a", Body=b"1")["VersionId"]
    s3.put_object(Bucket=bucket, Key="b", Body=b"2")
    r = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "a", "VersionId": v1}, {"Key": "b"}]})
    deleted = {d["Key"]: d for d in r["Deleted"]}
    assert deleted["a"]["VersionId"] == v1 and "DeleteMarker" not in deleted["a"]
    assert deleted["b"]["DeleteMarker"] is True and deleted["b"]["DeleteMarkerVersionId"]
    marker = deleted["b"]["DeleteMarkerVersionId"]
    r = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "b", "VersionId": marker}]})
    assert r["Deleted"][0]["DeleteMarker"] is True and r["Deleted"][0]["DeleteMarkerVersionId"] == marker
    assert body(s3, bucket, "b") == b"2"


def test_list_object_versions_pages_by_key_and_version_markers(s3, bucket):
    enable(s3, bucket)
    expected = []
    for key in ["a/1", "a/2", "b", "c"]:
        ids = [s3.put_object(Bucket=bucket, Key=key, Body=key.encode() + bytes([n]))["VersionId"] for n in range(3)]
        expected += [(key, v) for v in reversed(ids)]
    marker = s3.delete_object(Bucket=bucket, Key="b")["VersionId"]
    expected.insert(6, ("b", marker))
    seen, kw = [], {}
    while True:
        r = s3.list_object_versions(Bucket=bucket, MaxKeys=2, **kw)
        page = [(v["Key"], v["VersionId"], v["LastModified"]) for v in r.get("Versions", [])]
        page += [(m["Key"], m["VersionId"], m["LastModified"]) for m in r.get("DeleteMarkers", [])]
        assert len(page) <= 2
        seen += sorted(page, key=lambda e: (e[0], -e[2].timestamp()))
        if not r["IsTruncated"]:
            break
        kw = {"KeyMarker": r["NextKeyMarker"], "VersionIdMarker": r["NextVersionIdMarker"]}
    assert [(k, v) for k, v, _ in seen] == expected
    r = s3.list_object_versions(Bucket=bucket, Delimiter="/")
    assert [p["Prefix"] for p in r["CommonPrefixes"]] == ["a/"]
    assert {v["Key"] for v in r["Versions"]} == {"b", "c"}
    latest = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]]
    assert latest == ["a/1", "a/2", "c"]
    assert [o["Key"] for o in s3.list_objects(Bucket=bucket)["Contents"]] == ["a/1", "a/2", "c"]


def test_a_versioned_bucket_is_empty_only_without_versions(s3, bucket):
    enable(s3, bucket)
    v = s3.put_object(Bucket=bucket, Key="k", Body=b"x")["VersionId"]
    m = s3.delete_object(Bucket=bucket, Key="k")["VersionId"]
    with pytest.raises(ClientError) as e:
        s3.delete_bucket(Bucket=bucket)
    assert error_code(e.value) == "BucketNotEmpty"
    s3.delete_object(Bucket=bucket, Key="k", VersionId=v)
    s3.delete_object(Bucket=bucket, Key="k", VersionId=m)
    s3.delete_bucket(Bucket=bucket)


def test_the_aws_cli_lists_versions(s3, bucket, aws):
    enable(s3, bucket)
    v1 = s3.put_object(Bucket=bucket, Key="k", Body=b"one")["VersionId"]
    out = aws.json("s3api", "list-object-versions", "--bucket", bucket)
    assert [(v["Key"], v["VersionId"], v["IsLatest"]) for v in out["Versions"]] == [("k", v1, True)]
    out = aws.json("s3api", "get-bucket-versioning", "--bucket", bucket)
    assert out == {"Status": "Enabled"}


def test_cairn_s3api_versioning_commands_print_what_the_aws_cli_prints(server, s3, bucket, work):
    from clienttest import Cairn, assert_same_output
    u = server.default_user
    cairn = Cairn(server.endpoint, work, u.access_key, u.secret_key)
    cairn.s3api("put-bucket-versioning", "--bucket", bucket, "--versioning-configuration", "Status=Enabled")
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    s3.put_object(Bucket=bucket, Key="k", Body=b"one")
    s3.put_object(Bucket=bucket, Key="k", Body=b"two")
    s3.delete_object(Bucket=bucket, Key="k")
    assert_same_output(cairn, server, work, "get-bucket-versioning", "--bucket", bucket)
    out = assert_same_output(cairn, server, work, "list-object-versions", "--bucket", bucket)
    listed = json.loads(out)
    assert len(listed["Versions"]) == 2 and len(listed["DeleteMarkers"]) == 1
