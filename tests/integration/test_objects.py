"""PutObject, GetObject (ranges, conditionals), HeadObject, DeleteObject."""

import base64
import datetime as dt
import gzip
import hashlib
import hmac
import os
from email.utils import format_datetime

import pytest
import requests
from botocore.exceptions import ClientError

from awschunked import put_aws_chunked, signing_key
from cairntest import MiB, error_code, headers_of, http_status, key_path, md5_hex, quoted_etag

BODY = bytes(range(100))  # 100 bytes, every byte distinct


def http_date(d: dt.datetime) -> str:
    return format_datetime(d.astimezone(dt.timezone.utc), usegmt=True)


@pytest.fixture
def obj(s3, bucket):
    """A 100-byte object; returns (key, etag, last_modified)."""
    put = s3.put_object(Bucket=bucket, Key="data.bin", Body=BODY)
    head = s3.head_object(Bucket=bucket, Key="data.bin")
    return "data.bin", put["ETag"], head["LastModified"]


# -- put / get / head / delete ------------------------------------------------------------

def test_put_object_returns_etag_as_quoted_hex_md5(s3, bucket):
    resp = s3.put_object(Bucket=bucket, Key="hello.txt", Body=b"hello world")
    assert http_status(resp) == 200
    assert resp["ETag"] == '"5eb63bbbe01eeed093cb22bb8f5acdc3"'


def test_get_object_returns_body_and_standard_headers(s3, bucket):
    s3.put_object(Bucket=bucket, Key="hello.txt", Body=b"hello world")
    resp = s3.get_object(Bucket=bucket, Key="hello.txt")
    assert resp["Body"].read() == b"hello world"
    assert resp["ETag"] == quoted_etag(b"hello world")
    assert resp["ContentLength"] == 11
    assert isinstance(resp["LastModified"], dt.datetime)
    hdrs = headers_of(resp)
    assert hdrs["content-length"] == "11"
    assert "last-modified" in hdrs
    # AWS advertises byte-range support on GetObject and HeadObject.
    assert hdrs.get("accept-ranges") == "bytes"


def test_head_object_returns_size_etag_and_no_body(s3, bucket, server):
    s3.put_object(Bucket=bucket, Key="k", Body=b"12345")
    resp = s3.head_object(Bucket=bucket, Key="k")
    assert resp["ContentLength"] == 5
    assert resp["ETag"] == quoted_etag(b"12345")
    raw = server.signed_request("HEAD", key_path(bucket, "k"))
    assert raw.status_code == 200
    assert raw.headers["Content-Length"] == "5"
    assert raw.content == b""


