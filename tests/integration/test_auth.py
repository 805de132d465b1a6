"""AWS Signature Version 4: header auth, presigned URLs, payload hashes, clock skew,
anonymous requests and virtual-hosted-style addressing."""

import contextlib
import datetime as dt
import hashlib
import time
import urllib.error
import urllib.request
from unittest import mock
from urllib.parse import quote

import pytest
import requests
from botocore.exceptions import ClientError

from cairntest import (
    UNSIGNED_PAYLOAD, error_code, http_status, key_path, parse_error, quoted_etag,
    sign_headers, utcnow_naive,
)


# -- header signatures ---------------------------------------------------------------------

def test_wrong_secret_key_gives_SignatureDoesNotMatch_403(server, bucket):
    bad = server.client(secret_key="definitely-not-the-secret")
    for op in (lambda: bad.list_buckets(),
               lambda: bad.put_object(Bucket=bucket, Key="k", Body=b"x"),
               lambda: bad.get_object(Bucket=bucket, Key="k")):
        with pytest.raises(ClientError) as e:
            op()
        assert error_code(e.value) == "SignatureDoesNotMatch"
        assert http_status(e.value) == 403


def test_unknown_access_key_gives_InvalidAccessKeyId_403(server, bucket):
    bad = server.client(access_key="AKIDOESNOTEXIST00000", secret_key="whatever")
    with pytest.raises(ClientError) as e:
        bad.list_buckets()
    assert error_code(e.value) == "InvalidAccessKeyId"
    assert http_status(e.value) == 403
    with pytest.raises(ClientError) as e:
        bad.get_object(Bucket=bucket, Key="k")
    assert error_code(e.value) == "InvalidAccessKeyId"


def test_failed_authentication_does_not_store_the_object(server, s3, bucket):
    bad = server.client(secret_key="wrong")
    with pytest.raises(ClientError):
        bad.put_object(Bucket=bucket, Key="sneaky", Body=b"x" * 1000)
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_signed_header_altered_after_signing_gives_SignatureDoesNotMatch(server, bucket):
    path = key_path(bucket, "k")
    url = server.endpoint + path
    body = b"payload"
    hdrs = sign_headers("PUT", url, server.default_user, body=body,
                        headers={"x-amz-meta-owner": "alice"})
    hdrs["x-amz-meta-owner"] = "mallory"
    resp = requests.put(url, headers=hdrs, data=body, timeout=30)
    assert resp.status_code == 403
    err = parse_error(resp.content)
    assert err["Code"] == "SignatureDoesNotMatch"
    # S3's fields: what was signed, as text and as hex bytes, and the signature sent.
    assert err["AWSAccessKeyId"] == server.default_user.access_key
    assert err["SignatureProvided"] == hdrs["Authorization"].rsplit("Signature=", 1)[1]
    assert err["StringToSign"].startswith("AWS4-HMAC-SHA256\n")
    assert err["StringToSignBytes"] == " ".join(f"{b:02x}" for b in err["StringToSign"].encode())
    assert "x-amz-meta-owner:mallory" in err["CanonicalRequest"]
    assert err["CanonicalRequestBytes"] == " ".join(f"{b:02x}" for b in err["CanonicalRequest"].encode())


def test_raw_signed_put_with_payload_sha256_succeeds(server, s3, bucket):
    resp = server.signed_request("PUT", key_path(bucket, "raw.txt"), body=b"raw body")
    assert resp.status_code == 200, resp.content
    assert resp.headers["ETag"] == quoted_etag(b"raw body")
    assert s3.get_object(Bucket=bucket, Key="raw.txt")["Body"].read() == b"raw body"


def test_unsigned_payload_put_succeeds(server, s3, bucket):
    body = b"unsigned payload body" * 50
    resp = server.signed_request("PUT", key_path(bucket, "unsigned.bin"), body=body,
                                 payload_hash=UNSIGNED_PAYLOAD)
    assert resp.status_code == 200, resp.content
    assert resp.headers["ETag"] == quoted_etag(body)
    got = s3.get_object(Bucket=bucket, Key="unsigned.bin")
    assert got["Body"].read() == body


