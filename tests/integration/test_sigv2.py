"""Signature Version 2: the header form (`Authorization: AWS AKID:sig`, boto3 with
signature_version="s3", s3cmd with signature_v2) and the query form (`AWSAccessKeyId`,
`Signature`, `Expires`) that boto3's generate_presigned_url and aws CLI v1's `aws s3 presign`
produce by default; plus `cairn s3 presign` (SigV4) fetched by a plain HTTP client."""

from __future__ import annotations

import base64
import contextlib
import datetime
import hashlib
import hmac
import importlib.util
import shutil
import socket
import subprocess
import time
from email.utils import formatdate
from unittest import mock

import boto3
import pytest
import requests
from botocore.auth import HmacV1Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from cairntest import KiB, REGION, User, key_path, parse_error, quoted_etag
from clienttest import Cairn

KEYS = ["plain.txt", "with space/and more", "unicodé/ключ/日本", "plus+sign", "percent%20sign", "mixed +%&=?;#[]"]


def default_presigner(server, user: User | None = None):
    """A boto3 client with no signature_version: its presigned URLs are SigV2 (query auth)."""
    user = user or server.default_user
    return boto3.client("s3", endpoint_url=server.endpoint, region_name=REGION,
                        aws_access_key_id=user.access_key, aws_secret_access_key=user.secret_key)


def sigv2_client(server, user: User | None = None, secret_key: str | None = None, addressing_style="path"):
    """A boto3 client that signs every call with SigV2 (HmacV1Auth)."""
    user = user or server.default_user
    cfg = Config(region_name=REGION, signature_version="s3", s3={"addressing_style": addressing_style},
                 retries={"total_max_attempts": 1})
    return boto3.client("s3", endpoint_url=server.endpoint, region_name=REGION, config=cfg,
                        aws_access_key_id=user.access_key, aws_secret_access_key=secret_key or user.secret_key)


def sigv2_headers(method: str, url: str, user: User, *, secret_key: str | None = None,
                  headers: dict | None = None, auth_path: str | None = None) -> dict[str, str]:
    """Headers (Date and Authorization) of a request signed by botocore's HmacV1Auth."""
    req = AWSRequest(method=method, url=url, headers=dict(headers or {}))
    req.auth_path = auth_path
    HmacV1Auth(Credentials(user.access_key, secret_key or user.secret_key)).add_auth(req)
    return dict(req.headers.items())


# -- the query form: boto3's default presigned URLs -----------------------------------------------