def test_last_modified_is_recent(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    lm = s3.head_object(Bucket=bucket, Key="k")["LastModified"]
    assert abs((dt.datetime.now(dt.timezone.utc) - lm).total_seconds()) < 10


def test_default_content_type_is_binary_octet_stream(s3, bucket):
    # AWS stores "binary/octet-stream" when PutObject has no Content-Type.
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    assert s3.head_object(Bucket=bucket, Key="k")["ContentType"] == "binary/octet-stream"


def test_metadata_and_content_headers_round_trip_through_head_and_get(s3, bucket):
    expires = dt.datetime(2037, 1, 1, 0, 0, 0, tzinfo=dt.timezone.utc)
    payload = gzip.compress(b"compressed text " * 10)
    s3.put_object(
        Bucket=bucket, Key="doc.txt.gz", Body=payload,
        Metadata={"color": "blue", "Mixed-Case": "Some Value"},
        ContentType="text/plain; charset=utf-8",
        ContentEncoding="gzip",
        ContentDisposition='attachment; filename="doc.txt"',
        CacheControl="max-age=3600, public",
        Expires=expires,
    )
    for resp in (s3.head_object(Bucket=bucket, Key="doc.txt.gz"),
                 s3.get_object(Bucket=bucket, Key="doc.txt.gz")):
        # user metadata names come back lower-cased (HTTP headers are case-insensitive)
        assert resp["Metadata"] == {"color": "blue", "mixed-case": "Some Value"}
        assert resp["ContentType"] == "text/plain; charset=utf-8"
        assert resp["ContentEncoding"] == "gzip"
        assert resp["ContentDisposition"] == 'attachment; filename="doc.txt"'
        assert resp["CacheControl"] == "max-age=3600, public"
        assert headers_of(resp)["expires"] == "Thu, 01 Jan 2037 00:00:00 GMT"
        assert headers_of(resp)["x-amz-meta-color"] == "blue"
    body = s3.get_object(Bucket=bucket, Key="doc.txt.gz")["Body"].read()
    assert body == payload


def test_response_overrides_on_get_head_and_presigned_urls(s3, bucket):
    """GetObject's response-* query parameters replace the stored headers in the response only."""
    s3.put_object(Bucket=bucket, Key="report.csv", Body=b"a,b\n", ContentType="text/csv", CacheControl="no-cache")
    overrides = dict(ResponseContentType="application/octet-stream",
                     ResponseContentDisposition='attachment; filename="r.csv"',
                     ResponseCacheControl="max-age=60", ResponseContentLanguage="en-GB",
                     ResponseContentEncoding="identity",
                     ResponseExpires=dt.datetime(2036, 5, 4, 3, 2, 1, tzinfo=dt.timezone.utc))
    for resp in (s3.get_object(Bucket=bucket, Key="report.csv", **overrides),
                 s3.head_object(Bucket=bucket, Key="report.csv", **overrides)):
        assert resp["ContentType"] == "application/octet-stream"
        assert resp["ContentDisposition"] == 'attachment; filename="r.csv"'
        assert resp["CacheControl"] == "max-age=60"
        assert resp["ContentLanguage"] == "en-GB"
        assert resp["ContentEncoding"] == "identity"
        assert headers_of(resp)["expires"] == "Sun, 04 May 2036 03:02:01 GMT"
    # The stored headers are untouched.
    plain = s3.head_object(Bucket=bucket, Key="report.csv")
    assert plain["ContentType"] == "text/csv" and plain["CacheControl"] == "no-cache"
    assert "ContentDisposition" not in plain
    # The usual use: a presigned download link that names the file.
    url = s3.generate_presigned_url("get_object", Params={
        "Bucket": bucket, "Key": "report.csv", "ResponseContentDisposition": 'attachment; filename="q3.csv"'})
    r = requests.get(url, timeout=10)
    assert r.status_code == 200 and r.content == b"a,b\n"
    assert r.headers["Content-Disposition"] == 'attachment; filename="q3.csv"'
    assert r.headers["Content-Type"] == "text/csv"


def test_delete_object_removes_it_and_returns_204(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    resp = s3.delete_object(Bucket=bucket, Key="k")
    assert http_status(resp) == 204
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="k")
    assert error_code(e.value) == "NoSuchKey"


def test_delete_missing_key_returns_204(s3, bucket):
    resp = s3.delete_object(Bucket=bucket, Key="never-existed")
    assert http_status(resp) == 204


def test_get_missing_key_gives_NoSuchKey_404(s3, bucket):
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="missing.txt")
    assert error_code(e.value) == "NoSuchKey"
    assert http_status(e.value) == 404


def test_head_missing_key_gives_404(s3, bucket):
    with pytest.raises(ClientError) as e:
        s3.head_object(Bucket=bucket, Key="missing.txt")
    assert error_code(e.value) == "404"
    assert http_status(e.value) == 404


def test_overwrite_replaces_body_etag_and_metadata(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"first version",
                  Metadata={"old": "1"}, ContentType="text/plain")
    s3.put_object(Bucket=bucket, Key="k", Body=b"second", Metadata={"new": "2"})
    resp = s3.get_object(Bucket=bucket, Key="k")
    assert resp["Body"].read() == b"second"
    assert resp["ETag"] == quoted_etag(b"second")
    assert resp["Metadata"] == {"new": "2"}
    assert resp["ContentType"] == "binary/octet-stream"
    listing = s3.list_objects_v2(Bucket=bucket)
    assert [(o["Key"], o["Size"]) for o in listing["Contents"]] == [("k", 6)]


