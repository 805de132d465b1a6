"""SSE-C (customer-provided keys): header validation, HTTPS-only, reads with/without/with the
wrong key, ranges and ?partNumber, and the multipart rule that every part carries the upload's key.

AWS behaviour followed (sources):
  * SSE-C requests must use HTTPS; "Amazon S3 rejects any requests made over HTTP when using
    SSE-C" (S3 User Guide, "Using server-side encryption with customer-provided keys (SSE-C)",
    docs.aws.amazon.com/AmazonS3/latest/userguide/ServerSideEncryptionCustomerKeys.html); the
    error text is the one MinIO/Ceph copy from AWS (INSECURE_SSE_C_MESSAGE).
  * HeadObject with SSE-C: without the key headers -> 400 Bad Request, with the wrong key ->
    403 Forbidden; a HEAD error has no body, only the status (HeadObject API reference, in
    botocore's service model).
  * UploadPart: "If you request server-side encryption using a customer-provided encryption key
    (SSE-C) in your initiate multipart upload request, you must provide identical encryption
    information in each part upload" (UploadPart API reference).
  * Error codes: InvalidEncryptionAlgorithmError (400) for an algorithm other than AES256;
    InvalidArgument (400) for a bad key, a key MD5 mismatch or missing headers (S3 error code
    list, docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html).
"""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from cairntest import CairnServer, unique_name
from test_multipart_helpers import SMALL_MIN_PART, body_of, complete, create_upload
from test_sse_helpers import (  # noqa: F401 (fixtures)
    COPY_SSEC_PREFIX, INSECURE_SSE_C_MESSAGE, KEY_A, KEY_B, assert_error, assert_ssec_echo, b64,
    bkt, client_error, copy_ssec, key_md5_b64, new_key, request, s3e, srv, sse_client,
    sse_server, sse_tls_cert, ssec, ssec_headers, start, start_tls_server)

CHUNK = 64 * 1024

# -- header validation --------------------------------------------------------------------------

# (case id, header overrides, expected status, expected code, AWS's message where known)
# Messages are those real S3 answers, as quoted in client bug reports:
#   InvalidEncryptionAlgorithmError: github.com/aws/aws-cli/issues/1349, aws/aws-sdk-js/issues/1789
#   bad key: github.com/sapcc/helm-charts/pull/7422; MD5 mismatch: andrewrk/node-s3-client/issues/137
#   algorithm without key: github.com/wolfeidau/coffer/issues/4
BAD_ALGORITHM = "The Encryption request you specified is not valid. Supported value: AES256."
BAD_KEY = "The secret key was invalid for the specified algorithm."
BAD_MD5 = "The calculated MD5 hash of the key did not match the hash that was provided."
NO_KEY = ("Requests specifying Server Side Encryption with Customer provided keys must provide an "
          "appropriate secret key.")
BAD_HEADERS = [
    ("algorithm-AES128", dict(algorithm="AES128"), 400, "InvalidEncryptionAlgorithmError",
     BAD_ALGORITHM),
    ("algorithm-aws-kms", dict(algorithm="aws:kms"), 400, "InvalidEncryptionAlgorithmError",
     BAD_ALGORITHM),
    ("key-16-bytes", dict(key_b64=b64(bytes(16)), md5=key_md5_b64(bytes(16))), 400,
     "InvalidArgument", BAD_KEY),
    ("key-33-bytes", dict(key_b64=b64(bytes(33)), md5=key_md5_b64(bytes(33))), 400,
     "InvalidArgument", BAD_KEY),
    ("key-not-base64", dict(key_b64="not base64 at all!!", md5=key_md5_b64(KEY_A)), 400,
     "InvalidArgument", None),
    ("md5-mismatch", dict(md5=key_md5_b64(KEY_B)), 400, "InvalidArgument", BAD_MD5),
    ("md5-not-base64", dict(md5="%%%"), 400, "InvalidArgument", None),
    # Only some of the three headers -> InvalidArgument.
    ("algorithm-only", dict(omit=("key", "key-MD5")), 400, "InvalidArgument", NO_KEY),
    ("no-md5", dict(omit=("key-MD5",)), 400, "InvalidArgument", None),
    ("no-algorithm", dict(omit=("algorithm",)), 400, "InvalidArgument", None),
    ("key-only", dict(omit=("algorithm", "key-MD5")), 400, "InvalidArgument", None),
]
IDS = [c[0] for c in BAD_HEADERS]


