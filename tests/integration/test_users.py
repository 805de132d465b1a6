"""Several users from a --users file: ownership, isolation, Owner fields."""

import pytest
import requests
from botocore.exceptions import ClientError

from cairntest import ALICE, BOB, error_code, http_status


@pytest.fixture
def alices_bucket(alice):
    alice.create_bucket(Bucket="alice-private")
    alice.put_object(Bucket="alice-private", Key="diary.txt", Body=b"dear diary")
    return "alice-private"


def test_list_buckets_shows_only_own_buckets_with_owner_from_users_file(alice, bob):
    alice.create_bucket(Bucket="alice-one")
    alice.create_bucket(Bucket="alice-two")
    bob.create_bucket(Bucket="bob-one")

    a = alice.list_buckets()
    assert [b["Name"] for b in a["Buckets"]] == ["alice-one", "alice-two"]
    assert a["Owner"] == {"ID": ALICE.id, "DisplayName": ALICE.display_name}

    b = bob.list_buckets()
    assert [x["Name"] for x in b["Buckets"]] == ["bob-one"]
    assert b["Owner"] == {"ID": BOB.id, "DisplayName": BOB.display_name}


def test_other_user_head_bucket_gives_403(bob, alices_bucket):
    with pytest.raises(ClientError) as e:
        bob.head_bucket(Bucket=alices_bucket)
    assert http_status(e.value) == 403


@pytest.mark.parametrize("operation", [
    lambda c, b: c.get_object(Bucket=b, Key="diary.txt"),
    lambda c, b: c.put_object(Bucket=b, Key="graffiti.txt", Body=b"bob was here"),
    lambda c, b: c.put_object(Bucket=b, Key="diary.txt", Body=b"overwritten"),
    lambda c, b: c.list_objects_v2(Bucket=b),
    lambda c, b: c.list_objects(Bucket=b),
    lambda c, b: c.list_object_versions(Bucket=b),
    lambda c, b: c.delete_object(Bucket=b, Key="diary.txt"),
    lambda c, b: c.delete_objects(Bucket=b, Delete={"Objects": [{"Key": "diary.txt"}]}),
    lambda c, b: c.delete_bucket(Bucket=b),
    lambda c, b: c.get_bucket_location(Bucket=b),
    lambda c, b: c.copy_object(Bucket=b, Key="copy.txt",
                               CopySource={"Bucket": b, "Key": "diary.txt"}),
], ids=["GetObject", "PutObject-new", "PutObject-overwrite", "ListObjectsV2", "ListObjects",
        "ListObjectVersions", "DeleteObject", "DeleteObjects", "DeleteBucket",
        "GetBucketLocation", "CopyObject"])
def test_other_user_gets_AccessDenied_on_bucket_and_objects(alice, bob, alices_bucket, operation):
    with pytest.raises(ClientError) as e:
        operation(bob, alices_bucket)
    assert error_code(e.value) == "AccessDenied"
    assert http_status(e.value) == 403
    # alice's data is untouched
    assert alice.get_object(Bucket=alices_bucket, Key="diary.txt")["Body"].read() == b"dear diary"
    assert [o["Key"] for o in alice.list_objects_v2(Bucket=alices_bucket)["Contents"]] == ["diary.txt"]


def test_other_user_head_object_gives_403(bob, alices_bucket):
    with pytest.raises(ClientError) as e:
        bob.head_object(Bucket=alices_bucket, Key="diary.txt")
    assert http_status(e.value) == 403


def test_copy_from_other_users_bucket_into_own_bucket_gives_AccessDenied(bob, alices_bucket):
    bob.create_bucket(Bucket="bob-loot")
    with pytest.raises(ClientError) as e:
        bob.copy_object(Bucket="bob-loot", Key="stolen.txt",
                        CopySource={"Bucket": alices_bucket, "Key": "diary.txt"})
    assert error_code(e.value) == "AccessDenied"
    assert bob.list_objects_v2(Bucket="bob-loot")["KeyCount"] == 0


def test_copy_from_own_bucket_into_other_users_bucket_gives_AccessDenied(alice, bob, alices_bucket):
    bob.create_bucket(Bucket="bob-source")
    bob.put_object(Bucket="bob-source", Key="gift.txt", Body=b"gift")
    with pytest.raises(ClientError) as e:
        bob.copy_object(Bucket=alices_bucket, Key="gift.txt",
                        CopySource={"Bucket": "bob-source", "Key": "gift.txt"})
    assert error_code(e.value) == "AccessDenied"


def test_upload_part_copy_from_other_users_bucket_gives_AccessDenied_and_keeps_the_upload_empty(bob, alices_bucket):
    bob.create_bucket(Bucket="bob-parts")
    up = bob.create_multipart_upload(Bucket="bob-parts", Key="assembled")["UploadId"]
    with pytest.raises(ClientError) as e:
        bob.upload_part_copy(Bucket="bob-parts", Key="assembled", UploadId=up, PartNumber=1,
                             CopySource={"Bucket": alices_bucket, "Key": "diary.txt"})
    assert error_code(e.value) == "AccessDenied"
    assert "Parts" not in bob.list_parts(Bucket="bob-parts", Key="assembled", UploadId=up)


def test_presigned_url_of_other_user_for_foreign_bucket_gives_AccessDenied(bob, alices_bucket):
    url = bob.generate_presigned_url("get_object",
                                     Params={"Bucket": alices_bucket, "Key": "diary.txt"})
    resp = requests.get(url, timeout=30)
    assert resp.status_code == 403
    assert b"<Code>AccessDenied</Code>" in resp.content


def test_object_owner_is_the_uploader(alice):
    alice.create_bucket(Bucket="owned")
    alice.put_object(Bucket="owned", Key="k", Body=b"x")
    entry = alice.list_objects(Bucket="owned")["Contents"][0]
    assert entry["Owner"]["ID"] == ALICE.id
    assert entry["Owner"]["DisplayName"] == ALICE.display_name


def test_users_file_secret_is_checked_per_user(users_server):
    # alice's access key with bob's secret must not authenticate
    mixed = users_server.client(access_key=ALICE.access_key, secret_key=BOB.secret_key)
    with pytest.raises(ClientError) as e:
        mixed.list_buckets()
    assert error_code(e.value) == "SignatureDoesNotMatch"
