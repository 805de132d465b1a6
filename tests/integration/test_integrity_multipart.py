"""Multipart checksums, over HTTP and HTTPS (boto3 sends part checksums as headers over HTTP and
as aws-chunked trailers over HTTPS).

AWS behaviour checked (S3 User Guide "Checking object integrity", CreateMultipartUpload,
UploadPart, CompleteMultipartUpload, GetObject, GetObjectAttributes API references):
- CreateMultipartUpload takes x-amz-checksum-algorithm and x-amz-checksum-type. Full-object
  checksums: CRC64NVME, CRC32, CRC32C; composite: CRC32, CRC32C, SHA1, SHA256 (CRC64NVME is
  full-object only, SHA-1/SHA-256 composite only); another pairing is 400 InvalidRequest. Without
  a type, CRC64NVME is FULL_OBJECT and the others COMPOSITE.
- UploadPart returns the part's checksum; ListParts lists it with each part, and the upload's
  ChecksumAlgorithm / ChecksumType.
- CompleteMultipartUpload checks the part checksums listed in its XML (a wrong one: 400
  InvalidPart) and returns the object's checksum and ChecksumType: COMPOSITE =
  base64(H(binary part checksums concatenated)) + "-N", FULL_OBJECT = the CRC of the whole
  object. A whole-object x-amz-checksum-* header on Complete that does not match: 400 BadDigest.
- GetObject/HeadObject with checksum mode return that value (with partNumber, the part's);
  a ranged GET returns none; GetObjectAttributes returns Checksum and the parts' checksums.
The expected values are computed here from the bytes (zlib, hashlib, awscrt / pure Python).
"""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from cairntest import error_code, http_status
from test_integrity_helpers import (  # noqa: F401 (fixtures and the parametrizing hook)
    ALGORITHMS, assert_s3_error, bad_digest_message, body_of, checksum, composite, full_object,
    http_only, ibucket, is3, iserver, module_client, module_server, pytest_generate_tests,
    response_key, signed, snapshot, tls_cert, wrong_checksum)

VALID = [("CRC32", "COMPOSITE"), ("CRC32", "FULL_OBJECT"), ("CRC32C", "COMPOSITE"),
         ("CRC32C", "FULL_OBJECT"), ("CRC64NVME", "FULL_OBJECT"), ("SHA1", "COMPOSITE"),
         ("SHA256", "COMPOSITE")]
INVALID = [("CRC64NVME", "COMPOSITE"), ("SHA1", "FULL_OBJECT"), ("SHA256", "FULL_OBJECT")]

# Part sizes (the module servers' minimum part size is 1 KiB): uneven on purpose, so that a
# combination that ignored part lengths would be caught.
ONE_PART = [70_001]
MANY_PARTS = [5000, 1024, 65_537, 3333, 1024, 200_000, 7, ]


def parts_data(sizes: list[int], seed: int) -> list[bytes]:
    return [body_of(n, seed * 100 + i) for i, n in enumerate(sizes)]


def expected_object_checksum(algorithm: str, ctype: str, parts: list[bytes]) -> str:
    return full_object(algorithm, parts) if ctype == "FULL_OBJECT" else composite(algorithm, parts)


def upload(s3, bucket: str, key: str, parts: list[bytes], algorithm: str, ctype: str | None):
    kwargs = {"ChecksumAlgorithm": algorithm}
    if ctype:
        kwargs["ChecksumType"] = ctype
    created = s3.create_multipart_upload(Bucket=bucket, Key=key, **kwargs)
    upload_id = created["UploadId"]
    completed = []
    for n, data in enumerate(parts, 1):
        resp = s3.upload_part(Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=n, Body=data,
                              ChecksumAlgorithm=algorithm)
        assert resp[response_key(algorithm)] == checksum(algorithm, data), f"part {n}"
        completed.append({"PartNumber": n, "ETag": resp["ETag"],
                          response_key(algorithm): resp[response_key(algorithm)]})
    return created, upload_id, completed


