"""CopyObject and UploadPartCopy between every pair of encryption modes (none, SSE-C, SSE-S3,
SSE-KMS, and SSE-C with a change of key): the destination is re-encrypted in its own mode and
reads back with its own key; the source's SSE-C key does not open it.

AWS behaviour followed: the source of a copy is decrypted with the
x-amz-copy-source-server-side-encryption-customer-* headers, the destination is encrypted per the
request's own encryption headers (or the bucket default) (CopyObject / UploadPartCopy API
reference); reading an SSE-C object with another key -> 403 AccessDenied.
"""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from test_multipart_helpers import body_of, complete
from test_sse_helpers import (  # noqa: F401 (fixtures)
    CHUNK, KEY_A, KEY_B, KMS_KEY, KMS_KEY_2, Mode, bkt, client_error, copy_ssec, mode_kms,
    mode_none, mode_s3, mode_ssec, s3e, srv, sse_client, sse_server, sse_tls_cert, ssec)

SOURCES = {
    "none": mode_none(),
    "sse-c": mode_ssec(KEY_A),
    "sse-s3": mode_s3(),
    "sse-kms": mode_kms(KMS_KEY),
}
# Destinations: SSE-C with KEY_B, so sse-c -> sse-c is a change of key; SSE-KMS with the second
# key, so sse-kms -> sse-kms changes key too.
DESTINATIONS = {
    "none": mode_none(),
    "sse-c": mode_ssec(KEY_B, "sse-c"),
    "sse-s3": mode_s3(),
    "sse-kms": mode_kms(KMS_KEY_2),
}
PAIRS = [(s, d) for s in SOURCES for d in DESTINATIONS]
IDS = [f"{s}-to-{d}" for s, d in PAIRS]

SIZE = 2 * CHUNK + 999


def _source(s3, bucket: str, src: Mode) -> bytes:
    data = body_of(SIZE, sum(src.name.encode()))
    put = s3.put_object(Bucket=bucket, Key="src", Body=data, **src.write)
    src.check(put)
    return data


def _assert_destination(s3, bucket: str, key: str, data: bytes, src: Mode, dst: Mode) -> None:
    got = s3.get_object(Bucket=bucket, Key=key, **dst.read)
    assert got["Body"].read() == data
    dst.check(got)
    dst.check(s3.head_object(Bucket=bucket, Key=key, **dst.read))
    r = s3.get_object(Bucket=bucket, Key=key, Range=f"bytes={CHUNK - 3}-{CHUNK + 3}", **dst.read)
    assert r["Body"].read() == data[CHUNK - 3:CHUNK + 4]
    if dst.key is not None:
        # the destination's key is needed: none -> 400, the source's key (or any other) -> 403
        with pytest.raises(ClientError) as e:
            s3.get_object(Bucket=bucket, Key=key)
        assert client_error(e.value) == (400, "InvalidRequest")
        with pytest.raises(ClientError) as e:
            s3.get_object(Bucket=bucket, Key=key, **ssec(KEY_A))
        assert client_error(e.value) == (403, "AccessDenied")
    elif src.key is not None:
        # an object not stored with SSE-C does not accept the source's SSE-C key
        # (AWS: 400 InvalidRequest "The encryption parameters are not applicable to this object.")
        with pytest.raises(ClientError) as e:
            s3.get_object(Bucket=bucket, Key=key, **src.read)
        assert client_error(e.value) == (400, "InvalidRequest")
    # the source is unchanged
    assert s3.get_object(Bucket=bucket, Key="src", **src.read)["Body"].read() == data


@pytest.mark.parametrize("src_name,dst_name", PAIRS, ids=IDS)
def test_copy_object(s3e, bkt, src_name, dst_name):
    src, dst = SOURCES[src_name], DESTINATIONS[dst_name]
    data = _source(s3e, bkt, src)
    r = s3e.copy_object(Bucket=bkt, Key="dst", CopySource={"Bucket": bkt, "Key": "src"},
                        **src.copy_source, **dst.write)
    dst.check(r)
    etag = r["CopyObjectResult"]["ETag"]
    _assert_destination(s3e, bkt, "dst", data, src, dst)
    assert s3e.head_object(Bucket=bkt, Key="dst", **dst.read)["ETag"] == etag