def test_empty_object_round_trips_with_md5_of_empty_string(s3, bucket):
    put = s3.put_object(Bucket=bucket, Key="empty", Body=b"")
    assert put["ETag"] == '"d41d8cd98f00b204e9800998ecf8427e"'
    resp = s3.get_object(Bucket=bucket, Key="empty")
    assert resp["ContentLength"] == 0
    assert resp["Body"].read() == b""
    assert s3.head_object(Bucket=bucket, Key="empty")["ContentLength"] == 0


SPECIAL_KEYS = [
    "日本語/ファイル.txt",
    "with space.txt",
    "plus+sign",
    "percent%20literal%",
    "double//slash",
    "trailing/",
    "question?mark#hash",
    "amp&eq=semi;colon,comma",
    "tilde~star*(paren)'quote!",
    "emoji-\U0001F600",
    "dollar$at@colon:",
    "a" * 1024,  # the longest key S3 allows (1024 bytes of UTF-8)
]


@pytest.mark.parametrize("key", SPECIAL_KEYS, ids=lambda k: k[:24])
def test_keys_with_special_characters_round_trip(s3, bucket, key):
    body = key.encode("utf-8")
    put = s3.put_object(Bucket=bucket, Key=key, Body=body)
    assert put["ETag"] == quoted_etag(body)
    assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == body
    assert s3.head_object(Bucket=bucket, Key=key)["ContentLength"] == len(body)
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == [key]
    s3.delete_object(Bucket=bucket, Key=key)
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_similar_special_keys_stay_distinct(s3, bucket):
    keys = ["a/b", "a//b", "a/b/", "a b", "a+b", "a%2Bb", "a%20b"]
    for k in keys:
        s3.put_object(Bucket=bucket, Key=k, Body=k.encode())
    for k in keys:
        assert s3.get_object(Bucket=bucket, Key=k)["Body"].read() == k.encode()
    listed = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]]
    assert listed == sorted(keys, key=lambda k: k.encode())


def test_key_longer_than_1024_bytes_gives_KeyTooLongError_400(s3, bucket):
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="k" * 1025, Body=b"x")
    assert error_code(e.value) == "KeyTooLongError"
    assert http_status(e.value) == 400


def test_20_mib_object_round_trips_intact(s3, bucket):
    data = os.urandom(20 * MiB)
    put = s3.put_object(Bucket=bucket, Key="big.bin", Body=data)
    assert put["ETag"] == quoted_etag(data)
    resp = s3.get_object(Bucket=bucket, Key="big.bin")
    assert resp["ContentLength"] == len(data)
    got = hashlib.sha256()
    for chunk in resp["Body"].iter_chunks(1 * MiB):
        got.update(chunk)
    assert got.hexdigest() == hashlib.sha256(data).hexdigest()


# -- ranges --------------------------------------------------------------------------------

@pytest.mark.parametrize("range_header, start, end", [
    ("bytes=0-9", 0, 9),
    ("bytes=-5", 95, 99),          # suffix: the last 5 bytes
    ("bytes=10-", 10, 99),         # open-ended
    ("bytes=90-200", 90, 99),      # end past the size is clamped
    ("bytes=99-99", 99, 99),
    ("bytes=-500", 0, 99),         # suffix longer than the object: the whole object
])
def test_range_get_returns_206_with_content_range(s3, bucket, obj, range_header, start, end):
    key, etag, _ = obj
    resp = s3.get_object(Bucket=bucket, Key=key, Range=range_header)
    assert http_status(resp) == 206
    assert resp["ContentRange"] == f"bytes {start}-{end}/100"
    assert resp["ContentLength"] == end - start + 1
    assert resp["Body"].read() == BODY[start:end + 1]
    assert resp["ETag"] == etag  # the ETag of the whole object


@pytest.mark.parametrize("range_header", ["bytes=1000-", "bytes=100-", "bytes=100-200"])
def test_unsatisfiable_range_gives_InvalidRange_416(s3, bucket, obj, range_header):
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key=obj[0], Range=range_header)
    assert error_code(e.value) == "InvalidRange"
    assert http_status(e.value) == 416


def test_syntactically_invalid_range_is_ignored_and_whole_object_returned(s3, bucket, obj):
    # AWS (like RFC 9110 recommends) ignores a Range header it cannot parse: 200 + whole body.
    resp = s3.get_object(Bucket=bucket, Key=obj[0], Range="bytes=abc")
    assert http_status(resp) == 200
    assert resp["Body"].read() == BODY


