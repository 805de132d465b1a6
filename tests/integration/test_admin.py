"""`cairn admin` against a live server: users and keys kept in the metadata store (a key created
through the admin API signs boto3 requests at once, a disabled key is InvalidAccessKeyId), the
admin API's authentication, bucket usage, uploads list / abort, quotas, and the storage metrics
after known operations."""

from __future__ import annotations

import json
import os
import subprocess
import time

import pytest
import requests
from botocore.exceptions import ClientError

from cairntest import ADMIN, ALICE, BOB, CAIRN_BIN, KiB, User, error_code, free_port, http_status, unique_name
from test_metrics import parse_metrics, sample

MIN_PART = 1 * KiB


class Admin:
    """A server with an admin listener, and `cairn admin` pointed at it."""

    def __init__(self, srv, admin_port: int, user: User):
        self.srv, self.port, self.user = srv, admin_port, user
        self.endpoint = f"http://127.0.0.1:{admin_port}"

    def run(self, *args: str, user: User | None = None, check: bool = True) -> subprocess.CompletedProcess:
        user = user or self.user
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "CAIRN_"))}
        env.update(AWS_ACCESS_KEY_ID=user.access_key, AWS_SECRET_ACCESS_KEY=user.secret_key,
                   AWS_CONFIG_FILE="/nonexistent", AWS_SHARED_CREDENTIALS_FILE="/nonexistent")
        p = subprocess.run([CAIRN_BIN, "admin", *args, "--endpoint", self.endpoint], capture_output=True,
                           text=True, env=env, timeout=60)
        if check:
            assert p.returncode == 0, f"cairn admin {' '.join(args)}: {p.returncode}\n{p.stdout}\n{p.stderr}"
        return p

    def json(self, *args: str, **kw):
        return json.loads(self.run(*args, "--json", **kw).stdout)

    def scrape(self) -> dict:
        r = requests.get(self.endpoint + "/metrics", timeout=10)
        assert r.status_code == 200, r.text
        return parse_metrics(r.text)

    def wait_until_healthy(self) -> None:
        deadline = time.monotonic() + 10
        while True:
            try:
                if requests.get(self.endpoint + "/health", timeout=5).status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            assert time.monotonic() < deadline, "no /health"
            time.sleep(0.02)


@pytest.fixture
def start_admin(start_server):
    def _start(*extra: str, users=None) -> Admin:
        port = free_port()
        srv = start_server(users=users, min_part_size=MIN_PART,
                           extra_args=["--admin-address", f"127.0.0.1:{port}", *extra])
        admin = Admin(srv, port, ADMIN if users is None else users[0])
        admin.wait_until_healthy()
        return admin
    return _start


@pytest.fixture
def admin(start_admin) -> Admin:
    return start_admin()


def key_user(key: dict) -> User:
    return User(key["accessKey"], key["secretKey"])


def test_created_key_signs_boto3_requests_at_once_and_disabled_key_is_InvalidAccessKeyId(admin):
    user = admin.json("user", "add", "carol")
    assert user["name"] == "carol" and user["admin"] is False and len(user["id"]) == 64
    key = admin.json("key", "create", "carol")
    assert key["userName"] == "carol" and key["enabled"] and len(key["secretKey"]) == 40

    s3 = admin.srv.client(key_user(key))
    bucket = unique_name("carol")
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="k", Body=b"hello")
    owner = s3.list_buckets()["Owner"]
    assert owner == {"ID": user["id"], "DisplayName": "carol"}

    # Listed without the secret, shown once.
    listed = admin.json("key", "list", "--user", "carol")["keys"]
    assert [k["accessKey"] for k in listed] == [key["accessKey"]]
    assert "secretKey" not in listed[0]
    table = admin.run("key", "list").stdout
    assert key["accessKey"] in table and key["secretKey"] not in table

    admin.run("key", "disable", key["accessKey"])
    with pytest.raises(ClientError) as e:
        s3.head_object(Bucket=bucket, Key="k")
    assert http_status(e.value) == 403
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="k")
    assert error_code(e.value) == "InvalidAccessKeyId"
    assert admin.json("key", "list", "--user", "carol")["keys"][0]["enabled"] is False

    admin.run("key", "enable", key["accessKey"])
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"hello"

    # A user who owns buckets stays; its keys go with it once the buckets are gone.
    p = admin.run("user", "remove", "carol", check=False)
    assert p.returncode == 254 and "Conflict" in p.stderr
    s3.delete_object(Bucket=bucket, Key="k")
    s3.delete_bucket(Bucket=bucket)
    admin.run("key", "delete", key["accessKey"])
    with pytest.raises(ClientError) as e:
        s3.list_buckets()
    assert error_code(e.value) == "InvalidAccessKeyId"
    admin.run("user", "remove", "carol")
    assert "carol" not in [u["name"] for u in admin.json("user", "list")["users"]]


