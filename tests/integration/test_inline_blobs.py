"""Small bodies kept in the metadata store (`--inline-max`, issue 19): objects and parts up to the
limit make no blob file and are written by the commit that makes them visible; everything a file
blob does works on them (GET, ranges, part reads, copies, multipart, versions, SSE, deletes that
free them), and a body one byte over the limit is a file."""

from __future__ import annotations

import hashlib
import os

import pytest

from cairntest import CairnServer
from test_multipart_helpers import SMALL_MIN_PART

LIMIT = 4096


@pytest.fixture
def inline_server(start_server) -> CairnServer:
    return start_server(min_part_size=SMALL_MIN_PART, extra_args=["--inline-max", str(LIMIT)])


def test_small_bodies_are_inline_and_read_back_exactly(inline_server):
    s3 = inline_server.client()
    s3.create_bucket(Bucket="inl")
    at_limit, over, empty = os.urandom(LIMIT), os.urandom(LIMIT + 1), b""
    s3.put_object(Bucket="inl", Key="at-limit", Body=at_limit)
    s3.put_object(Bucket="inl", Key="empty", Body=empty)
    assert inline_server.blob_files() == []
    assert inline_server.inline_blob_count() == 2
    s3.put_object(Bucket="inl", Key="over", Body=over)
    assert [p.stat().st_size for p in inline_server.blob_files()] == [LIMIT + 1]
    assert s3.get_object(Bucket="inl", Key="at-limit")["Body"].read() == at_limit
    assert s3.get_object(Bucket="inl", Key="empty")["Body"].read() == empty
    assert s3.get_object(Bucket="inl", Key="at-limit", Range="bytes=100-199")["Body"].read() == at_limit[100:200]
    assert s3.get_object(Bucket="inl", Key="at-limit", Range="bytes=-5")["Body"].read() == at_limit[-5:]
    head = s3.head_object(Bucket="inl", Key="at-limit")
    assert head["ContentLength"] == LIMIT and head["ETag"] == f'"{hashlib.md5(at_limit).hexdigest()}"'
    inline_server.restart()
    assert s3.get_object(Bucket="inl", Key="at-limit")["Body"].read() == at_limit
    # Overwrite and delete free the inline rows in their own commits.
    s3.put_object(Bucket="inl", Key="at-limit", Body=b"x")
    assert inline_server.inline_blob_count() == 2
    s3.delete_object(Bucket="inl", Key="at-limit")
    s3.delete_object(Bucket="inl", Key="empty")
    assert inline_server.inline_blob_count() == 0
    s3.close()


def test_multipart_with_inline_parts_copies_and_abort(inline_server):
    s3 = inline_server.client()
    s3.create_bucket(Bucket="inl")
    parts = [os.urandom(SMALL_MIN_PART), os.urandom(LIMIT + 10), os.urandom(33)]
    uid = s3.create_multipart_upload(Bucket="inl", Key="mp")["UploadId"]
    done = [{"PartNumber": n, "ETag": s3.upload_part(Bucket="inl", Key="mp", UploadId=uid, PartNumber=n, Body=p)["ETag"]}
            for n, p in enumerate(parts, 1)]
    # Replacing a part frees the inline body it replaces.
    before = inline_server.stored_blob_count()
    done[2]["ETag"] = s3.upload_part(Bucket="inl", Key="mp", UploadId=uid, PartNumber=3, Body=parts[2])["ETag"]
    assert inline_server.stored_blob_count() == before
    s3.complete_multipart_upload(Bucket="inl", Key="mp", UploadId=uid, MultipartUpload={"Parts": done})
    whole = b"".join(parts)
    assert s3.get_object(Bucket="inl", Key="mp")["Body"].read() == whole
    edge = len(parts[0]) + len(parts[1])
    assert s3.get_object(Bucket="inl", Key="mp", Range=f"bytes={edge - 3}-{edge + 3}")["Body"].read() == whole[edge - 3:edge + 4]
    assert s3.get_object(Bucket="inl", Key="mp", PartNumber=3)["Body"].read() == parts[2]
    # CopyObject and UploadPartCopy read inline sources.
    s3.copy_object(Bucket="inl", Key="copy", CopySource={"Bucket": "inl", "Key": "mp"})
    assert s3.get_object(Bucket="inl", Key="copy")["Body"].read() == whole
    s3.put_object(Bucket="inl", Key="tiny", Body=b"0123456789")
    uid2 = s3.create_multipart_upload(Bucket="inl", Key="mp2")["UploadId"]
    etag = s3.upload_part_copy(Bucket="inl", Key="mp2", UploadId=uid2, PartNumber=1, CopySource={"Bucket": "inl", "Key": "tiny"},
                               CopySourceRange="bytes=2-5")["CopyPartResult"]["ETag"]
    s3.complete_multipart_upload(Bucket="inl", Key="mp2", UploadId=uid2, MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]})
    assert s3.get_object(Bucket="inl", Key="mp2")["Body"].read() == b"2345"
    # Abort frees its inline parts.
    count = inline_server.inline_blob_count()
    uid3 = s3.create_multipart_upload(Bucket="inl", Key="gone")["UploadId"]
    for n in (1, 2):
        s3.upload_part(Bucket="inl", Key="gone", UploadId=uid3, PartNumber=n, Body=b"p" * 100)
    assert inline_server.inline_blob_count() == count + 2
    s3.abort_multipart_upload(Bucket="inl", Key="gone", UploadId=uid3)
    assert inline_server.inline_blob_count() == count
    s3.close()


def test_versions_and_encryption_inline(inline_server):
    s3 = inline_server.client()
    s3.create_bucket(Bucket="inl")
    s3.put_bucket_versioning(Bucket="inl", VersioningConfiguration={"Status": "Enabled"})
    v1 = s3.put_object(Bucket="inl", Key="k", Body=b"first")["VersionId"]
    s3.put_object(Bucket="inl", Key="k", Body=b"second")
    assert s3.get_object(Bucket="inl", Key="k", VersionId=v1)["Body"].read() == b"first"
    assert s3.get_object(Bucket="inl", Key="k")["Body"].read() == b"second"
    s3.delete_object(Bucket="inl", Key="k", VersionId=v1)
    assert inline_server.inline_blob_count() == 1
    # SSE-S3: the stored bytes are ciphertext; the plaintext is nowhere in the metadata database.
    secret = b"inline-plaintext-marker-" + os.urandom(16).hex().encode()
    s3.put_object(Bucket="inl", Key="enc", Body=secret, ServerSideEncryption="AES256")
    assert s3.get_object(Bucket="inl", Key="enc")["Body"].read() == secret
    assert inline_server.blob_files() == []
    stored = b"".join(p.read_bytes() for p in inline_server.data_dir.glob("metadata.sqlite*"))
    if getattr(inline_server, "metadata_url", None) is None:
        assert secret not in stored
    s3.close()


def test_inline_max_zero_makes_every_body_a_file(start_server):
    server = start_server(extra_args=["--inline-max", "0"])
    s3 = server.client()
    s3.create_bucket(Bucket="files")
    s3.put_object(Bucket="files", Key="k", Body=b"tiny")
    assert [p.stat().st_size for p in server.blob_files()] == [4]
    assert server.inline_blob_count() == 0
    assert s3.get_object(Bucket="files", Key="k")["Body"].read() == b"tiny"
    s3.close()