# -- conditional requests ------------------------------------------------------------------

def test_if_match_with_matching_etag_returns_object(s3, bucket, obj):
    key, etag, _ = obj
    resp = s3.get_object(Bucket=bucket, Key=key, IfMatch=etag)
    assert resp["Body"].read() == BODY


def test_if_match_mismatch_gives_PreconditionFailed_412(s3, bucket, obj):
    key, _, _ = obj
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key=key, IfMatch='"00000000000000000000000000000000"')
    assert error_code(e.value) == "PreconditionFailed"
    assert http_status(e.value) == 412
    with pytest.raises(ClientError) as e:
        s3.head_object(Bucket=bucket, Key=key, IfMatch='"00000000000000000000000000000000"')
    assert http_status(e.value) == 412


def test_if_none_match_matching_etag_gives_304_not_modified(s3, bucket, obj):
    key, etag, _ = obj
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key=key, IfNoneMatch=etag)
    assert error_code(e.value) == "304"
    assert http_status(e.value) == 304
    # a 304 still names the current ETag (RFC 9110 15.4.5; AWS sends it)
    assert headers_of(e.value).get("etag") == etag
    with pytest.raises(ClientError) as e:
        s3.head_object(Bucket=bucket, Key=key, IfNoneMatch=etag)
    assert http_status(e.value) == 304


def test_if_none_match_other_etag_returns_object(s3, bucket, obj):
    key, _, _ = obj
    resp = s3.get_object(Bucket=bucket, Key=key, IfNoneMatch='"0123456789abcdef0123456789abcdef"')
    assert resp["Body"].read() == BODY


def test_if_modified_since_future_date_gives_304(s3, bucket, obj):
    # AWS answers 304 here (not modified since a date after its Last-Modified); RFC 9110
    # would let a server ignore a date in the future. Unsure whether AWS special-cases
    # future dates; MinIO and Ceph give 304.
    key, _, _ = obj
    future = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key=key, IfModifiedSince=future)
    assert http_status(e.value) == 304


def test_if_modified_since_equal_to_last_modified_gives_304(s3, bucket, obj):
    key, _, last_modified = obj
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key=key, IfModifiedSince=last_modified)
    assert http_status(e.value) == 304


def test_if_modified_since_past_date_returns_object(s3, bucket, obj):
    key, _, _ = obj
    past = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=1)
    assert s3.get_object(Bucket=bucket, Key=key, IfModifiedSince=past)["Body"].read() == BODY


def test_if_unmodified_since_past_date_gives_PreconditionFailed_412(s3, bucket, obj):
    key, _, _ = obj
    past = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=1)
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key=key, IfUnmodifiedSince=past)
    assert error_code(e.value) == "PreconditionFailed"
    assert http_status(e.value) == 412


def test_if_unmodified_since_future_date_returns_object(s3, bucket, obj):
    key, _, _ = obj
    future = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)
    assert s3.get_object(Bucket=bucket, Key=key, IfUnmodifiedSince=future)["Body"].read() == BODY


def test_if_match_true_wins_over_if_unmodified_since_false(s3, bucket, obj):
    # Documented S3 rule (GetObject): If-Match true + If-Unmodified-Since false -> 200.
    key, etag, _ = obj
    past = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=1)
    resp = s3.get_object(Bucket=bucket, Key=key, IfMatch=etag, IfUnmodifiedSince=past)
    assert http_status(resp) == 200


def test_if_none_match_false_wins_over_if_modified_since_true(s3, bucket, obj):
    # Documented S3 rule (GetObject): If-None-Match false + If-Modified-Since true -> 304.
    key, etag, _ = obj
    past = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=1)
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key=key, IfNoneMatch=etag, IfModifiedSince=past)
    assert http_status(e.value) == 304


def test_conditional_headers_apply_to_ranged_get(s3, bucket, obj):
    key, etag, _ = obj
    resp = s3.get_object(Bucket=bucket, Key=key, IfMatch=etag, Range="bytes=0-1")
    assert http_status(resp) == 206
    assert resp["Body"].read() == BODY[:2]
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key=key, IfMatch='"ffffffffffffffffffffffffffffffff"',
                      Range="bytes=0-1")
    assert http_status(e.value) == 412