@pytest.mark.parametrize("key", KEYS)
def test_boto3_default_presigned_get_put_head(server, s3, bucket, key):
    signer = default_presigner(server)
    put_url = signer.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": key})
    assert "AWSAccessKeyId=" in put_url and "Signature=" in put_url and "Expires=" in put_url
    body = b"sigv2 body of " + key.encode()
    put = requests.put(put_url, data=body, timeout=30)
    assert put.status_code == 200, put.content
    assert put.headers["ETag"] == quoted_etag(body)

    get = requests.get(signer.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": key}), timeout=30)
    assert get.status_code == 200, get.content
    assert get.content == body

    head = requests.head(signer.generate_presigned_url("head_object", Params={"Bucket": bucket, "Key": key}), timeout=30)
    assert head.status_code == 200
    assert head.headers["Content-Length"] == str(len(body))
    assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == body


def test_presigned_get_with_response_overrides_signs_them(server, s3, bucket):
    s3.put_object(Bucket=bucket, Key="doc", Body=b"x")
    url = default_presigner(server).generate_presigned_url("get_object", Params={
        "Bucket": bucket, "Key": "doc", "ResponseContentType": "text/x-special",
        "ResponseContentDisposition": "attachment; filename=a.txt"})
    assert requests.get(url, timeout=30).status_code == 200
    # The response-* overrides are subresources: changing one breaks the signature.
    tampered = requests.get(url.replace("text%2Fx-special", "text%2Fplain"), timeout=30)
    assert tampered.status_code == 403
    assert parse_error(tampered.content)["Code"] == "SignatureDoesNotMatch"


def test_presigned_put_with_content_type_needs_the_header(server, s3, bucket):
    url = default_presigner(server).generate_presigned_url(
        "put_object", Params={"Bucket": bucket, "Key": "typed", "ContentType": "text/x-typed"})
    without = requests.put(url, data=b"t", timeout=30)
    assert without.status_code == 403
    assert parse_error(without.content)["StringToSign"].startswith("PUT\n\n\n")
    with_header = requests.put(url, data=b"t", headers={"Content-Type": "text/x-typed"}, timeout=30)
    assert with_header.status_code == 200, with_header.content
    assert s3.head_object(Bucket=bucket, Key="typed")["ContentType"] == "text/x-typed"


def test_presigned_put_applies_the_x_amz_query_parameters_as_headers(server, s3, bucket):
    # botocore's SigV2 presigned PUT moves x-amz-meta-* and x-amz-server-side-encryption into
    # the query; S3 stores them as if sent as headers.
    url = default_presigner(server).generate_presigned_url("put_object", Params={
        "Bucket": bucket, "Key": "with-meta", "Metadata": {"color": "blue"}, "ServerSideEncryption": "AES256"})
    assert "x-amz-meta-color=blue" in url
    resp = requests.put(url, data=b"painted", timeout=30)
    assert resp.status_code == 200, resp.text
    assert resp.headers["x-amz-server-side-encryption"] == "AES256"
    head = s3.head_object(Bucket=bucket, Key="with-meta")
    assert head["Metadata"] == {"color": "blue"}
    assert head["ServerSideEncryption"] == "AES256"
    # The values are signed: changing one breaks the signature.
    resp = requests.put(url.replace("color=blue", "color=red"), data=b"x", timeout=30)
    assert resp.status_code == 403


def test_sigv4_presigned_put_with_hoisted_x_amz_parameters(server, s3, bucket):
    # The AWS SDK for JavaScript hoists x-amz-* headers into a SigV4 URL's query the same way.
    from botocore.auth import S3SigV4QueryAuth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    user = server.default_user
    req = AWSRequest(method="PUT", url=f"{server.endpoint}/{bucket}/hoisted?x-amz-meta-shade=teal")
    S3SigV4QueryAuth(Credentials(user.access_key, user.secret_key), "s3", REGION, expires=300).add_auth(req)
    resp = requests.put(req.url, data=b"tinted", timeout=30)
    assert resp.status_code == 200, resp.text
    assert s3.head_object(Bucket=bucket, Key="hoisted")["Metadata"] == {"shade": "teal"}


def test_presigned_put_streams_with_expect_100_continue(server, s3, bucket):
    url = default_presigner(server).generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "big"})
    path_and_query = url[len(server.endpoint):]
    body = hashlib.sha256(b"seed").digest() * (64 * KiB)  # 2 MiB
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        sock.sendall((f"PUT {path_and_query} HTTP/1.1\r\nHost: {server.host}\r\n"
                      f"Content-Length: {len(body)}\r\nExpect: 100-continue\r\n\r\n").encode())
        interim = sock.recv(4096)
        assert interim.startswith(b"HTTP/1.1 100"), interim
        sock.sendall(body)
        response = b""
        while b"\r\n\r\n" not in response:
            response += sock.recv(4096)
    assert response.startswith(b"HTTP/1.1 200"), response
    assert s3.head_object(Bucket=bucket, Key="big")["ETag"] == quoted_etag(body)


def test_presigned_upload_part_signs_part_number_and_upload_id(start_server):
    srv = start_server(min_part_size=256 * KiB)
    s3 = srv.client()
    s3.create_bucket(Bucket="mp1")
    upload_id = s3.create_multipart_upload(Bucket="mp1", Key="k y+")["UploadId"]
    signer = default_presigner(srv)
    parts, data = [], []
    for n, size in ((1, 256 * KiB), (2, 1000)):
        chunk = bytes([n]) * size
        url = signer.generate_presigned_url("upload_part", Params={
            "Bucket": "mp1", "Key": "k y+", "UploadId": upload_id, "PartNumber": n})
        resp = requests.put(url, data=chunk, timeout=30)
        assert resp.status_code == 200, resp.content
        parts.append({"PartNumber": n, "ETag": resp.headers["ETag"]})
        data.append(chunk)
    # The part number is signed: the same URL for another part is refused.
    other = requests.put(url.replace("partNumber=2", "partNumber=3"), data=b"x", timeout=30)
    assert other.status_code == 403 and parse_error(other.content)["Code"] == "SignatureDoesNotMatch"
    s3.complete_multipart_upload(Bucket="mp1", Key="k y+", UploadId=upload_id, MultipartUpload={"Parts": parts})
    assert s3.get_object(Bucket="mp1", Key="k y+")["Body"].read() == b"".join(data)


