"""`aws s3 cp` of files over the CLI's 8 MiB multipart threshold: multipart upload
(CreateMultipartUpload / UploadPart / CompleteMultipartUpload) and ranged downloads."""

import hashlib
import os

import pytest

from cairntest import MiB

pytestmark = pytest.mark.multipart

CLI_CHUNK = 8 * MiB  # the aws CLI's default multipart_chunksize


def multipart_etag(data: bytes, part_size: int) -> str:
    digests = [hashlib.md5(data[i:i + part_size]).digest() for i in range(0, len(data), part_size)]
    return f'"{hashlib.md5(b"".join(digests)).hexdigest()}-{len(digests)}"'


def test_s3_cp_10_mib_file_uses_multipart_and_round_trips(aws, s3):
    aws("s3", "mb", "s3://cli-big")
    data = os.urandom(10 * MiB)
    src = aws.workdir / "ten.bin"
    src.write_bytes(data)
    aws("s3", "cp", src, "s3://cli-big/ten.bin")

    head = s3.head_object(Bucket="cli-big", Key="ten.bin")
    assert head["ContentLength"] == len(data)
    # a multipart ETag: md5 of the concatenated part md5s, "-" and the part count
    assert head["ETag"] == multipart_etag(data, CLI_CHUNK)

    dst = aws.workdir / "ten-down.bin"
    aws("s3", "cp", "s3://cli-big/ten.bin", dst)
    assert hashlib.sha256(dst.read_bytes()).hexdigest() == hashlib.sha256(data).hexdigest()

    uploads = s3.list_multipart_uploads(Bucket="cli-big")
    assert not uploads.get("Uploads")


def test_s3_cp_25_mib_file_with_odd_size_round_trips(aws, s3):
    aws("s3", "mb", "s3://cli-big")
    data = os.urandom(25 * MiB + 12345)
    src = aws.workdir / "odd.bin"
    src.write_bytes(data)
    aws("s3", "cp", src, "s3://cli-big/dir/odd.bin")
    assert s3.head_object(Bucket="cli-big", Key="dir/odd.bin")["ETag"] == \
        multipart_etag(data, CLI_CHUNK)
    dst = aws.workdir / "odd-down.bin"
    aws("s3", "cp", "s3://cli-big/dir/odd.bin", dst)
    assert dst.read_bytes() == data