def test_stored_keys_survive_a_restart_and_the_configured_pair_is_an_admin(admin):
    admin.json("user", "add", "dave", "--admin")
    key = admin.json("key", "create", "dave")
    admin.srv.restart()
    admin.wait_until_healthy()
    dave = key_user(key)
    admin.srv.client(dave).list_buckets()
    # dave is an admin: it may use the admin API itself.
    names = [u["name"] for u in admin.json("user", "list", user=dave)["users"]]
    assert names == sorted(names) and {"dave", ADMIN.access_key} <= set(names)


def test_admin_api_refuses_anonymous_non_admin_and_wrongly_signed_requests(start_admin):
    admin = start_admin(users=[User(ALICE.access_key, ALICE.secret_key, ALICE.id, ALICE.display_name), BOB])
    # Nobody in the users file is an admin: the file must say so.
    r = requests.get(admin.endpoint + "/admin/v1/users", timeout=10)
    assert r.status_code == 401 and r.json()["error"]["code"] == "AccessDenied"
    p = admin.run("user", "list", check=False)
    assert p.returncode == 254 and "AccessDenied" in p.stderr
    p = admin.run("user", "list", user=User(ALICE.access_key, "wrong-secret"), check=False)
    assert p.returncode == 254 and "SignatureDoesNotMatch" in p.stderr
    p = admin.run("user", "list", user=User("NOSUCHKEY0000000000", "x"), check=False)
    assert p.returncode == 254 and "InvalidAccessKeyId" in p.stderr


def test_users_file_admin_flag_and_import(start_server, tmp_path):
    port = free_port()
    users = tmp_path / "users.json"
    users.write_text(json.dumps({"users": [
        {"accessKey": ALICE.access_key, "secretKey": ALICE.secret_key, "id": ALICE.id,
         "displayName": ALICE.display_name, "admin": True},
        {"accessKey": BOB.access_key, "secretKey": BOB.secret_key, "id": BOB.id, "displayName": BOB.display_name}]}))
    srv = start_server(extra_args=["--users", str(users), "--admin-address", f"127.0.0.1:{port}"])
    admin = Admin(srv, port, ALICE)
    admin.wait_until_healthy()
    listed = {u["name"]: u for u in admin.json("user", "list")["users"]}
    assert listed["alice"]["admin"] is True and listed["alice"]["id"] == ALICE.id
    assert listed["bob"]["admin"] is False
    keys = {k["accessKey"]: k for k in admin.json("key", "list")["keys"]}
    assert set(keys) == {ALICE.access_key, BOB.access_key}
    # The imported key signs as before, and the admin API can disable it.
    bob = srv.client(BOB)
    bob.list_buckets()
    admin.run("key", "disable", BOB.access_key)
    with pytest.raises(ClientError) as e:
        bob.list_buckets()
    assert error_code(e.value) == "InvalidAccessKeyId"


