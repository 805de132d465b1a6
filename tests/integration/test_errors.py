"""Error documents, NotImplemented, AWS error wording, robustness and Expect: 100-continue."""

import socket
import time

import pytest
import requests
from botocore.exceptions import ClientError

from cairntest import (
    User, error_code, http_status, key_path, parse_error, quoted_etag, sign_headers,
)


# -- error documents -----------------------------------------------------------------------

def test_error_body_is_xml_with_code_message_resource_and_request_id(server, bucket):
    resp = server.signed_request("GET", key_path(bucket, "missing/key.txt"))
    assert resp.status_code == 404
    assert resp.headers["Content-Type"].startswith("application/xml")
    err = parse_error(resp.content)
    assert err["Code"] == "NoSuchKey"
    assert err["Message"] == "The specified key does not exist."
    assert err["RequestId"] == resp.headers["x-amz-request-id"]
    # Resource on every error is Cairn's rule (issue #2); AWS sends it on some errors only.
    assert "missing/key.txt" in err["Resource"]
    # AWS names the key in NoSuchKey
    assert err.get("Key") == "missing/key.txt"


def test_no_such_bucket_error_document(server):
    resp = server.signed_request("GET", "/absent-bucket", query="list-type=2")
    assert resp.status_code == 404
    err = parse_error(resp.content)
    assert err["Code"] == "NoSuchBucket"
    assert err["Message"] == "The specified bucket does not exist"
    assert err["RequestId"] == resp.headers["x-amz-request-id"]
    assert "absent-bucket" in err["Resource"]
    # AWS names the bucket in NoSuchBucket
    assert err.get("BucketName") == "absent-bucket"


def test_head_error_has_no_body_but_has_request_id(server, bucket):
    resp = server.signed_request("HEAD", key_path(bucket, "missing"))
    assert resp.status_code == 404
    assert resp.content == b""
    assert resp.headers.get("x-amz-request-id")


@pytest.mark.parametrize("operation", [
    lambda s3, b: s3.get_bucket_analytics_configuration(Bucket=b, Id="report"),
    lambda s3, b: s3.get_bucket_inventory_configuration(Bucket=b, Id="inv"),
    lambda s3, b: s3.get_bucket_intelligent_tiering_configuration(Bucket=b, Id="tier"),
    lambda s3, b: s3.get_bucket_accelerate_configuration(Bucket=b),
], ids=["GetBucketAnalyticsConfiguration", "GetBucketInventoryConfiguration",
        "GetBucketIntelligentTieringConfiguration", "GetBucketAccelerateConfiguration"])
def test_unimplemented_operation_gives_NotImplemented_501(s3, bucket, operation):
    # Real AWS implements these; Cairn answers 501 NotImplemented for operations it does not
    # implement (issue #2) instead of, e.g., treating ?analytics as a ListObjects.
    with pytest.raises(ClientError) as e:
        operation(s3, bucket)
    assert error_code(e.value) == "NotImplemented"
    assert http_status(e.value) == 501


def test_unimplemented_operation_body_is_s3_error_xml(server, bucket):
    resp = server.signed_request("GET", f"/{bucket}", query="analytics=&id=x")
    assert resp.status_code == 501
    err = parse_error(resp.content)
    assert err["Code"] == "NotImplemented"
    assert err["RequestId"] == resp.headers["x-amz-request-id"]


# -- AWS wording ---------------------------------------------------------------------------

def _trigger(s3, bucket, server, which):
    if which == "NoSuchBucket":
        s3.list_objects_v2(Bucket="no-bucket-here")
    elif which == "NoSuchKey":
        s3.get_object(Bucket=bucket, Key="nope")
    elif which == "BucketNotEmpty":
        s3.put_object(Bucket=bucket, Key="k", Body=b"x")
        s3.delete_bucket(Bucket=bucket)
    elif which == "PreconditionFailed":
        s3.put_object(Bucket=bucket, Key="k", Body=b"x")
        s3.get_object(Bucket=bucket, Key="k", IfMatch='"0"')
    elif which == "InvalidRange":
        s3.put_object(Bucket=bucket, Key="k", Body=b"x")
        s3.get_object(Bucket=bucket, Key="k", Range="bytes=5-")
    elif which == "InvalidAccessKeyId":
        server.client(access_key="AKINOPE", secret_key="x").list_buckets()
    elif which == "SignatureDoesNotMatch":
        server.client(secret_key="wrong").list_buckets()
    elif which == "InvalidBucketName":
        s3.create_bucket(Bucket="Bad_Bucket")