def _bad(overrides: dict, prefix: str = "x-amz-server-side-encryption-customer-") -> dict:
    return ssec_headers(KEY_A, prefix=prefix, **overrides)


@pytest.mark.parametrize("case,overrides,status,code,message", BAD_HEADERS, ids=IDS)
def test_put_object_rejects_bad_sse_c_headers(srv, s3e, bkt, case, overrides, status, code,
                                                  message):
    st, _h, body = request(srv, "PUT", bkt, "obj", headers=_bad(overrides), body=b"secret data")
    assert_error(st, body, status, code, message)
    with pytest.raises(ClientError) as e:
        s3e.head_object(Bucket=bkt, Key="obj")
    assert client_error(e.value)[0] == 404, "a rejected PutObject stored something"


@pytest.mark.parametrize("case,overrides,status,code,message", BAD_HEADERS, ids=IDS)
def test_create_multipart_upload_rejects_bad_sse_c_headers(srv, s3e, bkt, case, overrides,
                                                           status, code, message):
    st, _h, body = request(srv, "POST", bkt, "obj", query="uploads", headers=_bad(overrides))
    assert_error(st, body, status, code, message)
    assert s3e.list_multipart_uploads(Bucket=bkt).get("Uploads", []) == []


@pytest.mark.parametrize("case,overrides,status,code,message", BAD_HEADERS, ids=IDS)
def test_upload_part_rejects_bad_sse_c_headers(srv, s3e, bkt, case, overrides, status, code,
                                                  message):
    upload_id = create_upload(s3e, bkt, "obj", **ssec(KEY_A))
    st, _h, body = request(srv, "PUT", bkt, "obj", query=f"partNumber=1&uploadId={upload_id}",
                           headers=_bad(overrides), body=body_of(2000, 1))
    assert_error(st, body, status, code, message)
    assert s3e.list_parts(Bucket=bkt, Key="obj", UploadId=upload_id).get("Parts", []) == []


@pytest.mark.parametrize("case,overrides,status,code,message", BAD_HEADERS, ids=IDS)
def test_get_and_head_reject_bad_sse_c_headers(srv, s3e, bkt, case, overrides, status, code,
                                                  message):
    s3e.put_object(Bucket=bkt, Key="obj", Body=b"secret data", **ssec(KEY_A))
    st, _h, body = request(srv, "GET", bkt, "obj", headers=_bad(overrides))
    assert_error(st, body, status, code, message)
    st, _h, body = request(srv, "HEAD", bkt, "obj", headers=_bad(overrides))
    assert st == status and body == b""


@pytest.mark.parametrize("case,overrides,status,code,message", BAD_HEADERS, ids=IDS)
def test_copy_source_sse_c_headers_are_validated(srv, s3e, bkt, case, overrides, status, code,
                                                  message):
    s3e.put_object(Bucket=bkt, Key="src", Body=b"secret data", **ssec(KEY_A))
    hdrs = {"x-amz-copy-source": f"/{bkt}/src", **_bad(overrides, prefix=COPY_SSEC_PREFIX)}
    st, _h, body = request(srv, "PUT", bkt, "dst", headers=hdrs)
    assert_error(st, body, status, code, message)
    upload_id = create_upload(s3e, bkt, "mpu")
    st, _h, body = request(srv, "PUT", bkt, "mpu", query=f"partNumber=1&uploadId={upload_id}",
                           headers=hdrs)
    assert_error(st, body, status, code, message)


def test_key_given_as_raw_string_by_boto3(srv, s3e, bkt):
    """boto3 accepts the key as a 32-character str too (it base64-encodes the UTF-8 bytes)."""
    key = "0123456789abcdef0123456789ABCDEF"
    s3e.put_object(Bucket=bkt, Key="obj", Body=b"hello", SSECustomerAlgorithm="AES256",
                   SSECustomerKey=key)
    got = s3e.get_object(Bucket=bkt, Key="obj", SSECustomerAlgorithm="AES256", SSECustomerKey=key)
    assert got["Body"].read() == b"hello"
    assert_ssec_echo(got, key.encode())