def test_bucket_info_and_storage_metrics_follow_known_operations(admin):
    s3 = admin.srv.client(request_checksum_calculation="when_required")
    bucket = unique_name("usage")
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="a", Body=b"x" * 1000)
    s3.put_object(Bucket=bucket, Key="b", Body=b"y" * 500)
    s3.put_object(Bucket=bucket, Key="a", Body=b"z" * 700)  # replaces 1000 bytes: the blob is freed
    upload = s3.create_multipart_upload(Bucket=bucket, Key="big")["UploadId"]
    s3.upload_part(Bucket=bucket, Key="big", UploadId=upload, PartNumber=1, Body=b"p" * 2048)
    s3.upload_part(Bucket=bucket, Key="big", UploadId=upload, PartNumber=2, Body=b"q" * 100)

    info = admin.json("bucket", "info", bucket)
    assert (info["objects"], info["bytes"]) == (2, 1200)
    assert (info["uploads"], info["parts"], info["partBytes"]) == (1, 2, 2148)
    assert info["ownerName"] == ADMIN.access_key and info.get("versioning") is None and info["oldestUpload"]
    table = admin.run("bucket", "list").stdout
    assert bucket in table.split()

    m = admin.scrape()
    assert sample(m, "cairn_bucket_objects", bucket=bucket) == 2
    assert sample(m, "cairn_bucket_bytes", bucket=bucket) == 1200
    assert sample(m, "cairn_multipart_uploads", bucket=bucket) == 1
    assert sample(m, "cairn_multipart_parts", bucket=bucket) == 2
    assert sample(m, "cairn_multipart_part_bytes", bucket=bucket) == 2148
    assert sample(m, "cairn_multipart_oldest_upload_age_seconds") >= 0
    freed = sample(m, "cairn_blobs_freed_total")
    assert freed >= 1

    # Complete: the parts become one object, no bytes copied; versioning keeps noncurrent bytes.
    parts = s3.list_parts(Bucket=bucket, Key="big", UploadId=upload)["Parts"]
    s3.complete_multipart_upload(Bucket=bucket, Key="big", UploadId=upload, MultipartUpload={
        "Parts": [{"PartNumber": p["PartNumber"], "ETag": p["ETag"]} for p in parts]})
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket=bucket, Key="b", Body=b"w" * 10)
    s3.delete_object(Bucket=bucket, Key="a")
    info = admin.json("bucket", "info", bucket)
    assert (info["objects"], info["bytes"]) == (2, 2148 + 10)
    assert (info["noncurrentVersions"], info["noncurrentBytes"], info["deleteMarkers"]) == (2, 1200, 1)
    assert (info["uploads"], info["parts"], info["partBytes"]) == (0, 0, 0)
    assert info["versioning"] == "Enabled" and info.get("oldestUpload") is None
    m = admin.scrape()
    assert sample(m, "cairn_bucket_noncurrent_versions", bucket=bucket) == 2
    assert sample(m, "cairn_bucket_delete_markers", bucket=bucket) == 1
    assert sample(m, "cairn_multipart_uploads", bucket=bucket) == 0
    assert sample(m, "cairn_multipart_oldest_upload_age_seconds") == 0

    # Deleting every version frees their blobs, and the emptied bucket goes.
    versions = s3.list_object_versions(Bucket=bucket)
    for v in versions.get("Versions", []) + versions.get("DeleteMarkers", []):
        s3.delete_object(Bucket=bucket, Key=v["Key"], VersionId=v["VersionId"])
    s3.delete_bucket(Bucket=bucket)
    m = admin.scrape()
    assert sample(m, "cairn_blobs_freed_total") >= freed + 4
    assert ("cairn_bucket_objects", frozenset({("bucket", bucket)})) not in m
    p = admin.run("bucket", "info", bucket, check=False)
    assert p.returncode == 254 and "NotFound" in p.stderr