AWS_MESSAGES = {
    "NoSuchBucket": "The specified bucket does not exist",
    "NoSuchKey": "The specified key does not exist.",
    "BucketNotEmpty": "The bucket you tried to delete is not empty",
    "PreconditionFailed": "At least one of the pre-conditions you specified did not hold",
    "InvalidRange": "The requested range is not satisfiable",
    "InvalidAccessKeyId": "The AWS Access Key Id you provided does not exist in our records.",
    "SignatureDoesNotMatch": "The request signature we calculated does not match the signature "
                             "you provided. Check your key and signing method.",
    "InvalidBucketName": "The specified bucket is not valid.",
}


@pytest.mark.parametrize("code", sorted(AWS_MESSAGES))
def test_error_messages_use_aws_wording(server, s3, bucket, code):
    with pytest.raises(ClientError) as e:
        _trigger(s3, bucket, server, code)
    assert error_code(e.value) == code
    assert e.value.response["Error"]["Message"] == AWS_MESSAGES[code]


# -- client mistakes are 4xx, never 5xx, never a crash --------------------------------------

def _bad_requests(server, bucket):
    base = server.endpoint
    user = server.default_user
    yield "garbage Authorization", requests.get(
        f"{base}/{bucket}", headers={"Authorization": "garbage"}, timeout=30)
    yield "truncated Authorization", requests.get(
        f"{base}/{bucket}", headers={"Authorization": "AWS4-HMAC-SHA256 Credential=abc"},
        timeout=30)
    hdrs = sign_headers("GET", f"{base}/{bucket}", user)
    hdrs["X-Amz-Date"] = "not-a-date"
    yield "bad X-Amz-Date", requests.get(f"{base}/{bucket}", headers=hdrs, timeout=30)
    yield "bad presign expiry", requests.get(
        f"{base}/{bucket}/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=x&"
        "X-Amz-Date=bad&X-Amz-Expires=abc&X-Amz-SignedHeaders=host&X-Amz-Signature=00",
        timeout=30)
    yield "bad max-keys", server.signed_request("GET", f"/{bucket}", query="list-type=2&max-keys=abc")
    yield "negative max-keys", server.signed_request("GET", f"/{bucket}",
                                                     query="list-type=2&max-keys=-1")
    yield "bad copy source", server.signed_request(
        "PUT", key_path(bucket, "dst"), headers={"x-amz-copy-source": "no-slash-here"})
    yield "bad metadata directive", server.signed_request(
        "PUT", key_path(bucket, "dst"),
        headers={"x-amz-copy-source": f"/{bucket}/src", "x-amz-metadata-directive": "MERGE"})
    yield "xml junk to delete", server.signed_request(
        "POST", f"/{bucket}", query="delete", body=b"\x00\xff junk",
        headers={"Content-MD5": "1B2M2Y8AsgTpgAmY7PhCfg=="})
    yield "unsupported Authorization algorithm", requests.get(
        f"{base}/{bucket}", headers={"Authorization": "AWS AKID:c2lnbmF0dXJl"}, timeout=30)


