"""CopyObject: metadata directives, copy-source encoding and conditionals."""

import datetime as dt

import pytest
from botocore.exceptions import ClientError

from cairntest import error_code, http_status, quoted_etag

SRC_BODY = b"source object body \x00\x01\x02" * 100


@pytest.fixture
def src(s3, bucket):
    s3.put_object(Bucket=bucket, Key="src.txt", Body=SRC_BODY, ContentType="text/x-source",
                  Metadata={"origin": "source", "n": "1"}, CacheControl="no-cache")
    return bucket, "src.txt"


def test_copy_object_within_bucket_copies_body_and_etag(s3, src):
    bucket, key = src
    resp = s3.copy_object(Bucket=bucket, Key="dst.txt", CopySource={"Bucket": bucket, "Key": key})
    assert http_status(resp) == 200
    assert resp["CopyObjectResult"]["ETag"] == quoted_etag(SRC_BODY)
    assert "LastModified" in resp["CopyObjectResult"]
    got = s3.get_object(Bucket=bucket, Key="dst.txt")
    assert got["Body"].read() == SRC_BODY
    assert got["ETag"] == quoted_etag(SRC_BODY)
    # the source is untouched
    assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == SRC_BODY


def test_copy_object_across_buckets(s3, src):
    bucket, key = src
    s3.create_bucket(Bucket="other-bucket")
    s3.copy_object(Bucket="other-bucket", Key="copied/here.txt",
                   CopySource={"Bucket": bucket, "Key": key})
    assert s3.get_object(Bucket="other-bucket", Key="copied/here.txt")["Body"].read() == SRC_BODY


def test_copy_object_with_string_copy_source(s3, src):
    bucket, key = src
    s3.copy_object(Bucket=bucket, Key="dst2", CopySource=f"{bucket}/{key}")
    assert s3.get_object(Bucket=bucket, Key="dst2")["Body"].read() == SRC_BODY


def test_copy_object_directive_copy_keeps_metadata_and_content_type(s3, src):
    bucket, key = src
    s3.copy_object(Bucket=bucket, Key="dst.txt", CopySource={"Bucket": bucket, "Key": key},
                   MetadataDirective="COPY")
    head = s3.head_object(Bucket=bucket, Key="dst.txt")
    assert head["Metadata"] == {"origin": "source", "n": "1"}
    assert head["ContentType"] == "text/x-source"
    assert head["CacheControl"] == "no-cache"


def test_copy_object_default_directive_is_copy(s3, src):
    bucket, key = src
    # With the default (COPY) directive, metadata in the request is ignored.
    s3.copy_object(Bucket=bucket, Key="dst.txt", CopySource={"Bucket": bucket, "Key": key},
                   Metadata={"ignored": "yes"})
    assert s3.head_object(Bucket=bucket, Key="dst.txt")["Metadata"] == {"origin": "source", "n": "1"}


def test_copy_object_directive_replace_replaces_metadata(s3, src):
    bucket, key = src
    s3.copy_object(Bucket=bucket, Key="dst.txt", CopySource={"Bucket": bucket, "Key": key},
                   MetadataDirective="REPLACE", Metadata={"fresh": "yes"},
                   ContentType="application/json")
    head = s3.head_object(Bucket=bucket, Key="dst.txt")
    assert head["Metadata"] == {"fresh": "yes"}
    assert head["ContentType"] == "application/json"
    assert "CacheControl" not in head
    assert s3.get_object(Bucket=bucket, Key="dst.txt")["Body"].read() == SRC_BODY


def test_copy_object_onto_itself_with_replace_updates_metadata(s3, src):
    bucket, key = src
    s3.copy_object(Bucket=bucket, Key=key, CopySource={"Bucket": bucket, "Key": key},
                   MetadataDirective="REPLACE", Metadata={"updated": "1"})
    resp = s3.get_object(Bucket=bucket, Key=key)
    assert resp["Metadata"] == {"updated": "1"}
    assert resp["Body"].read() == SRC_BODY


