"""`cairn s3 cp` with customer keys (SSE-C: --sse-c/--sse-c-key, and the copy-source pair):
uploads (one PUT and multipart), downloads (one GET and ranges), server-side copies from one key
to another, streams; the aws CLI reads what cairn wrote. The server allows SSE-C over HTTP here
(its testing option), as the aws CLI does not refuse it."""

from __future__ import annotations

import subprocess

import pytest

from cairntest import CAIRN_BIN, KiB
from s3cmdtest import TREE, S3Cmds, read_tree, write_tree

KEY1, KEY2 = "k" * 32, "z" * 32


@pytest.fixture
def cmds(start_server, work):
    return S3Cmds(start_server(min_part_size=256 * KiB, extra_args=["--sse-c-insecure-http"]), work)


def test_sse_c_upload_download_copy_stream(cmds):
    work, s3c = cmds.work, cmds.server.client()
    files = {"s.txt": TREE["top.txt"], "d/big.bin": TREE["big/large.bin"]}
    write_tree(work / "src", files)
    s3c.create_bucket(Bucket="bkt")
    k1 = ["--sse-c", "AES256", "--sse-c-key", KEY1]
    cmds.cairn("cp", "--recursive", "src", "s3://bkt/e", *k1)
    for name, data in files.items():
        got = s3c.get_object(Bucket="bkt", Key="e/" + name, SSECustomerAlgorithm="AES256", SSECustomerKey=KEY1)
        assert got["Body"].read() == data
    assert s3c.head_object(Bucket="bkt", Key="e/d/big.bin", SSECustomerAlgorithm="AES256", SSECustomerKey=KEY1)["ETag"].endswith('-4"')
    # Without the key nothing can be read; with it both clients can.
    p = cmds.cairn("cp", "s3://bkt/e/s.txt", "nokey.txt", check=False)
    assert p.returncode == 1 and "HeadObject" in p.stderr.decode()
    cmds.cairn("cp", "--recursive", "s3://bkt/e", "down", *k1)
    assert read_tree(work / "down") == files
    cmds.aws("cp", "s3://bkt/e/d/big.bin", "aws.bin", *k1)
    assert (work / "aws.bin").read_bytes() == files["d/big.bin"]
    # A copy re-encrypted under another key (CopyObject and UploadPartCopy).
    cmds.cairn("cp", "--recursive", "s3://bkt/e", "s3://bkt/f", "--sse-c-copy-source", "AES256",
               "--sse-c-copy-source-key", KEY1, "--sse-c", "AES256", "--sse-c-key", KEY2)
    for name, data in files.items():
        got = s3c.get_object(Bucket="bkt", Key="f/" + name, SSECustomerAlgorithm="AES256", SSECustomerKey=KEY2)
        assert got["Body"].read() == data
    # Streams, and the key from a file (fileb://).
    (work / "key.bin").write_bytes(KEY2.encode())
    p = subprocess.run([CAIRN_BIN, "s3", "cp", "s3://bkt/f/d/big.bin", "-", "--sse-c", "AES256", "--sse-c-key",
                        f"fileb://{work}/key.bin", "--endpoint-url", cmds.server.endpoint],
                       cwd=work, env=cmds.client.env(), capture_output=True, timeout=60)
    assert p.returncode == 0 and p.stdout == files["d/big.bin"]
    # The options come in pairs, as aws's.
    p = cmds.cairn("cp", "src/s.txt", "s3://bkt/x", "--sse-c", "AES256", check=False)
    assert p.returncode == 64 and "--sse-c-key" in p.stderr.decode()
