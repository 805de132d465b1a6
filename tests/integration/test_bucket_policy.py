"""Bucket policies as S3 users write them: public reads, another user's access, explicit denies,
conditions on the source address and the listing prefix, anonymous requests, and the policy
operations themselves (Put/Get/Delete, status, MalformedPolicy)."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from cairntest import error_code, http_status, unique_name


def arn(bucket: str, key: str | None = None) -> str:
    return f"arn:aws:s3:::{bucket}" + (f"/{key}" if key is not None else "")


def put_policy(client, bucket, *statements):
    client.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": list(statements)}))


@pytest.fixture
def shared(alice):
    name = unique_name("pol")
    alice.create_bucket(Bucket=name)
    alice.put_object(Bucket=name, Key="public/cat.jpg", Body=b"meow")
    alice.put_object(Bucket=name, Key="private/diary.txt", Body=b"secret")
    return name


def test_policy_operations_and_status(alice, shared):
    with pytest.raises(ClientError) as e:
        alice.get_bucket_policy(Bucket=shared)
    assert error_code(e.value) == "NoSuchBucketPolicy" and http_status(e.value) == 404
    doc = {"Version": "2012-10-17", "Statement": [
        {"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": arn(shared, "public/*")}]}
    text = json.dumps(doc, indent=2)
    alice.put_bucket_policy(Bucket=shared, Policy=text)
    assert alice.get_bucket_policy(Bucket=shared)["Policy"] == text
    assert alice.get_bucket_policy_status(Bucket=shared)["PolicyStatus"]["IsPublic"] is True
    alice.delete_bucket_policy(Bucket=shared)
    with pytest.raises(ClientError) as e:
        alice.get_bucket_policy(Bucket=shared)
    assert error_code(e.value) == "NoSuchBucketPolicy"


@pytest.mark.parametrize("statement,message", [
    ({"Effect": "Allow", "Principal": "*", "Action": "s3:Fly", "Resource": "arn:aws:s3:::B/*"}, "Policy has invalid action"),
    ({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::elsewhere/*"}, "Policy has invalid resource"),
    ({"Effect": "Allow", "Principal": {"AWS": "nobody"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::B/*"}, "Invalid principal in policy"),
])
def test_malformed_policies_are_refused(alice, shared, statement, message):
    statement = json.loads(json.dumps(statement).replace("arn:aws:s3:::B", arn(shared)))
    with pytest.raises(ClientError) as e:
        put_policy(alice, shared, statement)
    assert error_code(e.value) == "MalformedPolicy" and http_status(e.value) == 400
    assert e.value.response["Error"]["Message"] == message
    with pytest.raises(ClientError) as e:
        alice.put_bucket_policy(Bucket=shared, Policy="not json")
    assert error_code(e.value) == "MalformedPolicy"


def test_public_read_lets_anonymous_get_and_nothing_else(users_server, alice, shared):
    put_policy(alice, shared, {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": arn(shared, "public/*")})
    r = users_server.anonymous_request("GET", f"/{shared}/public/cat.jpg")
    assert r.status_code == 200 and r.content == b"meow"
    assert users_server.anonymous_request("GET", f"/{shared}/private/diary.txt").status_code == 403
    assert users_server.anonymous_request("PUT", f"/{shared}/public/new", data=b"x").status_code == 403
    assert users_server.anonymous_request("GET", f"/{shared}").status_code == 403
    # A missing key is 403 to whoever may not list the bucket, 404 to whoever may.
    assert users_server.anonymous_request("GET", f"/{shared}/public/missing").status_code == 403
    put_policy(alice, shared,
               {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": arn(shared, "public/*")},
               {"Effect": "Allow", "Principal": "*", "Action": "s3:ListBucket", "Resource": arn(shared)})
    r = users_server.anonymous_request("GET", f"/{shared}/public/missing")
    assert r.status_code == 404 and b"<Code>NoSuchKey</Code>" in r.content
    # An anonymous request to a bucket that does not exist: 404 NoSuchBucket, as S3 answers.
    r = users_server.anonymous_request("GET", f"/{unique_name('nobucket')}/k")
    assert r.status_code == 404 and b"<Code>NoSuchBucket</Code>" in r.content


def test_another_user_by_arn_and_an_explicit_deny(alice, bob, shared):
    with pytest.raises(ClientError) as e:
        bob.get_object(Bucket=shared, Key="public/cat.jpg")
    assert http_status(e.value) == 403
    put_policy(alice, shared,
               {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:user/bob"}, "Action": ["s3:GetObject", "s3:PutObject"],
                "Resource": arn(shared, "*")},
               {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": arn(shared, "private/*")})
    assert bob.get_object(Bucket=shared, Key="public/cat.jpg")["Body"].read() == b"meow"
    bob.put_object(Bucket=shared, Key="public/from-bob", Body=b"hi")
    with pytest.raises(ClientError) as e:
        bob.get_object(Bucket=shared, Key="private/diary.txt")
    assert http_status(e.value) == 403
    # The explicit Deny binds the owner too, except for the policy operations themselves.
    with pytest.raises(ClientError) as e:
        alice.get_object(Bucket=shared, Key="private/diary.txt")
    assert http_status(e.value) == 403
    alice.delete_bucket_policy(Bucket=shared)
    assert alice.get_object(Bucket=shared, Key="private/diary.txt")["Body"].read() == b"secret"


def test_conditions_on_source_ip_and_listing_prefix(alice, bob, shared):
    put_policy(alice, shared,
               {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:user/bob"}, "Action": "s3:ListBucket",
                "Resource": arn(shared), "Condition": {"StringLike": {"s3:prefix": "public/*"}, "IpAddress": {"aws:SourceIp": "127.0.0.0/8"}}})
    assert [o["Key"] for o in bob.list_objects_v2(Bucket=shared, Prefix="public/")["Contents"]] == ["public/cat.jpg"]
    with pytest.raises(ClientError) as e:
        bob.list_objects_v2(Bucket=shared, Prefix="private/")
    assert http_status(e.value) == 403
    put_policy(alice, shared,
               {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:user/bob"}, "Action": "s3:ListBucket",
                "Resource": arn(shared), "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}})
    with pytest.raises(ClientError) as e:
        bob.list_objects_v2(Bucket=shared, Prefix="public/")
    assert http_status(e.value) == 403


def test_the_aws_cli_puts_and_gets_a_policy(users_server, alice, shared, tmp_path):
    from cairntest import run_aws
    policy = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": arn(shared, "public/*")}]}
    (tmp_path / "p.json").write_text(json.dumps(policy))
    from cairntest import ALICE
    run_aws(users_server, ["s3api", "put-bucket-policy", "--bucket", shared, "--policy", f"file://{tmp_path / 'p.json'}"],
            user=ALICE, workdir=tmp_path)
    assert users_server.anonymous_request("GET", f"/{shared}/public/cat.jpg").status_code == 200


def test_a_write_that_sets_tags_also_needs_put_object_tagging(alice, bob, shared):
    bob_arn = {"AWS": "arn:aws:iam::123456789012:user/bob"}
    put_policy(alice, shared, {"Effect": "Allow", "Principal": bob_arn, "Action": "s3:PutObject", "Resource": arn(shared, "*")})
    bob.put_object(Bucket=shared, Key="plain", Body=b"x")
    with pytest.raises(ClientError) as e:
        bob.put_object(Bucket=shared, Key="tagged", Body=b"x", Tagging="k=v")
    assert http_status(e.value) == 403
    put_policy(alice, shared, {"Effect": "Allow", "Principal": bob_arn, "Action": ["s3:PutObject", "s3:PutObjectTagging"],
                               "Resource": arn(shared, "*")})
    bob.put_object(Bucket=shared, Key="tagged", Body=b"x", Tagging="k=v")
    assert alice.get_object_tagging(Bucket=shared, Key="tagged")["TagSet"] == [{"Key": "k", "Value": "v"}]


def test_a_policy_over_20_kb_is_a_malformed_policy(alice, shared):
    statements = [{"Sid": f"s{i:04d}", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                   "Resource": arn(shared, f"public/{i:04d}/*")} for i in range(200)]
    with pytest.raises(ClientError) as e:
        put_policy(alice, shared, *statements)
    assert error_code(e.value) == "MalformedPolicy" and http_status(e.value) == 400
