#!/usr/bin/env python3
"""SQLite and PostgreSQL metadata side by side, in one run (BENCHMARKS.md, "Metadata backends").

For each backend it starts one `cairn server` (--min-part-size 1, its own data folder; PostgreSQL:
a private cluster started here, as tests/integration/postgres_cluster.py does, fsync on) and
measures:
- UploadPart of 16 KiB parts: `cairn bench multipart` (32 in flight), ops/s and server CPU-ms per
  request;
- a full ListParts walk (1,000 per page) and CompleteMultipartUpload of one upload of --parts parts
  (bench/complete_bench.py, whose parts are 1 KiB).
Prints a Markdown table, and the raw JSON lines on stderr.

    swift build -c release
    python3 bench/metadata_backends.py [--cairn .build/release/cairn] [--duration 10s] [--parts 10000]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "integration"))
from postgres_cluster import PostgresCluster  # noqa: E402

KEY, SECRET = "benchkey", "bench-secret-key"


class FsyncPostgres(PostgresCluster):
    """The tests' private cluster, but durable (the tests turn fsync off): a fair comparison with
    SQLite's synchronous=FULL."""

    def start(self) -> None:
        from postgres_cluster import binary
        self._run(binary("initdb"), "-D", str(self.data), "-U", "cairn", "--auth=trust", "-E", "UTF8", "--locale=C")
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        self._run(binary("pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "server.log"), "-w", "-o", options, "start")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(cairn: str, data: Path, metadata: str | None) -> tuple[subprocess.Popen, str]:
    port = free_port()
    cmd = [cairn, "server", "--data", str(data), "--address", f"127.0.0.1:{port}", "--min-part-size", "1",
           "--log-level", "warning"]
    if metadata:
        cmd += ["--metadata", metadata]
    env = dict(os.environ, CAIRN_ACCESS_KEY=KEY, CAIRN_SECRET_KEY=SECRET)
    process = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.05)
    process.kill()
    sys.exit(f"{cmd} did not start")


def run_json(cmd: list[str]) -> dict:
    env = dict(os.environ, AWS_ACCESS_KEY_ID=KEY, AWS_SECRET_ACCESS_KEY=SECRET, AWS_DEFAULT_REGION="us-east-1")
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=1800)
    if out.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{out.stdout}\n{out.stderr}")
    print(out.stdout, file=sys.stderr)
    value, _ = json.JSONDecoder().raw_decode(out.stdout[out.stdout.index("{"):])
    return value


def measure(cairn: str, label: str, metadata: str | None, args) -> dict:
    with tempfile.TemporaryDirectory(prefix="cairn-bench-") as folder:
        process, endpoint = start_server(cairn, Path(folder) / "data", metadata)
        try:
            parts = run_json([cairn, "bench", "multipart", "--part-size", "16KiB", "--parts", "1000", "--concurrency", "32",
                              "--duration", args.duration, "--json", "--no-progress", "--server-pid", str(process.pid),
                              "--endpoint-url", endpoint])
            upload = next(o for o in parts["operations"] if o["operation"] == "UploadPart")
            big = run_json([sys.executable, str(REPO / "bench" / "complete_bench.py"), "--endpoint", endpoint,
                            "--parts", str(args.parts), "--access-key", KEY, "--secret-key", SECRET, "--label", label])
        finally:
            process.terminate()
            process.wait(30)
    return {"label": label, "upload_ops": upload["ops_per_second"], "upload_p99": upload["latency"]["p99_ms"],
            "cpu_ms": (parts.get("server") or {}).get("cpu_ms_per_request"), "errors": upload["errors"],
            "list_s": big["listparts_full_s"], "complete_s": big["complete_s"]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cairn", default=str(REPO / ".build" / "release" / "cairn"))
    ap.add_argument("--duration", default="10s")
    ap.add_argument("--parts", type=int, default=10000)
    args = ap.parse_args()
    postgres = FsyncPostgres()
    postgres.start()
    try:
        rows = [measure(args.cairn, "SQLite", None, args),
                measure(args.cairn, "PostgreSQL", postgres.create_database(), args)]
    finally:
        postgres.stop()
    print(f"| metadata | UploadPart 16 KiB (32 in flight) | p99 | server CPU-ms / part | full ListParts of {args.parts:,} | "
          f"Complete of {args.parts:,} parts |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        cpu = f"{r['cpu_ms']:.3f}" if r["cpu_ms"] is not None else "-"
        print(f"| {r['label']} | {r['upload_ops']:,.0f} req/s ({r['errors']} errors) | {r['upload_p99']:.1f} ms | {cpu} | "
              f"{r['list_s']:.3f} s | {r['complete_s']:.3f} s |")


if __name__ == "__main__":
    main()
