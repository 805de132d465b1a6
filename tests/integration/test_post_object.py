"""Browser form uploads (POST Object): boto3's generate_presigned_post (SigV4, and SigV2 with
signature_version="s3") posted with `requests`, the form's fields (key with ${filename},
Content-Type, metadata, tagging, acl, checksums, SSE, success actions), every policy violation
with S3's error, anonymous forms where a bucket policy allows them, and a second user."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from xml.etree import ElementTree

import boto3
import pytest
import requests
from botocore.config import Config

from cairntest import ALICE, BOB, REGION, parse_error, unique_name

MiB = 1024 * 1024


def v2_client(server, user):
    return boto3.client("s3", endpoint_url=server.endpoint, aws_access_key_id=user.access_key,
                        aws_secret_access_key=user.secret_key, region_name=REGION,
                        config=Config(signature_version="s3", s3={"addressing_style": "path"}))


def post(presigned, data: bytes, *, extra: dict | None = None, filename="upload.bin", timeout=60):
    fields = dict(presigned["fields"], **(extra or {}))
    return requests.post(presigned["url"], data=fields, files={"file": (filename, data)}, timeout=timeout)


def raw_post(url, before: list[tuple[str, str]], file: bytes | None, after: list[tuple[str, str]] = (),
             *, close_file=True, boundary="cairnboundary42"):
    """A form written by hand: field order, fields after the file, a file that never ends."""
    out = b""
    for name, value in before:
        out += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
    if file is not None:
        out += f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="f.txt"\r\n\r\n'.encode() + file
        if close_file:
            out += b"\r\n"
            for name, value in after:
                out += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
            out += f"--{boundary}--\r\n".encode()
    else:
        out += f"--{boundary}--\r\n".encode()
    return requests.post(url, data=out, headers={"Content-Type": f"multipart/form-data; boundary={boundary}"}, timeout=30)


def sign_v4(policy_b64: str, credential: str, secret: str) -> str:
    """A form's SigV4 signature: the scope's signing key over the base64 policy."""
    _, date, region, service, _ = credential.split("/")
    key = ("AWS4" + secret).encode()
    for part in (date, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return hmac.new(key, policy_b64.encode(), hashlib.sha256).hexdigest()


def error_of(r):
    return parse_error(r.content)


@pytest.fixture
def shared(alice):
    name = unique_name("post")
    alice.create_bucket(Bucket=name)
    return name


def test_sigv4_presigned_post_stores_the_file(alice, shared):
    data = os.urandom(3 * MiB + 17)
    p = alice.generate_presigned_post(shared, "uploads/${filename}",
                                      Fields={"Content-Type": "image/png", "x-amz-meta-owner": "alice", "Cache-Control": "max-age=60"},
                                      Conditions=[["starts-with", "$key", "uploads/"], {"Content-Type": "image/png"},
                                                  {"x-amz-meta-owner": "alice"}, {"Cache-Control": "max-age=60"}])
    r = post(p, data, filename="cat.png")
    assert r.status_code == 204, r.text
    etag = '"' + hashlib.md5(data).hexdigest() + '"'
    assert r.headers["ETag"] == etag
    assert r.headers["Location"].endswith(f"/{shared}/uploads/cat.png")
    head = alice.head_object(Bucket=shared, Key="uploads/cat.png")
    assert head["ContentType"] == "image/png" and head["Metadata"] == {"owner": "alice"} and head["CacheControl"] == "max-age=60"
    assert alice.get_object(Bucket=shared, Key="uploads/cat.png")["Body"].read() == data


def test_success_actions(alice, shared):
    p = alice.generate_presigned_post(shared, "a.txt", Fields={"success_action_status": "201"},
                                      Conditions=[{"success_action_status": "201"}])
    r = post(p, b"hello")
    assert r.status_code == 201
    doc = {c.tag: c.text for c in ElementTree.fromstring(r.content)}
    assert doc["Bucket"] == shared and doc["Key"] == "a.txt" and doc["ETag"] == '"' + hashlib.md5(b"hello").hexdigest() + '"'
    assert doc["Location"].endswith(f"/{shared}/a.txt")
    p = alice.generate_presigned_post(shared, "b.txt", Fields={"success_action_status": "200"},
                                      Conditions=[{"success_action_status": "200"}])
    r = post(p, b"x")
    assert r.status_code == 200 and r.content == b""
    target = "https://app.example.com/done?from=form"
    p = alice.generate_presigned_post(shared, "c d.txt", Fields={"success_action_redirect": target},
                                      Conditions=[{"success_action_redirect": target}])
    r = requests.post(p["url"], data=p["fields"], files={"file": ("c", b"y")}, allow_redirects=False, timeout=30)
    assert r.status_code == 303
    etag = hashlib.md5(b"y").hexdigest()
    assert r.headers["Location"] == f"{target}&bucket={shared}&key=c%20d.txt&etag=%22{etag}%22"


def test_sigv2_presigned_post(users_server, alice, shared):
    p = v2_client(users_server, ALICE).generate_presigned_post(shared, "v2/${filename}")
    assert "AWSAccessKeyId" in p["fields"] and "signature" in p["fields"]
    r = post(p, b"signed the old way", filename="old.txt")
    assert r.status_code == 204, r.text
    assert alice.get_object(Bucket=shared, Key="v2/old.txt")["Body"].read() == b"signed the old way"
    fields = dict(p["fields"], signature=base64.b64encode(b"x" * 20).decode())
    r = requests.post(p["url"], data=fields, files={"file": ("f", b"z")}, timeout=30)
    assert r.status_code == 403 and error_of(r)["Code"] == "SignatureDoesNotMatch"


def test_form_headers_tagging_acl_checksum_sse_storage_class(alice, shared):
    data = b"tagged and encrypted"
    tagging = "<Tagging><TagSet><Tag><Key>team</Key><Value>web</Value></Tag></TagSet></Tagging>"
    fields = {"tagging": tagging, "acl": "bucket-owner-full-control", "x-amz-server-side-encryption": "AES256",
              "x-amz-checksum-sha256": base64.b64encode(hashlib.sha256(data).digest()).decode(),
              "x-amz-storage-class": "STANDARD_IA"}
    p = alice.generate_presigned_post(shared, "t.txt", Fields=fields, Conditions=[{k: v} for k, v in fields.items()])
    r = post(p, data)
    assert r.status_code == 204, r.text
    assert r.headers["x-amz-server-side-encryption"] == "AES256"
    assert r.headers["x-amz-checksum-sha256"] == fields["x-amz-checksum-sha256"]
    assert alice.get_object_tagging(Bucket=shared, Key="t.txt")["TagSet"] == [{"Key": "team", "Value": "web"}]
    head = alice.head_object(Bucket=shared, Key="t.txt", ChecksumMode="ENABLED")
    assert head["ServerSideEncryption"] == "AES256" and head["StorageClass"] == "STANDARD_IA"
    # A checksum that does not match the file stores nothing.
    bad = dict(fields, **{"x-amz-checksum-sha256": base64.b64encode(b"\0" * 32).decode()})
    p = alice.generate_presigned_post(shared, "t2.txt", Fields=bad, Conditions=[{k: v} for k, v in bad.items()])
    r = post(p, data)
    assert r.status_code == 400 and error_of(r)["Code"] == "BadDigest"
    # An ACL that is not a canned one.
    p = alice.generate_presigned_post(shared, "t3.txt", Fields={"acl": "everyone"}, Conditions=[{"acl": "everyone"}])
    r = post(p, data)
    assert r.status_code == 400 and error_of(r)["Code"] == "InvalidArgument"


@pytest.mark.parametrize("case,status,code,message", [
    ("expired", 403, "AccessDenied", "Invalid according to Policy: Policy expired."),
    ("condition", 403, "AccessDenied", 'Invalid according to Policy: Policy Condition failed: ["eq", "$key", "fixed.txt"]'),
    ("extra field", 403, "AccessDenied", "Invalid according to Policy: Extra input fields: x-amz-meta-sneaky"),
    ("other bucket", 403, "AccessDenied", None),
    ("too large", 400, "EntityTooLarge", None),
    ("too small", 400, "EntityTooSmall", None),
    ("bad signature", 403, "SignatureDoesNotMatch", None),
    ("unknown key id", 403, "InvalidAccessKeyId", None),
    ("no key", 400, "InvalidArgument", "Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the fields."),
    ("policy not json", 400, "InvalidPolicyDocument", None),
])
def test_policy_violations(users_server, alice, shared, case, status, code, message):
    conditions = [["content-length-range", 2, 10]]
    p = alice.generate_presigned_post(shared, "fixed.txt", Conditions=conditions, ExpiresIn=-60 if case == "expired" else 600)
    fields, data = dict(p["fields"]), b"12345"
    url = p["url"]
    if case == "condition":
        fields["key"] = "elsewhere.txt"
    elif case == "extra field":
        fields["x-amz-meta-sneaky"] = "1"
    elif case == "other bucket":
        other = unique_name("other")
        alice.create_bucket(Bucket=other)
        url = url.replace(shared, other)
    elif case == "too large":
        data = b"x" * 11
    elif case == "too small":
        data = b"x"
    elif case == "bad signature":
        fields["x-amz-signature"] = "0" * 64
    elif case == "unknown key id":
        fields["x-amz-credential"] = fields["x-amz-credential"].replace(ALICE.access_key, "AKIANOBODY")
    elif case == "no key":
        del fields["key"]
    elif case == "policy not json":
        fields["policy"] = base64.b64encode(b"{not json").decode()
        fields["x-amz-signature"] = sign_v4(fields["policy"], fields["x-amz-credential"], ALICE.secret_key)
    r = requests.post(url, data=fields, files={"file": ("f", data)}, timeout=30)
    assert r.status_code == status, r.text
    err = error_of(r)
    assert err["Code"] == code
    if message:
        assert err["Message"] == message
    if code in ("EntityTooLarge", "EntityTooSmall"):
        assert err["ProposedSize"] == str(len(data))
    assert "Contents" not in alice.list_objects_v2(Bucket=shared)


def test_form_shape_errors(users_server, alice, shared):
    url = f"{users_server.endpoint}/{shared}"
    p = alice.generate_presigned_post(shared, "k.txt")
    # Not a form at all: S3's 412.
    r = requests.post(url, data=b"hello", headers={"Content-Type": "text/plain"}, timeout=30)
    assert r.status_code == 412 and error_of(r)["Code"] == "PreconditionFailed"
    # A form without a file.
    r = raw_post(url, list(p["fields"].items()), None)
    assert r.status_code == 400 and error_of(r)["Code"] == "IncorrectNumberOfFilesInPostRequest"
    # A file that never ends: the body is incomplete.
    r = raw_post(url, list(p["fields"].items()), b"partial data", close_file=False)
    assert r.status_code == 400 and error_of(r)["Code"] == "IncompleteBody"
    # Fields before the file over 20 KB.
    r = raw_post(url, list(p["fields"].items()) + [("x-ignore-pad", "p" * 25000)], b"x")
    assert r.status_code == 400 and error_of(r)["Code"] == "MaxPostPreDataLengthExceededError"
    # Garbage.
    r = requests.post(url, data=b"no boundary here", headers={"Content-Type": "multipart/form-data; boundary=zz"}, timeout=30)
    assert r.status_code == 400 and error_of(r)["Code"] == "MalformedPOSTRequest"
    assert "Contents" not in alice.list_objects_v2(Bucket=shared)


def test_fields_after_the_file_are_ignored_and_order_before_it_is_free(users_server, alice, shared):
    p = alice.generate_presigned_post(shared, "order.txt")
    url = f"{users_server.endpoint}/{shared}"
    before = list(reversed(list(p["fields"].items())))
    r = raw_post(url, before, b"body\r\n--not-a-boundary", after=[("x-amz-meta-late", "1"), ("key", "other.txt")])
    assert r.status_code == 204, r.text
    head = alice.head_object(Bucket=shared, Key="order.txt")
    assert head["Metadata"] == {} and alice.get_object(Bucket=shared, Key="order.txt")["Body"].read() == b"body\r\n--not-a-boundary"


def test_anonymous_post_needs_a_bucket_policy(users_server, alice, shared):
    url = f"{users_server.endpoint}/{shared}"
    r = requests.post(url, data={"key": "drop/a.txt"}, files={"file": ("a", b"anon")}, timeout=30)
    assert r.status_code == 403 and error_of(r)["Code"] == "AccessDenied"
    alice.put_bucket_policy(Bucket=shared, Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{shared}/drop/*"}]}))
    r = requests.post(url, data={"key": "drop/a.txt"}, files={"file": ("a", b"anon")}, timeout=30)
    assert r.status_code == 204, r.text
    assert alice.get_object(Bucket=shared, Key="drop/a.txt")["Body"].read() == b"anon"
    r = requests.post(url, data={"key": "elsewhere/a.txt"}, files={"file": ("a", b"anon")}, timeout=30)
    assert r.status_code == 403


def test_bucket_policy_conditions_read_the_form(users_server, alice, shared):
    # The form's acl field is what s3:x-amz-acl tests, as the header would be for a PutObject.
    alice.put_bucket_policy(Bucket=shared, Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{shared}/*",
         "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}}]}))
    url = f"{users_server.endpoint}/{shared}"
    r = requests.post(url, data={"key": "a.txt"}, files={"file": ("a", b"anon")}, timeout=30)
    assert r.status_code == 403 and error_of(r)["Code"] == "AccessDenied"
    r = requests.post(url, data={"key": "a.txt", "acl": "bucket-owner-full-control"}, files={"file": ("a", b"anon")}, timeout=30)
    assert r.status_code == 204, r.text


def test_another_users_form_goes_through_authorization(users_server, alice, bob, shared):
    p = bob.generate_presigned_post(shared, "from-bob.txt")
    r = post(p, b"bob was here")
    assert r.status_code == 403 and error_of(r)["Code"] == "AccessDenied"
    alice.put_bucket_policy(Bucket=shared, Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::123456789012:user/{BOB.display_name}"},
         "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{shared}/*"}]}))
    r = post(p, b"bob was here")
    assert r.status_code == 204, r.text
    assert alice.get_object(Bucket=shared, Key="from-bob.txt")["Body"].read() == b"bob was here"


def test_large_file_streams(users_server, alice, shared):
    size = 64 * MiB
    chunk = os.urandom(MiB)
    p = alice.generate_presigned_post(shared, "big.bin", Conditions=[["content-length-range", 0, 5 * 1024 * MiB]])
    md5 = hashlib.md5()

    def body():
        for _ in range(size // MiB):
            md5.update(chunk)
            yield chunk
    # A streamed multipart body, built by hand so that requests does not hold it whole either.
    boundary = "bigboundary"
    head = b"".join(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in p["fields"].items())
    head += f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big"\r\n\r\n'.encode()
    tail = f"\r\n--{boundary}--\r\n".encode()

    class Stream:
        """Iterated in chunks, with a length, so requests sends Content-Length and streams."""
        def __len__(self):
            return len(head) + size + len(tail)

        def __iter__(self):
            yield head
            yield from body()
            yield tail
    rss_before = users_server.rss_bytes()
    r = requests.post(p["url"], data=Stream(), headers={"Content-Type": f"multipart/form-data; boundary={boundary}"}, timeout=120)
    assert r.status_code == 204, r.text
    assert r.headers["ETag"] == f'"{md5.hexdigest()}"'
    assert alice.head_object(Bucket=shared, Key="big.bin")["ContentLength"] == size
    # Streamed, not held: the server grew far less than the file.
    assert users_server.rss_bytes() - rss_before < size // 2


def test_form_acl_follows_object_ownership(alice, shared):
    # New buckets are BucketOwnerEnforced: a form's ACL other than bucket-owner-full-control is
    # refused as a header's would be; with ObjectWriter the ACL is applied.
    p = alice.generate_presigned_post(shared, "pub.txt", Fields={"acl": "public-read"}, Conditions=[{"acl": "public-read"}])
    r = post(p, b"public")
    assert r.status_code == 400 and error_of(r)["Code"] == "AccessControlListNotSupported"
    alice.put_bucket_ownership_controls(Bucket=shared, OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]})
    r = post(p, b"public")
    assert r.status_code == 204, r.text
    grants = alice.get_object_acl(Bucket=shared, Key="pub.txt")["Grants"]
    assert {"Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AllUsers"},
            "Permission": "READ"} in grants
    assert requests.get(p['url'].rstrip('/') + '/pub.txt', timeout=30).content == b"public"