def client_error(fn, **kwargs) -> ClientError:
    with pytest.raises(ClientError) as e:
        fn(**kwargs)
    return e.value


# -- CreateMultipartUpload ---------------------------------------------------------------------

def test_create_reports_algorithm_and_type(iserver, is3, ibucket):
    for algorithm, ctype in VALID:
        created = is3.create_multipart_upload(Bucket=ibucket, Key=f"{algorithm}-{ctype}",
                                              ChecksumAlgorithm=algorithm, ChecksumType=ctype)
        assert (created["ChecksumAlgorithm"], created["ChecksumType"]) == (algorithm, ctype)
        listed = is3.list_parts(Bucket=ibucket, Key=f"{algorithm}-{ctype}",
                                UploadId=created["UploadId"])
        assert (listed["ChecksumAlgorithm"], listed["ChecksumType"]) == (algorithm, ctype)
    uploads = is3.list_multipart_uploads(Bucket=ibucket)["Uploads"]
    assert sorted((u["ChecksumAlgorithm"], u["ChecksumType"]) for u in uploads) == sorted(VALID)


@http_only
def test_create_default_checksum_type(iserver, is3, ibucket):
    for algorithm, default in [("CRC32", "COMPOSITE"), ("CRC32C", "COMPOSITE"),
                               ("SHA1", "COMPOSITE"), ("SHA256", "COMPOSITE"),
                               ("CRC64NVME", "FULL_OBJECT")]:
        created = is3.create_multipart_upload(Bucket=ibucket, Key="k", ChecksumAlgorithm=algorithm)
        assert created["ChecksumType"] == default, algorithm


@http_only
def test_create_invalid_algorithm_and_type(iserver, is3, ibucket):
    for algorithm, ctype in INVALID:
        err = client_error(is3.create_multipart_upload, Bucket=ibucket, Key="k",
                           ChecksumAlgorithm=algorithm, ChecksumType=ctype)
        assert http_status(err) == 400 and error_code(err) == "InvalidRequest", algorithm
    assert is3.list_multipart_uploads(Bucket=ibucket).get("Uploads", []) == []


@http_only
def test_create_type_without_algorithm_or_unknown_values(iserver, is3, ibucket):
    for headers in ({"x-amz-checksum-type": "COMPOSITE"},
                    {"x-amz-checksum-algorithm": "MD4"},
                    {"x-amz-checksum-algorithm": "CRC32", "x-amz-checksum-type": "PARTIAL"}):
        status, _h, body = signed(iserver, "POST", ibucket, "k", query="uploads=", headers=headers)
        assert_s3_error(status, body, 400, "InvalidRequest")
    assert is3.list_multipart_uploads(Bucket=ibucket).get("Uploads", []) == []


# -- the whole flow ------------------------------------------------------------------------------

@pytest.mark.parametrize("algorithm,ctype", VALID)
def test_multipart_checksum_flow(iserver, is3, ibucket, algorithm, ctype):
    for sizes in (ONE_PART, MANY_PARTS):
        check_multipart_flow(is3, ibucket, algorithm, ctype, sizes)