@pytest.mark.parametrize("src_name,dst_name", PAIRS, ids=IDS)
def test_upload_part_copy(s3e, bkt, src_name, dst_name):
    src, dst = SOURCES[src_name], DESTINATIONS[dst_name]
    data = _source(s3e, bkt, src)
    create = s3e.create_multipart_upload(Bucket=bkt, Key="dst", **dst.write)
    upload_id = create["UploadId"]
    copy_src = {"Bucket": bkt, "Key": "src"}
    # part 1: a range straddling chunk boundaries; part 2: the whole source; part 3: an upload
    lo, hi = 1000, CHUNK + 5000
    p1 = s3e.upload_part_copy(Bucket=bkt, Key="dst", UploadId=upload_id, PartNumber=1,
                              CopySource=copy_src, CopySourceRange=f"bytes={lo}-{hi}",
                              **src.copy_source, **dst.part)
    p2 = s3e.upload_part_copy(Bucket=bkt, Key="dst", UploadId=upload_id, PartNumber=2,
                              CopySource=copy_src, **src.copy_source, **dst.part)
    tail = b"tail of the object"
    p3 = s3e.upload_part(Bucket=bkt, Key="dst", UploadId=upload_id, PartNumber=3, Body=tail,
                         **dst.part)
    for r in (p1, p2, p3):
        dst.check(r)
    etags = [p1["CopyPartResult"]["ETag"], p2["CopyPartResult"]["ETag"], p3["ETag"]]
    listed = s3e.list_parts(Bucket=bkt, Key="dst", UploadId=upload_id)["Parts"]
    assert [p["ETag"] for p in listed] == etags
    assert [p["Size"] for p in listed] == [hi - lo + 1, len(data), len(tail)]
    done = complete(s3e, bkt, "dst", upload_id,
                    [{"PartNumber": n, "ETag": e} for n, e in enumerate(etags, 1)])
    expected = data[lo:hi + 1] + data + tail
    got = s3e.get_object(Bucket=bkt, Key="dst", **dst.read)
    assert got["Body"].read() == expected
    assert got["ETag"] == done["ETag"]
    dst.check(got)
    p = s3e.get_object(Bucket=bkt, Key="dst", PartNumber=1, **dst.read)
    assert p["Body"].read() == data[lo:hi + 1]
    if dst.key is not None:
        with pytest.raises(ClientError) as e:
            s3e.get_object(Bucket=bkt, Key="dst", **ssec(KEY_A))
        assert client_error(e.value) == (403, "AccessDenied")


def test_copy_in_place_changes_sse_c_key(s3e, bkt):
    """Key rotation: copy an SSE-C object onto itself with a new key (AWS allows an in-place copy
    when the encryption changes)."""
    data = body_of(SIZE, 77)
    s3e.put_object(Bucket=bkt, Key="obj", Body=data, **ssec(KEY_A))
    s3e.copy_object(Bucket=bkt, Key="obj", CopySource={"Bucket": bkt, "Key": "obj"},
                    **copy_ssec(KEY_A), **ssec(KEY_B))
    with pytest.raises(ClientError) as e:
        s3e.get_object(Bucket=bkt, Key="obj", **ssec(KEY_A))
    assert client_error(e.value) == (403, "AccessDenied")
    assert s3e.get_object(Bucket=bkt, Key="obj", **ssec(KEY_B))["Body"].read() == data


def test_copy_in_place_to_sse_s3(s3e, bkt):
    data = body_of(SIZE, 78)
    s3e.put_object(Bucket=bkt, Key="obj", Body=data)
    r = s3e.copy_object(Bucket=bkt, Key="obj", CopySource={"Bucket": bkt, "Key": "obj"},
                        ServerSideEncryption="AES256")
    assert r["ServerSideEncryption"] == "AES256"
    got = s3e.get_object(Bucket=bkt, Key="obj")
    assert got["Body"].read() == data
    assert got["ServerSideEncryption"] == "AES256"