def test_quotas_refuse_writes_past_them_with_QuotaExceeded(admin):
    s3 = admin.srv.client(request_checksum_calculation="when_required")
    bucket = unique_name("quota")
    s3.create_bucket(Bucket=bucket)
    info = admin.json("quota", "set", bucket, "--max-objects", "2")
    assert info["quota"] == {"maxObjects": 2}
    s3.put_object(Bucket=bucket, Key="1", Body=b"a")
    s3.put_object(Bucket=bucket, Key="2", Body=b"b")
    s3.put_object(Bucket=bucket, Key="2", Body=b"bb")  # an overwrite adds no object
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="3", Body=b"c")
    assert error_code(e.value) == "QuotaExceeded" and http_status(e.value) == 403
    with pytest.raises(ClientError) as e:
        s3.copy_object(Bucket=bucket, Key="4", CopySource={"Bucket": bucket, "Key": "1"})
    assert error_code(e.value) == "QuotaExceeded"
    assert sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]) == ["1", "2"]

    admin.run("quota", "set", bucket, "--max-bytes", "4096")
    s3.put_object(Bucket=bucket, Key="3", Body=b"c" * 3000)
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="4", Body=b"d" * 2000)
    assert error_code(e.value) == "QuotaExceeded"
    # Parts in progress count too.
    upload = s3.create_multipart_upload(Bucket=bucket, Key="mp")["UploadId"]
    s3.upload_part(Bucket=bucket, Key="mp", UploadId=upload, PartNumber=1, Body=b"p" * 1000)
    with pytest.raises(ClientError) as e:
        s3.upload_part(Bucket=bucket, Key="mp", UploadId=upload, PartNumber=2, Body=b"p" * 1000)
    assert error_code(e.value) == "QuotaExceeded"

    admin.run("quota", "clear", bucket)
    assert admin.json("bucket", "info", bucket).get("quota") is None
    s3.upload_part(Bucket=bucket, Key="mp", UploadId=upload, PartNumber=2, Body=b"p" * 1000)
    s3.put_object(Bucket=bucket, Key="4", Body=b"d" * 2000)
    p = admin.run("quota", "set", "no-such-bucket-here", "--max-bytes", "1", check=False)
    assert p.returncode == 254 and "NotFound" in p.stderr


def test_a_declared_size_past_the_quota_is_refused_before_the_body_is_sent(admin):
    import http.client
    from cairntest import sign_headers
    s3 = admin.srv.client(request_checksum_calculation="when_required")
    bucket = unique_name("quota")
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="k", Body=b"a" * 3000)
    admin.run("quota", "set", bucket, "--max-bytes", "4096")
    # Replacing k with a bigger object still fits: what it replaces is counted as freed.
    s3.put_object(Bucket=bucket, Key="k", Body=b"b" * 4000)

    url = f"{admin.srv.endpoint}/{bucket}/big"
    headers = sign_headers("PUT", url, ADMIN, headers={"Content-Length": str(1 << 20), "Expect": "100-continue"},
                           payload_hash="UNSIGNED-PAYLOAD")
    conn = http.client.HTTPConnection("127.0.0.1", admin.srv.port, timeout=10)
    conn.putrequest("PUT", f"/{bucket}/big", skip_host=True, skip_accept_encoding=True)
    for name, value in headers.items():
        conn.putheader(name, value)
    conn.endheaders()  # no body byte sent
    response = conn.getresponse()
    body = response.read()
    conn.close()
    assert response.status == 403 and b"<Code>QuotaExceeded</Code>" in body
    assert admin.json("bucket", "info", bucket)["bytes"] == 4000


def test_uploads_list_shows_parts_and_abort_by_id_or_age(admin):
    s3 = admin.srv.client(request_checksum_calculation="when_required")
    b1, b2 = unique_name("up"), unique_name("up")
    for b in (b1, b2):
        s3.create_bucket(Bucket=b)
    u1 = s3.create_multipart_upload(Bucket=b1, Key="one")["UploadId"]
    etag = s3.upload_part(Bucket=b1, Key="one", UploadId=u1, PartNumber=3, Body=b"x" * 1500)["ETag"]
    u2 = s3.create_multipart_upload(Bucket=b2, Key="two")["UploadId"]
    u3 = s3.create_multipart_upload(Bucket=b2, Key="three")["UploadId"]

    listed = admin.json("uploads", "list", "--bucket", b1)["uploads"]
    assert [(u["bucket"], u["key"], u["uploadId"]) for u in listed] == [(b1, "one", u1)]
    part = listed[0]["parts"][0]
    assert (part["partNumber"], part["size"], part["etag"]) == (3, 1500, etag)
    assert part["checksum"] is None or ":" in part["checksum"]
    everywhere = {u["uploadId"] for u in admin.json("uploads", "list")["uploads"]}
    assert {u1, u2, u3} <= everywhere
    assert admin.json("uploads", "list", "--older-than", "1h")["uploads"] == []
    table = admin.run("uploads", "list", "--bucket", b1).stdout
    assert u1 in table and "part 3" in table

    aborted = admin.json("uploads", "abort", "--bucket", b2, u2)["uploads"]
    assert [u["uploadId"] for u in aborted] == [u2]
    with pytest.raises(ClientError) as e:
        s3.list_parts(Bucket=b2, Key="two", UploadId=u2)
    assert error_code(e.value) == "NoSuchUpload"
    p = admin.run("uploads", "abort", "--bucket", b2, u2, check=False)
    assert p.returncode == 254 and "NotFound" in p.stderr

    time.sleep(1.1)
    aborted = admin.json("uploads", "abort", "--older-than", "1s")["uploads"]
    assert {u["uploadId"] for u in aborted} == {u1, u3}
    assert admin.json("uploads", "list")["uploads"] == []
    assert admin.json("bucket", "info", b1)["partBytes"] == 0