def check_multipart_flow(is3, ibucket: str, algorithm: str, ctype: str, sizes: list[int]):
    parts = parts_data(sizes, len(sizes))
    whole = b"".join(parts)
    key = response_key(algorithm)
    _created, upload_id, completed = upload(is3, ibucket, "obj", parts, algorithm, ctype)

    listed = is3.list_parts(Bucket=ibucket, Key="obj", UploadId=upload_id)["Parts"]
    assert [(p["PartNumber"], p["Size"], p[key]) for p in listed] == \
        [(n, len(d), checksum(algorithm, d)) for n, d in enumerate(parts, 1)]

    done = is3.complete_multipart_upload(Bucket=ibucket, Key="obj", UploadId=upload_id,
                                         MultipartUpload={"Parts": completed})
    expected = expected_object_checksum(algorithm, ctype, parts)
    assert done[key] == expected
    assert done["ChecksumType"] == ctype
    if ctype == "COMPOSITE":
        assert expected.endswith(f"-{len(parts)}")

    head = is3.head_object(Bucket=ibucket, Key="obj", ChecksumMode="ENABLED")
    assert head[key] == expected and head["ChecksumType"] == ctype
    assert head["ContentLength"] == len(whole)

    # boto3's default GET validates a FULL_OBJECT checksum against the bytes it reads (a
    # composite "-N" value cannot be checked that way and is skipped by botocore).
    got = is3.get_object(Bucket=ibucket, Key="obj", ChecksumMode="ENABLED")
    assert got[key] == expected and got["ChecksumType"] == ctype
    assert got["Body"].read() == whole

    attrs = is3.get_object_attributes(Bucket=ibucket, Key="obj",
                                      ObjectAttributes=["Checksum", "ObjectParts", "ObjectSize"])
    assert attrs["Checksum"][key] == expected
    assert attrs["Checksum"]["ChecksumType"] == ctype
    assert attrs["ObjectSize"] == len(whole)
    assert attrs["ObjectParts"]["TotalPartsCount"] == len(parts)
    if ctype == "COMPOSITE":
        # For COMPOSITE objects the ObjectParts list is what ListParts showed (AWS-validated in
        # localstack/localstack#12764); FULL_OBJECT objects are not checked here.
        assert [(p["PartNumber"], p["Size"], p[key]) for p in attrs["ObjectParts"]["Parts"]] == \
            [(n, len(d), checksum(algorithm, d)) for n, d in enumerate(parts, 1)]


@pytest.mark.parametrize("algorithm,ctype,count", [
    ("CRC32C", "COMPOSITE", 3), ("SHA256", "COMPOSITE", 3), ("CRC32", "COMPOSITE", 1),
    ("CRC64NVME", "FULL_OBJECT", 1), ("CRC64NVME", "FULL_OBJECT", 3), ("CRC32", "FULL_OBJECT", 3)])
def test_get_part_number_checksum(iserver, is3, ibucket, algorithm, ctype, count):
    """GetObject/HeadObject ?partNumber=N with checksum mode, as AWS answers (LocalStack's
    AWS-validated tests, localstack/localstack#12842): a COMPOSITE object gives the part's own
    checksum; a FULL_OBJECT object gives it only when it has one part (then it equals the object's
    checksum) and no checksum at all when it has several, since a part's CRC is not the object's."""
    parts = parts_data([4096, 10_000, 2048][:count], 2)
    _c, upload_id, completed = upload(is3, ibucket, "obj", parts, algorithm, ctype)
    is3.complete_multipart_upload(Bucket=ibucket, Key="obj", UploadId=upload_id,
                                  MultipartUpload={"Parts": completed})
    expect_part_checksum = ctype == "COMPOSITE" or count == 1
    for n, data in enumerate(parts, 1):
        got = is3.get_object(Bucket=ibucket, Key="obj", PartNumber=n, ChecksumMode="ENABLED")
        assert got["Body"].read() == data
        assert got["PartsCount"] == len(parts)
        head = is3.head_object(Bucket=ibucket, Key="obj", PartNumber=n, ChecksumMode="ENABLED")
        for resp in (got, head):
            if expect_part_checksum:
                assert resp.get(response_key(algorithm)) == checksum(algorithm, data), f"part {n}"
            else:
                assert not any(k.startswith("Checksum") and k != "ChecksumType" for k in resp), \
                    f"part {n}: {sorted(resp)}"


def test_ranged_get_of_multipart_object_has_no_checksum(iserver, is3, ibucket):
    parts = parts_data([3000, 3000], 3)
    _c, upload_id, completed = upload(is3, ibucket, "obj", parts, "CRC32", "FULL_OBJECT")
    is3.complete_multipart_upload(Bucket=ibucket, Key="obj", UploadId=upload_id,
                                  MultipartUpload={"Parts": completed})
    status, headers, body = signed(iserver, "GET", ibucket, "obj", headers={
        "x-amz-checksum-mode": "ENABLED", "Range": "bytes=10-4009"})
    assert status == 206 and body == b"".join(parts)[10:4010]
    assert not any(h.startswith("x-amz-checksum-") for h in headers), headers


