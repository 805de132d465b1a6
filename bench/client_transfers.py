#!/usr/bin/env python3
"""`cairn s3 cp --recursive` and `cairn s3 sync` against `aws s3 cp --recursive` / `aws s3 sync`
and rclone (`rclone copy` / `rclone sync`), all against one release `cairn server` in one run.

Two shapes: many small files (default 10,000 of 4 KiB) and a few large ones (default 20 of
256 MiB). For each shape and tool, in this order:
  upload       cp --recursive  local -> a new prefix       (rclone copy)
  sync-upload  sync            local -> another new prefix (rclone sync)
  sync-noop    sync            the same again: nothing to send, only listing and comparing
  download     cp --recursive  the uploaded prefix -> a new local folder (rclone copy)
Every command runs with each tool's defaults (aws: 10 threads, 8 MiB parts; cairn: the same
settings, read from the same config file; rclone: 4 transfers, 8 checkers, 5 MiB chunks).
Measured per command from the client's process (os.wait4): wall time, CPU user + sys, peak RSS.
The server's data folder and the client's files live on the same disk; downloads and uploads
read what the previous step wrote, so the page cache is warm for every tool alike.
After each command its output is checked (file count, and the bytes of one file) and the
objects of the step are deleted (not timed).

    bench/client_transfers.py --cairn .build/release/cairn [--small 10000 --small-size 4096]
                              [--large 20 --large-size 268435456] [--tools cairn,aws,rclone]
                              [--work /tmp/client-bench] [--json results.json]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

ACCESS, SECRET = "clientbench", "clientbench-secret-key"


def start_server(cairn: str, data: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = open(data.parent / "server.log", "ab")
    proc = subprocess.Popen([cairn, "server", "--data", str(data), "--address", f"127.0.0.1:{port}",
                             "--access-key", ACCESS, "--secret-key", SECRET], stdout=log, stderr=log)
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return proc, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.1)
    raise SystemExit("server did not start")


def environment(work: Path, endpoint: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "RCLONE_"))}
    config = work / "aws-config"
    config.write_text("[default]\nregion = us-east-1\ns3 =\n    addressing_style = path\n")
    env.update({
        "AWS_ACCESS_KEY_ID": ACCESS, "AWS_SECRET_ACCESS_KEY": SECRET, "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": str(config), "AWS_SHARED_CREDENTIALS_FILE": str(work / "none"),
        "AWS_EC2_METADATA_DISABLED": "true", "HOME": str(work),
        # rclone's remote `cairn:` from the environment (no config file).
        "RCLONE_CONFIG": str(work / "rclone.conf"), "RCLONE_CONFIG_CAIRN_TYPE": "s3", "RCLONE_CONFIG_CAIRN_PROVIDER": "Other",
        "RCLONE_CONFIG_CAIRN_ENDPOINT": endpoint, "RCLONE_CONFIG_CAIRN_ACCESS_KEY_ID": ACCESS,
        "RCLONE_CONFIG_CAIRN_SECRET_ACCESS_KEY": SECRET, "RCLONE_CONFIG_CAIRN_REGION": "us-east-1",
        "RCLONE_CONFIG_CAIRN_FORCE_PATH_STYLE": "true",
        # rclone sends `x-amz-acl: private` by default, which a bucket with ACLs disabled
        # (BucketOwnerEnforced, new buckets' default on AWS and on Cairn) refuses with
        # AccessControlListNotSupported, as AWS does; bucket-owner-full-control is accepted.
        "RCLONE_CONFIG_CAIRN_ACL": "bucket-owner-full-control",
    })
    return env


def commands(tool: str, cairn: str, endpoint: str, step: str, local: Path, remote: str) -> list[str]:
    """`remote` is `bucket/prefix`."""
    if tool == "rclone":
        verb = "sync" if step.startswith("sync") else "copy"
        src, dst = (f"cairn:{remote}", str(local)) if step == "download" else (str(local), f"cairn:{remote}")
        return ["rclone", verb, src, dst]
    head = [cairn, "s3"] if tool == "cairn" else ["aws", "s3"]
    verb = ["sync"] if step.startswith("sync") else ["cp", "--recursive"]
    src, dst = (f"s3://{remote}", str(local)) if step == "download" else (str(local), f"s3://{remote}")
    extra = ["--no-progress", "--only-show-errors"]
    return head + verb + [src, dst] + extra + ["--endpoint-url", endpoint]


def measure(argv: list[str], env: dict[str, str]) -> dict:
    start = time.monotonic()
    # stderr to a file, not a pipe: a tool that logs more than a pipe holds (rclone, one line per
    # failed file) would block on it while this waits for it to exit.
    with open(env["HOME"] + "/stderr.log", "w+b") as errfile:
        proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=errfile)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.monotonic() - start
        errfile.seek(0)
        err = errfile.read().decode(errors="replace")
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(f"{' '.join(argv)} exited {code}:\n{err[-2000:]}")
    return {"wall_s": round(wall, 2), "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
            "user_s": round(usage.ru_utime, 2), "sys_s": round(usage.ru_stime, 2), "peak_rss_mb": round(usage.ru_maxrss / 1024, 1)}


def make_files(root: Path, count: int, size: int) -> None:
    """`count` files of `size` bytes (in 100 folders when there are many); each starts with its
    number, so no two are the same, after one block of random bytes generated once."""
    block = os.urandom(size)
    for i in range(count):
        path = root / f"d{i % 100:02d}" / f"f{i:05d}.bin" if count > 100 else root / f"f{i:05d}.bin"
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as f:
            f.write(i.to_bytes(8, "little")[:size])
            f.write(memoryview(block)[min(8, size):])


def count_files(root: Path) -> int:
    return sum(len(names) for _, _, names in os.walk(root))


def main() -> None:
    here = Path(__file__).resolve().parent.parent
    ap = argparse.ArgumentParser()
    ap.add_argument("--cairn", default=str(here / ".build/release/cairn"))
    ap.add_argument("--small", type=int, default=10_000)
    ap.add_argument("--small-size", type=int, default=4096)
    ap.add_argument("--large", type=int, default=20)
    ap.add_argument("--large-size", type=int, default=256 << 20)
    ap.add_argument("--tools", default="cairn,aws,rclone")
    ap.add_argument("--work", default="/tmp/client-bench")
    ap.add_argument("--json")
    args = ap.parse_args()
    work = Path(args.work)
    shutil.rmtree(work, ignore_errors=True)
    (work / "data").mkdir(parents=True)
    server, endpoint = start_server(args.cairn, work / "data")
    env = environment(work, endpoint)
    tools = [t for t in args.tools.split(",") if t != "rclone" or shutil.which("rclone")]
    results = []
    print(f"load average before: {os.getloadavg()}", file=sys.stderr)
    try:
        subprocess.run([args.cairn, "s3", "mb", "s3://bench", "--endpoint-url", endpoint], env=env, check=True, capture_output=True)
        shapes = [("small", args.small, args.small_size), ("large", args.large, args.large_size)]
        for shape, count, size in shapes:
            if count == 0:
                continue
            src = work / f"src-{shape}"
            # In a child process: the clients are started with vfork, and Linux counts the peak
            # RSS of the parent at exec in the child's ru_maxrss (this one would hold the block).
            maker = multiprocessing.get_context("fork").Process(target=make_files, args=(src, count, size))
            maker.start()
            maker.join()
            for tool in tools:
                for step in ("upload", "sync-upload", "sync-noop", "download"):
                    remote = f"bench/{shape}-{tool}-{'sync' if step.startswith('sync') else 'cp'}"
                    local = work / f"down-{shape}-{tool}" if step == "download" else src
                    if step == "download":
                        remote = f"bench/{shape}-{tool}-cp"
                    r = measure(commands(tool, args.cairn, endpoint, step, local, remote), env)
                    r.update(shape=shape, files=count, file_size=size, tool=tool, step=step)
                    results.append(r)
                    print(json.dumps(r), file=sys.stderr)
                    if step == "download":
                        assert count_files(local) == count, (tool, shape, count_files(local))
                        shutil.rmtree(local)
                # Free the server's disk before the next tool (not timed).
                for kind in ("cp", "sync"):
                    subprocess.run([args.cairn, "s3", "rm", "--recursive", f"s3://bench/{shape}-{tool}-{kind}",
                                    "--only-show-errors", "--endpoint-url", endpoint], env=env, check=True)
            shutil.rmtree(src)
    finally:
        server.terminate()
        server.wait(30)
    print(f"load average after: {os.getloadavg()}", file=sys.stderr)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    print("| shape | step | tool | wall s | CPU s (user+sys) | peak RSS MB |")
    print("|---|---|---|---|---|---|")
    for r in results:
        label = f"{r['files']} x {r['file_size'] // 1024} KiB" if r["file_size"] < 1 << 20 else f"{r['files']} x {r['file_size'] >> 20} MiB"
        print(f"| {label} | {r['step']} | {r['tool']} | {r['wall_s']} | {r['cpu_s']} ({r['user_s']}+{r['sys_s']}) | {r['peak_rss_mb']} |")


if __name__ == "__main__":
    main()