def test_lifecycle_aborts_and_expirations_are_counted(start_admin):
    admin = start_admin("--lifecycle-day-seconds", "1", "--lifecycle-sweep-seconds", "0.2")
    s3 = admin.srv.client()
    bucket = unique_name("lc")
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [{
        "ID": "abort", "Status": "Enabled", "Filter": {"Prefix": ""},
        "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1}, "Expiration": {"Days": 1}}]})
    s3.create_multipart_upload(Bucket=bucket, Key="stale")
    s3.put_object(Bucket=bucket, Key="old", Body=b"o" * 10)
    deadline = time.monotonic() + 15
    while True:
        m = admin.scrape()
        if sample(m, "cairn_lifecycle_aborted_uploads_total") >= 1 and sample(m, "cairn_lifecycle_expired_versions_total") >= 1:
            break
        assert time.monotonic() < deadline, "the sweeper's abort and expiration were not counted"
        time.sleep(0.2)
    assert (sample(m, "cairn_lifecycle_aborted_uploads_total"), sample(m, "cairn_lifecycle_expired_versions_total")) == (1, 1)
    info = admin.json("bucket", "info", bucket)
    assert (info["uploads"], info["objects"], info["bytes"]) == (0, 0, 0)


def test_admin_command_line_rules(admin):
    p = admin.run("uploads", "abort", check=False)
    assert p.returncode == 64 and "--older-than" in p.stderr
    p = admin.run("uploads", "list", "--older-than", "soon", check=False)
    assert p.returncode == 64 and "--older-than" in p.stderr
    p = admin.run("quota", "set", "b", check=False)
    assert p.returncode == 64 and "--max-bytes" in p.stderr
    p = admin.run("user", "add", "x" * 65, check=False)
    assert p.returncode == 254 and "InvalidRequest" in p.stderr
    admin.run("user", "add", "frank")
    p = admin.run("user", "add", "frank", check=False)
    assert p.returncode == 254 and "Conflict" in p.stderr


def test_two_nodes_on_one_postgresql_share_keys_and_usage(start_server, monkeypatch):
    """Two servers on one PostgreSQL database (and one master key): a key created through one
    node's admin API signs requests on the other at once, a disabled key is refused there within
    the reload second, and both report the same usage."""
    import base64
    from cairntest import CairnServer
    from postgres_cluster import shared_cluster

    url = shared_cluster().create_database()
    master = base64.b64encode(os.urandom(32)).decode()
    base_environment = CairnServer.environment
    monkeypatch.setattr(CairnServer, "environment", lambda self: {**base_environment(self), "CAIRN_MASTER_KEY": master})
    nodes = []
    for _ in range(2):
        port = free_port()
        srv = start_server(min_part_size=MIN_PART, extra_args=["--metadata", url, "--admin-address", f"127.0.0.1:{port}"])
        node = Admin(srv, port, ADMIN)
        node.wait_until_healthy()
        nodes.append(node)
    a, b = nodes

    a.json("user", "add", "erin")
    key = a.json("key", "create", "erin")
    on_b = b.srv.client(key_user(key), request_checksum_calculation="when_required")
    bucket = unique_name("twonodes")
    on_b.create_bucket(Bucket=bucket)
    on_b.put_object(Bucket=bucket, Key="x", Body=b"x" * 300)
    upload = on_b.create_multipart_upload(Bucket=bucket, Key="mp")["UploadId"]
    on_b.upload_part(Bucket=bucket, Key="mp", UploadId=upload, PartNumber=1, Body=b"p" * 50)
    for node in (a, b):
        info = node.json("bucket", "info", bucket)
        assert (info["objects"], info["bytes"], info["uploads"], info["partBytes"]) == (1, 300, 1, 50)
        m = node.scrape()
        assert sample(m, "cairn_bucket_bytes", bucket=bucket) == 300
        assert sample(m, "cairn_multipart_part_bytes", bucket=bucket) == 50

    a.run("key", "disable", key["accessKey"])
    deadline = time.monotonic() + 5
    while True:
        try:
            on_b.head_bucket(Bucket=bucket)
        except ClientError as e:
            assert http_status(e) == 403
            break
        assert time.monotonic() < deadline, "node b still accepts a key disabled on node a"
        time.sleep(0.1)
    with pytest.raises(ClientError) as e:
        on_b.list_buckets()
    assert error_code(e.value) == "InvalidAccessKeyId"


@pytest.mark.skipif(os.environ.get("CAIRN_TEST_METADATA") == "postgres", reason="the SQLite store's upgrade path")
def test_a_sqlite_store_from_before_the_counters_is_counted_once_at_start(admin):
    import sqlite3
    s3 = admin.srv.client(request_checksum_calculation="when_required")
    bucket = unique_name("old")
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket=bucket, Key="a", Body=b"a" * 100)
    s3.put_object(Bucket=bucket, Key="a", Body=b"b" * 30)
    s3.delete_object(Bucket=bucket, Key="gone")
    upload = s3.create_multipart_upload(Bucket=bucket, Key="mp")["UploadId"]
    s3.upload_part(Bucket=bucket, Key="mp", UploadId=upload, PartNumber=1, Body=b"p" * 64)
    expected = admin.json("bucket", "info", bucket)
    admin.srv.stop()
    # What a data folder written before the counters looks like: no table, no triggers.
    db = sqlite3.connect(admin.srv.data_dir / "metadata.sqlite")
    triggers = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")]
    assert len(triggers) == 10
    for t in triggers:
        db.execute(f"DROP TRIGGER {t}")
    db.execute("DROP TABLE bucket_usage")
    db.commit()
    db.close()
    admin.srv.start()
    admin.wait_until_healthy()
    got = admin.json("bucket", "info", bucket)
    for field in ("objects", "bytes", "noncurrentVersions", "noncurrentBytes", "deleteMarkers", "uploads", "parts", "partBytes"):
        assert got[field] == expected[field], field
    assert (got["objects"], got["bytes"], got["noncurrentBytes"], got["partBytes"]) == (1, 30, 100, 64)
    # And the counters go on from there.
    s3.put_object(Bucket=bucket, Key="c", Body=b"c" * 5)
    assert admin.json("bucket", "info", bucket)["bytes"] == 35


def test_a_node_with_another_master_key_starts_and_refuses_the_keys_it_cannot_unseal(start_server, monkeypatch):
    import base64
    from cairntest import CairnServer
    from postgres_cluster import shared_cluster

    url = shared_cluster().create_database()
    masters = iter([base64.b64encode(os.urandom(32)).decode() for _ in range(2)])
    base_environment = CairnServer.environment
    monkeypatch.setattr(CairnServer, "environment",
                        lambda self: {**base_environment(self), "CAIRN_MASTER_KEY": self.master_key})

    def node() -> Admin:
        port = free_port()
        # Read by `environment` when the server starts: each node gets its own master key.
        monkeypatch.setattr(CairnServer, "master_key", next(masters), raising=False)
        s = start_server(extra_args=["--metadata", url, "--admin-address", f"127.0.0.1:{port}"])
        a = Admin(s, port, ADMIN)
        a.wait_until_healthy()
        return a

    a = node()
    key = a.json("key", "create", a.json("user", "add", "gina")["name"])
    b = node()  # misconfigured: its own master key
    with pytest.raises(ClientError) as e:
        b.srv.client(key_user(key)).list_buckets()
    assert error_code(e.value) == "InvalidAccessKeyId"
    assert "sealed with another master key" in b.srv.log_path.read_text()
    a.srv.client(key_user(key)).list_buckets()
