"""The checksum algorithms S3 added after the first five: SHA512, MD5, XXHASH64, XXHASH3 and
XXHASH128, on every path the first five have, over HTTP and HTTPS (boto3 sends a header over HTTP
and an aws-chunked trailer over HTTPS).

AWS behaviour checked (botocore's S3 model 1.43: the ChecksumAlgorithm enum, the Checksum* members
of PutObject/UploadPart/Complete/ListParts/GetObjectAttributes/CopyPartResult; botocore's
httpchecksum.py: big-endian digests in base64, awscrt's XXHash with seed 0):
- PutObject with any of them (computed by boto3, or sent precomputed) is verified, stored and
  returned by PutObject, GetObject/HeadObject with x-amz-checksum-mode: ENABLED and
  GetObjectAttributes, type FULL_OBJECT. botocore cannot compute MD5, so its value is sent.
- A value that does not match: 400 BadDigest "The SHA512 you specified did not match the
  calculated checksum." (also checked, with malformed values and aws-chunked trailers, for all
  ten algorithms in test_integrity_checksums.py and test_integrity_aws_chunked.py).
- Multipart: hashes cannot be combined into a FULL_OBJECT value, so they are COMPOSITE only
  (FULL_OBJECT: 400 InvalidRequest "The FULL_OBJECT checksum type cannot be used with the sha512
  checksum algorithm."); the COMPOSITE value is base64(H(binary part checksums)) + "-N".
The expected values are computed here (hashlib; awscrt for XXHASH*).
"""

from __future__ import annotations

import base64

import pytest
from botocore.exceptions import ClientError

from cairntest import error_code, http_status
from test_integrity_helpers import (  # noqa: F401 (fixtures and the parametrizing hook)
    NEW_ALGORITHMS, assert_nothing_stored, assert_s3_error, bad_digest_message, body_of, checksum,
    composite, header_name, http_only, ibucket, is3, iserver, module_client, module_server,
    pytest_generate_tests, response_key, signed, snapshot, tls_cert, wrong_checksum)

# What botocore computes itself when given ChecksumAlgorithm (MD5 is not among them).
BOTO_COMPUTES = ("SHA512", "XXHASH64", "XXHASH3", "XXHASH128")
SIZES = [5000, 1024, 65_537, 7]  # uneven parts; the module servers' minimum part size is 1 KiB


def client_error(fn, **kwargs) -> ClientError:
    with pytest.raises(ClientError) as e:
        fn(**kwargs)
    return e.value


def put_kwargs(algorithm: str, data: bytes) -> dict:
    """boto3 computes what it can; MD5's value is sent precomputed."""
    if algorithm in BOTO_COMPUTES:
        return {"ChecksumAlgorithm": algorithm}
    return {response_key(algorithm): checksum(algorithm, data)}


def assert_stored(s3, bucket: str, key: str, algorithm: str, expected: str, ctype: str, size: int):
    head = s3.head_object(Bucket=bucket, Key=key, ChecksumMode="ENABLED")
    assert head[response_key(algorithm)] == expected
    assert head["ChecksumType"] == ctype
    got = s3.get_object(Bucket=bucket, Key=key, ChecksumMode="ENABLED")
    assert got[response_key(algorithm)] == expected
    assert len(got["Body"].read()) == size  # botocore validates what it can compute
    attrs = s3.get_object_attributes(Bucket=bucket, Key=key, ObjectAttributes=["Checksum"])
    assert attrs["Checksum"][response_key(algorithm)] == expected
    assert attrs["Checksum"]["ChecksumType"] == ctype


# -- PutObject ---------------------------------------------------------------------------------

@pytest.mark.parametrize("algorithm", NEW_ALGORITHMS)
def test_put_object_checksum_is_verified_stored_and_returned(iserver, is3, ibucket, algorithm):
    data = body_of(70_001, 1)
    resp = is3.put_object(Bucket=ibucket, Key="k", Body=data, **put_kwargs(algorithm, data))
    expected = checksum(algorithm, data)
    assert resp[response_key(algorithm)] == expected
    assert resp["ChecksumType"] == "FULL_OBJECT"
    assert "ChecksumCRC64NVME" not in resp  # a checksum was sent: no default is added
    assert_stored(is3, ibucket, "k", algorithm, expected, "FULL_OBJECT", len(data))


