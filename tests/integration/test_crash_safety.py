"""Nothing is lost or half-visible: SIGKILL in the middle of a PUT, restarts on the same data
dir, temp-file cleanup, freeing of overwritten/deleted blobs, readers during overwrite.

Assumes the server streams request bodies into DATA/tmp/ before moving them into place."""

import os

import pytest
from botocore.exceptions import ClientError

from cairntest import (
    METADATA, MiB, InterruptedUpload, ServerStartError, dir_size, http_status, key_path, quoted_etag, wait_until,
)

# These edit metadata.sqlite directly; under CAIRN_TEST_METADATA=postgres there is none.
sqlite_only = pytest.mark.skipif(METADATA != "sqlite", reason="edits the SQLite metadata file directly")


def tmp_entries(server):
    tmp = server.data_dir / "tmp"
    if not tmp.exists():
        return []
    return [p for p in tmp.rglob("*") if p.is_file()]


def tmp_holds_data(server) -> bool:
    return any(p.stat().st_size > 0 for p in tmp_entries(server) if p.exists())


def kill_mid_upload(server, bucket, key):
    """Start a 200 MiB PUT, send 32 MiB, SIGKILL the server while the body is streaming."""
    upload = InterruptedUpload(server, bucket, key, total=200 * MiB, send_first=32 * MiB)
    upload.start()
    assert upload.first_part_sent.wait(60), "could not send the first part of the body"
    assert wait_until(lambda: tmp_holds_data(server), timeout=15), \
        "expected the partial body to be streaming into DATA/tmp/"
    server.kill()
    upload.release.set()
    upload.join(60)
    assert not upload.is_alive()
    assert upload.status is None, f"the interrupted PUT must not succeed (got {upload.status})"
    return upload


def assert_missing(s3, bucket, key):
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key=key)
    assert e.value.response["Error"]["Code"] == "NoSuchKey"
    assert http_status(e.value) == 404


def test_sigkill_during_put_of_new_key_leaves_nothing_visible(server, s3, bucket):
    stable = os.urandom(3 * MiB)
    s3.put_object(Bucket=bucket, Key="stable.bin", Body=stable)

    kill_mid_upload(server, bucket, "partial.bin")
    server.restart()

    assert_missing(s3, bucket, "partial.bin")
    with pytest.raises(ClientError) as e:
        s3.head_object(Bucket=bucket, Key="partial.bin")
    assert http_status(e.value) == 404
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == ["stable.bin"]

    got = s3.get_object(Bucket=bucket, Key="stable.bin")
    assert got["ETag"] == quoted_etag(stable)
    assert got["Body"].read() == stable


def test_restart_after_sigkill_cleans_tmp_leftovers(server, s3, bucket):
    kill_mid_upload(server, bucket, "partial.bin")
    assert tmp_entries(server), "the killed upload should have left a temp file behind"
    server.restart()
    # startup removes tmp/ leftovers (before or very soon after it accepts connections)
    assert wait_until(lambda: not tmp_entries(server), timeout=5), \
        f"tmp/ not cleaned after restart: {tmp_entries(server)}"
    # and the server works normally afterwards
    s3.put_object(Bucket=bucket, Key="after", Body=b"fine")
    assert s3.get_object(Bucket=bucket, Key="after")["Body"].read() == b"fine"


def test_sigkill_during_overwrite_keeps_the_old_version_intact(server, s3, bucket):
    old = os.urandom(5 * MiB + 17)
    s3.put_object(Bucket=bucket, Key="victim.bin", Body=old, Metadata={"version": "old"})

    kill_mid_upload(server, bucket, "victim.bin")
    server.restart()

    got = s3.get_object(Bucket=bucket, Key="victim.bin")
    assert got["ETag"] == quoted_etag(old)
    assert got["ContentLength"] == len(old)
    assert got["Metadata"] == {"version": "old"}
    assert got["Body"].read() == old
    listing = s3.list_objects_v2(Bucket=bucket)["Contents"]
    assert [(o["Key"], o["Size"]) for o in listing] == [("victim.bin", len(old))]
    assert wait_until(lambda: not tmp_entries(server), timeout=5)


def test_acknowledged_writes_survive_sigkill(server, s3, bucket):
    bodies = {f"obj-{i}": os.urandom(100_000 + i) for i in range(5)}
    for k, v in bodies.items():
        s3.put_object(Bucket=bucket, Key=k, Body=v)
    s3.put_object(Bucket=bucket, Key="doomed", Body=b"to be deleted")
    s3.delete_object(Bucket=bucket, Key="doomed")
    s3.create_bucket(Bucket="second-bucket")
    server.restart(kill=True)

    assert sorted(b["Name"] for b in s3.list_buckets()["Buckets"]) == sorted([bucket, "second-bucket"])
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == sorted(bodies)
    for k, v in bodies.items():
        got = s3.get_object(Bucket=bucket, Key=k)
        assert got["Body"].read() == v
        assert got["ETag"] == quoted_etag(v)
    assert_missing(s3, bucket, "doomed")


def test_graceful_restart_keeps_everything(server, s3, bucket):
    s3.put_object(Bucket=bucket, Key="a/b/c.txt", Body=b"persisted", Metadata={"m": "1"},
                  ContentType="text/plain")
    server.restart()
    got = s3.get_object(Bucket=bucket, Key="a/b/c.txt")
    assert got["Body"].read() == b"persisted"
    assert got["Metadata"] == {"m": "1"}
    assert got["ContentType"] == "text/plain"