def test_many_parts_full_object_crc64nvme(iserver, is3, ibucket):
    """FULL_OBJECT over many unequal parts: the server combines part CRCs; the expected value is
    the CRC over all bytes."""
    sizes = [1024 + 997 * i for i in range(25)]
    parts = parts_data(sizes, 4)
    _c, upload_id, completed = upload(is3, ibucket, "obj", parts, "CRC64NVME", "FULL_OBJECT")
    done = is3.complete_multipart_upload(Bucket=ibucket, Key="obj", UploadId=upload_id,
                                         MultipartUpload={"Parts": completed})
    assert done["ChecksumCRC64NVME"] == checksum("CRC64NVME", b"".join(parts))


@http_only
def test_complete_with_a_subset_of_parts(iserver, is3, ibucket):
    """The object checksum covers the parts named in Complete, in order, not every uploaded one."""
    parts = parts_data([2000, 3000, 4000, 5000], 5)
    _c, upload_id, completed = upload(is3, ibucket, "obj", parts, "CRC32", "FULL_OBJECT")
    chosen = [completed[0], completed[2], completed[3]]
    done = is3.complete_multipart_upload(Bucket=ibucket, Key="obj", UploadId=upload_id,
                                         MultipartUpload={"Parts": chosen})
    kept = [parts[0], parts[2], parts[3]]
    assert done["ChecksumCRC32"] == checksum("CRC32", b"".join(kept))
    assert is3.get_object(Bucket=ibucket, Key="obj")["Body"].read() == b"".join(kept)


# -- Complete: verification ------------------------------------------------------------------------

@pytest.mark.parametrize("algorithm,ctype", [("CRC32", "COMPOSITE"), ("SHA1", "COMPOSITE"),
                                             ("CRC64NVME", "FULL_OBJECT")])
def test_complete_with_wrong_part_checksum_is_invalid_part(iserver, is3, ibucket, algorithm, ctype):
    parts = parts_data([2000, 1500], 6)
    _c, upload_id, completed = upload(is3, ibucket, "obj", parts, algorithm, ctype)
    bad = [dict(p) for p in completed]
    bad[1][response_key(algorithm)] = wrong_checksum(algorithm, parts[1])
    err = client_error(is3.complete_multipart_upload, Bucket=ibucket, Key="obj",
                       UploadId=upload_id, MultipartUpload={"Parts": bad})
    assert http_status(err) == 400 and error_code(err) == "InvalidPart"
    with pytest.raises(ClientError):
        is3.head_object(Bucket=ibucket, Key="obj")
    # The upload is still there and completes with the right values.
    done = is3.complete_multipart_upload(Bucket=ibucket, Key="obj", UploadId=upload_id,
                                         MultipartUpload={"Parts": completed})
    assert done[response_key(algorithm)] == expected_object_checksum(algorithm, ctype, parts)


@pytest.mark.parametrize("algorithm", ["CRC32", "CRC32C", "CRC64NVME"])
def test_complete_full_object_checksum_header(iserver, is3, ibucket, algorithm):
    parts = parts_data([3000, 4000, 10], 7)
    _c, upload_id, completed = upload(is3, ibucket, "obj", parts, algorithm, "FULL_OBJECT")
    err = client_error(is3.complete_multipart_upload, Bucket=ibucket, Key="obj",
                       UploadId=upload_id, MultipartUpload={"Parts": completed},
                       **{response_key(algorithm): wrong_checksum(algorithm, b"".join(parts))})
    assert http_status(err) == 400 and error_code(err) == "BadDigest"
    assert err.response["Error"]["Message"].lower() == bad_digest_message(algorithm).lower()
    with pytest.raises(ClientError):
        is3.head_object(Bucket=ibucket, Key="obj")
    good = checksum(algorithm, b"".join(parts))
    done = is3.complete_multipart_upload(Bucket=ibucket, Key="obj", UploadId=upload_id,
                                         MultipartUpload={"Parts": completed},
                                         **{response_key(algorithm): good})
    assert done[response_key(algorithm)] == good