def test_payload_sha256_mismatch_gives_XAmzContentSHA256Mismatch_and_stores_nothing(server, s3, bucket):
    body = b"the real body"
    wrong = hashlib.sha256(b"a different body").hexdigest()
    resp = server.signed_request("PUT", key_path(bucket, "tampered"), body=body,
                                 payload_hash=wrong)
    assert resp.status_code == 400
    assert parse_error(resp.content)["Code"] == "XAmzContentSHA256Mismatch"
    with pytest.raises(ClientError) as e:
        s3.head_object(Bucket=bucket, Key="tampered")
    assert http_status(e.value) == 404


def test_payload_sha256_mismatch_on_overwrite_keeps_old_version(server, s3, bucket):
    s3.put_object(Bucket=bucket, Key="precious", Body=b"original")
    body = b"replacement" * 10000
    resp = server.signed_request("PUT", key_path(bucket, "precious"), body=body,
                                 payload_hash=hashlib.sha256(b"nope").hexdigest())
    assert resp.status_code == 400
    got = s3.get_object(Bucket=bucket, Key="precious")
    assert got["Body"].read() == b"original"
    assert got["ETag"] == quoted_etag(b"original")


# -- presigned URLs ------------------------------------------------------------------------

def test_presigned_get_url_works_with_requests_and_urllib(s3, bucket):
    s3.put_object(Bucket=bucket, Key="shared/file.txt", Body=b"shared content")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "shared/file.txt"},
                                    ExpiresIn=300)
    assert "X-Amz-Signature=" in url
    resp = requests.get(url, timeout=30)
    assert resp.status_code == 200
    assert resp.content == b"shared content"
    with urllib.request.urlopen(url, timeout=30) as r:
        assert r.status == 200
        assert r.read() == b"shared content"


def test_presigned_get_url_with_special_key(s3, bucket):
    key = "dir with space/ü+%.txt"
    s3.put_object(Bucket=bucket, Key=key, Body=b"special")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": key})
    resp = requests.get(url, timeout=30)
    assert resp.status_code == 200, resp.content
    assert resp.content == b"special"


def test_presigned_put_url_uploads_object(s3, bucket):
    url = s3.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "up.bin"},
                                    ExpiresIn=300)
    resp = requests.put(url, data=b"uploaded via presigned url", timeout=30)
    assert resp.status_code == 200, resp.content
    assert s3.get_object(Bucket=bucket, Key="up.bin")["Body"].read() == b"uploaded via presigned url"


def test_presigned_url_for_other_key_gives_SignatureDoesNotMatch(s3, bucket):
    s3.put_object(Bucket=bucket, Key="a.txt", Body=b"a")
    s3.put_object(Bucket=bucket, Key="b.txt", Body=b"b")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "a.txt"})
    resp = requests.get(url.replace("/a.txt?", "/b.txt?"), timeout=30)
    assert resp.status_code == 403
    assert parse_error(resp.content)["Code"] == "SignatureDoesNotMatch"


def test_expired_presigned_url_gives_AccessDenied_request_has_expired(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"},
                                    ExpiresIn=1)
    time.sleep(2.2)
    resp = requests.get(url, timeout=30)
    assert resp.status_code == 403
    err = parse_error(resp.content)
    assert err["Code"] == "AccessDenied"
    assert err["Message"] == "Request has expired"


# -- anonymous ----------------------------------------------------------------------------

@pytest.mark.parametrize("method, what", [
    ("GET", "object"), ("HEAD", "object"), ("PUT", "object"), ("DELETE", "object"),
    ("GET", "bucket"), ("GET", "service"),
])
def test_anonymous_request_gives_AccessDenied_403(server, s3, bucket, method, what):
    s3.put_object(Bucket=bucket, Key="private.txt", Body=b"secret")
    path = {"object": key_path(bucket, "private.txt"), "bucket": f"/{bucket}", "service": "/"}[what]
    resp = server.anonymous_request(method, path, data=b"anon" if method == "PUT" else None)
    assert resp.status_code == 403
    if method != "HEAD":
        assert parse_error(resp.content)["Code"] == "AccessDenied"
    # nothing changed
    assert s3.get_object(Bucket=bucket, Key="private.txt")["Body"].read() == b"secret"


