#!/usr/bin/env python3
"""The server's CPU per 1,000-key listing page: a versioned bucket against an unversioned one (issue 12).

1. Starts a release `cairn server` on a fresh data folder and, with boto3, creates bucket `plain`
   and bucket `versioned` (versioning Enabled) and writes the template rows: `real/obj` in each (in
   `versioned` put twice, so it has a current and a noncurrent version) and `real/gone` in
   `versioned`, put then deleted (a delete marker over a version). Stops the server.
2. Writes the bulk of the metadata directly with Python's sqlite3 into data/metadata.sqlite (the
   listings read only metadata; half a million versions over HTTP would take hours on this
   machine), copying every column of those real rows but key, seq, version id and times:
   `plain` gets KEYS keys (version `null`); `versioned` gets KEYS keys with VERSIONS versions each,
   the current one in `objects` and the others in `object_versions`, and about 1 key in 10 whose
   current version is a delete marker. Keys are `k/000000`...; no ANALYZE (the server never runs it).
3. Restarts the server on that folder and, for ROUNDS rounds, runs PAGES full pages (MaxKeys=1000,
   boto3's EncodingType=url) of each operation at random StartAfter / Marker / KeyMarker positions,
   alternating buckets page by page (the same positions for both): ListObjectsV2, ListObjects (v1)
   and ListObjectVersions. Each page is checked (1,000 entries; on `versioned`, exactly the next
   non-marker keys, each with its current version's ETag).

Server CPU per page comes from the server's threads' /proc/PID/task/*/schedstat (ns) read around
each call; the process's utime + stime (/proc/PID/stat, 10 ms ticks) over each operation's pages is
printed beside it as a cross-check.

    bench/list_versions_cpu.py [--cairn .build/release/cairn] [--keys 100000] [--versions 5]
                               [--pages 50] [--rounds 3] [--seed 12] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import sqlite3
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import boto3
from botocore.config import Config

ACCESS, SECRET = "cairnadmin", "cairnadmin-secret-key"
PAGE = 1000
MARKER_EVERY = 10  # about one key in ten has a delete marker as its current version
UINT64_MAX = 2**64 - 1


def process_cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def threads_cpu_ns(pid: int) -> int:
    total = 0
    for t in os.listdir(f"/proc/{pid}/task"):
        try:
            total += int(Path(f"/proc/{pid}/task/{t}/schedstat").read_text().split()[0])
        except (FileNotFoundError, ProcessLookupError):
            pass
    return total


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, cairn: str, data: str):
        self.port = free_port()
        self.proc = subprocess.Popen([cairn, "server", "--data", data, "--address", f"127.0.0.1:{self.port}",
                                      "--access-key", ACCESS, "--secret-key", SECRET, "--log-level", "error"],
                                     stdout=subprocess.DEVNULL, stderr=open(Path(data) / "server.log", "ab"))
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                break
            except OSError:
                if self.proc.poll() is not None:
                    raise SystemExit(f"cairn server exited with {self.proc.returncode}")
                time.sleep(0.1)
        self.s3 = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{self.port}", region_name="us-east-1",
                               aws_access_key_id=ACCESS, aws_secret_access_key=SECRET,
                               config=Config(max_pool_connections=4, retries={"max_attempts": 1}))

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(30)


def version_id(seq: int, rng: random.Random) -> str:
    return f"{UINT64_MAX - seq:016x}{rng.getrandbits(64):016x}"


def populate(db_path: Path, keys: int, versions: int, seed: int) -> tuple[set[int], str]:
    """Writes the rows; returns the indexes of keys whose current version is a marker, and the
    current versions' ETag."""
    rng = random.Random(seed)
    db = sqlite3.connect(db_path)
    db.row_factory = sqlite3.Row
    cols = [r["name"] for r in db.execute("PRAGMA table_info(objects)")]
    vcols = [r["name"] for r in db.execute("PRAGMA table_info(object_versions)")]

    def row(table: str, bucket: str, key: str) -> dict:
        r = db.execute(f"SELECT * FROM {table} WHERE bucket = ? AND key = ? ORDER BY seq DESC LIMIT 1",
                       (bucket, key)).fetchone()
        assert r is not None, (table, bucket, key)
        return dict(r)

    plain_t = row("objects", "plain", "real/obj")
    current_t = row("objects", "versioned", "real/obj")
    noncurrent_t = row("object_versions", "versioned", "real/obj")
    marker_t = row("objects", "versioned", "real/gone")
    assert plain_t["version_id"] == "null" and current_t["version_id"] != "null"
    assert marker_t["delete_marker"] == 1 and current_t["delete_marker"] == 0
    assert current_t["etag"] != noncurrent_t["etag"]

    def insert(table: str, columns: list[str], rows):
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"
        db.executemany(sql, ([r[c] for c in columns] for r in rows))

    base = current_t["seq"] + 1_000_000  # µs, as the server's seq: newer than the template rows
    markers = {i for i in range(keys) if rng.randrange(MARKER_EVERY) == 0}

    def plain_rows():
        for i in range(keys):
            yield {**plain_t, "key": f"k/{i:06d}"}

    def current_rows():
        for i in range(keys):
            seq = base + (versions - 1) * 10_000_000 + i
            t = marker_t if i in markers else current_t
            yield {**t, "key": f"k/{i:06d}", "seq": seq, "version_id": version_id(seq, rng), "last_modified_ms": seq // 1000}

    def noncurrent_rows():
        for i in range(keys):
            for v in range(versions - 2, -1, -1):
                seq = base + v * 10_000_000 + i
                yield {**noncurrent_t, "key": f"k/{i:06d}", "seq": seq, "version_id": version_id(seq, rng),
                       "last_modified_ms": seq // 1000}

    with db:
        insert("objects", cols, plain_rows())
        insert("objects", cols, current_rows())
        insert("object_versions", vcols, noncurrent_rows())
    counts = db.execute("""SELECT
        (SELECT count(*) FROM objects WHERE bucket = 'plain'),
        (SELECT count(*) FROM objects WHERE bucket = 'versioned'),
        (SELECT count(*) FROM objects WHERE bucket = 'versioned' AND delete_marker = 1),
        (SELECT count(*) FROM object_versions WHERE bucket = 'versioned')""").fetchone()
    print(f"rows: plain {counts[0]} in objects; versioned {counts[1]} in objects ({counts[2]} delete markers) "
          f"+ {counts[3]} in object_versions = {counts[1] + counts[3]} versions")
    for name, sql in [
        ("listObjects", "SELECT key FROM objects WHERE bucket = ? AND delete_marker = 0 AND key > ? ORDER BY key LIMIT ?"),
        ("listVersions", "SELECT key, seq FROM objects WHERE bucket = ? AND key > ? UNION ALL "
                         "SELECT key, seq FROM object_versions WHERE bucket = ? AND key > ? ORDER BY key, seq DESC LIMIT ?"),
    ]:
        plan = db.execute("EXPLAIN QUERY PLAN " + sql, ("versioned", "k/", 1000) if sql.count("?") == 3
                          else ("versioned", "k/", "versioned", "k/", 1000)).fetchall()
        print(f"query plan ({name}, Python's SQLite {sqlite3.sqlite_version}): " + "; ".join(r[3] for r in plan))
    db.close()
    return markers, current_t["etag"]


def main() -> None:
    here = Path(__file__).resolve().parent.parent
    ap = argparse.ArgumentParser()
    ap.add_argument("--cairn", default=str(here / ".build/release/cairn"))
    ap.add_argument("--keys", type=int, default=100_000)
    ap.add_argument("--versions", type=int, default=5)
    ap.add_argument("--pages", type=int, default=50, help="pages per bucket, operation and round")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--keep", help="use (and keep) this data folder; populate it only if it is new")
    args = ap.parse_args()
    assert args.keys > 2 * PAGE and args.versions >= 2

    data = args.keep or tempfile.mkdtemp(prefix="cairn-listv.")
    os.makedirs(data, exist_ok=True)
    db_path = Path(data) / "metadata.sqlite"
    fresh = not db_path.exists()
    try:
        if fresh:
            srv = Server(args.cairn, data)
            try:
                s3 = srv.s3
                s3.create_bucket(Bucket="plain")
                s3.create_bucket(Bucket="versioned")
                s3.put_bucket_versioning(Bucket="versioned", VersioningConfiguration={"Status": "Enabled"})
                s3.put_object(Bucket="plain", Key="real/obj", Body=b"new")
                s3.put_object(Bucket="versioned", Key="real/obj", Body=b"old")
                s3.put_object(Bucket="versioned", Key="real/obj", Body=b"new")
                s3.put_object(Bucket="versioned", Key="real/gone", Body=b"gone")
                d = s3.delete_object(Bucket="versioned", Key="real/gone")
                assert d.get("DeleteMarker") is True, d
            finally:
                srv.stop()
            t0 = time.monotonic()
            markers, etag = populate(db_path, args.keys, args.versions, args.seed)
            print(f"populated in {time.monotonic() - t0:.1f} s")
        else:
            db = sqlite3.connect(db_path)
            markers = {int(k[2:]) for (k,) in db.execute(
                "SELECT key FROM objects WHERE bucket = 'versioned' AND delete_marker = 1 AND key LIKE 'k/%'")}
            etag = db.execute("SELECT etag FROM objects WHERE bucket = 'versioned' AND key = 'real/obj'").fetchone()[0]
            db.close()
        print(f"database: {db_path.stat().st_size / 2**20:.0f} MiB")

        srv = Server(args.cairn, data)
        try:
            measure(srv, args, markers, etag)
        finally:
            srv.stop()
    finally:
        if not args.keep:
            subprocess.run(["rm", "-rf", data], check=False)


def measure(srv: Server, args, markers: set[int], etag: str) -> None:
    live = [i for i in range(args.keys) if i not in markers]
    live_pos = {i: n for n, i in enumerate(live)}
    s3 = srv.s3
    pid = srv.proc.pid
    rng = random.Random(args.seed + 1)
    # A StartAfter anywhere but the last ~1,200 keys, so every page is full on both buckets.
    hi = args.keys - PAGE * 1.25

    def check_objects(bucket: str, start: int, contents: list[dict]):
        assert len(contents) == PAGE, (bucket, start, len(contents))
        if bucket == "versioned":
            first = next(n for n in range(start + 1, args.keys) if n not in markers)
            want = [f"k/{i:06d}" for i in live[live_pos[first]:live_pos[first] + PAGE]]
            assert [c["Key"] for c in contents] == want, (bucket, start)
            assert all(c["ETag"].strip('"') == etag.strip('"') for c in contents), "a listing showed a noncurrent version"
        else:
            assert contents[0]["Key"] == f"k/{start + 1:06d}" and contents[-1]["Key"] == f"k/{start + PAGE:06d}"

    def v2(bucket, start):
        r = s3.list_objects_v2(Bucket=bucket, StartAfter=f"k/{start:06d}", MaxKeys=PAGE)
        assert r["KeyCount"] == PAGE and r["IsTruncated"]
        check_objects(bucket, start, r["Contents"])

    def v1(bucket, start):
        r = s3.list_objects(Bucket=bucket, Marker=f"k/{start:06d}", MaxKeys=PAGE)
        assert r["IsTruncated"]
        check_objects(bucket, start, r["Contents"])

    def versions(bucket, start):
        r = s3.list_object_versions(Bucket=bucket, KeyMarker=f"k/{start:06d}", MaxKeys=PAGE)
        n = len(r.get("Versions", [])) + len(r.get("DeleteMarkers", []))
        assert n == PAGE and r["IsTruncated"], (bucket, n)
        first = min(e["Key"] for e in r.get("Versions", []) + r.get("DeleteMarkers", []))
        assert first == f"k/{start + 1:06d}", (bucket, start, first)

    ops = [("ListObjectsV2", v2), ("ListObjects (v1)", v1), ("ListObjectVersions", versions)]
    buckets = ["plain", "versioned"]
    for _, fn in ops:  # warm-up: the page cache and the server's connections
        for b in buckets:
            for s in (0, args.keys // 2, int(hi)):
                fn(b, s)
    per_page = {(op, b): [] for op, _ in ops for b in buckets}
    per_round = {(op, b): [] for op, _ in ops for b in buckets}
    for rnd in range(args.rounds):
        for op, fn in ops:
            starts = [rng.randrange(int(hi)) for _ in range(args.pages)]
            proc_cpu = {b: 0.0 for b in buckets}
            # Alternate which bucket goes first from one page to the next.
            for n, start in enumerate(starts):
                for b in (buckets if n % 2 == 0 else buckets[::-1]):
                    p0, c0 = process_cpu_seconds(pid), threads_cpu_ns(pid)
                    fn(b, start)
                    c1, p1 = threads_cpu_ns(pid), process_cpu_seconds(pid)
                    per_page[(op, b)].append((c1 - c0) / 1e6)
                    proc_cpu[b] += p1 - p0
            for b in buckets:
                per_round[(op, b)].append(proc_cpu[b] / args.pages * 1000)
                m = statistics.median(per_page[(op, b)][-args.pages:])
                print(f"round {rnd + 1} {op:19} {b:9}: median {m:6.2f} CPU-ms a page "
                      f"(utime+stime over the {args.pages} pages: {per_round[(op, b)][-1]:6.2f} ms a page)")

    print(f"\nserver CPU-ms per {PAGE}-entry page, median of {args.rounds} x {args.pages} pages "
          f"[quartiles] (utime+stime per page, each round)")
    for op, _ in ops:
        meds = {}
        for b in buckets:
            xs = per_page[(op, b)]
            q = statistics.quantiles(xs, n=4)
            meds[b] = statistics.median(xs)
            print(f"  {op:19} {b:9}: {meds[b]:6.2f} [{q[0]:.2f}-{q[2]:.2f}]  ("
                  + " / ".join(f"{x:.2f}" for x in per_round[(op, b)]) + ")")
        print(f"  {op:19} ratio versioned/plain: {meds['versioned'] / meds['plain']:.2f}")


if __name__ == "__main__":
    main()