def test_copy_uses_destination_bucket_default(s3e, bkt):
    dst_bucket = bkt + "-dst"
    s3e.create_bucket(Bucket=dst_bucket)
    s3e.put_bucket_encryption(Bucket=dst_bucket, ServerSideEncryptionConfiguration={
        "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms",
                                                          "KMSMasterKeyID": KMS_KEY}}]})
    data = body_of(SIZE, 79)
    s3e.put_object(Bucket=bkt, Key="src", Body=data, **ssec(KEY_A))
    r = s3e.copy_object(Bucket=dst_bucket, Key="dst", CopySource={"Bucket": bkt, "Key": "src"},
                        **copy_ssec(KEY_A))
    mode_kms(KMS_KEY).check(r)
    got = s3e.get_object(Bucket=dst_bucket, Key="dst")
    assert got["Body"].read() == data
    mode_kms(KMS_KEY).check(got)


@pytest.mark.parametrize("src_name", ["sse-c", "sse-s3", "sse-kms"])
def test_copy_from_multipart_encrypted_source(s3e, bkt, src_name):
    """The source is itself a multipart object (each part its own encrypted blob): a copy range
    spanning its part boundaries, and a whole copy, come out right."""
    src = SOURCES[src_name]
    parts = [body_of(CHUNK + 500, 91), body_of(3000, 92), body_of(CHUNK, 93)]
    upload_id = s3e.create_multipart_upload(Bucket=bkt, Key="src", **src.write)["UploadId"]
    listed = []
    for n, p in enumerate(parts, 1):
        r = s3e.upload_part(Bucket=bkt, Key="src", UploadId=upload_id, PartNumber=n, Body=p,
                            **src.part)
        listed.append({"PartNumber": n, "ETag": r["ETag"]})
    complete(s3e, bkt, "src", upload_id, listed)
    whole = b"".join(parts)
    copy_src = {"Bucket": bkt, "Key": "src"}
    # CopyObject to SSE-S3
    s3e.copy_object(Bucket=bkt, Key="whole", CopySource=copy_src, ServerSideEncryption="AES256",
                    **src.copy_source)
    got = s3e.get_object(Bucket=bkt, Key="whole")
    assert got["Body"].read() == whole
    assert got["ServerSideEncryption"] == "AES256"
    # UploadPartCopy of a range across both part boundaries into an SSE-C upload (KEY_B)
    lo, hi = len(parts[0]) - 100, len(parts[0]) + len(parts[1]) + 100
    dst = DESTINATIONS["sse-c"]
    upload_id = s3e.create_multipart_upload(Bucket=bkt, Key="ranged", **dst.write)["UploadId"]
    r = s3e.upload_part_copy(Bucket=bkt, Key="ranged", UploadId=upload_id, PartNumber=1,
                             CopySource=copy_src, CopySourceRange=f"bytes={lo}-{hi}",
                             **src.copy_source, **dst.part)
    complete(s3e, bkt, "ranged", upload_id,
             [{"PartNumber": 1, "ETag": r["CopyPartResult"]["ETag"]}])
    got = s3e.get_object(Bucket=bkt, Key="ranged", **dst.read)
    assert got["Body"].read() == whole[lo:hi + 1]
    dst.check(got)


def test_copy_in_place_without_changes_is_refused_for_encrypted_objects(s3e, bkt):
    """Neither an encrypted source nor a bucket default makes an unchanged in-place copy legal:
    only encryption named by the request does (AWS: 400 InvalidRequest)."""
    s3e.put_object(Bucket=bkt, Key="enc", Body=b"data", ServerSideEncryption="AES256")
    s3e.put_bucket_encryption(Bucket=bkt, ServerSideEncryptionConfiguration={
        "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
    s3e.put_object(Bucket=bkt, Key="plain-default", Body=b"data")
    for key in ("enc", "plain-default"):
        with pytest.raises(ClientError) as e:
            s3e.copy_object(Bucket=bkt, Key=key, CopySource={"Bucket": bkt, "Key": key})
        assert client_error(e.value) == (400, "InvalidRequest")
    s3e.copy_object(Bucket=bkt, Key="enc", CopySource={"Bucket": bkt, "Key": "enc"},
                    ServerSideEncryption="AES256")