# -- HTTPS only ---------------------------------------------------------------------------------

@pytest.fixture
def http_server(start_server) -> CairnServer:
    return start_server(min_part_size=SMALL_MIN_PART)


def test_sse_c_over_plain_http_is_refused(http_server):
    srv = http_server
    s3 = srv.client()
    bkt = unique_name("sse")
    s3.create_bucket(Bucket=bkt)
    s3.put_object(Bucket=bkt, Key="plain", Body=b"plain")
    h = ssec_headers(KEY_A)
    # Every SSE-C operation over HTTP: 400 InvalidRequest with AWS's message.
    for method, key, query, headers, body in [
        ("PUT", "obj", "", h, b"secret data"),
        ("POST", "obj", "uploads", h, b""),
        ("GET", "plain", "", h, b""),
        ("PUT", "copy", "", {"x-amz-copy-source": f"/{bkt}/plain",
                             **ssec_headers(KEY_A, prefix=COPY_SSEC_PREFIX)}, b""),
        ("PUT", "copy", "", {"x-amz-copy-source": f"/{bkt}/plain", **h}, b""),
    ]:
        st, _h, resp = request(srv, method, bkt, key, query=query, headers=headers, body=body)
        assert_error(st, resp, 400, "InvalidRequest", INSECURE_SSE_C_MESSAGE)
    st, _h, resp = request(srv, "HEAD", bkt, "plain", headers=h)
    assert st == 400
    upload_id = create_upload(s3, bkt, "mpu")
    st, _h, resp = request(srv, "PUT", bkt, "mpu", query=f"partNumber=1&uploadId={upload_id}",
                           headers=h, body=body_of(2000, 2))
    assert_error(st, resp, 400, "InvalidRequest", INSECURE_SSE_C_MESSAGE)
    # nothing stored
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bkt).get("Contents", [])] == ["plain"]
    # SSE-S3 is fine over HTTP (only SSE-C needs TLS)
    put = s3.put_object(Bucket=bkt, Key="s3", Body=b"data", ServerSideEncryption="AES256")
    assert put["ServerSideEncryption"] == "AES256"
    assert s3.get_object(Bucket=bkt, Key="s3")["Body"].read() == b"data"


def test_sse_c_over_http_allowed_with_insecure_testing_option(start_server):
    srv = start_server(min_part_size=SMALL_MIN_PART, extra_args=["--sse-c-insecure-http"])
    s3 = srv.client()
    bkt = unique_name("sse")
    s3.create_bucket(Bucket=bkt)
    put = s3.put_object(Bucket=bkt, Key="obj", Body=b"secret over http", **ssec(KEY_A))
    assert_ssec_echo(put, KEY_A)
    got = s3.get_object(Bucket=bkt, Key="obj", **ssec(KEY_A))
    assert got["Body"].read() == b"secret over http"
    assert_ssec_echo(got, KEY_A)
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bkt, Key="obj", **ssec(KEY_B))
    assert client_error(e.value) == (403, "AccessDenied")


# -- reading ------------------------------------------------------------------------------------

def test_put_get_head_round_trip_echoes_key_md5(s3e, bkt):
    data = body_of(3 * CHUNK + 123, 10)
    put = s3e.put_object(Bucket=bkt, Key="obj", Body=data, **ssec(KEY_A))
    assert_ssec_echo(put, KEY_A)
    got = s3e.get_object(Bucket=bkt, Key="obj", **ssec(KEY_A))
    assert got["Body"].read() == data
    assert got["ContentLength"] == len(data)
    assert_ssec_echo(got, KEY_A)
    head = s3e.head_object(Bucket=bkt, Key="obj", **ssec(KEY_A))
    assert head["ContentLength"] == len(data)
    assert head["ETag"] == put["ETag"] == got["ETag"]
    assert_ssec_echo(head, KEY_A)


def test_empty_object(s3e, bkt):
    s3e.put_object(Bucket=bkt, Key="empty", Body=b"", **ssec(KEY_A))
    got = s3e.get_object(Bucket=bkt, Key="empty", **ssec(KEY_A))
    assert got["Body"].read() == b""
    assert_ssec_echo(got, KEY_A)