def test_md5_checksum_equals_the_etag_digest(iserver, is3, ibucket):
    data = body_of(3333, 2)
    resp = is3.put_object(Bucket=ibucket, Key="k", Body=data, ChecksumMD5=checksum("MD5", data))
    assert resp["ChecksumMD5"] == checksum("MD5", data)
    assert bytes.fromhex(resp["ETag"].strip('"')) == base64.b64decode(resp["ChecksumMD5"])


@http_only
@pytest.mark.parametrize("algorithm", NEW_ALGORITHMS)
def test_put_object_wrong_checksum_is_bad_digest(iserver, is3, ibucket, algorithm):
    data = body_of(4096, 3)
    before = snapshot(iserver)
    status, _h, body = signed(iserver, "PUT", ibucket, "k", body=data,
                              headers={header_name(algorithm): wrong_checksum(algorithm, data)})
    assert_s3_error(status, body, 400, "BadDigest", bad_digest_message(algorithm))
    assert_nothing_stored(iserver, is3, ibucket, "k", before)


@http_only
@pytest.mark.parametrize("algorithm", NEW_ALGORITHMS)
def test_sdk_checksum_algorithm_header_alone_has_the_server_compute_it(iserver, is3, ibucket, algorithm):
    data = body_of(10_000, 4)
    status, headers, body = signed(iserver, "PUT", ibucket, "k", body=data,
                                   headers={"x-amz-sdk-checksum-algorithm": algorithm})
    assert status == 200, body
    assert headers[header_name(algorithm)] == checksum(algorithm, data)
    assert headers["x-amz-checksum-type"] == "FULL_OBJECT"


# -- multipart -----------------------------------------------------------------------------------

def upload_parts(s3, bucket, key, upload_id, algorithm, parts):
    completed = []
    for n, data in enumerate(parts, 1):
        resp = s3.upload_part(Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=n, Body=data,
                              **put_kwargs(algorithm, data))
        assert resp[response_key(algorithm)] == checksum(algorithm, data), f"part {n}"
        completed.append({"PartNumber": n, "ETag": resp["ETag"], response_key(algorithm): resp[response_key(algorithm)]})
    return completed


@pytest.mark.parametrize("algorithm", NEW_ALGORITHMS)
def test_multipart_composite_flow(iserver, is3, ibucket, algorithm):
    parts = [body_of(n, 10 + i) for i, n in enumerate(SIZES)]
    created = is3.create_multipart_upload(Bucket=ibucket, Key="obj", ChecksumAlgorithm=algorithm)
    assert (created["ChecksumAlgorithm"], created["ChecksumType"]) == (algorithm, "COMPOSITE")
    upload_id = created["UploadId"]
    completed = upload_parts(is3, ibucket, "obj", upload_id, algorithm, parts)
    listed = is3.list_parts(Bucket=ibucket, Key="obj", UploadId=upload_id)
    assert (listed["ChecksumAlgorithm"], listed["ChecksumType"]) == (algorithm, "COMPOSITE")
    assert [p[response_key(algorithm)] for p in listed["Parts"]] == [checksum(algorithm, p) for p in parts]
    done = is3.complete_multipart_upload(Bucket=ibucket, Key="obj", UploadId=upload_id,
                                         MultipartUpload={"Parts": completed})
    expected = composite(algorithm, parts)
    assert done[response_key(algorithm)] == expected
    assert done["ChecksumType"] == "COMPOSITE"
    assert_stored(is3, ibucket, "obj", algorithm, expected, "COMPOSITE", sum(SIZES))
    attrs = is3.get_object_attributes(Bucket=ibucket, Key="obj", ObjectAttributes=["ObjectParts"])
    assert [p[response_key(algorithm)] for p in attrs["ObjectParts"]["Parts"]] == \
        [checksum(algorithm, p) for p in parts]
    # A part read returns that part's own checksum.
    part2 = is3.get_object(Bucket=ibucket, Key="obj", PartNumber=2, ChecksumMode="ENABLED")
    assert part2[response_key(algorithm)] == checksum(algorithm, parts[1])
    assert part2["Body"].read() == parts[1]