def test_expired_presigned_url_gives_AccessDenied_with_Expires_and_ServerTime(server, s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    url = default_presigner(server).generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"}, ExpiresIn=1)
    time.sleep(2.1)
    resp = requests.get(url, timeout=30)
    assert resp.status_code == 403
    err = parse_error(resp.content)
    assert err["Code"] == "AccessDenied"
    assert err["Message"] == "Request has expired"
    expires = int(url.split("Expires=")[1].split("&")[0])
    assert err["Expires"] == time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(expires))
    assert err["ServerTime"].endswith("Z") and err["ServerTime"] > err["Expires"]


def test_presigned_url_with_wrong_secret_gives_SignatureDoesNotMatch(server, s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    u = server.default_user
    url = default_presigner(server, User(u.access_key, "wrong-secret")).generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": "k"})
    resp = requests.get(url, timeout=30)
    assert resp.status_code == 403
    err = parse_error(resp.content)
    expires = url.split("Expires=")[1].split("&")[0]
    assert err["Code"] == "SignatureDoesNotMatch"
    assert err["StringToSign"] == f"GET\n\n\n{expires}\n/{bucket}/k"


def test_incomplete_query_auth_gives_AccessDenied(server, bucket):
    u = server.default_user
    resp = requests.get(f"{server.endpoint}/{bucket}/k?AWSAccessKeyId={u.access_key}&Signature=abc", timeout=30)
    assert resp.status_code == 403
    err = parse_error(resp.content)
    assert err["Code"] == "AccessDenied"
    assert err["Message"] == "Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters"


def test_aws_cli_v1_presign_url_works_with_curl_and_requests(server, s3, bucket, aws):
    s3.put_object(Bucket=bucket, Key="dir/a b+c", Body=b"from aws s3 presign")
    url = aws("s3", "presign", f"s3://{bucket}/dir/a b+c").stdout.decode().strip()
    assert "AWSAccessKeyId=" in url
    assert requests.get(url, timeout=30).content == b"from aws s3 presign"
    out = subprocess.run(["curl", "-sS", "-f", url], capture_output=True, timeout=30)
    assert out.returncode == 0, out.stderr
    assert out.stdout == b"from aws s3 presign"


# -- the header form ------------------------------------------------------------------------------

def test_boto3_sigv2_client_put_get_list_delete(server, bucket):
    c = sigv2_client(server)
    for key in KEYS:
        c.put_object(Bucket=bucket, Key=key, Body=key.encode(), ContentType="text/plain", Metadata={"who": "v2"})
    listed = [o["Key"] for o in c.list_objects_v2(Bucket=bucket)["Contents"]]
    assert sorted(listed, key=lambda k: k.encode()) == listed
    assert set(listed) == set(KEYS)
    assert [o["Key"] for o in c.list_objects(Bucket=bucket, Prefix="with space/")["Contents"]] == ["with space/and more"]
    for key in KEYS:
        got = c.get_object(Bucket=bucket, Key=key)
        assert got["Body"].read() == key.encode()
        assert got["Metadata"] == {"who": "v2"}
        assert c.get_object(Bucket=bucket, Key=key, Range="bytes=0-2")["Body"].read() == key.encode()[:3]
    c.delete_object(Bucket=bucket, Key=KEYS[0])
    c.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in KEYS[1:]]})
    assert c.list_objects_v2(Bucket=bucket)["KeyCount"] == 0
    assert c.get_bucket_location(Bucket=bucket)["LocationConstraint"] in (None, "", "us-east-1")


