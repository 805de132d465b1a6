"""CreateBucket, ListBuckets, HeadBucket, DeleteBucket, GetBucketLocation."""

import datetime as dt

import pytest
from botocore.exceptions import ClientError

from cairntest import error_code, headers_of, http_status, key_path, parse_error


def test_create_bucket_then_list_buckets_shows_it_with_creation_date(s3):
    before = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=5)
    resp = s3.create_bucket(Bucket="photos-2024")
    assert http_status(resp) == 200
    # AWS (us-east-1) answers CreateBucket with the header "Location: /<bucket>".
    assert headers_of(resp).get("location") == "/photos-2024"

    listing = s3.list_buckets()
    names = [b["Name"] for b in listing["Buckets"]]
    assert names == ["photos-2024"]
    created = listing["Buckets"][0]["CreationDate"]
    assert before <= created <= dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=5)


def test_list_buckets_is_sorted_by_name_and_shows_owner(s3):
    for name in ["zeta-bucket", "alpha-bucket", "mid.bucket"]:
        s3.create_bucket(Bucket=name)
    listing = s3.list_buckets()
    assert [b["Name"] for b in listing["Buckets"]] == ["alpha-bucket", "mid.bucket", "zeta-bucket"]
    assert listing["Owner"]["ID"]


def test_list_buckets_on_fresh_server_is_empty(s3):
    assert s3.list_buckets()["Buckets"] == []


def test_head_bucket_returns_200_for_existing_and_404_for_missing(s3, bucket):
    assert http_status(s3.head_bucket(Bucket=bucket)) == 200
    with pytest.raises(ClientError) as e:
        s3.head_bucket(Bucket="no-such-bucket-here")
    # HEAD responses carry no body, so botocore reports the status as the code.
    assert error_code(e.value) == "404"
    assert http_status(e.value) == 404


def test_delete_empty_bucket_removes_it(s3, bucket):
    resp = s3.delete_bucket(Bucket=bucket)
    assert http_status(resp) == 204
    assert bucket not in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    with pytest.raises(ClientError) as e:
        s3.head_bucket(Bucket=bucket)
    assert http_status(e.value) == 404


def test_bucket_name_can_be_reused_after_delete(s3):
    s3.create_bucket(Bucket="reuse-me")
    s3.put_object(Bucket="reuse-me", Key="k", Body=b"x")
    s3.delete_object(Bucket="reuse-me", Key="k")
    s3.delete_bucket(Bucket="reuse-me")
    s3.create_bucket(Bucket="reuse-me")
    assert s3.list_objects_v2(Bucket="reuse-me")["KeyCount"] == 0


@pytest.mark.parametrize("name", [
    "ab",                      # shorter than 3
    "a" * 64,                  # longer than 63
    "Upper",                   # upper case
    "a..b",                    # adjacent periods
    "192.168.1.1",             # formatted as an IP address
    "-abc",                    # must start with a letter or digit
    "abc-",                    # must end with a letter or digit
    ".abc",
    "abc.",
    "under_score",             # underscore
    "xn--abc",                 # reserved prefix xn--
    "sthree-abc",              # reserved prefix sthree-
    "abc-s3alias",             # reserved suffix -s3alias
    "abc--ol-s3",              # reserved suffix --ol-s3
])
def test_create_bucket_with_invalid_name_is_rejected_with_InvalidBucketName(s3, name):
    with pytest.raises(ClientError) as e:
        s3.create_bucket(Bucket=name)
    assert error_code(e.value) == "InvalidBucketName"
    assert http_status(e.value) == 400


@pytest.mark.parametrize("name", ["abc", "a" * 63, "1abc", "a.b-c9", "my.bucket.name", "0-0"])
def test_create_bucket_accepts_valid_edge_case_names(s3, name):
    s3.create_bucket(Bucket=name)
    assert http_status(s3.head_bucket(Bucket=name)) == 200


def test_create_bucket_you_already_own_in_us_east_1_succeeds_and_changes_nothing(s3, bucket):
    # S3's legacy behaviour, kept in us-east-1 only (CreateBucket API reference, Errors).
    s3.put_object(Bucket=bucket, Key="kept", Body=b"x")
    before = s3.list_buckets()["Buckets"]
    assert http_status(s3.create_bucket(Bucket=bucket)) == 200
    assert s3.list_buckets()["Buckets"] == before
    assert s3.get_object(Bucket=bucket, Key="kept")["Body"].read() == b"x"