def test_get_without_key_is_invalid_request(srv, s3e, bkt):
    s3e.put_object(Bucket=bkt, Key="obj", Body=b"secret data", **ssec(KEY_A))
    st, _h, body = request(srv, "GET", bkt, "obj")
    # AWS: 400 InvalidRequest ("The object was stored using a form of Server Side Encryption.
    # The correct parameters must be provided to retrieve the object.")
    err = assert_error(st, body, 400, "InvalidRequest")
    assert b"secret data" not in body, err
    st, _h, body = request(srv, "GET", bkt, "obj", headers={"Range": "bytes=0-3"})
    assert_error(st, body, 400, "InvalidRequest")
    st, _h, body = request(srv, "HEAD", bkt, "obj")
    assert st == 400 and body == b""


def test_get_with_wrong_key_is_access_denied(srv, s3e, bkt):
    s3e.put_object(Bucket=bkt, Key="obj", Body=b"secret data", **ssec(KEY_A))
    with pytest.raises(ClientError) as e:
        s3e.get_object(Bucket=bkt, Key="obj", **ssec(KEY_B))
    assert client_error(e.value) == (403, "AccessDenied")
    with pytest.raises(ClientError) as e:
        s3e.head_object(Bucket=bkt, Key="obj", **ssec(KEY_B))
    assert client_error(e.value)[0] == 403
    st, _h, body = request(srv, "GET", bkt, "obj", headers={"Range": "bytes=0-3",
                                                            **ssec_headers(KEY_B)})
    assert_error(st, body, 403, "AccessDenied")
    assert b"secret" not in body


@pytest.mark.parametrize("write", [{}, {"ServerSideEncryption": "AES256"}], ids=["plain", "sse-s3"])
def test_get_non_sse_c_object_with_sse_c_key_fails(s3e, bkt, write):
    """AWS: 400 InvalidRequest "The encryption parameters are not applicable to this object."
    (real S3 answer quoted in github.com/boto/boto3/issues/982)."""
    s3e.put_object(Bucket=bkt, Key="obj", Body=b"data", **write)
    with pytest.raises(ClientError) as e:
        s3e.get_object(Bucket=bkt, Key="obj", **ssec(KEY_A))
    assert client_error(e.value) == (400, "InvalidRequest")


