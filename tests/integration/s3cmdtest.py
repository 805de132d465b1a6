"""Helpers for the `cairn s3 ls|cp|mv|rm|sync|mb|rb` tests: both clients run in the same working
folder with the same aws config file (small multipart settings, which both read), so their
printed lines can be compared byte for byte."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cairntest import KiB
from clienttest import Cairn, aws_raw

# Both clients read these from the config file: 600 KiB files and up go multipart, in 256 KiB parts.
AWS_CONFIG = ("[default]\nregion = us-east-1\ns3 =\n    addressing_style = path\n"
              "    multipart_threshold = 600KB\n    multipart_chunksize = 256KB\n")
THRESHOLD = 600 * KiB
CHUNK = 256 * KiB


class S3Cmds:
    def __init__(self, server, work: Path, config: str = AWS_CONFIG):
        (work / "aws-config").write_text(config)
        u = server.default_user
        self.server, self.work = server, work
        self.client = Cairn(server.endpoint, work, u.access_key, u.secret_key)

    def cairn(self, *args, check=True):
        return self.client.run("s3", *args, check=check)

    def aws(self, *args, check=True):
        return aws_raw(self.server, self.work, *args, check=check, group="s3")


@pytest.fixture
def s3cmds(start_server, work):
    return S3Cmds(start_server(min_part_size=256 * KiB), work)


@pytest.fixture
def s3c(s3cmds):
    return s3cmds.server.client()


def lines(proc, stream="stdout"):
    return sorted(getattr(proc, stream).decode().splitlines())


def write_tree(root: Path, files: dict[str, bytes]):
    """Writes the files with times 10 s in the past: a server that keeps LastModified in whole
    seconds (moto, like S3) would otherwise make an upload look older than a file written in the
    same second, and sync (aws's rules) would send it again."""
    import time
    past = time.time() - 10
    for rel, data in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
        os.utime(p, (past, past))


def read_tree(root: Path) -> dict[str, bytes]:
    out = {}
    for dirpath, _dirs, names in os.walk(root):
        for n in names:
            p = Path(dirpath) / n
            out[str(p.relative_to(root))] = p.read_bytes()
    return out


def bucket_contents(s3c, bucket, prefix="") -> dict[str, bytes]:
    out = {}
    for page in s3c.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for o in page.get("Contents", []):
            out[o["Key"][len(prefix):]] = s3c.get_object(Bucket=bucket, Key=o["Key"])["Body"].read()
    return out


# A nested tree with names that need care: spaces, unicode, a '+', a name that sorts between
# a folder and its files ('a-b' < 'a/'), and one file over the multipart threshold.
TREE = {
    "top.txt": b"top\n",
    "with space.txt": b"spaces in the name\n",
    "a-b.json": b"{}\n",
    "a/one.txt": b"one\n",
    "a/b/deep file.bin": os.urandom(3000),
    "ünïcødé/ç+plus.txt": "çé\n".encode(),
    "big/large.bin": os.urandom(THRESHOLD + 300 * KiB),
    "empty.txt": b"",
}


def human(n: int) -> str:
    """awscli's human_readable_size, to check the sizes cairn prints."""
    from awscli.customizations.s3.utils import human_readable_size
    return human_readable_size(n)
