"""`cairn s3` against a second S3 implementation, moto_server: the same lines as `aws s3` for a
recursive upload (one file multipart), ls, sync, S3 -> S3 copy and rm. Skipped without moto."""

from __future__ import annotations

import os

import pytest

from cairntest import MiB
from s3cmdtest import bucket_contents, lines, read_tree, write_tree
from s3cmdtest import S3Cmds
from test_client_moto import moto  # noqa: F401 - fixture (skips when moto_server is missing)

pytestmark = pytest.mark.skipif(__import__("shutil").which("moto_server") is None, reason="moto_server not installed")

# moto enforces S3's 5 MiB minimum part size.
MOTO_CONFIG = ("[default]\nregion = us-east-1\ns3 =\n    addressing_style = path\n"
               "    multipart_threshold = 5MB\n    multipart_chunksize = 5MB\n")


def test_s3_commands_against_moto(moto, work):  # noqa: F811
    cmds = S3Cmds(moto, work, MOTO_CONFIG)
    s3c = __import__("boto3").client("s3", endpoint_url=moto.endpoint, region_name="us-east-1",
                                     aws_access_key_id=moto.default_user.access_key,
                                     aws_secret_access_key=moto.default_user.secret_key)
    tree = {"a.txt": b"a\n", "d/b c.txt": b"b\n", "ü/é.json": b"{}", "big.bin": os.urandom(6 * MiB)}
    write_tree(work / "src", tree)
    assert cmds.cairn("mb", "s3://mine").stdout == b"make_bucket: mine\n"
    cmds.aws("mb", "s3://theirs")
    mine = cmds.cairn("cp", "--recursive", "src", "s3://mine/p")
    theirs = cmds.aws("cp", "--recursive", "src", "s3://theirs/p", "--no-progress")
    assert sorted(mine.stdout.decode().replace("s3://mine/", "s3://X/").splitlines()) == \
        sorted(theirs.stdout.decode().replace("s3://theirs/", "s3://X/").splitlines())
    assert bucket_contents(s3c, "mine", "p/") == tree
    assert s3c.head_object(Bucket="mine", Key="p/big.bin")["ETag"].endswith('-2"')
    for args in (["ls", "s3://mine/p/"], ["ls", "--recursive", "--human-readable", "--summarize", "s3://mine"]):
        assert cmds.cairn(*args).stdout == cmds.aws(*args).stdout
    # sync: nothing to do for either client, then S3 -> local and S3 -> S3 with --delete.
    assert cmds.cairn("sync", "src", "s3://mine/p").stdout == b""
    assert cmds.aws("sync", "src", "s3://mine/p", "--no-progress").stdout == b""
    cmds.cairn("sync", "s3://mine/p", "down")
    assert read_tree(work / "down") == tree
    s3c.put_object(Bucket="theirs", Key="q/stale", Body=b"x")
    p = cmds.cairn("sync", "s3://mine/p", "s3://theirs/q", "--delete")
    assert "delete: s3://theirs/q/stale" in lines(p) and "copy: s3://mine/p/big.bin to s3://theirs/q/big.bin" in lines(p)
    assert bucket_contents(s3c, "theirs", "q/") == tree
    p = cmds.cairn("rb", "--force", "s3://mine")
    assert p.stdout.decode().splitlines()[-1] == "remove_bucket: mine"


def test_s3_website_against_moto(moto, work):  # noqa: F811
    """`website` sets what `aws s3 website` sets (moto implements PutBucketWebsite; Cairn does not)."""
    cmds = S3Cmds(moto, work, MOTO_CONFIG)
    s3c = __import__("boto3").client("s3", endpoint_url=moto.endpoint, region_name="us-east-1",
                                     aws_access_key_id=moto.default_user.access_key,
                                     aws_secret_access_key=moto.default_user.secret_key)
    for b in ("mine", "theirs"):
        s3c.create_bucket(Bucket=b)
    args = ["--index-document", "index.html", "--error-document", "errors/4xx & more.html"]
    assert cmds.cairn("website", "s3://mine/", *args).stdout == b""
    cmds.aws("website", "s3://theirs", *args)
    mine, theirs = (s3c.get_bucket_website(Bucket=b) for b in ("mine", "theirs"))
    for k in ("IndexDocument", "ErrorDocument"):
        assert mine[k] == theirs[k]
    assert mine["ErrorDocument"] == {"Key": "errors/4xx & more.html"}
