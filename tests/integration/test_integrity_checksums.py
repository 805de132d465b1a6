"""Content-MD5 and the x-amz-checksum-* headers on single-part uploads (PutObject) and on
DeleteObjects, over HTTP and HTTPS; the stored checksum on GetObject / HeadObject /
GetObjectAttributes.

AWS behaviour checked:
- Content-MD5 that does not match: 400 BadDigest "The Content-MD5 you specified did not match what
  we received."; not a base64 16-byte value: 400 InvalidDigest "The Content-MD5 you specified is
  not valid." (S3 error-code table; ceph/s3-tests).
- x-amz-checksum-<alg> that does not match: 400 BadDigest "The <ALG> you specified did not match
  the calculated checksum." (AWS SDK issue reports, e.g. aws/aws-sdk-ruby#3322 for CRC32); a value
  that is not base64 of the algorithm's digest length: 400 InvalidRequest; two checksum headers:
  400 InvalidRequest.
- A rejected upload stores nothing and leaves an existing object untouched.
- With x-amz-checksum-mode: ENABLED, GetObject/HeadObject return the stored checksum and
  x-amz-checksum-type (FULL_OBJECT for PutObject); a ranged GET returns no whole-object checksum
  (minio/minio#17105 "Remove checksums from HTTP range request ... matches AWS S3 behavior").
"""

from __future__ import annotations

import base64
import hashlib

import pytest
from botocore.exceptions import ClientError

from cairntest import error_code, http_status
from test_integrity_helpers import (  # noqa: F401 (fixtures and the parametrizing hook)
    ALGORITHMS, ALL_ALGORITHMS, assert_nothing_stored, assert_s3_error, bad_digest_message,
    body_of, checksum,
    header_name, http_only, ibucket, is3, iserver, module_client, module_server,
    pytest_generate_tests, response_key, signed, snapshot, tls_cert, wrong_checksum)

MD5_MISMATCH = "The Content-MD5 you specified did not match what we received."
MD5_INVALID = "The Content-MD5 you specified is not valid."


def md5_b64(data: bytes) -> str:
    return base64.b64encode(hashlib.md5(data).digest()).decode()


def client_error(fn, **kwargs) -> ClientError:
    with pytest.raises(ClientError) as e:
        fn(**kwargs)
    return e.value


# -- x-amz-checksum-* --------------------------------------------------------------------------

@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_put_with_checksum_algorithm_is_verified_stored_and_returned(iserver, is3, ibucket, algorithm):
    # boto3 computes the value: a header over HTTP, an aws-chunked trailer over HTTPS.
    data = body_of(70_000, 1)
    resp = is3.put_object(Bucket=ibucket, Key="k", Body=data, ChecksumAlgorithm=algorithm)
    expected = checksum(algorithm, data)
    assert resp[response_key(algorithm)] == expected
    assert resp["ETag"] == f'"{hashlib.md5(data).hexdigest()}"'
    head = is3.head_object(Bucket=ibucket, Key="k", ChecksumMode="ENABLED")
    assert head[response_key(algorithm)] == expected
    assert head["ChecksumType"] == "FULL_OBJECT"
    assert head["ContentLength"] == len(data)
    assert "ContentEncoding" not in head  # aws-chunked is framing, not stored
    got = is3.get_object(Bucket=ibucket, Key="k", ChecksumMode="ENABLED")
    assert got[response_key(algorithm)] == expected
    assert got["Body"].read() == data  # botocore also validates the CRC/SHA it was given
    attrs = is3.get_object_attributes(Bucket=ibucket, Key="k",
                                      ObjectAttributes=["Checksum", "ObjectSize", "ETag"])
    assert attrs["Checksum"][response_key(algorithm)] == expected
    assert attrs["Checksum"]["ChecksumType"] == "FULL_OBJECT"
    assert attrs["ObjectSize"] == len(data)


def test_put_with_precomputed_checksum_header(iserver, is3, ibucket):
    for algorithm in ALL_ALGORITHMS:
        data = body_of(5000, 2)
        resp = is3.put_object(Bucket=ibucket, Key=algorithm, Body=data,
                              **{response_key(algorithm): checksum(algorithm, data)})
        assert resp[response_key(algorithm)] == checksum(algorithm, data)
        assert is3.get_object(Bucket=ibucket, Key=algorithm)["Body"].read() == data


def test_put_checksum_mismatch_is_bad_digest_and_stores_nothing(iserver, is3, ibucket):
    for algorithm in ALL_ALGORITHMS:
        data = body_of(40_000, 3)
        before = snapshot(iserver)
        err = client_error(is3.put_object, Bucket=ibucket, Key="k", Body=data,
                           **{response_key(algorithm): wrong_checksum(algorithm, data)})
        assert http_status(err) == 400, algorithm
        assert error_code(err) == "BadDigest", algorithm
        assert err.response["Error"]["Message"] == bad_digest_message(algorithm)
        assert_nothing_stored(iserver, is3, ibucket, "k", before)