def test_md5_of_get_matches_etag_for_binary_data(s3, bucket):
    data = bytes(range(256)) * 257
    s3.put_object(Bucket=bucket, Key="bin", Body=data)
    resp = s3.get_object(Bucket=bucket, Key="bin")
    got = resp["Body"].read()
    assert got == data
    assert resp["ETag"] == f'"{md5_hex(got)}"'


# -- header values as sent -------------------------------------------------------------------

@pytest.mark.parametrize("sent, stored", [
    ("deflate, gzip", "deflate, gzip"),
    ("gzip,deflate", "gzip,deflate"),
    ("aws-chunked", None),
    ("aws-chunked, gzip", "gzip"),
    ("deflate, aws-chunked, gzip", "deflate, gzip"),
])
def test_content_encoding_is_stored_as_sent_without_aws_chunked(server, s3, bucket, sent, stored):
    if "aws-chunked" in sent:
        resp = put_aws_chunked(server, bucket, "ce", b"body", headers={"Content-Encoding": sent})
        assert resp.status == 200, resp.body
    else:
        s3.put_object(Bucket=bucket, Key="ce", Body=b"body", ContentEncoding=sent)
    for resp in (s3.head_object(Bucket=bucket, Key="ce"), s3.get_object(Bucket=bucket, Key="ce")):
        assert resp.get("ContentEncoding") == stored
        assert headers_of(resp).get("content-encoding") == stored


def put_with_utf8_headers(server, bucket, key, body: bytes, extra: dict[str, bytes]):
    """A SigV4-signed PUT whose headers may hold any UTF-8 (botocore signs str values only)."""
    user = server.default_user
    amz_date = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    payload = hashlib.sha256(body).hexdigest()
    hdrs = {b"host": server.host.encode(), b"x-amz-content-sha256": payload.encode(),
            b"x-amz-date": amz_date.encode(), **{k.encode(): v for k, v in extra.items()}}
    names = sorted(hdrs)
    path = key_path(bucket, key)
    canonical = b"\n".join([b"PUT", path.encode(), b"", b"".join(n + b":" + hdrs[n] + b"\n" for n in names),
                            b";".join(names), payload.encode()])
    scope = f"{amz_date[:8]}/us-east-1/s3/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical).hexdigest()])
    signature = hmac.new(signing_key(user.secret_key, amz_date[:8]), to_sign.encode(), hashlib.sha256).hexdigest()
    send = {k.decode(): v for k, v in hdrs.items() if k != b"host"}
    send["Authorization"] = (f"AWS4-HMAC-SHA256 Credential={user.access_key}/{scope}, "
                             f"SignedHeaders={';'.join(n.decode() for n in names)}, Signature={signature}")
    return requests.put(server.endpoint + path, data=body, headers=send, timeout=30)


def test_non_ascii_metadata_comes_back_rfc2047_encoded_and_ascii_as_sent(server, s3, bucket):
    # botocore refuses non-ASCII metadata itself, so the header is sent raw, as UTF-8 bytes,
    # and signed over those bytes.
    value = "ü 日本 😀"
    resp = put_with_utf8_headers(server, bucket, "meta", b"x", {
        "x-amz-meta-unicode": value.encode("utf-8"),
        "x-amz-meta-ascii": b"=?UTF-8?B?notdecoded?= plain",
    })
    assert resp.status_code == 200, resp.text
    encoded = "=?UTF-8?B?" + base64.b64encode(value.encode("utf-8")).decode() + "?="
    for resp in (s3.head_object(Bucket=bucket, Key="meta"), s3.get_object(Bucket=bucket, Key="meta")):
        assert resp["Metadata"] == {"unicode": encoded, "ascii": "=?UTF-8?B?notdecoded?= plain"}
    # A copy keeps the stored value, not its encoded form.
    s3.copy_object(Bucket=bucket, Key="meta-copy", CopySource={"Bucket": bucket, "Key": "meta"})
    assert s3.head_object(Bucket=bucket, Key="meta-copy")["Metadata"]["unicode"] == encoded
