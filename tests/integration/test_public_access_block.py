"""Block Public Access at bucket level: Put/Get/DeletePublicAccessBlock and each of its four flags
as S3 enforces them (public ACLs refused or ignored, public policies refused or confined to the
bucket owner)."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from cairntest import ALICE, error_code, http_status, parse_error, unique_name

ALL_FALSE = {"BlockPublicAcls": False, "IgnorePublicAcls": False, "BlockPublicPolicy": False, "RestrictPublicBuckets": False}


def block(client, bucket, **flags):
    client.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={**ALL_FALSE, **flags})


def public_read_policy(bucket):
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"}]})


@pytest.fixture
def acl_bucket(alice):
    name = unique_name("pab")
    alice.create_bucket(Bucket=name, ObjectOwnership="ObjectWriter")
    return name


def denied(fn, *args, **kwargs):
    with pytest.raises(ClientError) as e:
        fn(*args, **kwargs)
    assert (error_code(e.value), http_status(e.value)) == ("AccessDenied", 403)


def test_public_access_block_operations(alice, acl_bucket):
    with pytest.raises(ClientError) as e:
        alice.get_public_access_block(Bucket=acl_bucket)
    assert error_code(e.value) == "NoSuchPublicAccessBlockConfiguration" and http_status(e.value) == 404
    assert e.value.response["Error"]["Message"] == "The public access block configuration was not found"
    block(alice, acl_bucket, BlockPublicAcls=True, RestrictPublicBuckets=True)
    got = alice.get_public_access_block(Bucket=acl_bucket)["PublicAccessBlockConfiguration"]
    assert got == {**ALL_FALSE, "BlockPublicAcls": True, "RestrictPublicBuckets": True}
    alice.delete_public_access_block(Bucket=acl_bucket)
    with pytest.raises(ClientError) as e:
        alice.get_public_access_block(Bucket=acl_bucket)
    assert error_code(e.value) == "NoSuchPublicAccessBlockConfiguration"


def test_flags_left_out_are_false(alice, users_server, acl_bucket):
    body = b"<PublicAccessBlockConfiguration><IgnorePublicAcls>true</IgnorePublicAcls></PublicAccessBlockConfiguration>"
    r = users_server.signed_request("PUT", f"/{acl_bucket}", query="publicAccessBlock=", user=ALICE, body=body)
    assert r.status_code == 200, r.content
    assert alice.get_public_access_block(Bucket=acl_bucket)["PublicAccessBlockConfiguration"] == {**ALL_FALSE, "IgnorePublicAcls": True}
    r = users_server.signed_request("PUT", f"/{acl_bucket}", query="publicAccessBlock=", user=ALICE, body=b"<Public")
    assert r.status_code == 400 and parse_error(r.content)["Code"] == "MalformedXML"


def test_block_public_acls_refuses_public_acl_writes(alice, acl_bucket):
    block(alice, acl_bucket, BlockPublicAcls=True)
    denied(alice.put_object, Bucket=acl_bucket, Key="k", Body=b"x", ACL="public-read")
    denied(alice.put_object, Bucket=acl_bucket, Key="k", Body=b"x", GrantRead='uri="http://acs.amazonaws.com/groups/global/AllUsers"')
    denied(alice.put_bucket_acl, Bucket=acl_bucket, ACL="authenticated-read")
    denied(alice.create_multipart_upload, Bucket=acl_bucket, Key="mp", ACL="public-read-write")
    alice.put_object(Bucket=acl_bucket, Key="k", Body=b"x", ACL="private")
    denied(alice.put_object_acl, Bucket=acl_bucket, Key="k", ACL="public-read")
    alice.put_object_acl(Bucket=acl_bucket, Key="k", ACL="bucket-owner-read")


def test_ignore_public_acls(alice, bob, users_server, acl_bucket):
    alice.put_object(Bucket=acl_bucket, Key="public", Body=b"p", ACL="public-read")
    alice.put_object(Bucket=acl_bucket, Key="members", Body=b"m", ACL="authenticated-read")
    assert users_server.anonymous_request("GET", f"/{acl_bucket}/public").status_code == 200
    block(alice, acl_bucket, IgnorePublicAcls=True)
    assert users_server.anonymous_request("GET", f"/{acl_bucket}/public").status_code == 403
    denied(bob.get_object, Bucket=acl_bucket, Key="members")
    # Public ACLs may still be written; they just do not count.
    alice.put_object(Bucket=acl_bucket, Key="later", Body=b"l", ACL="public-read")
    assert users_server.anonymous_request("GET", f"/{acl_bucket}/later").status_code == 403
    alice.delete_public_access_block(Bucket=acl_bucket)
    assert users_server.anonymous_request("GET", f"/{acl_bucket}/later").status_code == 200


def test_block_public_policy(alice, acl_bucket):
    block(alice, acl_bucket, BlockPublicPolicy=True)
    denied(alice.put_bucket_policy, Bucket=acl_bucket, Policy=public_read_policy(acl_bucket))
    private = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::000000000000:user/bob"}, "Action": "s3:GetObject",
         "Resource": f"arn:aws:s3:::{acl_bucket}/*"}]})
    alice.put_bucket_policy(Bucket=acl_bucket, Policy=private)
    assert alice.get_bucket_policy_status(Bucket=acl_bucket)["PolicyStatus"]["IsPublic"] is False


def test_restrict_public_buckets(alice, bob, users_server, acl_bucket):
    alice.put_object(Bucket=acl_bucket, Key="k", Body=b"x")
    alice.put_bucket_policy(Bucket=acl_bucket, Policy=public_read_policy(acl_bucket))
    assert users_server.anonymous_request("GET", f"/{acl_bucket}/k").status_code == 200
    assert bob.get_object(Bucket=acl_bucket, Key="k")["Body"].read() == b"x"
    block(alice, acl_bucket, RestrictPublicBuckets=True)
    assert users_server.anonymous_request("GET", f"/{acl_bucket}/k").status_code == 403
    denied(bob.get_object, Bucket=acl_bucket, Key="k")
    assert alice.get_object(Bucket=acl_bucket, Key="k")["Body"].read() == b"x"
    alice.delete_public_access_block(Bucket=acl_bucket)
    assert users_server.anonymous_request("GET", f"/{acl_bucket}/k").status_code == 200