@pytest.mark.parametrize("algorithm", ["CRC32", "SHA256"])
def test_put_checksum_mismatch_keeps_the_existing_object(iserver, is3, ibucket, algorithm):
    old = b"the old version"
    is3.put_object(Bucket=ibucket, Key="k", Body=old)
    before = snapshot(iserver)
    new = body_of(10_000, 4)
    err = client_error(is3.put_object, Bucket=ibucket, Key="k", Body=new,
                       **{response_key(algorithm): checksum(algorithm, old)})
    assert error_code(err) == "BadDigest"
    assert_nothing_stored(iserver, is3, ibucket, "k", before, previous=old)


@http_only
def test_put_malformed_checksum_header_is_invalid_request(iserver, is3, ibucket):
    data = b"some data"
    for algorithm in ALL_ALGORITHMS:
        raw = base64.b64decode(checksum(algorithm, data))
        for value in ["not base64!", base64.b64encode(raw[:-1]).decode(),  # one byte short
                      base64.b64encode(raw + b"\0").decode(), checksum(algorithm, data)[:-2], ""]:
            before = snapshot(iserver)
            status, _h, body = signed(iserver, "PUT", ibucket, "k", body=data,
                                      headers={header_name(algorithm): value})
            assert_s3_error(status, body, 400, "InvalidRequest")
            assert_nothing_stored(iserver, is3, ibucket, "k", before)


@http_only
def test_put_two_checksum_headers_is_invalid_request(iserver, is3, ibucket):
    data = b"two checksums"
    before = snapshot(iserver)
    status, _h, body = signed(iserver, "PUT", ibucket, "k", body=data, headers={
        "x-amz-checksum-crc32": checksum("CRC32", data),
        "x-amz-checksum-sha256": checksum("SHA256", data)})
    assert_s3_error(status, body, 400, "InvalidRequest")
    assert_nothing_stored(iserver, is3, ibucket, "k", before)


def test_put_checksum_header_over_raw_signed_request(iserver, is3, ibucket):
    """Signed payload SHA-256 + x-amz-checksum-crc32 header (what botocore sends over HTTP): the
    response echoes the checksum and its type."""
    data = body_of(123_457, 5)
    status, headers, body = signed(iserver, "PUT", ibucket, "k", body=data, headers={
        "x-amz-checksum-crc32": checksum("CRC32", data), "x-amz-sdk-checksum-algorithm": "CRC32"})
    assert status == 200, body
    assert headers["x-amz-checksum-crc32"] == checksum("CRC32", data)
    assert headers.get("x-amz-checksum-type") == "FULL_OBJECT"


@http_only
def test_sdk_algorithm_header_alone_makes_the_server_compute_the_checksum(iserver, is3, ibucket):
    data = body_of(3000, 6)
    status, headers, body = signed(iserver, "PUT", ibucket, "k", body=data,
                                   headers={"x-amz-sdk-checksum-algorithm": "SHA1"})
    assert status == 200, body
    head = is3.head_object(Bucket=ibucket, Key="k", ChecksumMode="ENABLED")
    assert head["ChecksumSHA1"] == checksum("SHA1", data)


# -- GET / HEAD ---------------------------------------------------------------------------------

def test_checksum_only_with_checksum_mode_and_not_on_ranged_get(iserver, is3, ibucket):
    data = body_of(10_000, 7)
    is3.put_object(Bucket=ibucket, Key="k", Body=data, ChecksumAlgorithm="CRC32C")
    status, headers, _ = signed(iserver, "HEAD", ibucket, "k")
    assert status == 200 and not any(h.startswith("x-amz-checksum-") for h in headers), headers
    status, headers, _ = signed(iserver, "HEAD", ibucket, "k",
                                headers={"x-amz-checksum-mode": "ENABLED"})
    assert headers["x-amz-checksum-crc32c"] == checksum("CRC32C", data)
    assert headers["x-amz-checksum-type"] == "FULL_OBJECT"
    status, headers, body = signed(iserver, "GET", ibucket, "k", headers={
        "x-amz-checksum-mode": "ENABLED", "Range": "bytes=100-199"})
    assert status == 206 and body == data[100:200]
    assert not any(h.startswith("x-amz-checksum-") for h in headers), headers
    # boto3: a ranged GET comes back without a checksum, so nothing to validate.
    got = is3.get_object(Bucket=ibucket, Key="k", Range="bytes=0-9", ChecksumMode="ENABLED")
    assert "ChecksumCRC32C" not in got and got["Body"].read() == data[:10]


def test_single_part_object_with_part_number_1(iserver, is3, ibucket):
    """?partNumber=1 of a PutObject object is the whole object (206); its checksum is the
    object's. (Inferred from AWS's one-part FULL_OBJECT multipart case, which returns it.)"""
    data = body_of(2000, 8)
    is3.put_object(Bucket=ibucket, Key="k", Body=data, ChecksumAlgorithm="SHA256")
    got = is3.get_object(Bucket=ibucket, Key="k", PartNumber=1, ChecksumMode="ENABLED")
    assert got["Body"].read() == data
    assert got["ChecksumSHA256"] == checksum("SHA256", data)


