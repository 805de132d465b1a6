"""Issue 17: the data folder on a small filesystem (a loop-mounted ext4 this test makes). Writes that
hit ENOSPC answer 503 ServiceUnavailable with a message saying the storage is full; nothing
half-written is visible, no temporary file is left, and once space is freed the server works as
before. Needs root (mount); skipped with the reason otherwise."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from cairntest import CairnServer, MiB, ServerStartError, error_code, http_status


@pytest.fixture
def small_disk(tmp_path):
    image, mount = tmp_path / "disk.img", tmp_path / "disk"
    mount.mkdir()
    with open(image, "wb") as f:
        f.truncate(40 * MiB)
    subprocess.run(["mkfs.ext4", "-q", "-F", str(image)], check=True)
    made = subprocess.run(["mount", "-o", "loop", str(image), str(mount)], capture_output=True, text=True)
    if made.returncode != 0:
        # Mounting needs root and loop devices (this machine kind has both, CI included).
        pytest.skip(f"cannot mount a loop filesystem here: {made.stderr.strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def files(p: Path) -> list[Path]:
    return [q for q in p.rglob("*") if q.is_file()] if p.exists() else []


def test_a_full_disk_refuses_writes_cleanly_and_recovers(tmp_path, small_disk):
    server = CairnServer(tmp_path / "srv", min_part_size=1)
    server.data_dir = small_disk / "data"
    try:
        server.start()
    except ServerStartError as e:
        pytest.fail(str(e))
    try:
        s3 = server.client()
        s3.create_bucket(Bucket="full")
        stored = []
        refused = None
        for i in range(40):
            try:
                s3.put_object(Bucket="full", Key=f"o{i}", Body=bytes([i]) * (4 * MiB))
                stored.append(f"o{i}")
            except ClientError as e:
                refused = e
                break
        assert refused is not None, "the disk never filled"
        assert (http_status(refused), error_code(refused)) == (503, "ServiceUnavailable")
        assert "storage is full" in refused.response["Error"]["Message"]
        # A multipart part that does not fit is refused the same way and leaves no part.
        upload = s3.create_multipart_upload(Bucket="full", Key="mp")["UploadId"]
        with pytest.raises(ClientError) as part:
            s3.upload_part(Bucket="full", Key="mp", UploadId=upload, PartNumber=1, Body=b"p" * (8 * MiB))
        assert http_status(part.value) == 503
        assert s3.list_parts(Bucket="full", Key="mp", UploadId=upload).get("Parts", []) == []
        # Nothing half-written is visible or left behind.
        listed = [o["Key"] for o in s3.list_objects_v2(Bucket="full").get("Contents", [])]
        assert listed == sorted(stored, key=lambda k: k)
        assert files(server.data_dir / "tmp") == []
        for key in stored[:3]:
            assert s3.get_object(Bucket="full", Key=key)["Body"].read() == bytes([int(key[1:])]) * (4 * MiB)
        # Space comes back: the server works as before.
        for key in stored[:4]:
            s3.delete_object(Bucket="full", Key=key)
        s3.put_object(Bucket="full", Key="after", Body=b"a" * (4 * MiB))
        s3.upload_part(Bucket="full", Key="mp", UploadId=upload, PartNumber=1, Body=b"p" * MiB)
        s3.complete_multipart_upload(Bucket="full", Key="mp", UploadId=upload, MultipartUpload={
            "Parts": [{"PartNumber": 1, "ETag": s3.list_parts(Bucket="full", Key="mp", UploadId=upload)["Parts"][0]["ETag"]}]})
        assert s3.get_object(Bucket="full", Key="mp")["Body"].read() == b"p" * MiB
        assert server.is_running()
    finally:
        server.stop()
