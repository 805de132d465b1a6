"""ACLs as S3 users write them: canned ACLs and x-amz-grant-* headers on writes, Put/GetBucketAcl and
Put/GetObjectAcl (with version ids), what grants let another user (bob) and anonymous requests do,
who owns what another user writes under each Object Ownership setting, and S3's errors."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from cairntest import ALICE, BOB, S3_NS, error_code, http_status, parse_error, run_aws, unique_name

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"


def grants(acl) -> set[tuple[str, str]]:
    """(grantee id or group URI, permission) pairs of a Get*Acl answer."""
    return {(g["Grantee"].get("ID") or g["Grantee"]["URI"], g["Permission"]) for g in acl["Grants"]}


def acl_bucket(client, ownership="ObjectWriter", **kwargs) -> str:
    name = unique_name("acl")
    client.create_bucket(Bucket=name, ObjectOwnership=ownership, **kwargs)
    return name


def expect_error(code, status, fn, *args, **kwargs):
    with pytest.raises(ClientError) as e:
        fn(*args, **kwargs)
    assert (error_code(e.value), http_status(e.value)) == (code, status), e.value.response
    return e.value


def test_new_buckets_have_acls_disabled(alice):
    name = unique_name("acl")
    alice.create_bucket(Bucket=name)
    rules = alice.get_bucket_ownership_controls(Bucket=name)["OwnershipControls"]["Rules"]
    assert rules == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    acl = alice.get_bucket_acl(Bucket=name)
    assert acl["Owner"] == {"ID": ALICE.id, "DisplayName": "alice"}
    assert acl["Grants"] == [{"Grantee": {"ID": ALICE.id, "DisplayName": "alice", "Type": "CanonicalUser"},
                              "Permission": "FULL_CONTROL"}]
    e = expect_error("AccessControlListNotSupported", 400, alice.put_bucket_acl, Bucket=name, ACL="public-read")
    assert e.response["Error"]["Message"] == "The bucket does not allow ACLs"
    expect_error("AccessControlListNotSupported", 400, alice.put_bucket_acl, Bucket=name, ACL="private")
    expect_error("AccessControlListNotSupported", 400, alice.put_object, Bucket=name, Key="k", Body=b"x", ACL="public-read")
    expect_error("AccessControlListNotSupported", 400, alice.put_object, Bucket=name, Key="k", Body=b"x",
                 GrantRead=f'id="{BOB.id}"')
    # bucket-owner-full-control (or no ACL) is what a bucket with ACLs disabled accepts.
    alice.put_object(Bucket=name, Key="k", Body=b"x", ACL="bucket-owner-full-control")
    assert grants(alice.get_object_acl(Bucket=name, Key="k")) == {(ALICE.id, "FULL_CONTROL")}
    expect_error("AccessControlListNotSupported", 400, alice.put_object_acl, Bucket=name, Key="k", ACL="public-read")


def test_create_bucket_acl_needs_acls_enabled(alice, users_server):
    e = expect_error("InvalidBucketAclWithObjectOwnership", 400, alice.create_bucket, Bucket=unique_name("acl"), ACL="public-read")
    assert e.response["Error"]["Message"] == "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting"
    alice.create_bucket(Bucket=unique_name("acl"), ACL="private")
    name = acl_bucket(alice, ACL="public-read")
    assert grants(alice.get_bucket_acl(Bucket=name)) == {(ALICE.id, "FULL_CONTROL"), (ALL_USERS, "READ")}
    alice.put_object(Bucket=name, Key="listed", Body=b"x")
    r = users_server.anonymous_request("GET", f"/{name}?list-type=2")
    assert r.status_code == 200 and b"<Key>listed</Key>" in r.content
    # READ on the bucket lists it; reading an object takes READ on the object.
    assert users_server.anonymous_request("GET", f"/{name}/listed").status_code == 403
    expect_error("InvalidArgument", 400, alice.create_bucket, Bucket=unique_name("acl"), ObjectOwnership="Nobody")
    # Grant headers on CreateBucket: bob may list it at once.
    granted = acl_bucket(alice, GrantRead=f'id="{BOB.id}"', GrantFullControl=f'id="{ALICE.id}"')
    assert grants(alice.get_bucket_acl(Bucket=granted)) == {(ALICE.id, "FULL_CONTROL"), (BOB.id, "READ")}
    bob = users_server.client(BOB)
    assert bob.list_objects_v2(Bucket=granted)["KeyCount"] == 0
    expect_error("InvalidBucketAclWithObjectOwnership", 400, alice.create_bucket, Bucket=unique_name("acl"),
                 ObjectOwnership="BucketOwnerEnforced", GrantRead=f'id="{BOB.id}"')


@pytest.mark.parametrize("canned,expected", [
    ("private", set()),
    ("public-read", {(ALL_USERS, "READ")}),
    ("public-read-write", {(ALL_USERS, "READ"), (ALL_USERS, "WRITE")}),
    ("authenticated-read", {(AUTHENTICATED, "READ")}),
    ("aws-exec-read", {("6aa5a366c34c1cbe25dc49211496e913e0351eb0e8c37aa3477e40942ec6b97c", "READ")}),
    ("bucket-owner-read", set()),
    ("bucket-owner-full-control", set()),
])
def test_canned_object_acls(alice, canned, expected):
    name = acl_bucket(alice)
    alice.put_object(Bucket=name, Key="k", Body=b"x", ACL=canned)
    acl = alice.get_object_acl(Bucket=name, Key="k")
    assert acl["Owner"]["ID"] == ALICE.id
    assert grants(acl) == {(ALICE.id, "FULL_CONTROL")} | expected


def test_object_read_grants_for_anonymous_and_other_users(alice, bob, users_server):
    name = acl_bucket(alice)
    alice.put_object(Bucket=name, Key="public", Body=b"for everyone", ACL="public-read")
    alice.put_object(Bucket=name, Key="members", Body=b"for users", ACL="authenticated-read")
    alice.put_object(Bucket=name, Key="bob", Body=b"for bob", GrantRead=f'id="{BOB.id}"')
    alice.put_object(Bucket=name, Key="private", Body=b"mine")
    anon = users_server.anonymous_request
    r = anon("GET", f"/{name}/public")
    assert r.status_code == 200 and r.content == b"for everyone"
    assert anon("HEAD", f"/{name}/public").status_code == 200
    assert anon("GET", f"/{name}/members").status_code == 403
    assert bob.get_object(Bucket=name, Key="members")["Body"].read() == b"for users"
    assert bob.get_object(Bucket=name, Key="bob")["Body"].read() == b"for bob"
    assert anon("GET", f"/{name}/bob").status_code == 403
    expect_error("AccessDenied", 403, bob.get_object, Bucket=name, Key="private")
    # READ is not READ_ACP or WRITE_ACP, nor a right to overwrite.
    expect_error("AccessDenied", 403, bob.get_object_acl, Bucket=name, Key="bob")
    expect_error("AccessDenied", 403, bob.put_object_acl, Bucket=name, Key="bob", ACL="public-read")
    expect_error("AccessDenied", 403, bob.put_object, Bucket=name, Key="bob", Body=b"mine now")
    acl = alice.get_object_acl(Bucket=name, Key="bob")
    assert {"Grantee": {"ID": BOB.id, "DisplayName": "bob", "Type": "CanonicalUser"}, "Permission": "READ"} in acl["Grants"]
    # Grants for ACP: bob may then read and change the ACL.
    alice.put_object_acl(Bucket=name, Key="bob", GrantReadACP=f'id="{BOB.id}"', GrantWriteACP=f'id="{BOB.id}"')
    assert grants(bob.get_object_acl(Bucket=name, Key="bob")) == {(BOB.id, "READ_ACP"), (BOB.id, "WRITE_ACP")}
    bob.put_object_acl(Bucket=name, Key="bob", ACL="public-read")
    assert anon("GET", f"/{name}/bob").status_code == 200


def test_grant_header_errors(alice):
    name = acl_bucket(alice)
    e = expect_error("InvalidArgument", 400, alice.put_object, Bucket=name, Key="k", Body=b"x", GrantRead='id="no-such-user"')
    assert e.response["Error"]["Message"] == "Invalid id"
    expect_error("UnresolvableGrantByEmailAddress", 400, alice.put_object, Bucket=name, Key="k", Body=b"x",
                 GrantRead='emailAddress="bob@example.com"')
    e = expect_error("InvalidRequest", 400, alice.put_object, Bucket=name, Key="k", Body=b"x", ACL="private",
                     GrantRead=f'id="{BOB.id}"')
    assert e.response["Error"]["Message"] == "Specifying both Canned ACLs and Header Grants is not allowed"
    expect_error("InvalidArgument", 400, alice.put_object, Bucket=name, Key="k", Body=b"x", GrantRead="bob")
    expect_error("InvalidArgument", 400, alice.put_object, Bucket=name, Key="k", Body=b"x", GrantRead='uri="http://example.com/g"')


def test_invalid_canned_acl_names_the_header(alice, users_server):
    name = acl_bucket(alice)
    r = users_server.signed_request("PUT", f"/{name}/k", user=ALICE, headers={"x-amz-acl": "privat"}, body=b"x")
    assert r.status_code == 400
    err = parse_error(r.content)
    assert err["Code"] == "InvalidArgument" and err["Message"] == ""
    assert err["ArgumentName"] == "x-amz-acl" and err["ArgumentValue"] == "privat"


def test_put_object_acl_xml_per_version(alice, users_server):
    name = acl_bucket(alice)
    alice.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    v1 = alice.put_object(Bucket=name, Key="k", Body=b"one")["VersionId"]
    v2 = alice.put_object(Bucket=name, Key="k", Body=b"two")["VersionId"]
    policy = {"Owner": {"ID": ALICE.id}, "Grants": [
        {"Grantee": {"Type": "CanonicalUser", "ID": ALICE.id}, "Permission": "FULL_CONTROL"},
        {"Grantee": {"Type": "Group", "URI": ALL_USERS}, "Permission": "READ"}]}
    r = alice.put_object_acl(Bucket=name, Key="k", VersionId=v1, AccessControlPolicy=policy)
    assert r["ResponseMetadata"]["HTTPHeaders"]["x-amz-version-id"] == v1
    assert grants(alice.get_object_acl(Bucket=name, Key="k", VersionId=v1)) == {(ALICE.id, "FULL_CONTROL"), (ALL_USERS, "READ")}
    assert grants(alice.get_object_acl(Bucket=name, Key="k")) == {(ALICE.id, "FULL_CONTROL")}
    anon = users_server.anonymous_request
    r = anon("GET", f"/{name}/k", params={"versionId": v1})
    assert r.status_code == 200 and r.content == b"one"
    assert anon("GET", f"/{name}/k", params={"versionId": v2}).status_code == 403
    assert anon("GET", f"/{name}/k").status_code == 403
    # The written XML has S3's shape: xsi:type on each Grantee.
    r = users_server.signed_request("GET", f"/{name}/k", query=f"acl=&versionId={v1}", user=ALICE)
    assert b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Group"' in r.content
    assert r.content.count(b"<Grant>") == 2


@pytest.mark.parametrize("body,code", [
    (b"<AccessControlPolicy><Owner><ID>x</ID></Owner", "MalformedACLError"),
    (b"<AccessControlPolicy><AccessControlList/></AccessControlPolicy>", "MalformedACLError"),
    (b"<AccessControlPolicy><Owner><ID>OWNER</ID></Owner><AccessControlList><Grant><Grantee "
     b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><ID>OWNER</ID></Grantee>'
     b"<Permission>EVERYTHING</Permission></Grant></AccessControlList></AccessControlPolicy>", "MalformedACLError"),
    (b"<AccessControlPolicy><Owner><ID>OWNER</ID></Owner><AccessControlList><Grant><Grantee "
     b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="AmazonCustomerByEmail"><EmailAddress>a@b.c'
     b"</EmailAddress></Grantee><Permission>READ</Permission></Grant></AccessControlList></AccessControlPolicy>",
     "UnresolvableGrantByEmailAddress"),
    (b"", "MalformedACLError"),
])
def test_malformed_acl_bodies(alice, users_server, body, code):
    name = acl_bucket(alice)
    body = body.replace(b"OWNER", ALICE.id.encode())
    r = users_server.signed_request("PUT", f"/{name}", query="acl=", user=ALICE, body=body)
    assert r.status_code == 400 and parse_error(r.content)["Code"] == code


def test_acl_body_and_headers_together_and_foreign_owner(alice, users_server):
    name = acl_bucket(alice)
    body = (f"<AccessControlPolicy><Owner><ID>{ALICE.id}</ID></Owner><AccessControlList/></AccessControlPolicy>").encode()
    r = users_server.signed_request("PUT", f"/{name}", query="acl=", user=ALICE, body=body, headers={"x-amz-acl": "private"})
    assert r.status_code == 400 and parse_error(r.content)["Code"] == "UnexpectedContent"
    expect_error("AccessDenied", 403, alice.put_bucket_acl, Bucket=name,
                 AccessControlPolicy={"Owner": {"ID": BOB.id}, "Grants": []})


def test_bucket_grants_let_others_list_and_write(alice, bob, users_server):
    name = acl_bucket(alice)
    expect_error("AccessDenied", 403, bob.list_objects_v2, Bucket=name)
    expect_error("AccessDenied", 403, bob.put_object, Bucket=name, Key="from-bob", Body=b"b")
    alice.put_bucket_acl(Bucket=name, GrantRead=f'id="{BOB.id}"', GrantWrite=f'id="{BOB.id}"',
                         GrantFullControl=f'id="{ALICE.id}"')
    assert grants(alice.get_bucket_acl(Bucket=name)) == {(ALICE.id, "FULL_CONTROL"), (BOB.id, "READ"), (BOB.id, "WRITE")}
    expect_error("AccessDenied", 403, bob.get_bucket_acl, Bucket=name)
    bob.put_object(Bucket=name, Key="from-bob", Body=b"b")
    assert [o["Key"] for o in bob.list_objects_v2(Bucket=name)["Contents"]] == ["from-bob"]
    # ObjectWriter: bob owns what he wrote; the bucket owner cannot read it without a grant,
    # but may delete it.
    owners = {o["Key"]: o["Owner"]["ID"] for o in alice.list_objects_v2(Bucket=name, FetchOwner=True)["Contents"]}
    assert owners == {"from-bob": BOB.id}
    assert bob.get_object_acl(Bucket=name, Key="from-bob")["Owner"]["ID"] == BOB.id
    expect_error("AccessDenied", 403, alice.get_object, Bucket=name, Key="from-bob")
    bob.put_object(Bucket=name, Key="shared", Body=b"s", ACL="bucket-owner-full-control")
    assert alice.get_object(Bucket=name, Key="shared")["Body"].read() == b"s"
    assert grants(alice.get_object_acl(Bucket=name, Key="shared")) == {(BOB.id, "FULL_CONTROL"), (ALICE.id, "FULL_CONTROL")}
    alice.delete_object(Bucket=name, Key="from-bob")
    # A public-read-write bucket takes anonymous writes.
    alice.put_bucket_acl(Bucket=name, ACL="public-read-write")
    assert users_server.anonymous_request("PUT", f"/{name}/anon", data=b"a").status_code == 200


def test_bucket_owner_preferred(alice, bob):
    name = acl_bucket(alice, ownership="BucketOwnerPreferred")
    alice.put_bucket_acl(Bucket=name, GrantWrite=f'id="{BOB.id}"')
    bob.put_object(Bucket=name, Key="given", Body=b"g", ACL="bucket-owner-full-control")
    bob.put_object(Bucket=name, Key="kept", Body=b"k")
    owners = {o["Key"]: o["Owner"]["ID"] for o in alice.list_objects_v2(Bucket=name, FetchOwner=True)["Contents"]}
    assert owners == {"given": ALICE.id, "kept": BOB.id}
    assert alice.get_object(Bucket=name, Key="given")["Body"].read() == b"g"
    expect_error("AccessDenied", 403, alice.get_object, Bucket=name, Key="kept")


def test_ownership_controls_operations(alice, users_server):
    name = acl_bucket(alice)
    assert alice.get_bucket_ownership_controls(Bucket=name)["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "ObjectWriter"}]
    alice.put_object(Bucket=name, Key="k", Body=b"x", ACL="public-read")
    assert users_server.anonymous_request("GET", f"/{name}/k").status_code == 200
    alice.put_bucket_acl(Bucket=name, ACL="public-read")
    # ACLs can be disabled only once the bucket's own ACL is private.
    expect_error("InvalidBucketAclWithObjectOwnership", 400, alice.put_bucket_ownership_controls, Bucket=name,
                 OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]})
    alice.put_bucket_acl(Bucket=name, ACL="private")
    alice.put_bucket_ownership_controls(Bucket=name, OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]})
    # With ACLs disabled the object's public-read no longer counts, and reads show the owner only.
    assert users_server.anonymous_request("GET", f"/{name}/k").status_code == 403
    assert grants(alice.get_object_acl(Bucket=name, Key="k")) == {(ALICE.id, "FULL_CONTROL")}
    alice.delete_bucket_ownership_controls(Bucket=name)
    e = expect_error("OwnershipControlsNotFoundError", 404, alice.get_bucket_ownership_controls, Bucket=name)
    assert e.response["Error"]["Message"] == "The bucket ownership controls were not found"
    # Without controls the bucket behaves as ObjectWriter: the object's ACL counts again.
    assert users_server.anonymous_request("GET", f"/{name}/k").status_code == 200
    bad = b"<OwnershipControls><Rule><ObjectOwnership>Nobody</ObjectOwnership></Rule></OwnershipControls>"
    r = users_server.signed_request("PUT", f"/{name}", query="ownershipControls=", user=ALICE, body=bad)
    assert r.status_code == 400 and parse_error(r.content)["Code"] == "MalformedXML"


def test_multipart_and_copy_take_their_own_acl(alice, users_server):
    name = acl_bucket(alice)
    upload = alice.create_multipart_upload(Bucket=name, Key="mp", ACL="public-read")["UploadId"]
    etag = alice.upload_part(Bucket=name, Key="mp", UploadId=upload, PartNumber=1, Body=b"part")["ETag"]
    assert users_server.anonymous_request("GET", f"/{name}/mp").status_code == 403
    alice.complete_multipart_upload(Bucket=name, Key="mp", UploadId=upload,
                                    MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]})
    r = users_server.anonymous_request("GET", f"/{name}/mp")
    assert r.status_code == 200 and r.content == b"part"
    # A copy does not take the source's ACL: it gets the request's, or the default.
    alice.copy_object(Bucket=name, Key="copy-private", CopySource={"Bucket": name, "Key": "mp"})
    assert users_server.anonymous_request("GET", f"/{name}/copy-private").status_code == 403
    alice.copy_object(Bucket=name, Key="copy-public", CopySource={"Bucket": name, "Key": "mp"}, ACL="public-read")
    assert users_server.anonymous_request("GET", f"/{name}/copy-public").status_code == 200


def test_aws_cli_acl_commands(alice, users_server, tmp_path):
    name = acl_bucket(alice)
    work = tmp_path / "cli"
    work.mkdir()

    def aws(*args, user=ALICE):
        return run_aws(users_server, [str(a) for a in args] + ["--output", "json"], workdir=work, user=user)

    import json
    aws("s3api", "put-bucket-acl", "--bucket", name, "--grant-read", f"uri={AUTHENTICATED}", "--grant-full-control", f"id={ALICE.id}")
    acl = json.loads(aws("s3api", "get-bucket-acl", "--bucket", name).stdout)
    assert grants(acl) == {(ALICE.id, "FULL_CONTROL"), (AUTHENTICATED, "READ")}
    (work / "f.txt").write_bytes(b"file")
    aws("s3api", "put-object", "--bucket", name, "--key", "f.txt", "--body", "f.txt", "--acl", "public-read")
    acl = json.loads(aws("s3api", "get-object-acl", "--bucket", name, "--key", "f.txt").stdout)
    assert grants(acl) == {(ALICE.id, "FULL_CONTROL"), (ALL_USERS, "READ")}
    assert acl["Owner"]["DisplayName"] == "alice"
    aws("s3api", "put-object-acl", "--bucket", name, "--key", "f.txt", "--acl", "private")
    assert users_server.anonymous_request("GET", f"/{name}/f.txt").status_code == 403
    # bob is an authenticated user: READ on the bucket lets him list it with the CLI.
    listing = json.loads(aws("s3api", "list-objects-v2", "--bucket", name, user=BOB).stdout)
    assert [o["Key"] for o in listing["Contents"]] == ["f.txt"]


def test_policy_condition_on_acl_headers(alice, bob):
    import json
    name = acl_bucket(alice)
    doc = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::000000000000:user/bob"}, "Action": "s3:PutObject",
         "Resource": f"arn:aws:s3:::{name}/*", "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}},
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::000000000000:user/bob"}, "Action": "s3:PutObject",
         "Resource": f"arn:aws:s3:::{name}/granted/*",
         "Condition": {"StringEquals": {"s3:x-amz-grant-full-control": f'id="{ALICE.id}"'}}}]}
    alice.put_bucket_policy(Bucket=name, Policy=json.dumps(doc))
    expect_error("AccessDenied", 403, bob.put_object, Bucket=name, Key="k", Body=b"x")
    bob.put_object(Bucket=name, Key="k", Body=b"x", ACL="bucket-owner-full-control")
    bob.put_object(Bucket=name, Key="granted/k", Body=b"x", GrantFullControl=f'id="{ALICE.id}"')
    assert alice.get_object(Bucket=name, Key="granted/k")["Body"].read() == b"x"