# -- Content-MD5 ----------------------------------------------------------------------------------

def test_put_content_md5_match(iserver, is3, ibucket):
    data = body_of(50_000, 9)
    resp = is3.put_object(Bucket=ibucket, Key="k", Body=data, ContentMD5=md5_b64(data))
    assert resp["ETag"] == f'"{hashlib.md5(data).hexdigest()}"'


def test_put_content_md5_mismatch_is_bad_digest(iserver, is3, ibucket):
    data = body_of(50_000, 10)
    before = snapshot(iserver)
    err = client_error(is3.put_object, Bucket=ibucket, Key="k", Body=data,
                       ContentMD5=md5_b64(data + b"x"))
    assert http_status(err) == 400 and error_code(err) == "BadDigest"
    assert err.response["Error"]["Message"] == MD5_MISMATCH
    assert_nothing_stored(iserver, is3, ibucket, "k", before)


@http_only
def test_put_content_md5_malformed_is_invalid_digest(iserver, is3, ibucket):
    data = b"payload for a malformed Content-MD5"
    for value in ["not-base64!", base64.b64encode(b"\1" * 15).decode(),
                  base64.b64encode(b"\1" * 17).decode(), ""]:
        before = snapshot(iserver)
        status, _h, body = signed(iserver, "PUT", ibucket, "k", body=data,
                                  headers={"Content-MD5": value})
        assert_s3_error(status, body, 400, "InvalidDigest", MD5_INVALID)
        assert_nothing_stored(iserver, is3, ibucket, "k", before)


def test_content_md5_right_but_checksum_wrong_is_bad_digest(iserver, is3, ibucket):
    data = body_of(4000, 11)
    before = snapshot(iserver)
    status, _h, body = signed(iserver, "PUT", ibucket, "k", body=data, headers={
        "Content-MD5": md5_b64(data), "x-amz-checksum-crc32c": wrong_checksum("CRC32C", data)})
    assert_s3_error(status, body, 400, "BadDigest", bad_digest_message("CRC32C"))
    assert_nothing_stored(iserver, is3, ibucket, "k", before)


# -- DeleteObjects --------------------------------------------------------------------------------

def delete_xml(keys: list[str]) -> bytes:
    objs = "".join(f"<Object><Key>{k}</Key></Object>" for k in keys)
    return f'<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">{objs}</Delete>'.encode()


def put_keys(s3, bucket: str, keys: list[str]) -> None:
    for k in keys:
        s3.put_object(Bucket=bucket, Key=k, Body=k.encode())


def remaining(s3, bucket: str) -> list[str]:
    return sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", []))


@http_only
def test_delete_objects_digest_errors_delete_nothing(iserver, is3, ibucket):
    keys = ["a", "b", "c"]
    put_keys(is3, ibucket, keys)
    xml = delete_xml(keys)
    cases = [
        ({"Content-MD5": md5_b64(xml + b" ")}, ("BadDigest", MD5_MISMATCH)),
        ({"Content-MD5": "AAAA"}, ("InvalidDigest", MD5_INVALID)),
        ({"x-amz-checksum-crc32": wrong_checksum("CRC32", xml)},
         ("BadDigest", bad_digest_message("CRC32"))),
        ({"x-amz-checksum-sha256": wrong_checksum("SHA256", xml)},
         ("BadDigest", bad_digest_message("SHA256"))),
        ({"x-amz-checksum-crc32": "!!"}, ("InvalidRequest", None)),
    ]
    for headers, expected in cases:
        status, _h, body = signed(iserver, "POST", ibucket, query="delete=", body=xml,
                                  headers=headers)
        assert_s3_error(status, body, 400, *expected)
        assert remaining(is3, ibucket) == keys


def test_delete_objects_with_matching_digest(iserver, is3, ibucket):
    for headers in ("md5", "crc32c"):
        keys = ["a", "b"]
        put_keys(is3, ibucket, keys)
        xml = delete_xml(keys)
        h = {"Content-MD5": md5_b64(xml)} if headers == "md5" else \
            {"x-amz-checksum-crc32c": checksum("CRC32C", xml)}
        status, _h, body = signed(iserver, "POST", ibucket, query="delete=", body=xml, headers=h)
        assert status == 200, body
        assert remaining(is3, ibucket) == []


def test_delete_objects_boto3_default_checksum(iserver, is3, ibucket):
    # botocore sends a CRC32 of the XML (DeleteObjects requires a checksum).
    put_keys(is3, ibucket, ["x", "y"])
    resp = is3.delete_objects(Bucket=ibucket, Delete={"Objects": [{"Key": "x"}, {"Key": "y"}]})
    assert sorted(d["Key"] for d in resp["Deleted"]) == ["x", "y"]
    assert remaining(is3, ibucket) == []
