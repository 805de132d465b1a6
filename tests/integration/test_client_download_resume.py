"""Resumable downloads: `cairn s3 cp` (and `cairn cp`) killed with SIGKILL in the middle of a
ranged download leaves `FILE.cairn-download` and a state file listing the ranges written;
`--resume` hashes those ranges again, keeps the ones that still match, fetches only the rest, and
the file comes out byte for byte. A changed object or a damaged range is fetched again."""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import subprocess

from cairntest import CAIRN_BIN, KiB, MiB, wait_until
from s3cmdtest import S3Cmds, s3c, s3cmds  # noqa: F401 - fixtures

# 256 KiB ranges, one at a time, at 1 MiB/s: a 4 MiB download takes about 4 s.
SLOW_CONFIG = ("[default]\nregion = us-east-1\ns3 =\n    addressing_style = path\n"
               "    multipart_threshold = 256KB\n    multipart_chunksize = 256KB\n"
               "    max_concurrent_requests = 1\n    max_bandwidth = 1MB/s\n")
FAST_CONFIG = SLOW_CONFIG.replace("    max_bandwidth = 1MB/s\n", "")
SIZE = 4 * MiB + 1000
RANGES = -(-SIZE // (256 * KiB))


def state_files(work):
    return list((work / ".cache" / "cairn" / "downloads").glob("*.json"))


def ranges_done(work):
    files = state_files(work)
    if not files:
        return 0
    try:
        return len(json.loads(files[0].read_text())["done"])
    except (ValueError, KeyError):
        return 0


def kill_mid_download(cmds, args):
    """Starts `cairn <args>` and SIGKILLs it once at least 3 ranges are recorded."""
    (cmds.work / "aws-config").write_text(SLOW_CONFIG)
    proc = subprocess.Popen([CAIRN_BIN, *args, "--endpoint-url", cmds.server.endpoint], cwd=cmds.work,
                            env=cmds.client.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert wait_until(lambda: ranges_done(cmds.work) >= 3, timeout=30), proc.communicate(timeout=5)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    (cmds.work / "aws-config").write_text(FAST_CONFIG)
    done = ranges_done(cmds.work)
    assert 3 <= done < RANGES, done
    return done


def fetched_ranges(proc):
    return re.findall(r"Range: bytes=(\d+)-", proc.stderr.decode())


def put_then_kill_download(s3cmds, s3c):  # noqa: F811
    """Puts bkt/big.bin and kills `cairn s3 cp` of it mid-download: (its bytes, ranges recorded)."""
    data = os.urandom(SIZE)
    s3c.create_bucket(Bucket="bkt")
    s3c.put_object(Bucket="bkt", Key="big.bin", Body=data)
    return data, kill_mid_download(s3cmds, ["s3", "cp", "s3://bkt/big.bin", "big.bin"])


def test_s3_cp_download_killed_then_resumed(s3cmds, s3c):  # noqa: F811
    work = s3cmds.work
    data, done = put_then_kill_download(s3cmds, s3c)
    assert not (work / "big.bin").exists()
    assert (work / "big.bin.cairn-download").stat().st_size == SIZE
    p = s3cmds.cairn("cp", "s3://bkt/big.bin", "big.bin", "--resume", "--debug")
    assert p.stdout.decode().startswith("download: s3://bkt/big.bin to ") and p.stdout.decode().strip().endswith("big.bin")
    assert len(fetched_ranges(p)) == RANGES - done, (done, fetched_ranges(p))
    assert (work / "big.bin").read_bytes() == data
    assert not (work / "big.bin.cairn-download").exists() and state_files(work) == []


def test_resume_refetches_a_damaged_range_and_a_changed_object(s3cmds, s3c):  # noqa: F811
    work = s3cmds.work
    data, done = put_then_kill_download(s3cmds, s3c)
    # Damage the first recorded range in the temporary file: it is hashed again and fetched again.
    with open(work / "big.bin.cairn-download", "r+b") as f:
        f.seek(10)
        f.write(b"\x00\x01\x02")
    p = s3cmds.cairn("cp", "s3://bkt/big.bin", "big.bin", "--resume", "--debug")
    assert len(fetched_ranges(p)) == RANGES - done + 1 and "0" in fetched_ranges(p)
    assert (work / "big.bin").read_bytes() == data

    # The object changes between the kill and the resume: its ETag differs, everything is fetched.
    (work / "big.bin").unlink()
    kill_mid_download(s3cmds, ["s3", "cp", "s3://bkt/big.bin", "big.bin"])
    other = os.urandom(SIZE)
    s3c.put_object(Bucket="bkt", Key="big.bin", Body=other)
    p = s3cmds.cairn("cp", "s3://bkt/big.bin", "big.bin", "--resume", "--debug")
    assert len(fetched_ranges(p)) == RANGES
    assert (work / "big.bin").read_bytes() == other
    # Without --resume a download starts over (and still leaves no state behind).
    p = s3cmds.cairn("cp", "s3://bkt/big.bin", "again.bin", "--debug")
    assert len(fetched_ranges(p)) == RANGES and state_files(work) == []


def test_cairn_cp_download_resume_of_a_multipart_object(s3cmds, s3c):  # noqa: F811
    """`cairn cp` (the single-file command) resumes downloads too; a multipart object's ranges
    are its parts, so the resumed file is checked against the multipart ETag."""
    work = s3cmds.work
    data = os.urandom(SIZE)
    s3c.create_bucket(Bucket="bkt")
    (work / "src.bin").write_bytes(data)
    s3cmds.cairn("cp", "src.bin", "s3://bkt/mp.bin")
    assert s3c.head_object(Bucket="bkt", Key="mp.bin")["ETag"].endswith(f'-{RANGES}"')
    (work / "aws-config").write_text(SLOW_CONFIG)
    proc = subprocess.Popen([CAIRN_BIN, "cp", "s3://bkt/mp.bin", "mp.bin", "--concurrency", "1", "--max-bandwidth", "1MiB",
                             "--endpoint-url", s3cmds.server.endpoint], cwd=work, env=s3cmds.client.env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert wait_until(lambda: ranges_done(work) >= 3, timeout=30), proc.communicate(timeout=5)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    done = ranges_done(work)
    p = s3cmds.client.run("cp", "s3://bkt/mp.bin", "mp.bin", "--resume", "--debug")
    assert len(fetched_ranges(p)) == RANGES - done
    assert hashlib.sha256((work / "mp.bin").read_bytes()).digest() == hashlib.sha256(data).digest()