def test_sigv2_put_still_verifies_content_md5(server, s3, bucket):
    c = sigv2_client(server)
    good = base64.b64encode(hashlib.md5(b"body").digest()).decode()
    c.put_object(Bucket=bucket, Key="md5", Body=b"body", ContentMD5=good)
    wrong = base64.b64encode(hashlib.md5(b"other").digest()).decode()
    with pytest.raises(ClientError) as e:
        c.put_object(Bucket=bucket, Key="md5", Body=b"body!", ContentMD5=wrong)
    assert e.value.response["Error"]["Code"] == "BadDigest"
    assert s3.get_object(Bucket=bucket, Key="md5")["Body"].read() == b"body"


def test_boto3_sigv2_client_multipart(start_server):
    srv = start_server(min_part_size=256 * KiB)
    c = sigv2_client(srv)
    c.create_bucket(Bucket="mp2")
    key = "multi part/ü+%"
    upload_id = c.create_multipart_upload(Bucket="mp2", Key=key)["UploadId"]
    chunks = [b"a" * (256 * KiB), b"b" * 10]
    parts = [{"PartNumber": n, "ETag": c.upload_part(Bucket="mp2", Key=key, UploadId=upload_id, PartNumber=n, Body=b)["ETag"]}
             for n, b in enumerate(chunks, start=1)]
    assert [p["PartNumber"] for p in c.list_parts(Bucket="mp2", Key=key, UploadId=upload_id)["Parts"]] == [1, 2]
    assert [u["Key"] for u in c.list_multipart_uploads(Bucket="mp2")["Uploads"]] == [key]
    c.complete_multipart_upload(Bucket="mp2", Key=key, UploadId=upload_id, MultipartUpload={"Parts": parts})
    assert c.get_object(Bucket="mp2", Key=key)["Body"].read() == b"".join(chunks)
    other = c.create_multipart_upload(Bucket="mp2", Key="aborted")["UploadId"]
    c.abort_multipart_upload(Bucket="mp2", Key="aborted", UploadId=other)
    assert "Uploads" not in c.list_multipart_uploads(Bucket="mp2")


def test_wrong_secret_gives_SignatureDoesNotMatch_with_StringToSign_and_SignatureProvided(server, s3, bucket):
    u = server.default_user
    url = server.endpoint + key_path(bucket, "a b")
    hdrs = sigv2_headers("GET", url, u, secret_key="not-the-secret", headers={"x-amz-meta-z": "1", "X-Amz-Meta-A": "2"})
    resp = requests.get(url, headers=hdrs, timeout=30)
    assert resp.status_code == 403
    err = parse_error(resp.content)
    sts = f"GET\n\n\n{hdrs['Date']}\nx-amz-meta-a:2\nx-amz-meta-z:1\n/{bucket}/a%20b"
    assert err["Code"] == "SignatureDoesNotMatch"
    assert err["AWSAccessKeyId"] == u.access_key
    assert err["StringToSign"] == sts
    assert err["SignatureProvided"] == hdrs["Authorization"].split(":", 1)[1]
    assert err["StringToSignBytes"] == " ".join(f"{b:02x}" for b in sts.encode())
    # boto3 reports the same code
    with pytest.raises(ClientError) as e:
        sigv2_client(server, secret_key="not-the-secret").head_bucket(Bucket=bucket)
    assert e.value.response["Error"]["Code"] in ("403", "SignatureDoesNotMatch")


def test_sigv2_header_errors(server, bucket):
    u = server.default_user
    url = server.endpoint + key_path(bucket, "k")

    no_date = requests.get(url, headers={"Authorization": f"AWS {u.access_key}:c2ln"}, timeout=30)
    assert no_date.status_code == 403
    err = parse_error(no_date.content)
    assert (err["Code"], err["Message"]) == ("AccessDenied", "AWS authentication requires a valid Date or x-amz-date header")

    unknown = requests.get(url, headers=sigv2_headers("GET", url, User("NOSUCHKEY", "x")), timeout=30)
    assert unknown.status_code == 403
    err = parse_error(unknown.content)
    assert (err["Code"], err["AWSAccessKeyId"]) == ("InvalidAccessKeyId", "NOSUCHKEY")

    old = formatdate(time.time() - 3600, usegmt=True)
    skewed = requests.get(url, headers={"Date": old, "Authorization": f"AWS {u.access_key}:c2ln"}, timeout=30)
    assert skewed.status_code == 403
    err = parse_error(skewed.content)
    assert (err["Code"], err["RequestTime"]) == ("RequestTimeTooSkewed", old)


