"""CORS as S3 users write it: Put/Get/DeleteBucketCors with boto3 (S3's validation errors), browser
preflights (`OPTIONS`) answered from the rules, and the CORS headers of actual requests, errors
included."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from cairntest import error_code, http_status, parse_error, unique_name

VARY = "Origin, Access-Control-Request-Headers, Access-Control-Request-Method"
APP = "https://app.example.com"

RULES = [
    {"ID": "uploads", "AllowedOrigins": ["https://*.example.com"], "AllowedMethods": ["PUT", "POST"],
     "AllowedHeaders": ["x-amz-*", "Content-Type"], "ExposeHeaders": ["ETag", "x-amz-version-id"], "MaxAgeSeconds": 600},
    {"AllowedOrigins": ["*"], "AllowedMethods": ["GET", "HEAD"]},
]


@pytest.fixture
def cors_bucket(s3, bucket):
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": RULES})
    s3.put_object(Bucket=bucket, Key="cat.jpg", Body=b"meow")
    return bucket


def preflight(server, path, origin=APP, method="PUT", headers=None):
    h = {}
    if origin is not None:
        h["Origin"] = origin
    if method is not None:
        h["Access-Control-Request-Method"] = method
    if headers is not None:
        h["Access-Control-Request-Headers"] = headers
    return server.anonymous_request("OPTIONS", path, headers=h)


def test_put_get_delete_bucket_cors(s3, bucket):
    with pytest.raises(ClientError) as e:
        s3.get_bucket_cors(Bucket=bucket)
    assert error_code(e.value) == "NoSuchCORSConfiguration" and http_status(e.value) == 404
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": RULES})
    assert s3.get_bucket_cors(Bucket=bucket)["CORSRules"] == RULES
    s3.delete_bucket_cors(Bucket=bucket)
    with pytest.raises(ClientError) as e:
        s3.get_bucket_cors(Bucket=bucket)
    assert error_code(e.value) == "NoSuchCORSConfiguration"


@pytest.mark.parametrize("rules,code,message", [
    ([{"AllowedOrigins": ["*"], "AllowedMethods": ["PATCH"]}], "InvalidRequest",
     "Found unsupported HTTP method in CORS config. Unsupported method is PATCH"),
    ([{"AllowedOrigins": ["http://*.*.com"], "AllowedMethods": ["GET"]}], "InvalidRequest",
     'AllowedOrigin "http://*.*.com" can not have more than one wildcard.'),
    ([{"AllowedOrigins": ["*"], "AllowedMethods": ["GET"], "AllowedHeaders": ["x-*-*"]}], "InvalidRequest",
     'AllowedHeader "x-*-*" can not have more than one wildcard.'),
    ([{"AllowedOrigins": ["*"], "AllowedMethods": ["GET"]}] * 101, "InvalidRequest",
     "The number of CORS rules should not exceed allowed limit of 100 rules."),
    ([], "MalformedXML", None),
])
def test_put_bucket_cors_validation(s3, bucket, rules, code, message):
    with pytest.raises(ClientError) as e:
        s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": rules})
    assert error_code(e.value) == code and http_status(e.value) == 400
    if message:
        assert e.value.response["Error"]["Message"] == message


def test_put_bucket_cors_needs_content_md5(server, bucket):
    body = (b'<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin>'
            b'<AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>')
    r = server.signed_request("PUT", f"/{bucket}", query="cors", body=body)
    assert r.status_code == 400 and parse_error(r.content)["Code"] == "InvalidRequest"


def test_preflight_allowed(server, cors_bucket):
    r = preflight(server, f"/{cors_bucket}/photos/new.jpg", headers="content-type, x-amz-date")
    assert r.status_code == 200, r.text
    assert r.headers["Access-Control-Allow-Origin"] == APP
    assert r.headers["Access-Control-Allow-Methods"] == "PUT, POST"
    assert r.headers["Access-Control-Allow-Headers"] == "content-type, x-amz-date"
    assert r.headers["Access-Control-Expose-Headers"] == "ETag, x-amz-version-id"
    assert r.headers["Access-Control-Max-Age"] == "600"
    assert r.headers["Access-Control-Allow-Credentials"] == "true"
    assert r.headers["Vary"] == VARY
    # Any origin may GET: the rule allows "*", and so does the answer.
    r = preflight(server, f"/{cors_bucket}/cat.jpg", origin="http://elsewhere.test", method="GET")
    assert r.status_code == 200 and r.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in r.headers
    # A preflight on the bucket itself (a POST form upload's).
    assert preflight(server, f"/{cors_bucket}", method="POST").status_code == 200


def test_preflight_of_a_presigned_url(server, s3, cors_bucket):
    # The browser sends the preflight to the very URL it will PUT to, signature included: the
    # signature is for the PUT, and the preflight is answered without checking it.
    url = s3.generate_presigned_url("put_object", Params={"Bucket": cors_bucket, "Key": "up.bin"}, ExpiresIn=300)
    path = url[len(server.endpoint):]
    r = preflight(server, path)
    assert r.status_code == 200 and r.headers["Access-Control-Allow-Origin"] == APP


@pytest.mark.parametrize("origin,method,headers", [
    ("https://example.com", "PUT", None),                 # the origin is not allowed
    (APP, "DELETE", None),                               # nor the method
    (APP, "PUT", "authorization"),                        # nor a requested header
    ("http://elsewhere.test", "PUT", None),
])
def test_preflight_refused(server, cors_bucket, origin, method, headers):
    r = preflight(server, f"/{cors_bucket}/k", origin=origin, method=method, headers=headers)
    assert r.status_code == 403
    err = parse_error(r.content)
    assert err["Code"] == "AccessForbidden"
    assert err["Message"] == ("CORSResponse: This CORS request is not allowed. This is usually because the evalution of "
                              "Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers "
                              "are not whitelisted by the resource's CORS spec.")
    assert err["Method"] == method and err["ResourceType"] == "OBJECT"
    assert "Access-Control-Allow-Origin" not in r.headers


def test_preflight_without_rules_or_question(server, bucket):
    r = preflight(server, f"/{bucket}/k")
    assert r.status_code == 403
    err = parse_error(r.content)
    assert err["Code"] == "AccessForbidden" and err["Message"] == "CORSResponse: CORS is not enabled for this bucket."
    r = preflight(server, f"/{bucket}/k", origin=None)
    assert r.status_code == 400 and parse_error(r.content)["Message"] == "Insufficient information. Origin request header needed."
    r = preflight(server, f"/{bucket}/k", method=None)
    assert r.status_code == 400 and parse_error(r.content)["Message"] == "Invalid Access-Control-Request-Method: null"
    r = preflight(server, f"/{unique_name('nobucket')}/k")
    assert r.status_code == 404 and parse_error(r.content)["Code"] == "NoSuchBucket"


def test_actual_requests_carry_cors_headers_errors_included(server, s3, cors_bucket):
    # A signed GET from an allowed origin.
    r = server.signed_request("GET", f"/{cors_bucket}/cat.jpg", headers={"Origin": "http://anywhere.test"})
    assert r.status_code == 200 and r.content == b"meow"
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert r.headers["Access-Control-Allow-Methods"] == "GET, HEAD"
    assert r.headers["Vary"] == VARY
    # An anonymous GET is refused (no policy allows it), and the browser can still read why.
    r = server.anonymous_request("GET", f"/{cors_bucket}/cat.jpg", headers={"Origin": "http://anywhere.test"})
    assert r.status_code == 403 and parse_error(r.content)["Code"] == "AccessDenied"
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    # A PUT from the upload origin: its rule, with its exposed headers.
    r = server.signed_request("PUT", f"/{cors_bucket}/up.txt", body=b"x", headers={"Origin": APP})
    assert r.status_code == 200
    assert r.headers["Access-Control-Allow-Origin"] == APP and r.headers["Access-Control-Allow-Credentials"] == "true"
    assert r.headers["Access-Control-Expose-Headers"] == "ETag, x-amz-version-id"
    assert r.headers["Access-Control-Max-Age"] == "600"
    # A method no rule allows for that origin: no CORS headers (the browser refuses the answer).
    r = server.signed_request("DELETE", f"/{cors_bucket}/up.txt", headers={"Origin": APP})
    assert r.status_code == 204 and "Access-Control-Allow-Origin" not in r.headers and r.headers["Vary"] == VARY
    # No Origin: no CORS headers at all.
    r = server.signed_request("GET", f"/{cors_bucket}/cat.jpg")
    assert "Access-Control-Allow-Origin" not in r.headers and "Vary" not in r.headers
    # A bucket without rules: none either.
    other = unique_name("plain")
    s3.create_bucket(Bucket=other)
    r = server.signed_request("GET", f"/{other}", headers={"Origin": APP})
    assert r.status_code == 200 and "Access-Control-Allow-Origin" not in r.headers