@pytest.mark.parametrize("algorithm", ["CRC32", "SHA256"])
def test_complete_composite_with_wrong_checksum_header(iserver, is3, ibucket, algorithm):
    parts = parts_data([3000, 4000], 8)
    _c, upload_id, completed = upload(is3, ibucket, "obj", parts, algorithm, "COMPOSITE")
    err = client_error(is3.complete_multipart_upload, Bucket=ibucket, Key="obj",
                       UploadId=upload_id, MultipartUpload={"Parts": completed},
                       **{response_key(algorithm): wrong_checksum(algorithm, b"x") + "-2"})
    assert http_status(err) == 400 and error_code(err) == "BadDigest"
    with pytest.raises(ClientError):
        is3.head_object(Bucket=ibucket, Key="obj")
    done = is3.complete_multipart_upload(Bucket=ibucket, Key="obj", UploadId=upload_id,
                                         MultipartUpload={"Parts": completed})
    assert done[response_key(algorithm)] == composite(algorithm, parts)


def test_complete_malformed_checksum_header_is_invalid_request(iserver, is3, ibucket):
    """A whole-object value that is not base64 of the algorithm's length is InvalidRequest, as on
    PutObject, not a BadDigest; nothing is completed."""
    parts = parts_data([3000], 9)
    _c, upload_id, completed = upload(is3, ibucket, "obj", parts, "CRC32", "FULL_OBJECT")
    for bad in ["not-base64!", "AAAAAAAA"]:
        err = client_error(is3.complete_multipart_upload, Bucket=ibucket, Key="obj",
                           UploadId=upload_id, MultipartUpload={"Parts": completed}, ChecksumCRC32=bad)
        assert http_status(err) == 400 and error_code(err) == "InvalidRequest", bad
    with pytest.raises(ClientError):
        is3.head_object(Bucket=ibucket, Key="obj")


# -- UploadPart: verification ---------------------------------------------------------------------

def test_upload_part_checksum_mismatch_stores_no_part(iserver, is3, ibucket):
    data = body_of(20_000, 9)
    for algorithm in ALGORITHMS:
        upload_id = is3.create_multipart_upload(Bucket=ibucket, Key="obj",
                                                ChecksumAlgorithm=algorithm)["UploadId"]
        before = snapshot(iserver)
        err = client_error(is3.upload_part, Bucket=ibucket, Key="obj", UploadId=upload_id,
                           PartNumber=1, Body=data,
                           **{response_key(algorithm): wrong_checksum(algorithm, data)})
        assert http_status(err) == 400 and error_code(err) == "BadDigest", algorithm
        assert err.response["Error"]["Message"] == bad_digest_message(algorithm)
        assert is3.list_parts(Bucket=ibucket, Key="obj",
                              UploadId=upload_id).get("Parts", []) == []
        assert snapshot(iserver) == before


@http_only
def test_upload_part_content_md5(iserver, is3, ibucket):
    import base64
    import hashlib
    data = body_of(20_000, 10)
    upload_id = is3.create_multipart_upload(Bucket=ibucket, Key="obj")["UploadId"]
    before = snapshot(iserver)
    err = client_error(is3.upload_part, Bucket=ibucket, Key="obj", UploadId=upload_id,
                       PartNumber=1, Body=data,
                       ContentMD5=base64.b64encode(hashlib.md5(b"other").digest()).decode())
    assert http_status(err) == 400 and error_code(err) == "BadDigest"
    status, _h, body = signed(iserver, "PUT", ibucket, "obj",
                              query=f"partNumber=1&uploadId={upload_id}", body=data,
                              headers={"Content-MD5": "bm90IGFuIE1ENQ=="})
    assert_s3_error(status, body, 400, "InvalidDigest")
    assert is3.list_parts(Bucket=ibucket, Key="obj", UploadId=upload_id).get("Parts", []) == []
    assert snapshot(iserver) == before
    resp = is3.upload_part(Bucket=ibucket, Key="obj", UploadId=upload_id, PartNumber=1, Body=data,
                           ContentMD5=base64.b64encode(hashlib.md5(data).digest()).decode())
    assert resp["ETag"] == f'"{hashlib.md5(data).hexdigest()}"'


