"""S3's default checksum for multipart uploads created without an algorithm: CRC64NVME, FULL_OBJECT
(the same default a PutObject without a checksum gets), over HTTP and HTTPS.

AWS behaviour checked (botocore's S3 model 1.43, member documentation): ListParts' Part and
GetObjectAttributes' ObjectPart carry ChecksumCRC64NVME "if the object was uploaded without a
checksum (and Amazon S3 added the default checksum, CRC64NVME ...)"; CompleteMultipartUpload
returns the object's CRC64NVME ("always a full object checksum") with ChecksumType FULL_OBJECT,
and HeadObject / GetObject with checksum mode return it. UploadPart's checksum headers are "only
present if the checksum was provided in the request", and CopyPartResult's CRC64NVME only "if the
multipart upload request was created with the CRC64NVME checksum algorithm".
boto3's defaults send a CRC32 with every part: it is verified, and the part still keeps CRC64NVME.
"""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from cairntest import error_code, http_status
from test_integrity_helpers import (  # noqa: F401 (fixtures and the parametrizing hook)
    assert_s3_error, body_of, checksum, http_only, ibucket, is3, iserver, module_client,
    module_server, pytest_generate_tests, signed, tls_cert, wrong_checksum)

SIZES = [70_000, 1024, 65_537, 3]


def parts_of(seed: int) -> list[bytes]:
    return [body_of(n, seed * 10 + i) for i, n in enumerate(SIZES)]


def test_multipart_without_algorithm_gets_full_object_crc64nvme(iserver, is3, ibucket):
    parts = parts_of(1)
    whole = b"".join(parts)
    created = is3.create_multipart_upload(Bucket=ibucket, Key="obj")
    assert "ChecksumAlgorithm" not in created  # nothing was asked for
    upload_id = created["UploadId"]
    completed = []
    for n, data in enumerate(parts, 1):
        resp = is3.upload_part(Bucket=ibucket, Key="obj", UploadId=upload_id, PartNumber=n, Body=data)
        # boto3 sent a CRC32 (its default): that one is echoed, the default is not.
        assert resp["ChecksumCRC32"] == checksum("CRC32", data)
        assert "ChecksumCRC64NVME" not in resp
        completed.append({"PartNumber": n, "ETag": resp["ETag"]})
    listed = is3.list_parts(Bucket=ibucket, Key="obj", UploadId=upload_id)
    assert (listed["ChecksumAlgorithm"], listed["ChecksumType"]) == ("CRC64NVME", "FULL_OBJECT")
    assert [p["ChecksumCRC64NVME"] for p in listed["Parts"]] == [checksum("CRC64NVME", p) for p in parts]
    assert all("ChecksumCRC32" not in p for p in listed["Parts"])
    done = is3.complete_multipart_upload(Bucket=ibucket, Key="obj", UploadId=upload_id,
                                         MultipartUpload={"Parts": completed})
    expected = checksum("CRC64NVME", whole)
    assert done["ChecksumCRC64NVME"] == expected
    assert done["ChecksumType"] == "FULL_OBJECT"
    head = is3.head_object(Bucket=ibucket, Key="obj", ChecksumMode="ENABLED")
    assert (head["ChecksumCRC64NVME"], head["ChecksumType"]) == (expected, "FULL_OBJECT")
    got = is3.get_object(Bucket=ibucket, Key="obj", ChecksumMode="ENABLED")
    assert got["ChecksumCRC64NVME"] == expected
    assert got["Body"].read() == whole  # botocore validated the CRC64NVME too
    attrs = is3.get_object_attributes(Bucket=ibucket, Key="obj", ObjectAttributes=["Checksum", "ObjectParts"])
    assert attrs["Checksum"] == {"ChecksumCRC64NVME": expected, "ChecksumType": "FULL_OBJECT"}
    assert [p["ChecksumCRC64NVME"] for p in attrs["ObjectParts"]["Parts"]] == \
        [checksum("CRC64NVME", p) for p in parts]
    # FULL_OBJECT: a part read carries no per-part checksum.
    part = is3.get_object(Bucket=ibucket, Key="obj", PartNumber=2, ChecksumMode="ENABLED")
    assert "ChecksumCRC64NVME" not in part and part["Body"].read() == parts[1]