def test_create_bucket_you_already_own_elsewhere_gives_BucketAlreadyOwnedByYou_409(start_server):
    srv = start_server(extra_args=["--region", "eu-west-1"])
    s3 = srv.client(region="eu-west-1")
    cfg = {"LocationConstraint": "eu-west-1"}
    s3.create_bucket(Bucket="mine-twice", CreateBucketConfiguration=cfg)
    with pytest.raises(ClientError) as e:
        s3.create_bucket(Bucket="mine-twice", CreateBucketConfiguration=cfg)
    assert error_code(e.value) == "BucketAlreadyOwnedByYou"
    assert http_status(e.value) == 409
    assert e.value.response["Error"]["Message"] == (
        "Your previous request to create the named bucket succeeded and you already own it.")


@pytest.mark.parametrize("name", ["a.-b", "a-.b", "ab.-c.d", "x-.-y"])
def test_create_bucket_refuses_a_dot_next_to_a_hyphen(s3, name):
    with pytest.raises(ClientError) as e:
        s3.create_bucket(Bucket=name)
    assert error_code(e.value) == "InvalidBucketName"
    assert http_status(e.value) == 400


def test_create_bucket_owned_by_another_user_gives_BucketAlreadyExists_409(alice, bob):
    alice.create_bucket(Bucket="alices-bucket")
    with pytest.raises(ClientError) as e:
        bob.create_bucket(Bucket="alices-bucket")
    assert error_code(e.value) == "BucketAlreadyExists"
    assert http_status(e.value) == 409


def test_delete_non_empty_bucket_gives_BucketNotEmpty_409(s3, bucket):
    s3.put_object(Bucket=bucket, Key="keep-me", Body=b"data")
    with pytest.raises(ClientError) as e:
        s3.delete_bucket(Bucket=bucket)
    assert error_code(e.value) == "BucketNotEmpty"
    assert http_status(e.value) == 409
    # still there, object intact
    assert s3.get_object(Bucket=bucket, Key="keep-me")["Body"].read() == b"data"


@pytest.mark.parametrize("operation", [
    lambda s3: s3.delete_bucket(Bucket="missing-bucket"),
    lambda s3: s3.list_objects_v2(Bucket="missing-bucket"),
    lambda s3: s3.list_objects(Bucket="missing-bucket"),
    lambda s3: s3.get_object(Bucket="missing-bucket", Key="k"),
    lambda s3: s3.put_object(Bucket="missing-bucket", Key="k", Body=b"x"),
    lambda s3: s3.delete_object(Bucket="missing-bucket", Key="k"),
    lambda s3: s3.get_bucket_location(Bucket="missing-bucket"),
], ids=["DeleteBucket", "ListObjectsV2", "ListObjects", "GetObject", "PutObject",
        "DeleteObject", "GetBucketLocation"])
def test_operations_on_missing_bucket_give_NoSuchBucket_404(s3, operation):
    with pytest.raises(ClientError) as e:
        operation(s3)
    assert error_code(e.value) == "NoSuchBucket"
    assert http_status(e.value) == 404


def test_get_bucket_location_is_empty_for_us_east_1(s3, bucket, server):
    resp = s3.get_bucket_location(Bucket=bucket)
    # AWS returns an empty <LocationConstraint/> for us-east-1; botocore maps it to None.
    assert resp.get("LocationConstraint") in (None, "")

    raw = server.signed_request("GET", key_path(bucket), query="location")
    assert raw.status_code == 200
    assert b"LocationConstraint" in raw.content
    assert b"us-west" not in raw.content


def test_every_response_carries_x_amz_request_id(s3, bucket):
    responses = [
        s3.list_buckets(),
        s3.head_bucket(Bucket=bucket),
        s3.put_object(Bucket=bucket, Key="k", Body=b"x"),
        s3.get_object(Bucket=bucket, Key="k"),
        s3.head_object(Bucket=bucket, Key="k"),
        s3.list_objects_v2(Bucket=bucket),
        s3.delete_object(Bucket=bucket, Key="k"),
    ]
    errors = []
    for op in (lambda: s3.head_bucket(Bucket="nope-bucket"),
               lambda: s3.get_object(Bucket=bucket, Key="nope"),
               lambda: s3.head_object(Bucket=bucket, Key="nope"),
               lambda: s3.create_bucket(Bucket="Bad_Name")):
        with pytest.raises(ClientError) as e:
            op()
        errors.append(e.value)
    ids = [headers_of(r).get("x-amz-request-id") for r in responses + errors]
    assert all(ids), ids
    assert len(set(ids)) == len(ids), "request ids must be unique"


def test_create_bucket_with_malformed_configuration_xml_gives_MalformedXML_400(server):
    # A client mistake must be a 4xx S3 error, never a 5xx.
    raw = server.signed_request("PUT", "/odd-body-bucket", body=b"<not-xml")
    assert 400 <= raw.status_code < 500, raw.content
    err = parse_error(raw.content)
    assert err["Code"] == "MalformedXML"