@http_only
def test_upload_part_with_other_algorithm_is_invalid_request(iserver, is3, ibucket):
    data = body_of(5000, 11)
    upload_id = is3.create_multipart_upload(Bucket=ibucket, Key="obj",
                                            ChecksumAlgorithm="CRC32C")["UploadId"]
    err = client_error(is3.upload_part, Bucket=ibucket, Key="obj", UploadId=upload_id,
                       PartNumber=1, Body=data, ChecksumAlgorithm="CRC32")
    assert http_status(err) == 400 and error_code(err) == "InvalidRequest"
    assert is3.list_parts(Bucket=ibucket, Key="obj", UploadId=upload_id).get("Parts", []) == []


def test_upload_part_copy_gets_the_upload_algorithm(iserver, is3, ibucket):
    src = body_of(9000, 12)
    is3.put_object(Bucket=ibucket, Key="src", Body=src)
    upload_id = is3.create_multipart_upload(Bucket=ibucket, Key="obj", ChecksumAlgorithm="SHA1",
                                            ChecksumType="COMPOSITE")["UploadId"]
    copied = is3.upload_part_copy(Bucket=ibucket, Key="obj", UploadId=upload_id, PartNumber=1,
                                  CopySource={"Bucket": ibucket, "Key": "src"},
                                  CopySourceRange="bytes=1000-5999")
    part = src[1000:6000]
    assert copied["CopyPartResult"]["ChecksumSHA1"] == checksum("SHA1", part)
    done = is3.complete_multipart_upload(
        Bucket=ibucket, Key="obj", UploadId=upload_id,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": copied["CopyPartResult"]["ETag"],
                                    "ChecksumSHA1": checksum("SHA1", part)}]})
    assert done["ChecksumSHA1"] == composite("SHA1", [part])


@http_only
def test_complete_content_md5_is_verified(iserver, is3, ibucket):
    """Content-MD5 on CompleteMultipartUpload covers its XML body."""
    import base64
    import hashlib

    from test_multipart_helpers import complete_xml

    parts = parts_data([2000, 10], 13)
    upload_id = is3.create_multipart_upload(Bucket=ibucket, Key="obj")["UploadId"]
    completed = [{"PartNumber": n, "ETag": is3.upload_part(
        Bucket=ibucket, Key="obj", UploadId=upload_id, PartNumber=n, Body=d)["ETag"]}
        for n, d in enumerate(parts, 1)]
    xml = complete_xml(completed)
    for value, code in ((base64.b64encode(hashlib.md5(xml + b"\n").digest()).decode(), "BadDigest"),
                        ("bm90LW1kNQ==", "InvalidDigest")):
        status, _h, body = signed(iserver, "POST", ibucket, "obj", query=f"uploadId={upload_id}",
                                  body=xml, headers={"Content-MD5": value})
        assert_s3_error(status, body, 400, code)
        with pytest.raises(ClientError):
            is3.head_object(Bucket=ibucket, Key="obj")
    status, _h, body = signed(iserver, "POST", ibucket, "obj", query=f"uploadId={upload_id}",
                              body=xml, headers={
                                  "Content-MD5": base64.b64encode(hashlib.md5(xml).digest()).decode()})
    assert status == 200, body
    assert is3.get_object(Bucket=ibucket, Key="obj")["Body"].read() == b"".join(parts)