@http_only
def test_part_sent_without_any_checksum_answers_with_its_etag_alone(iserver, is3, ibucket):
    upload_id = is3.create_multipart_upload(Bucket=ibucket, Key="obj")["UploadId"]
    data = body_of(4000, 2)
    status, headers, body = signed(iserver, "PUT", ibucket, "obj", query=f"partNumber=1&uploadId={upload_id}", body=data)
    assert status == 200, body
    assert not [h for h in headers if h.startswith("x-amz-checksum-")], headers
    listed = is3.list_parts(Bucket=ibucket, Key="obj", UploadId=upload_id)
    assert listed["Parts"][0]["ChecksumCRC64NVME"] == checksum("CRC64NVME", data)


def test_complete_verifies_a_whole_object_crc64nvme(iserver, is3, ibucket):
    parts = parts_of(3)
    upload_id = is3.create_multipart_upload(Bucket=ibucket, Key="obj")["UploadId"]
    completed = [{"PartNumber": n, "ETag": is3.upload_part(Bucket=ibucket, Key="obj", UploadId=upload_id,
                                                           PartNumber=n, Body=d)["ETag"]}
                 for n, d in enumerate(parts, 1)]
    whole = b"".join(parts)
    with pytest.raises(ClientError) as e:
        is3.complete_multipart_upload(Bucket=ibucket, Key="obj", UploadId=upload_id,
                                      MultipartUpload={"Parts": completed},
                                      ChecksumCRC64NVME=wrong_checksum("CRC64NVME", whole))
    assert http_status(e.value) == 400 and error_code(e.value) == "BadDigest"
    assert e.value.response["Error"]["Message"] == "The CRC64NVME you specified did not match the calculated checksum."
    done = is3.complete_multipart_upload(Bucket=ibucket, Key="obj", UploadId=upload_id,
                                         MultipartUpload={"Parts": completed},
                                         ChecksumCRC64NVME=checksum("CRC64NVME", whole))
    assert done["ChecksumCRC64NVME"] == checksum("CRC64NVME", whole)


def test_upload_part_copy_into_a_default_upload(iserver, is3, ibucket):
    src = body_of(9000, 4)
    is3.put_object(Bucket=ibucket, Key="src", Body=src)
    upload_id = is3.create_multipart_upload(Bucket=ibucket, Key="obj")["UploadId"]
    copied = is3.upload_part_copy(Bucket=ibucket, Key="obj", UploadId=upload_id, PartNumber=1,
                                  CopySource={"Bucket": ibucket, "Key": "src"}, CopySourceRange="bytes=0-4999")
    assert "ChecksumCRC64NVME" not in copied["CopyPartResult"]
    tail = is3.upload_part(Bucket=ibucket, Key="obj", UploadId=upload_id, PartNumber=2, Body=src[5000:])
    done = is3.complete_multipart_upload(
        Bucket=ibucket, Key="obj", UploadId=upload_id,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": copied["CopyPartResult"]["ETag"]},
                                   {"PartNumber": 2, "ETag": tail["ETag"]}]})
    assert done["ChecksumCRC64NVME"] == checksum("CRC64NVME", src)


@http_only
def test_put_and_copy_without_a_checksum_get_the_default(iserver, is3, ibucket):
    data = body_of(5000, 5)
    status, headers, body = signed(iserver, "PUT", ibucket, "src", body=data)  # no checksum at all
    assert status == 200, body
    assert headers["x-amz-checksum-crc64nvme"] == checksum("CRC64NVME", data)
    assert headers["x-amz-checksum-type"] == "FULL_OBJECT"
    copied = is3.copy_object(Bucket=ibucket, Key="dst", CopySource={"Bucket": ibucket, "Key": "src"})
    assert copied["CopyObjectResult"]["ChecksumCRC64NVME"] == checksum("CRC64NVME", data)
    assert copied["CopyObjectResult"]["ChecksumType"] == "FULL_OBJECT"