def test_copy_object_onto_itself_without_changes_gives_InvalidRequest(s3, src):
    # AWS: 400 InvalidRequest "This copy request is illegal because it is trying to copy an
    # object to itself without changing the object's metadata, storage class, website
    # redirect location or encryption attributes."
    bucket, key = src
    with pytest.raises(ClientError) as e:
        s3.copy_object(Bucket=bucket, Key=key, CopySource={"Bucket": bucket, "Key": key})
    assert error_code(e.value) == "InvalidRequest"
    assert http_status(e.value) == 400


@pytest.mark.parametrize("src_key", [
    "dir with space/a+b%c&d=é?.txt",
    "ümlaut/日本/#hash",
    "double//slash/",
])
def test_copy_object_source_key_with_special_characters(s3, bucket, src_key):
    s3.put_object(Bucket=bucket, Key=src_key, Body=b"special", Metadata={"k": "v"})
    s3.copy_object(Bucket=bucket, Key="dst", CopySource={"Bucket": bucket, "Key": src_key})
    got = s3.get_object(Bucket=bucket, Key="dst")
    assert got["Body"].read() == b"special"
    assert got["Metadata"] == {"k": "v"}
    # and the other way round: to a special destination key
    s3.copy_object(Bucket=bucket, Key=src_key + "-copy", CopySource={"Bucket": bucket, "Key": "dst"})
    assert s3.get_object(Bucket=bucket, Key=src_key + "-copy")["Body"].read() == b"special"


def test_copy_object_if_match_matching_copies(s3, src):
    bucket, key = src
    s3.copy_object(Bucket=bucket, Key="dst", CopySource={"Bucket": bucket, "Key": key},
                   CopySourceIfMatch=quoted_etag(SRC_BODY))
    assert s3.get_object(Bucket=bucket, Key="dst")["Body"].read() == SRC_BODY


def test_copy_object_if_match_mismatch_gives_PreconditionFailed_412(s3, src):
    bucket, key = src
    with pytest.raises(ClientError) as e:
        s3.copy_object(Bucket=bucket, Key="dst", CopySource={"Bucket": bucket, "Key": key},
                       CopySourceIfMatch='"00000000000000000000000000000000"')
    assert error_code(e.value) == "PreconditionFailed"
    assert http_status(e.value) == 412
    with pytest.raises(ClientError) as e:
        s3.head_object(Bucket=bucket, Key="dst")
    assert http_status(e.value) == 404


def test_copy_object_if_none_match_matching_gives_PreconditionFailed_412(s3, src):
    bucket, key = src
    with pytest.raises(ClientError) as e:
        s3.copy_object(Bucket=bucket, Key="dst", CopySource={"Bucket": bucket, "Key": key},
                       CopySourceIfNoneMatch=quoted_etag(SRC_BODY))
    assert error_code(e.value) == "PreconditionFailed"
    assert http_status(e.value) == 412


def test_copy_object_if_unmodified_since_past_gives_PreconditionFailed_412(s3, src):
    bucket, key = src
    past = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=1)
    with pytest.raises(ClientError) as e:
        s3.copy_object(Bucket=bucket, Key="dst", CopySource={"Bucket": bucket, "Key": key},
                       CopySourceIfUnmodifiedSince=past)
    assert error_code(e.value) == "PreconditionFailed"


def test_copy_object_missing_source_key_gives_NoSuchKey_404(s3, bucket):
    with pytest.raises(ClientError) as e:
        s3.copy_object(Bucket=bucket, Key="dst", CopySource={"Bucket": bucket, "Key": "absent"})
    assert error_code(e.value) == "NoSuchKey"
    assert http_status(e.value) == 404


def test_copy_object_missing_source_bucket_gives_NoSuchBucket_404(s3, bucket):
    with pytest.raises(ClientError) as e:
        s3.copy_object(Bucket=bucket, Key="dst",
                       CopySource={"Bucket": "absent-bucket", "Key": "k"})
    assert error_code(e.value) == "NoSuchBucket"
    assert http_status(e.value) == 404


def test_copy_object_overwrites_existing_destination(s3, src):
    bucket, key = src
    s3.put_object(Bucket=bucket, Key="dst", Body=b"old", Metadata={"old": "1"})
    s3.copy_object(Bucket=bucket, Key="dst", CopySource={"Bucket": bucket, "Key": key})
    got = s3.get_object(Bucket=bucket, Key="dst")
    assert got["Body"].read() == SRC_BODY
    assert got["Metadata"] == {"origin": "source", "n": "1"}
