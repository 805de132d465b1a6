"""Blob files are written with O_DIRECT by default and through the page cache with
`--buffered-writes`: both paths through the whole server, with single PUTs, a multipart upload whose
parts cross the 1 MiB staging size, ranged and part reads, and a restart."""

from __future__ import annotations

import hashlib
import os

import pytest

from cairntest import CairnServer, MiB


@pytest.fixture(params=["direct", "buffered"])
def fs_server(request, tmp_path):
    server = CairnServer(tmp_path, extra_args=["--buffered-writes"] if request.param == "buffered" else [])
    server.start()
    yield server
    server.kill()


def test_put_multipart_get_and_restart_round_trip(fs_server):
    s3 = fs_server.client()
    s3.create_bucket(Bucket="fsbucket")
    small = os.urandom(3 * MiB + 17)
    s3.put_object(Bucket="fsbucket", Key="small", Body=small)
    parts = [os.urandom(5 * MiB + 1), os.urandom(5 * MiB), os.urandom(777)]
    uid = s3.create_multipart_upload(Bucket="fsbucket", Key="big")["UploadId"]
    done = [{"PartNumber": n, "ETag": s3.upload_part(Bucket="fsbucket", Key="big", UploadId=uid, PartNumber=n,
                                                     Body=p)["ETag"]}
            for n, p in enumerate(parts, 1)]
    s3.complete_multipart_upload(Bucket="fsbucket", Key="big", UploadId=uid, MultipartUpload={"Parts": done})
    whole = b"".join(parts)
    fs_server.restart()
    assert s3.get_object(Bucket="fsbucket", Key="small")["Body"].read() == small
    got = s3.get_object(Bucket="fsbucket", Key="big")
    assert hashlib.md5(got["Body"].read()).digest() == hashlib.md5(whole).digest()
    ranged = s3.get_object(Bucket="fsbucket", Key="big", Range=f"bytes={5 * MiB - 10}-{5 * MiB + 10}")
    assert ranged["Body"].read() == whole[5 * MiB - 10:5 * MiB + 11]
    assert s3.get_object(Bucket="fsbucket", Key="big", PartNumber=3)["Body"].read() == parts[2]
    blobs = sorted(p.stat().st_size for p in fs_server.blob_files())
    assert blobs == sorted([len(small)] + [len(p) for p in parts[:2]])
    assert fs_server.inline_blob_count() == 1  # the 777-byte last part (--inline-max)
    s3.close()
