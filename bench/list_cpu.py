#!/usr/bin/env python3
"""The server's CPU per ListObjectsV2 page of 1,000 keys (and per HeadObject).

Starts a release `cairn server` on a fresh data folder, puts KEYS small objects with boto3, then
times CALLS full-page ListObjectsV2 calls (boto3 defaults: EncodingType=url) and 300 HeadObject
calls, reading the server's utime + stime from /proc/PID/stat around each phase.

    bench/list_cpu.py [--cairn .build/release/cairn] [--keys 1000] [--calls 100]
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import boto3
from botocore.config import Config


def server_cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    here = Path(__file__).resolve().parent.parent
    ap = argparse.ArgumentParser()
    ap.add_argument("--cairn", default=str(here / ".build/release/cairn"))
    ap.add_argument("--keys", type=int, default=1000)
    ap.add_argument("--calls", type=int, default=100)
    args = ap.parse_args()

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    data = tempfile.mkdtemp(prefix="cairn-list.")
    proc = subprocess.Popen([args.cairn, "server", "--data", data, "--address", f"127.0.0.1:{port}",
                             "--access-key", "cairnadmin", "--secret-key", "cairnadmin-secret-key",
                             "--log-level", "error"], stdout=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), 0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        s3 = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
                          aws_access_key_id="cairnadmin", aws_secret_access_key="cairnadmin-secret-key",
                          config=Config(max_pool_connections=8))
        s3.create_bucket(Bucket="listbench")
        with ThreadPoolExecutor(8) as ex:
            list(ex.map(lambda i: s3.put_object(Bucket="listbench", Key=f"k/{i:06d}", Body=b"x"), range(args.keys)))
        page = min(args.keys, 1000)
        for _ in range(3):
            s3.list_objects_v2(Bucket="listbench")
        c0, t0 = server_cpu_seconds(proc.pid), time.monotonic()
        for _ in range(args.calls):
            assert s3.list_objects_v2(Bucket="listbench")["KeyCount"] == page
        c1, t1 = server_cpu_seconds(proc.pid), time.monotonic()
        print(f"ListObjectsV2, {page} keys a page: server CPU {(c1 - c0) / args.calls * 1000:.2f} ms a call "
              f"({(t1 - t0) / args.calls * 1000:.1f} ms wall, mostly boto3 parsing)")
        c0 = server_cpu_seconds(proc.pid)
        for _ in range(300):
            s3.head_object(Bucket="listbench", Key="k/000001")
        # (utime/stime tick every 10 ms: over 300 calls, a resolution of ~0.03 ms a call)
        print(f"HeadObject: server CPU {(server_cpu_seconds(proc.pid) - c0) / 300 * 1000:.2f} ms a call")
    finally:
        proc.terminate()
        proc.wait(10)
        subprocess.run(["rm", "-rf", data], check=False)


if __name__ == "__main__":
    main()