@pytest.mark.parametrize("rng,slc", [
    ("bytes=0-0", slice(0, 1)),
    ("bytes=65530-65545", slice(65530, 65546)),              # across a chunk boundary
    (f"bytes={CHUNK}-{2 * CHUNK - 1}", slice(CHUNK, 2 * CHUNK)),  # exactly one chunk
    ("bytes=100-200000", slice(100, 200001)),                # several chunks
    ("bytes=200000-", slice(200000, None)),                  # open-ended into the last chunk
    ("bytes=-70000", slice(-70000, None)),                   # suffix across a boundary
    ("bytes=0-99999999", slice(0, None)),                    # past the end: clamped
])
def test_ranged_get(s3e, bkt, rng, slc):
    data = body_of(3 * CHUNK + 4321, 11)
    s3e.put_object(Bucket=bkt, Key="obj", Body=data, **ssec(KEY_A))
    got = s3e.get_object(Bucket=bkt, Key="obj", Range=rng, **ssec(KEY_A))
    expected = data[slc]
    assert got["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert got["Body"].read() == expected
    assert got["ContentLength"] == len(expected)
    assert_ssec_echo(got, KEY_A)


def test_unsatisfiable_range(s3e, bkt):
    s3e.put_object(Bucket=bkt, Key="obj", Body=b"0123456789", **ssec(KEY_A))
    with pytest.raises(ClientError) as e:
        s3e.get_object(Bucket=bkt, Key="obj", Range="bytes=10-20", **ssec(KEY_A))
    assert client_error(e.value) == (416, "InvalidRange")


def test_multipart_round_trip_and_part_number_reads(s3e, bkt):
    parts = [body_of(CHUNK + 1000, 21), body_of(1500, 22), body_of(2 * CHUNK + 7, 23)]
    upload_id = create_upload(s3e, bkt, "mpu", **ssec(KEY_A))
    listed = []
    for n, p in enumerate(parts, 1):
        r = s3e.upload_part(Bucket=bkt, Key="mpu", UploadId=upload_id, PartNumber=n, Body=p,
                            **ssec(KEY_A))
        assert_ssec_echo(r, KEY_A)
        listed.append({"PartNumber": n, "ETag": r["ETag"]})
    done = complete(s3e, bkt, "mpu", upload_id, listed)
    whole = b"".join(parts)
    got = s3e.get_object(Bucket=bkt, Key="mpu", **ssec(KEY_A))
    assert got["Body"].read() == whole
    assert got["ETag"] == done["ETag"]
    assert_ssec_echo(got, KEY_A)
    offset = 0
    for n, p in enumerate(parts, 1):
        r = s3e.get_object(Bucket=bkt, Key="mpu", PartNumber=n, **ssec(KEY_A))
        assert r["ResponseMetadata"]["HTTPStatusCode"] == 206
        assert r["Body"].read() == p
        assert r["ContentRange"] == f"bytes {offset}-{offset + len(p) - 1}/{len(whole)}"
        assert r["PartsCount"] == 3
        assert_ssec_echo(r, KEY_A)
        h = s3e.head_object(Bucket=bkt, Key="mpu", PartNumber=n, **ssec(KEY_A))
        assert h["ContentLength"] == len(p)
        offset += len(p)
    # a range spanning the part 1 / part 2 / part 3 boundaries
    lo, hi = len(parts[0]) - 10, len(parts[0]) + len(parts[1]) + 10
    r = s3e.get_object(Bucket=bkt, Key="mpu", Range=f"bytes={lo}-{hi}", **ssec(KEY_A))
    assert r["Body"].read() == whole[lo:hi + 1]
    # without the key / with the wrong key, part reads fail too
    with pytest.raises(ClientError) as e:
        s3e.get_object(Bucket=bkt, Key="mpu", PartNumber=2)
    assert client_error(e.value) == (400, "InvalidRequest")
    with pytest.raises(ClientError) as e:
        s3e.get_object(Bucket=bkt, Key="mpu", PartNumber=2, **ssec(KEY_B))
    assert client_error(e.value) == (403, "AccessDenied")


# -- multipart key rules ------------------------------------------------------------------------

def test_upload_part_without_the_key_is_refused(srv, s3e, bkt):
    upload_id = create_upload(s3e, bkt, "mpu", **ssec(KEY_A))
    st, _h, body = request(srv, "PUT", bkt, "mpu", query=f"partNumber=1&uploadId={upload_id}",
                           body=body_of(2000, 3))
    assert_error(st, body, 400, "InvalidRequest")
    assert s3e.list_parts(Bucket=bkt, Key="mpu", UploadId=upload_id).get("Parts", []) == []


def test_upload_part_with_a_different_key_is_refused(s3e, bkt):
    upload_id = create_upload(s3e, bkt, "mpu", **ssec(KEY_A))
    good = s3e.upload_part(Bucket=bkt, Key="mpu", UploadId=upload_id, PartNumber=1,
                           Body=body_of(2000, 4), **ssec(KEY_A))
    with pytest.raises(ClientError) as e:
        s3e.upload_part(Bucket=bkt, Key="mpu", UploadId=upload_id, PartNumber=2,
                        Body=body_of(2000, 5), **ssec(KEY_B))
    assert client_error(e.value) == (400, "InvalidRequest")
    # re-uploading part 1 with the wrong key does not replace it either
    with pytest.raises(ClientError) as e:
        s3e.upload_part(Bucket=bkt, Key="mpu", UploadId=upload_id, PartNumber=1,
                        Body=body_of(2000, 6), **ssec(KEY_B))
    assert client_error(e.value) == (400, "InvalidRequest")
    parts = s3e.list_parts(Bucket=bkt, Key="mpu", UploadId=upload_id)["Parts"]
    assert [(p["PartNumber"], p["ETag"]) for p in parts] == [(1, good["ETag"])]
    complete(s3e, bkt, "mpu", upload_id, [{"PartNumber": 1, "ETag": good["ETag"]}])
    assert s3e.get_object(Bucket=bkt, Key="mpu", **ssec(KEY_A))["Body"].read() == body_of(2000, 4)


@pytest.mark.parametrize("create_kwargs", [{}, {"ServerSideEncryption": "AES256"}],
                         ids=["plain-upload", "sse-s3-upload"])
def test_part_of_non_sse_c_upload_may_not_carry_a_key(s3e, bkt, create_kwargs):
    upload_id = create_upload(s3e, bkt, "mpu", **create_kwargs)
    with pytest.raises(ClientError) as e:
        s3e.upload_part(Bucket=bkt, Key="mpu", UploadId=upload_id, PartNumber=1,
                        Body=body_of(2000, 7), **ssec(KEY_A))
    assert client_error(e.value) == (400, "InvalidRequest")
    assert s3e.list_parts(Bucket=bkt, Key="mpu", UploadId=upload_id).get("Parts", []) == []


def test_upload_part_copy_into_sse_c_upload_needs_the_key(s3e, bkt):
    s3e.put_object(Bucket=bkt, Key="src", Body=body_of(5000, 8))
    upload_id = create_upload(s3e, bkt, "mpu", **ssec(KEY_A))
    src = {"Bucket": bkt, "Key": "src"}
    with pytest.raises(ClientError) as e:
        s3e.upload_part_copy(Bucket=bkt, Key="mpu", UploadId=upload_id, PartNumber=1,
                             CopySource=src)
    assert client_error(e.value) == (400, "InvalidRequest")
    with pytest.raises(ClientError) as e:
        s3e.upload_part_copy(Bucket=bkt, Key="mpu", UploadId=upload_id, PartNumber=1,
                             CopySource=src, **ssec(KEY_B))
    assert client_error(e.value) == (400, "InvalidRequest")
    r = s3e.upload_part_copy(Bucket=bkt, Key="mpu", UploadId=upload_id, PartNumber=1,
                             CopySource=src, **ssec(KEY_A))
    assert_ssec_echo(r, KEY_A)
    complete(s3e, bkt, "mpu", upload_id, [{"PartNumber": 1, "ETag": r["CopyPartResult"]["ETag"]}])
    assert s3e.get_object(Bucket=bkt, Key="mpu", **ssec(KEY_A))["Body"].read() == body_of(5000, 8)


def test_copy_of_sse_c_source_needs_the_source_key(s3e, bkt):
    s3e.put_object(Bucket=bkt, Key="src", Body=b"secret source", **ssec(KEY_A))
    src = {"Bucket": bkt, "Key": "src"}
    with pytest.raises(ClientError) as e:  # no source key
        s3e.copy_object(Bucket=bkt, Key="dst", CopySource=src)
    assert client_error(e.value) == (400, "InvalidRequest")
    with pytest.raises(ClientError) as e:  # wrong source key
        s3e.copy_object(Bucket=bkt, Key="dst", CopySource=src, **copy_ssec(KEY_B))
    assert client_error(e.value) == (403, "AccessDenied")
    with pytest.raises(ClientError):
        s3e.head_object(Bucket=bkt, Key="dst")
    upload_id = create_upload(s3e, bkt, "mpu")
    with pytest.raises(ClientError) as e:
        s3e.upload_part_copy(Bucket=bkt, Key="mpu", UploadId=upload_id, PartNumber=1,
                             CopySource=src)
    assert client_error(e.value) == (400, "InvalidRequest")
    with pytest.raises(ClientError) as e:
        s3e.upload_part_copy(Bucket=bkt, Key="mpu", UploadId=upload_id, PartNumber=1,
                             CopySource=src, **copy_ssec(KEY_B))
    assert client_error(e.value) == (403, "AccessDenied")


def test_overwrite_with_another_key(s3e, bkt):
    s3e.put_object(Bucket=bkt, Key="obj", Body=b"first", **ssec(KEY_A))
    s3e.put_object(Bucket=bkt, Key="obj", Body=b"second", **ssec(KEY_B))
    with pytest.raises(ClientError) as e:
        s3e.get_object(Bucket=bkt, Key="obj", **ssec(KEY_A))
    assert client_error(e.value) == (403, "AccessDenied")
    assert s3e.get_object(Bucket=bkt, Key="obj", **ssec(KEY_B))["Body"].read() == b"second"