def test_malformed_requests_get_4xx_xml_errors_and_server_survives(server, s3, bucket):
    s3.put_object(Bucket=bucket, Key="src", Body=b"src")
    problems = []
    for name, resp in _bad_requests(server, bucket):
        if not (400 <= resp.status_code < 500):
            problems.append(f"{name}: status {resp.status_code} {resp.content[:200]!r}")
            continue
        try:
            err = parse_error(resp.content)
            assert err["Code"] and err["RequestId"]
        except Exception as e:  # noqa: BLE001
            problems.append(f"{name}: body is not an S3 error document ({e}): {resp.content[:200]!r}")
    assert not problems, "\n".join(problems)
    assert server.is_running()
    assert s3.get_object(Bucket=bucket, Key="src")["Body"].read() == b"src"


def test_invalid_max_keys_gives_InvalidArgument(s3, bucket, server):
    resp = server.signed_request("GET", f"/{bucket}", query="list-type=2&max-keys=abc")
    assert resp.status_code == 400
    assert parse_error(resp.content)["Code"] == "InvalidArgument"


# -- Expect: 100-continue -----------------------------------------------------------------

class _HeadReader:
    """Reads HTTP/1.1 response heads from a raw socket."""

    def __init__(self, sock: socket.socket):
        self.sock, self.buf = sock, b""

    def head(self, timeout: float) -> bytes:
        self.sock.settimeout(timeout)
        while b"\r\n\r\n" not in self.buf:
            chunk = self.sock.recv(4096)
            if not chunk:
                break
            self.buf += chunk
        head, sep, self.buf = self.buf.partition(b"\r\n\r\n")
        return head + sep

    def final_head(self, timeout: float) -> bytes:
        """The next non-1xx response head (a server may send more than one 1xx)."""
        while True:
            head = self.head(timeout)
            if not head.startswith(b"HTTP/1.1 1"):
                return head


def _send_expect_put(server, bucket, key, body, user):
    path = key_path(bucket, key)
    hdrs = sign_headers("PUT", server.endpoint + path, user, body=body,
                        headers={"Content-Length": str(len(body))})
    lines = [f"PUT {path} HTTP/1.1"] + [f"{k}: {v}" for k, v in hdrs.items()] + \
            ["Expect: 100-continue", "", ""]
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    sock.sendall("\r\n".join(lines).encode())
    return sock


def test_expect_100_continue_is_answered_promptly_for_authenticated_put(server, s3, bucket):
    body = b"c" * 4096
    sock = _send_expect_put(server, bucket, "continued", body, server.default_user)
    reader = _HeadReader(sock)
    try:
        t0 = time.monotonic()
        head = reader.head(timeout=2.0)
        elapsed = time.monotonic() - t0
        assert head.startswith(b"HTTP/1.1 100"), head
        assert elapsed < 0.5, f"100 Continue took {elapsed:.3f} s"
        sock.sendall(body)
        final = reader.final_head(timeout=10)
        assert final.startswith(b"HTTP/1.1 200"), final
    finally:
        sock.close()
    assert s3.get_object(Bucket=bucket, Key="continued")["Body"].read() == body


def test_expect_100_continue_is_not_sent_when_authentication_fails(server, s3, bucket):
    body = b"c" * 4096
    imposter = User(server.default_user.access_key, "wrong-secret")
    sock = _send_expect_put(server, bucket, "rejected", body, imposter)
    try:
        head = _HeadReader(sock).head(timeout=2.0)
    finally:
        sock.close()
    # the final 403 comes without a 100 Continue first, so no body bytes are invited
    assert head.startswith(b"HTTP/1.1 403"), head
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_boto3_small_put_completes_quickly(s3, bucket):
    # boto3 sends "Expect: 100-continue" on every PutObject and waits ~1 s if no interim
    # response arrives; a server that answers 100 makes a 1 KiB PUT take milliseconds.
    s3.put_object(Bucket=bucket, Key="warmup", Body=b"w")
    times = []
    for i in range(3):
        t0 = time.monotonic()
        resp = s3.put_object(Bucket=bucket, Key=f"small-{i}", Body=b"s" * 1024)
        times.append(time.monotonic() - t0)
        assert resp["ETag"] == quoted_etag(b"s" * 1024)
    assert max(times) < 0.5, f"PutObject of 1 KiB took {times}"