def test_anonymous_request_to_a_missing_bucket_is_NoSuchBucket(server):
    # S3 reads the bucket before it decides access: a bucket that does not exist is 404 to anyone.
    resp = server.anonymous_request("GET", "/no-such-bucket-anywhere/k")
    assert resp.status_code == 404
    assert parse_error(resp.content)["Code"] == "NoSuchBucket"


# -- clock skew ----------------------------------------------------------------------------

@pytest.mark.parametrize("offset_minutes", [-20, 20])
def test_request_signed_more_than_15_minutes_off_gives_RequestTimeTooSkewed(server, offset_minutes):
    when = utcnow_naive() + dt.timedelta(minutes=offset_minutes)
    resp = server.signed_request("GET", "/", when=when)
    assert resp.status_code == 403
    assert parse_error(resp.content)["Code"] == "RequestTimeTooSkewed"


def test_boto3_with_skewed_clock_gets_RequestTimeTooSkewed(server):
    client = server.client()
    skewed = utcnow_naive() - dt.timedelta(minutes=20)
    # With awscrt installed (tests/requirements.txt), botocore signs with its CRT signer, which
    # reads the clock through botocore.crt.auth (timezone-aware); patch both signers.
    patches = [mock.patch("botocore.auth.get_current_datetime", return_value=skewed)]
    try:
        import botocore.crt.auth  # noqa: F401
        patches.append(mock.patch("botocore.crt.auth.get_current_datetime",
                                  return_value=skewed.replace(tzinfo=dt.timezone.utc)))
    except ImportError:
        pass
    with contextlib.ExitStack() as stack:
        for p in patches:
            stack.enter_context(p)
        with pytest.raises(ClientError) as e:
            client.list_buckets()
    assert error_code(e.value) == "RequestTimeTooSkewed"
    assert http_status(e.value) == 403


def test_request_signed_10_minutes_ago_is_accepted(server):
    resp = server.signed_request("GET", "/", when=utcnow_naive() - dt.timedelta(minutes=10))
    assert resp.status_code == 200, resp.content


# -- virtual-hosted style ------------------------------------------------------------------

def vhost_request(srv, method, bucket, key="", *, query="", body=b"", domain="localhost"):
    host = f"{bucket}.{domain}:{srv.port}" if bucket else f"{domain}:{srv.port}"
    url = f"{srv.endpoint}/{quote(key, safe='/~')}" + (f"?{query}" if query else "")
    hdrs = sign_headers(method, url, srv.default_user, headers={"Host": host}, body=body)
    return requests.request(method, url, headers=hdrs, data=body or None, timeout=30)


@pytest.mark.parametrize("bucket_name", ["vhost-bucket", "dotted.vhost.bucket"])
def test_virtual_hosted_style_put_get_list(start_server, bucket_name):
    srv = start_server(domain="localhost")
    s3 = srv.client()
    s3.create_bucket(Bucket=bucket_name)

    put = vhost_request(srv, "PUT", bucket_name, "dir/hello.txt", body=b"hello vhost")
    assert put.status_code == 200, put.content
    assert put.headers["ETag"] == quoted_etag(b"hello vhost")

    get = vhost_request(srv, "GET", bucket_name, "dir/hello.txt")
    assert get.status_code == 200
    assert get.content == b"hello vhost"

    listing = vhost_request(srv, "GET", bucket_name, "", query="list-type=2")
    assert listing.status_code == 200
    assert b"<Key>dir/hello.txt</Key>" in listing.content
    assert f"<Name>{bucket_name}</Name>".encode() in listing.content

    # the same object through path style (still served when --domain is set)
    assert s3.get_object(Bucket=bucket_name, Key="dir/hello.txt")["Body"].read() == b"hello vhost"


def test_virtual_hosted_style_create_bucket_and_list_buckets_on_bare_domain(start_server):
    srv = start_server(domain="localhost")
    created = vhost_request(srv, "PUT", "made-by-vhost")
    assert created.status_code == 200, created.content
    listing = vhost_request(srv, "GET", "")
    assert listing.status_code == 200
    assert b"<Name>made-by-vhost</Name>" in listing.content


def test_virtual_hosted_style_missing_bucket_gives_NoSuchBucket(start_server):
    srv = start_server(domain="localhost")
    resp = vhost_request(srv, "GET", "not-there", "k")
    assert resp.status_code == 404
    assert parse_error(resp.content)["Code"] == "NoSuchBucket"