def test_x_amz_date_header_replaces_date(server, s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"v")
    u = server.default_user
    path = key_path(bucket, "k")
    amz_date = formatdate(usegmt=True)
    sts = f"GET\n\n\n\nx-amz-date:{amz_date}\n{path}"
    sig = base64.b64encode(hmac.new(u.secret_key.encode(), sts.encode(), "sha1").digest()).decode()
    resp = requests.get(server.endpoint + path, headers={
        "x-amz-date": amz_date, "Date": "Thu, 01 Jan 1970 00:00:00 GMT", "Authorization": f"AWS {u.access_key}:{sig}"}, timeout=30)
    assert resp.status_code == 200, resp.content
    assert resp.content == b"v"


def test_virtual_hosted_sigv2_signs_bucket_in_resource(start_server):
    srv = start_server(domain="localhost")
    srv.client().create_bucket(Bucket="vh-bucket")
    u = srv.default_user
    host = f"vh-bucket.localhost:{srv.port}"
    url = f"{srv.endpoint}/dir/k%20v"
    hdrs = sigv2_headers("PUT", url, u, headers={"Host": host}, auth_path="/vh-bucket/dir/k%20v")
    put = requests.put(url, data=b"vhost v2", headers=hdrs, timeout=30)
    assert put.status_code == 200, put.content
    listing_url = f"{srv.endpoint}/?prefix=dir/"
    hdrs = sigv2_headers("GET", listing_url, u, headers={"Host": host}, auth_path="/vh-bucket/")
    listing = requests.get(listing_url, headers=hdrs, timeout=30)
    assert listing.status_code == 200, listing.content
    assert b"<Key>dir/k v</Key>" in listing.content
    # Signed without the bucket in the resource: refused.
    hdrs = sigv2_headers("GET", url, u, headers={"Host": host})
    assert requests.get(url, headers=hdrs, timeout=30).status_code == 403
    # boto3's default presigned URL, virtual-hosted: http://vh-bucket.localhost:PORT/dir/k%20v?AWSAccessKeyId=...
    presigner = boto3.client("s3", endpoint_url=f"http://localhost:{srv.port}", region_name=REGION,
                             aws_access_key_id=u.access_key, aws_secret_access_key=u.secret_key,
                             config=Config(s3={"addressing_style": "virtual"}))
    presigned = presigner.generate_presigned_url("get_object", Params={"Bucket": "vh-bucket", "Key": "dir/k v"})
    assert presigned.startswith(f"http://{host}/dir/k%20v?AWSAccessKeyId=")
    got = requests.get(presigned.replace(host, srv.host, 1), headers={"Host": host}, timeout=30)
    assert got.status_code == 200, got.content
    assert got.content == b"vhost v2"


def test_both_header_and_query_auth_gives_InvalidArgument(server, bucket):
    u = server.default_user
    url = f"{server.endpoint}/{bucket}/k?AWSAccessKeyId={u.access_key}&Signature=x&Expires=9999999999"
    resp = requests.get(url, headers=sigv2_headers("GET", url, u), timeout=30)
    assert resp.status_code == 400
    assert parse_error(resp.content)["Code"] == "InvalidArgument"


# -- s3cmd ----------------------------------------------------------------------------------------

@pytest.mark.skipif(shutil.which("s3cmd") is None, reason="s3cmd is not installed (apt-get install s3cmd)")
def test_s3cmd_with_signature_v2_ls_put_get_signurl_del(server, bucket, tmp_path):
    u = server.default_user
    cfg = tmp_path / "s3cfg"
    cfg.write_text("[default]\n"
                   f"access_key = {u.access_key}\nsecret_key = {u.secret_key}\n"
                   f"host_base = {server.host}\nhost_bucket = {server.host}\n"
                   "use_https = False\nsignature_v2 = True\nbucket_location = us-east-1\n")
    src = tmp_path / "up load.txt"
    src.write_bytes(b"hello from s3cmd\n" * 100)

    def s3cmd(*args):
        proc = subprocess.run(["s3cmd", "-c", str(cfg), *args], capture_output=True, timeout=60)
        assert proc.returncode == 0, proc.stderr.decode(errors="replace") + server.log_tail(20)
        return proc.stdout.decode()

    assert f"s3://{bucket}" in s3cmd("ls")
    s3cmd("put", str(src), f"s3://{bucket}/dir/up load+1.txt")
    assert f"s3://{bucket}/dir/up load+1.txt" in s3cmd("ls", "-r", f"s3://{bucket}")
    dest = tmp_path / "down.txt"
    s3cmd("get", f"s3://{bucket}/dir/up load+1.txt", str(dest))
    assert dest.read_bytes() == src.read_bytes()
    signed = s3cmd("signurl", f"s3://{bucket}/dir/up load+1.txt", "+120").strip()
    assert requests.get(signed, timeout=30).content == src.read_bytes()
    s3cmd("del", f"s3://{bucket}/dir/up load+1.txt")
    assert "up load" not in s3cmd("ls", "-r", f"s3://{bucket}")