def test_overwrite_and_delete_free_the_old_blobs(server, s3, bucket):
    size = 16 * MiB
    for i in range(4):
        s3.put_object(Bucket=bucket, Key="churn.bin", Body=os.urandom(size))
    # Without freeing, 4 x 16 MiB of blobs would remain; allow one object plus metadata slack.
    assert wait_until(lambda: dir_size(server.data_dir) < size + 8 * MiB, timeout=10), \
        f"data dir holds {dir_size(server.data_dir) / MiB:.1f} MiB after overwrites"
    s3.delete_object(Bucket=bucket, Key="churn.bin")
    assert wait_until(lambda: dir_size(server.data_dir) < 8 * MiB, timeout=10), \
        f"data dir holds {dir_size(server.data_dir) / MiB:.1f} MiB after delete"


def test_reader_keeps_reading_old_version_while_object_is_overwritten_and_deleted(server, s3, bucket):
    old = os.urandom(32 * MiB)
    s3.put_object(Bucket=bucket, Key="busy.bin", Body=old)
    resp = server.signed_request("GET", key_path(bucket, "busy.bin"), stream=True, timeout=60)
    assert resp.status_code == 200
    stream = resp.raw.stream(MiB, decode_content=False)
    first = next(stream)

    s3.put_object(Bucket=bucket, Key="busy.bin", Body=b"new version")
    s3.delete_object(Bucket=bucket, Key="busy.bin")

    rest = b"".join(stream)
    assert first + rest == old


@sqlite_only
def test_data_folder_from_before_part_encryption_still_takes_parts(server, s3, bucket):
    """A metadata database made before `parts.encryption` existed gets the column on start."""
    import sqlite3
    server.stop()
    db = sqlite3.connect(server.data_dir / "metadata.sqlite")
    db.execute("ALTER TABLE parts DROP COLUMN encryption")
    db.commit()
    db.close()
    server.start()
    uid = s3.create_multipart_upload(Bucket=bucket, Key="mp")["UploadId"]
    etag = s3.upload_part(Bucket=bucket, Key="mp", UploadId=uid, PartNumber=1, Body=b"part")["ETag"]
    s3.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=uid,
                                 MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]})
    assert s3.get_object(Bucket=bucket, Key="mp")["Body"].read() == b"part"


def blob_files(server):
    return server.blob_files()


def test_startup_removes_unreferenced_blobs_and_keeps_every_referenced_one(server, s3, bucket):
    """Startup lists every manifest's blobs (single-PUT and multipart objects, open uploads' parts)
    and deletes only blobs no record references and nobody wrote for an hour (a fresh one may be
    another node's upload between its rename and its commit)."""
    s3.put_object(Bucket=bucket, Key="single", Body=b"one")
    uid = s3.create_multipart_upload(Bucket=bucket, Key="multi")["UploadId"]
    parts = [{"PartNumber": n, "ETag": s3.upload_part(Bucket=bucket, Key="multi", UploadId=uid, PartNumber=n,
                                                          Body=bytes([n]) * (5 * MiB if n == 1 else 10))["ETag"]}
             for n in (1, 2)]
    s3.complete_multipart_upload(Bucket=bucket, Key="multi", UploadId=uid, MultipartUpload={"Parts": parts})
    open_uid = s3.create_multipart_upload(Bucket=bucket, Key="open")["UploadId"]
    s3.upload_part(Bucket=bucket, Key="open", UploadId=open_uid, PartNumber=1, Body=b"pending")
    # The 5 MiB part is a file; the three small bodies are inline (`--inline-max`), out of the
    # sweep's reach by construction.
    kept = blob_files(server)
    assert len(kept) == 1 and server.inline_blob_count() == 3
    orphan = server.data_dir / "blobs" / "00" / "00000000-0000-4000-8000-000000000000"
    orphan.parent.mkdir(exist_ok=True)
    orphan.write_bytes(b"left by a crash between rename and commit")
    hour_and_a_bit = 3600 + 60
    os.utime(orphan, (orphan.stat().st_atime - hour_and_a_bit, orphan.stat().st_mtime - hour_and_a_bit))
    fresh = server.data_dir / "blobs" / "00" / "00000000-0000-4000-8000-000000000001"
    fresh.write_bytes(b"renamed a moment ago, its commit still to come")
    server.restart()
    assert wait_until(lambda: not orphan.exists(), timeout=5)
    assert blob_files(server) == sorted(kept + [fresh])
    assert server.inline_blob_count() == 3
    assert s3.get_object(Bucket=bucket, Key="multi")["Body"].read() == b"\x01" * (5 * MiB) + b"\x02" * 10
    assert s3.list_parts(Bucket=bucket, Key="open", UploadId=open_uid)["Parts"][0]["Size"] == 7


@sqlite_only
@pytest.mark.parametrize("info", ["not json", '{"headers": {"userMetadata": {}}, "parts": []}',
                                  '{"segments": [{"offset": 0, "length": 3}], "parts": []}'])
def test_a_record_without_a_readable_manifest_stops_startup_and_deletes_nothing(server, s3, bucket, info):
    """If a record's blob list cannot be read, its blobs would look unreferenced: the server refuses
    to start instead of deleting them."""
    import sqlite3
    s3.put_object(Bucket=bucket, Key="damaged", Body=b"abc")
    s3.put_object(Bucket=bucket, Key="fine", Body=b"def")
    before = blob_files(server)
    server.stop()
    db = sqlite3.connect(server.data_dir / "metadata.sqlite")
    db.execute("UPDATE objects SET info = ? WHERE key = 'damaged'", (info,))
    db.commit()
    db.close()
    with pytest.raises(ServerStartError):
        server.start(timeout=15)
    log = server.log_tail()
    assert any(why in log for why in ("no readable blob manifest", "malformed JSON", "no blob id")), log
    assert blob_files(server) == before