@http_only
@pytest.mark.parametrize("algorithm", NEW_ALGORITHMS)
def test_multipart_full_object_is_refused(iserver, is3, ibucket, algorithm):
    err = client_error(is3.create_multipart_upload, Bucket=ibucket, Key="k",
                       ChecksumAlgorithm=algorithm, ChecksumType="FULL_OBJECT")
    assert http_status(err) == 400 and error_code(err) == "InvalidRequest"
    assert err.response["Error"]["Message"] == \
        f"The FULL_OBJECT checksum type cannot be used with the {algorithm.lower()} checksum algorithm."
    assert is3.list_multipart_uploads(Bucket=ibucket).get("Uploads", []) == []


@http_only
def test_composite_complete_with_wrong_part_checksum_is_invalid_part(iserver, is3, ibucket):
    parts = [body_of(2000, 20), body_of(100, 21)]
    upload_id = is3.create_multipart_upload(Bucket=ibucket, Key="obj", ChecksumAlgorithm="XXHASH128")["UploadId"]
    completed = upload_parts(is3, ibucket, "obj", upload_id, "XXHASH128", parts)
    bad = [dict(completed[0], ChecksumXXHASH128=wrong_checksum("XXHASH128", parts[0])), completed[1]]
    err = client_error(is3.complete_multipart_upload, Bucket=ibucket, Key="obj", UploadId=upload_id,
                       MultipartUpload={"Parts": bad})
    assert http_status(err) == 400 and error_code(err) == "InvalidPart"


@http_only
def test_upload_part_with_a_different_new_algorithm_is_invalid_request(iserver, is3, ibucket):
    upload_id = is3.create_multipart_upload(Bucket=ibucket, Key="obj", ChecksumAlgorithm="XXHASH3")["UploadId"]
    err = client_error(is3.upload_part, Bucket=ibucket, Key="obj", UploadId=upload_id, PartNumber=1,
                       Body=b"x" * 2000, ChecksumAlgorithm="XXHASH64")
    assert http_status(err) == 400 and error_code(err) == "InvalidRequest"
    assert err.response["Error"]["Message"] == \
        "Checksum Type mismatch occurred, expected checksum Type: xxhash3, actual checksum Type: xxhash64"


def test_upload_part_copy_computes_the_upload_algorithm(iserver, is3, ibucket):
    src = body_of(9000, 30)
    is3.put_object(Bucket=ibucket, Key="src", Body=src)
    upload_id = is3.create_multipart_upload(Bucket=ibucket, Key="obj", ChecksumAlgorithm="SHA512")["UploadId"]
    copied = is3.upload_part_copy(Bucket=ibucket, Key="obj", UploadId=upload_id, PartNumber=1,
                                  CopySource={"Bucket": ibucket, "Key": "src"}, CopySourceRange="bytes=10-4009")
    part = src[10:4010]
    assert copied["CopyPartResult"]["ChecksumSHA512"] == checksum("SHA512", part)
    done = is3.complete_multipart_upload(
        Bucket=ibucket, Key="obj", UploadId=upload_id,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": copied["CopyPartResult"]["ETag"]}]})
    assert done["ChecksumSHA512"] == composite("SHA512", [part])


def test_copy_object_keeps_or_changes_the_algorithm(iserver, is3, ibucket):
    data = body_of(12_345, 31)
    is3.put_object(Bucket=ibucket, Key="src", Body=data, ChecksumAlgorithm="XXHASH64")
    kept = is3.copy_object(Bucket=ibucket, Key="kept", CopySource={"Bucket": ibucket, "Key": "src"})
    assert kept["CopyObjectResult"]["ChecksumXXHASH64"] == checksum("XXHASH64", data)
    changed = is3.copy_object(Bucket=ibucket, Key="changed", CopySource={"Bucket": ibucket, "Key": "src"},
                              ChecksumAlgorithm="SHA512")
    assert changed["CopyObjectResult"]["ChecksumSHA512"] == checksum("SHA512", data)
    assert changed["CopyObjectResult"]["ChecksumType"] == "FULL_OBJECT"
    assert_stored(is3, ibucket, "changed", "SHA512", checksum("SHA512", data), "FULL_OBJECT", len(data))
