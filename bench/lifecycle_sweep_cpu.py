#!/usr/bin/env python3
"""Server CPU and wall time of one lifecycle sweep over 100,000 objects of which 10% expire.

1. Starts a release `cairn server` on a fresh data folder, creates bucket `sweep` and puts one real
   object (the template row), stops the server.
2. Writes 100,000 object rows straight into data/metadata.sqlite with Python's sqlite3 (a sweep
   reads and writes only metadata, plus one unlink per expired object): 10% last modified 10 days
   ago, the rest now. Every row points at the template's blob, so only the first expiry unlinks a
   file; the others find it gone (say so when quoting the figure).
3. Restarts the server with `--lifecycle-sweep-seconds 1`, puts a rule `Expiration: Days 5`, and
   reads the server's utime + stime from /proc from just before the rule is put until the log
   says the sweep expired the 10,000 (the idle server's own CPU in that window is negligible).

    bench/lifecycle_sweep_cpu.py [--cairn .build/release/cairn] [--objects 100000] [--expiring 0.1]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path

import boto3
from botocore.config import Config

ACCESS, SECRET = "sweepbench", "sweepbench-secret-key"


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start(cairn: str, data: str, *extra: str) -> tuple[subprocess.Popen, int]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = open(Path(data) / "server.log", "ab")
    proc = subprocess.Popen([cairn, "server", "--data", data, "--address", f"127.0.0.1:{port}", "--access-key", ACCESS,
                             "--secret-key", SECRET, *extra], stdout=log, stderr=log)
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return proc, port
        except OSError:
            time.sleep(0.1)
    raise SystemExit("server did not start")


def client(port: int):
    return boto3.client("s3", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1", aws_access_key_id=ACCESS,
                        aws_secret_access_key=SECRET, config=Config(retries={"max_attempts": 1}))


def main() -> None:
    here = Path(__file__).resolve().parent.parent
    ap = argparse.ArgumentParser()
    ap.add_argument("--cairn", default=str(here / ".build/release/cairn"))
    ap.add_argument("--objects", type=int, default=100_000)
    ap.add_argument("--expiring", type=float, default=0.1)
    args = ap.parse_args()
    data = tempfile.mkdtemp(prefix="cairn-sweep.")
    try:
        proc, port = start(args.cairn, data)
        s3 = client(port)
        s3.create_bucket(Bucket="sweep")
        s3.put_object(Bucket="sweep", Key="template", Body=b"x")
        proc.terminate()
        proc.wait(30)

        db = sqlite3.connect(Path(data) / "metadata.sqlite")
        db.row_factory = sqlite3.Row
        cols = [r["name"] for r in db.execute("PRAGMA table_info(objects)")]
        t = dict(db.execute("SELECT * FROM objects WHERE bucket = 'sweep' AND key = 'template'").fetchone())
        now_ms = int(time.time() * 1000)
        old_ms = now_ms - 10 * 86_400_000
        every = round(1 / args.expiring)
        rows = ({**t, "key": f"k/{i:06d}", "last_modified_ms": old_ms + i if i % every == 0 else now_ms} for i in range(args.objects))
        with db:
            db.executemany(f"INSERT INTO objects ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})",
                           ([r[c] for c in cols] for r in rows))
        expiring = db.execute("SELECT count(*) FROM objects WHERE bucket = 'sweep' AND last_modified_ms < ?",
                              (now_ms - 5 * 86_400_000,)).fetchone()[0]
        db.close()

        proc, port = start(args.cairn, data, "--lifecycle-sweep-seconds", "1", "--log-level", "info")
        s3 = client(port)
        time.sleep(1.5)  # let one empty sweep pass
        cpu0, t0 = cpu_seconds(proc.pid), time.monotonic()
        s3.put_bucket_lifecycle_configuration(Bucket="sweep", LifecycleConfiguration={"Rules": [
            {"ID": "old", "Status": "Enabled", "Filter": {"Prefix": ""}, "Expiration": {"Days": 5}}]})
        log = Path(data) / "server.log"
        while True:
            m = re.search(r"lifecycle: expired (\d+) object versions", log.read_text(errors="replace"))
            if m:
                break
            if time.monotonic() - t0 > 600:
                raise SystemExit("no sweep finished in 10 minutes")
            time.sleep(0.05)
        cpu1, t1 = cpu_seconds(proc.pid), time.monotonic()
        left = s3.list_objects_v2(Bucket="sweep", MaxKeys=1)["KeyCount"]
        proc.terminate()
        proc.wait(30)
        print(f"objects {args.objects + 1}, expiring {expiring}, swept {m.group(1)}; "
              f"server CPU {cpu1 - cpu0:.2f} s ({(cpu1 - cpu0) / max(int(m.group(1)), 1) * 1e6:.0f} µs per expiry), "
              f"wall {t1 - t0:.2f} s (includes up to 1 s waiting for the sweeper's next run); bucket not empty: {left == 1}")
    finally:
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
