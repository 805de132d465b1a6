"""Object Lock as backup tools use it: a bucket created with Object Lock (versioning on), default
and per-object retention, legal holds, and the deletes they refuse; GOVERNANCE bypass; COMPLIANCE
only extended. Multipart-made objects carry their upload's lock."""

from __future__ import annotations

import datetime as dt

import pytest
from botocore.exceptions import ClientError

from cairntest import error_code, http_status, unique_name


def later(days: float = 1) -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0) + dt.timedelta(days=days)


@pytest.fixture
def locked(s3):
    name = unique_name("lock")
    s3.create_bucket(Bucket=name, ObjectLockEnabledForBucket=True)
    return name


def test_lock_enabled_bucket_is_versioned_and_has_a_configuration(s3, locked, bucket):
    assert s3.get_bucket_versioning(Bucket=locked)["Status"] == "Enabled"
    assert s3.get_object_lock_configuration(Bucket=locked)["ObjectLockConfiguration"] == {"ObjectLockEnabled": "Enabled"}
    with pytest.raises(ClientError) as e:
        s3.put_bucket_versioning(Bucket=locked, VersioningConfiguration={"Status": "Suspended"})
    assert error_code(e.value) == "InvalidBucketState" and http_status(e.value) == 409
    with pytest.raises(ClientError) as e:
        s3.get_object_lock_configuration(Bucket=bucket)
    assert error_code(e.value) == "ObjectLockConfigurationNotFoundError"
    with pytest.raises(ClientError) as e:
        s3.put_object_lock_configuration(Bucket=bucket, ObjectLockConfiguration={"ObjectLockEnabled": "Enabled"})
    assert error_code(e.value) == "InvalidBucketState"
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="k", Body=b"x", ObjectLockMode="GOVERNANCE", ObjectLockRetainUntilDate=later())
    assert error_code(e.value) == "InvalidRequest"


def test_compliance_retention_refuses_deletes_and_can_only_be_extended(s3, locked):
    until = later()
    v = s3.put_object(Bucket=locked, Key="k", Body=b"keep", ObjectLockMode="COMPLIANCE", ObjectLockRetainUntilDate=until)["VersionId"]
    head = s3.head_object(Bucket=locked, Key="k")
    assert head["ObjectLockMode"] == "COMPLIANCE" and head["ObjectLockRetainUntilDate"] == until
    with pytest.raises(ClientError) as e:
        s3.delete_object(Bucket=locked, Key="k", VersionId=v)
    assert http_status(e.value) == 403 and error_code(e.value) == "AccessDenied"
    with pytest.raises(ClientError) as e:
        s3.delete_object(Bucket=locked, Key="k", VersionId=v, BypassGovernanceRetention=True)
    assert http_status(e.value) == 403
    r = s3.delete_objects(Bucket=locked, Delete={"Objects": [{"Key": "k", "VersionId": v}]})
    assert r["Errors"][0]["Code"] == "AccessDenied"
    # A delete without a version id still writes a marker; the version stays.
    assert s3.delete_object(Bucket=locked, Key="k")["DeleteMarker"] is True
    assert s3.get_object(Bucket=locked, Key="k", VersionId=v)["Body"].read() == b"keep"
    with pytest.raises(ClientError) as e:
        s3.put_object_retention(Bucket=locked, Key="k", VersionId=v, Retention={"Mode": "COMPLIANCE", "RetainUntilDate": until - dt.timedelta(hours=1)})
    assert http_status(e.value) == 403
    s3.put_object_retention(Bucket=locked, Key="k", VersionId=v, Retention={"Mode": "COMPLIANCE", "RetainUntilDate": later(2)})
    assert s3.get_object_retention(Bucket=locked, Key="k", VersionId=v)["Retention"]["RetainUntilDate"] == later(2)


def test_governance_yields_to_bypass_and_legal_hold_blocks_until_removed(s3, locked):
    v = s3.put_object(Bucket=locked, Key="g", Body=b"x", ObjectLockMode="GOVERNANCE", ObjectLockRetainUntilDate=later())["VersionId"]
    with pytest.raises(ClientError):
        s3.delete_object(Bucket=locked, Key="g", VersionId=v)
    s3.delete_object(Bucket=locked, Key="g", VersionId=v, BypassGovernanceRetention=True)
    h = s3.put_object(Bucket=locked, Key="h", Body=b"x", ObjectLockLegalHoldStatus="ON")["VersionId"]
    assert s3.get_object_legal_hold(Bucket=locked, Key="h")["LegalHold"]["Status"] == "ON"
    with pytest.raises(ClientError) as e:
        s3.delete_object(Bucket=locked, Key="h", VersionId=h, BypassGovernanceRetention=True)
    assert http_status(e.value) == 403
    s3.put_object_legal_hold(Bucket=locked, Key="h", VersionId=h, LegalHold={"Status": "OFF"})
    s3.delete_object(Bucket=locked, Key="h", VersionId=h)
    with pytest.raises(ClientError) as e:
        s3.get_object_retention(Bucket=locked, Key="h")
    assert http_status(e.value) == 404


def test_default_retention_applies_to_puts_and_completed_uploads(s3, locked):
    s3.put_object_lock_configuration(Bucket=locked, ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}})
    rule = s3.get_object_lock_configuration(Bucket=locked)["ObjectLockConfiguration"]["Rule"]
    assert rule == {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}
    s3.put_object(Bucket=locked, Key="p", Body=b"x")
    assert s3.head_object(Bucket=locked, Key="p")["ObjectLockMode"] == "GOVERNANCE"
    up = s3.create_multipart_upload(Bucket=locked, Key="mp", ObjectLockLegalHoldStatus="ON")["UploadId"]
    etag = s3.upload_part(Bucket=locked, Key="mp", UploadId=up, PartNumber=1, Body=b"part")["ETag"]
    v = s3.complete_multipart_upload(Bucket=locked, Key="mp", UploadId=up,
                                     MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]})["VersionId"]
    head = s3.head_object(Bucket=locked, Key="mp")
    assert head["ObjectLockLegalHoldStatus"] == "ON" and head["ObjectLockMode"] == "GOVERNANCE"
    with pytest.raises(ClientError):
        s3.delete_object(Bucket=locked, Key="mp", VersionId=v, BypassGovernanceRetention=True)
    with pytest.raises(ClientError) as e:
        s3.put_object_lock_configuration(Bucket=locked, ObjectLockConfiguration={
            "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 0}}})
    assert error_code(e.value) == "InvalidArgument"


def test_lock_requests_without_content_md5_or_checksum_are_refused(server, s3, locked):
    from cairntest import key_path
    v = s3.put_object(Bucket=locked, Key="k", Body=b"x")["VersionId"]
    body = b'<LegalHold xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>ON</Status></LegalHold>'
    r = server.signed_request("PUT", key_path(locked, "k"), query=f"legal-hold=&versionId={v}", body=body)
    assert r.status_code == 400 and b"<Code>InvalidRequest</Code>" in r.content
    assert "LegalHold" not in str(s3.head_object(Bucket=locked, Key="k"))
