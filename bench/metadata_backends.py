#!/usr/bin/env python3
"""SQLite, PostgreSQL and PostgreSQL through three nodes, side by side in one run (BENCHMARKS.md,
"Metadata backends", issue 15).

Three setups, one after the other, each on its own data folder:
- SQLite: one `cairn server`, metadata in DATA/metadata.sqlite;
- PostgreSQL: one `cairn server` on a private PostgreSQL cluster started here (fsync on, as
  tests/integration/postgres_cluster.py starts it but durable: a fair match for SQLite's
  synchronous=FULL);
- PostgreSQL, 3 nodes: `scripts/cluster` (its own PostgreSQL, fsync on; three nodes on one data
  folder; HAProxy in front, round robin per request), driven through HAProxy.
Every node runs with `--min-part-size 1` (the small parts below) and an access log (the cluster's
nodes write one; the single servers do too, so the setups pay the same). In each setup:
1. ListObjectsV2 over --keys keys: the rows are written straight into the metadata with SQL
   (SQLite through Python's sqlite3 while the server runs, WAL allows it; PostgreSQL through
   psql), each a copy of one real object's row but for its key `k/0000000`...; the usage
   triggers count them as any insert. Then --pages pages of 1,000 keys (MaxKeys=1000) at random
   StartAfter positions, each checked (1,000 keys, the right first one). Listings read only
   metadata, so the copies share one blob.
2. UploadPart of --gib GiB in 8 MiB parts: `cairn bench multipart --part-size 8MiB` (--big-concurrency
   in flight), one upload of all the parts, aborted at the end (the abort is in the CPU window).
3. UploadPart of 16 KiB parts, 32 in flight, for --duration: `cairn bench multipart`.
4. A full ListParts walk (1,000 per page) and CompleteMultipartUpload of one upload of --parts
   parts of 1 KiB: bench/complete_bench.py (timed by boto3, so its own XML work is included).
cairn's CPU is the sum over the setup's cairn processes of their threads' run time
(/proc/PID/task/*/schedstat) around each measurement: not PostgreSQL's, not HAProxy's, not the
client's.

Prints a Markdown table (one row per setup) and, on stderr, the raw measurements as JSON lines.

    swift build -c release
    python3 bench/metadata_backends.py [--cairn .build/release/cairn] [--keys 1000000] [--gib 1]
        [--parts 10000] [--duration 10s] [--pages 50] [--only sqlite,postgres,cluster]
    # a quick end-to-end check of the script itself (debug build, small sizes):
    python3 bench/metadata_backends.py --cairn .build/debug/cairn --keys 20000 --gib 0.1 --parts 500 --duration 3s --pages 5
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import boto3
from botocore.config import Config

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "integration"))
from postgres_cluster import PostgresCluster, binary  # noqa: E402

KEY, SECRET = "benchkey", "bench-secret-key"
LIST_BUCKET = "list-bench"
PAGE = 1000
NODE_ARGS = ["--min-part-size", "1", "--log-level", "warning"]


class FsyncPostgres(PostgresCluster):
    """The tests' private cluster, but durable (the tests turn fsync off)."""

    def start(self) -> None:
        self._run(binary("initdb"), "-D", str(self.data), "-U", "cairn", "--auth=trust", "-E", "UTF8", "--locale=C")
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        self._run(binary("pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "server.log"), "-w", "-o", options, "start")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pids: list[int]) -> float:
    """CPU time of the processes' threads, from /proc/PID/task/*/schedstat (ns; /proc/PID/stat
    counts 10 ms ticks, too coarse for one listing page)."""
    total = 0
    for pid in pids:
        for task in os.listdir(f"/proc/{pid}/task"):
            try:
                total += int(Path(f"/proc/{pid}/task/{task}/schedstat").read_text().split()[0])
            except (FileNotFoundError, ProcessLookupError):
                pass  # a thread that ended meanwhile
    return total / 1e9


def wait_for_port(port: int, process: subprocess.Popen | None, what: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            sys.exit(f"{what} exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    sys.exit(f"{what}: nothing listens on {port}")


class Setup:
    """The cairn processes of one setup, its S3 endpoint and how to reach its metadata."""

    def __init__(self, label: str, endpoint: str, pids: list[int], sqlite: Path | None = None, postgres: str | None = None):
        self.label, self.endpoint, self.pids, self.sqlite, self.postgres = label, endpoint, pids, sqlite, postgres

    def client(self, pool: int = 8):
        return boto3.client("s3", endpoint_url=self.endpoint, region_name="us-east-1", aws_access_key_id=KEY,
                            aws_secret_access_key=SECRET,
                            config=Config(s3={"addressing_style": "path"}, max_pool_connections=pool,
                                          retries={"max_attempts": 3}))


def single_server(cairn: str, folder: Path, label: str, metadata: str | None) -> tuple[Setup, subprocess.Popen]:
    port = free_port()
    cmd = [cairn, "server", "--data", str(folder / "data"), "--address", f"127.0.0.1:{port}",
           "--access-log", str(folder / "access.log"), *NODE_ARGS]
    if metadata:
        cmd += ["--metadata", metadata]
    env = dict(os.environ, CAIRN_ACCESS_KEY=KEY, CAIRN_SECRET_KEY=SECRET)
    process = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=open(folder / "server.log", "ab"))
    wait_for_port(port, process, " ".join(cmd))
    return Setup(label, f"http://127.0.0.1:{port}", [process.pid], sqlite=None if metadata else folder / "data" / "metadata.sqlite",
                 postgres=metadata), process


def cluster(cairn: str, folder: Path, command: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, CAIRN_BIN=cairn, CAIRN_ACCESS_KEY=KEY, CAIRN_SECRET_KEY=SECRET)
    port = free_port()
    args = [sys.executable, str(REPO / "scripts" / "cluster"), command, "--dir", str(folder)]
    if command == "start":
        args += ["--port", str(port), f"--server-args={' '.join(NODE_ARGS)}"]
    out = subprocess.run(args, env=env, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"scripts/cluster {command} failed:\n{out.stdout}\n{out.stderr}")
    return out


def three_nodes(cairn: str, folder: Path) -> Setup:
    out = cluster(cairn, folder, "start")
    state = json.loads((folder / "state.json").read_text())
    endpoint = next(line.split()[-1] for line in out.stdout.splitlines() if line.startswith("endpoint "))
    url = next(line.split()[-1] for line in out.stdout.splitlines() if line.startswith("metadata: "))
    return Setup("PostgreSQL, 3 nodes + HAProxy", endpoint, [n["pid"] for n in state["nodes"]], postgres=url)


def run_json(cmd: list[str]) -> dict:
    env = dict(os.environ, AWS_ACCESS_KEY_ID=KEY, AWS_SECRET_ACCESS_KEY=SECRET, AWS_DEFAULT_REGION="us-east-1")
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=3600)
    if out.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{out.stdout}\n{out.stderr}")
    value, _ = json.JSONDecoder().raw_decode(out.stdout[out.stdout.index("{"):])
    return value


def psql(url: str, sql: str) -> str:
    out = subprocess.run([binary("psql"), url, "-v", "ON_ERROR_STOP=1", "-qAtc", sql], capture_output=True, text=True,
                         stdin=subprocess.DEVNULL)
    if out.returncode != 0:
        sys.exit(f"psql failed: {out.stderr}")
    return out.stdout.strip()


def fill_keys(setup: Setup, keys: int) -> float:
    """Writes `keys` object rows into LIST_BUCKET by SQL, copies of one real object's row; returns
    the seconds it took."""
    s3 = setup.client()
    s3.create_bucket(Bucket=LIST_BUCKET)
    s3.put_object(Bucket=LIST_BUCKET, Key="real/obj", Body=b"template")
    started = time.monotonic()
    if setup.sqlite:
        db = sqlite3.connect(setup.sqlite, timeout=60)
        columns = [r[1] for r in db.execute("PRAGMA table_info(objects)")]
        values = ", ".join("printf('k/%07d', n.i)" if c == "key" else f"t.{c}" for c in columns)
        with db:
            db.execute(f"""WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
                           INSERT INTO objects ({', '.join(columns)}) SELECT {values} FROM n,
                           (SELECT * FROM objects WHERE bucket = ? AND key = 'real/obj') AS t""", (keys - 1, LIST_BUCKET))
        count = db.execute("SELECT count(*) FROM objects WHERE bucket = ?", (LIST_BUCKET,)).fetchone()[0]
        db.close()
    else:
        columns = psql(setup.postgres, "SELECT string_agg(column_name, ',' ORDER BY ordinal_position) FROM information_schema.columns "
                                       "WHERE table_name = 'objects' AND table_schema = current_schema()").split(",")
        values = ", ".join("'k/' || lpad(n::text, 7, '0')" if c == "key" else f"t.{c}" for c in columns)
        psql(setup.postgres, f"""INSERT INTO objects ({', '.join(columns)}) SELECT {values} FROM generate_series(0, {keys - 1}) AS n,
                                 (SELECT * FROM objects WHERE bucket = '{LIST_BUCKET}' AND key = 'real/obj') AS t;
                                 ANALYZE objects""")
        count = int(psql(setup.postgres, f"SELECT count(*) FROM objects WHERE bucket = '{LIST_BUCKET}'"))
    assert count == keys + 1, (count, keys)
    return time.monotonic() - started


def list_pages(setup: Setup, keys: int, pages: int) -> dict:
    s3 = setup.client()
    rng = random.Random(15)
    for start in (0, keys // 2):  # warm-up: connections, caches
        s3.list_objects_v2(Bucket=LIST_BUCKET, StartAfter=f"k/{start:07d}", MaxKeys=PAGE)
    latencies = []
    cpu0 = cpu_seconds(setup.pids)
    for _ in range(pages):
        start = rng.randrange(keys - PAGE - 1)
        t0 = time.perf_counter()
        r = s3.list_objects_v2(Bucket=LIST_BUCKET, StartAfter=f"k/{start:07d}", MaxKeys=PAGE)
        latencies.append((time.perf_counter() - t0) * 1000)
        assert r["KeyCount"] == PAGE and r["Contents"][0]["Key"] == f"k/{start + 1:07d}", (start, r["KeyCount"])
    cpu = cpu_seconds(setup.pids) - cpu0
    return {"list_ms": statistics.median(latencies), "list_cpu_ms": cpu / pages * 1000}


def big_parts(cairn: str, setup: Setup, gib: float, concurrency: int) -> dict:
    parts = max(1, round(gib * 1024 / 8))
    cpu0 = cpu_seconds(setup.pids)
    result = run_json([cairn, "bench", "multipart", "--part-size", "8MiB", "--parts", str(parts), "--count", str(parts),
                       "--concurrency", str(concurrency), "--json", "--no-progress", "--endpoint-url", setup.endpoint])
    cpu = cpu_seconds(setup.pids) - cpu0
    upload = next(o for o in result["operations"] if o["operation"] == "UploadPart")
    return {"big_mb_s": upload["bytes"] / 1e6 / result["seconds"], "big_cpu_s_per_gb": cpu / (upload["bytes"] / 1e9),
            "big_errors": upload["errors"], "big_parts": upload["count"]}


def small_parts(cairn: str, setup: Setup, duration: str) -> dict:
    cpu0 = cpu_seconds(setup.pids)
    result = run_json([cairn, "bench", "multipart", "--part-size", "16KiB", "--parts", "1000", "--concurrency", "32",
                       "--duration", duration, "--json", "--no-progress", "--endpoint-url", setup.endpoint])
    cpu = cpu_seconds(setup.pids) - cpu0
    upload = next(o for o in result["operations"] if o["operation"] == "UploadPart")
    requests = sum(o["count"] for o in result["operations"])
    return {"small_ops": upload["ops_per_second"], "small_p99_ms": upload["latency"]["p99_ms"], "small_errors": upload["errors"],
            "small_cpu_ms": cpu / requests * 1000}


def complete(setup: Setup, parts: int) -> dict:
    big = run_json([sys.executable, str(REPO / "bench" / "complete_bench.py"), "--endpoint", setup.endpoint,
                    "--parts", str(parts), "--access-key", KEY, "--secret-key", SECRET, "--label", setup.label])
    return {"listparts_s": big["listparts_full_s"], "complete_s": big["complete_s"]}


def measure(cairn: str, setup: Setup, args) -> dict:
    row = {"label": setup.label}
    row["fill_s"] = fill_keys(setup, args.keys)
    row.update(list_pages(setup, args.keys, args.pages))
    row.update(big_parts(cairn, setup, args.gib, args.big_concurrency))
    row.update(small_parts(cairn, setup, args.duration))
    row.update(complete(setup, args.parts))
    print(json.dumps(row), file=sys.stderr, flush=True)
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cairn", default=str(REPO / ".build" / "release" / "cairn"))
    ap.add_argument("--keys", type=int, default=1_000_000, help="keys in the listed bucket")
    ap.add_argument("--pages", type=int, default=50, help="ListObjectsV2 pages measured")
    ap.add_argument("--gib", type=float, default=1.0, help="GiB uploaded in 8 MiB parts")
    ap.add_argument("--big-concurrency", type=int, default=8, help="8 MiB parts in flight")
    ap.add_argument("--duration", default="10s", help="how long 16 KiB parts are uploaded")
    ap.add_argument("--parts", type=int, default=10000, help="parts of the upload completed")
    ap.add_argument("--only", default="sqlite,postgres,cluster", help="which setups, comma-separated")
    args = ap.parse_args()
    assert args.keys > 2 * PAGE
    cairn = str(Path(args.cairn).resolve())
    chosen = args.only.split(",")
    rows = []
    with tempfile.TemporaryDirectory(prefix="cairn-mdbench-", dir="/tmp") as top:
        top = Path(top)
        os.chmod(top, 0o755)  # PostgreSQL runs as nobody when we are root: it must reach its folder
        if "sqlite" in chosen:
            (top / "sqlite").mkdir()
            setup, process = single_server(cairn, top / "sqlite", "SQLite", None)
            try:
                rows.append(measure(cairn, setup, args))
            finally:
                process.terminate()
                process.wait(30)
        if "postgres" in chosen:
            (top / "postgres").mkdir()
            pg = FsyncPostgres()
            pg.start()
            try:
                setup, process = single_server(cairn, top / "postgres", "PostgreSQL, 1 node", pg.create_database())
                try:
                    rows.append(measure(cairn, setup, args))
                finally:
                    process.terminate()
                    process.wait(30)
            finally:
                pg.stop()
        if "cluster" in chosen:
            try:
                rows.append(measure(cairn, three_nodes(cairn, top / "cluster"), args))
            finally:
                if (top / "cluster" / "state.json").exists():
                    cluster(cairn, top / "cluster", "stop")
    gib = f"{args.gib:g} GiB"
    print(f"| metadata | UploadPart {gib} in 8 MiB parts ({args.big_concurrency} in flight) | cairn CPU-s / GB | "
          f"UploadPart 16 KiB (32 in flight) | p99 | cairn CPU-ms / request | Complete of {args.parts:,} parts | "
          f"full ListParts of {args.parts:,} | ListObjectsV2 page of 1,000 over {args.keys:,} keys | cairn CPU-ms / page |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        errors = r["big_errors"] + r["small_errors"]
        print(f"| {r['label']} | {r['big_mb_s']:,.0f} MB/s | {r['big_cpu_s_per_gb']:.2f} | {r['small_ops']:,.0f} req/s | "
              f"{r['small_p99_ms']:.1f} ms | {r['small_cpu_ms']:.2f} | {r['complete_s']:.3f} s | {r['listparts_s']:.3f} s | "
              f"{r['list_ms']:.1f} ms | {r['list_cpu_ms']:.2f} |" + (f" ({errors} errors)" if errors else ""))


if __name__ == "__main__":
    main()