# -- cairn s3 presign -----------------------------------------------------------------------------

@pytest.fixture
def cairn(server, work):
    u = server.default_user
    return Cairn(server.endpoint, work, u.access_key, u.secret_key)


def test_cairn_s3_presign_url_fetched_with_requests(server, s3, bucket, cairn):
    key = "pre signed/ü+%.txt"
    s3.put_object(Bucket=bucket, Key=key, Body=b"presigned by cairn")
    url = cairn.run("s3", "presign", f"s3://{bucket}/{key}").stdout.decode().strip()
    assert url.startswith(server.endpoint + key_path(bucket, key) + "?X-Amz-Algorithm=AWS4-HMAC-SHA256&")
    assert "X-Amz-Expires=3600&X-Amz-Signature=" in url
    assert requests.get(url, timeout=30).content == b"presigned by cairn"
    # `cairn presign` is the same command
    alias = cairn.run("presign", f"s3://{bucket}/{key}", "--expires-in", "60").stdout.decode().strip()
    assert requests.get(alias, timeout=30).content == b"presigned by cairn"


def test_cairn_s3_presign_expires_in(server, s3, bucket, cairn):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    url = cairn.run("s3", "presign", f"s3://{bucket}/k", "--expires-in", "1").stdout.decode().strip()
    assert "X-Amz-Expires=1&X-Amz-Signature=" in url
    time.sleep(2.1)
    resp = requests.get(url, timeout=30)
    assert resp.status_code == 403
    err = parse_error(resp.content)
    assert (err["Code"], err["Message"]) == ("AccessDenied", "Request has expired")
    bad = cairn.run("s3", "presign", f"s3://{bucket}/k", "--expires-in", "604801", check=False)
    assert bad.returncode != 0
    assert b"--expires-in" in bad.stderr


@pytest.mark.parametrize("token", [None, "session/token+1"])
def test_cairn_s3_presign_gives_botocores_url(server, cairn, token):
    """The same URL, byte for byte, as botocore's SigV4 presigning at the same second."""
    key = "a b/ü+%~=&.txt"
    env = cairn.env(**({"AWS_SESSION_TOKEN": token} if token else {}))
    url = cairn.run("s3", "presign", f"s3://bkt/{key}", "--expires-in", "900", env=env).stdout.decode().strip()
    amz_date = url.split("X-Amz-Date=")[1].split("&")[0]
    when = datetime.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ")
    u = server.default_user
    botocore_client = boto3.client(
        "s3", endpoint_url=server.endpoint, region_name=REGION, aws_access_key_id=u.access_key,
        aws_secret_access_key=u.secret_key, aws_session_token=token,
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}))
    # botocore signs with awscrt when it is installed (botocore.crt.auth), else in Python
    # (botocore.auth): freeze the clock of both at the second cairn signed.
    def frozen(remove_tzinfo=True):
        return when if remove_tzinfo else when.replace(tzinfo=datetime.timezone.utc)
    patches = [mock.patch("botocore.auth.get_current_datetime", side_effect=frozen)]
    if importlib.util.find_spec("awscrt") is not None:
        patches.append(mock.patch("botocore.crt.auth.get_current_datetime", side_effect=frozen))
    with contextlib.ExitStack() as stack:
        for p in patches:
            stack.enter_context(p)
        expected = botocore_client.generate_presigned_url("get_object", Params={"Bucket": "bkt", "Key": key}, ExpiresIn=900)
    assert url == expected
