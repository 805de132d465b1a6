"""`cairn bench`: the load generator against a live `cairn server` and against moto_server.
Each run is a few dozen small requests, so these take seconds."""

from __future__ import annotations

import json
import os
import pty
import shutil
import signal
import subprocess
import time

import pytest
from botocore.exceptions import ClientError

from cairntest import CAIRN_BIN, unique_name
from clienttest import Cairn
from test_client_moto import moto  # noqa: F401 - the moto_server fixture


@pytest.fixture
def cairn(server, work):
    u = server.default_user
    return Cairn(server.endpoint, work, u.access_key, u.secret_key)


def bench(cairn: Cairn, *args, check=True):
    """Runs `cairn bench ... --json` and returns the parsed report (stdout must be only JSON:
    no progress line when stdout is not a terminal)."""
    proc = cairn.run("bench", *args, "--json", check=check)
    return json.loads(proc.stdout.decode()), proc


def rows(report) -> dict[str, dict]:
    return {r["operation"]: r for r in report["operations"]}


def bucket_exists(s3, name: str) -> bool:
    try:
        s3.head_bucket(Bucket=name)
        return True
    except ClientError as e:
        assert e.response["Error"]["Code"] in ("404", "NoSuchBucket")
        return False


def keys(s3, bucket: str, prefix: str = "") -> list[str]:
    return [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])]


@pytest.mark.parametrize("workload,operation", [
    ("put", "PutObject"), ("get", "GetObject"), ("stat", "HeadObject"),
    ("delete", "DeleteObject"), ("list", "ListObjectsV2"),
])
def test_bench_runs_count_requests_and_removes_its_bucket(cairn, s3, workload, operation):
    b = unique_name("bench")
    report, _ = bench(cairn, workload, "--bucket", b, "--count", 24, "--concurrency", 4,
                      "--obj-size", "4KiB", "--objects", 10)
    r = rows(report)
    assert list(r) == [operation]
    assert r[operation]["count"] == 24 and r[operation]["errors"] == 0
    assert report["stopped_by"] == "count" and report["total"]["count"] == 24
    lat = r[operation]["latency"]
    assert 0 < lat["p50_ms"] <= lat["p90_ms"] <= lat["p99_ms"] <= lat["max_ms"]
    if workload in ("put", "get"):
        assert r[operation]["bytes"] == 24 * 4096
    assert "cleanup_error" not in report
    assert not bucket_exists(s3, b), "the bucket the run created is deleted afterwards"


def test_bench_multipart_uploads_parts_and_aborts_its_uploads(cairn, s3):
    b = unique_name("bench")
    report, _ = bench(cairn, "multipart", "--bucket", b, "--count", 20, "--concurrency", 4,
                      "--part-size", "16KiB", "--parts", 5)
    r = rows(report)
    assert r["UploadPart"]["count"] == 20 and r["UploadPart"]["errors"] == 0
    assert r["UploadPart"]["bytes"] == 20 * 16384
    assert r["CreateMultipartUpload"]["count"] == 4  # 20 parts, 5 per upload
    assert not bucket_exists(s3, b)


def test_bench_multipart_noclear_keeps_the_uploads(cairn, s3):
    b = unique_name("bench")
    report, _ = bench(cairn, "multipart", "--bucket", b, "--count", 6, "--concurrency", 2,
                      "--part-size", "8KiB", "--parts", 3, "--noclear")
    uploads = s3.list_multipart_uploads(Bucket=b).get("Uploads", [])
    assert len(uploads) == 2 and all(u["Key"].startswith(report["prefix"]) for u in uploads)
    for u in uploads:
        parts = s3.list_parts(Bucket=b, Key=u["Key"], UploadId=u["UploadId"])["Parts"]
        assert [p["PartNumber"] for p in parts] == [1, 2, 3] and {p["Size"] for p in parts} == {8192}


def test_bench_mixed_deals_the_weights_exactly(cairn, s3):
    b = unique_name("bench")
    report, _ = bench(cairn, "mixed", "--bucket", b, "--count", 200, "--concurrency", 8,
                      "--obj-size", "2KiB", "--objects", 20)
    counts = {op: r["count"] for op, r in rows(report).items()}
    assert counts == {"PutObject": 30, "GetObject": 90, "HeadObject": 60, "DeleteObject": 20}
    assert report["total"]["errors"] == 0
    custom, _ = bench(cairn, "mixed", "--bucket", b, "--count", 40, "--get", 1, "--put", 1,
                      "--stat", 0, "--delete", 0, "--obj-size", "1KiB", "--objects", 5)
    assert {op: r["count"] for op, r in rows(custom).items()} == {"PutObject": 20, "GetObject": 20}
    assert not bucket_exists(s3, b)


def test_bench_noclear_keeps_objects_and_an_existing_bucket_keeps_others(cairn, s3):
    b = unique_name("bench")
    s3.create_bucket(Bucket=b)
    s3.put_object(Bucket=b, Key="mine", Body=b"x")
    report, _ = bench(cairn, "put", "--bucket", b, "--count", 5, "--obj-size", "1KiB", "--noclear")
    assert len(keys(s3, b, report["prefix"])) == 5
    again, _ = bench(cairn, "put", "--bucket", b, "--count", 5, "--obj-size", "1KiB")
    assert again["prefix"] != report["prefix"], "each run writes under its own prefix"
    # The second run removed its own objects only, and left the bucket it did not create.
    assert keys(s3, b, again["prefix"]) == []
    assert len(keys(s3, b, report["prefix"])) == 5 and "mine" in keys(s3, b)


def test_bench_size_range_draws_sizes_within_it(cairn, s3):
    b = unique_name("bench")
    report, _ = bench(cairn, "put", "--bucket", b, "--count", 40, "--obj-size", "1KiB-64KiB", "--noclear")
    sizes = [o["Size"] for o in s3.list_objects_v2(Bucket=b, Prefix=report["prefix"])["Contents"]]
    assert len(sizes) == 40 and all(1024 <= s <= 65536 for s in sizes)
    assert len(set(sizes)) > 10
    assert rows(report)["PutObject"]["bytes"] == sum(sizes)


def test_bench_server_pid_reports_the_servers_cpu_and_peak_rss(cairn, server):
    report, _ = bench(cairn, "put", "--bucket", unique_name("bench"), "--count", 50, "--concurrency", 4,
                      "--obj-size", "64KiB", "--server-pid", server.pid)
    s = report["server"]
    assert s["pid"] == server.pid and s["cpu_ms"] > 0
    assert s["cpu_ms_per_request"] == pytest.approx(s["cpu_ms"] / 50)
    assert s["peak_rss_bytes"] >= server.rss_bytes("VmRSS") // 2 and s["peak_rss_bytes"] > 1 << 20
    table = cairn.run("bench", "stat", "--count", 5, "--objects", 2, "--obj-size", "1KiB",
                      "--server-pid", server.pid).stdout.decode()
    assert "HeadObject" in table and f"server pid {server.pid}:" in table and "CPU-ms per request" in table


def test_bench_duration_and_autoterm_stop_the_run(cairn):
    report, _ = bench(cairn, "put", "--duration", "1500ms", "--concurrency", 2, "--obj-size", "1KiB")
    assert report["stopped_by"] == "duration" and 1.5 <= report["seconds"] < 4
    assert rows(report)["PutObject"]["count"] > 0
    steady, _ = bench(cairn, "stat", "--duration", "60s", "--autoterm", "--autoterm-dur", "2s",
                      "--autoterm-pct", "100", "--concurrency", 2, "--objects", 3, "--obj-size", "1KiB")
    assert steady["stopped_by"] == "autoterm" and steady["seconds"] < 20


def test_bench_bad_credentials_and_arguments_fail_clearly(server, work):
    wrong = Cairn(server.endpoint, work, server.default_user.access_key, "not-the-secret")
    proc = wrong.run("bench", "put", "--count", 1, check=False)
    # HeadBucket, the first request, has no error body: the status is the code.
    assert proc.returncode == 254 and b"An error occurred (403) when calling the HeadBucket operation" in proc.stderr
    good = Cairn(server.endpoint, work, server.default_user.access_key, server.default_user.secret_key)
    for args in (["--obj-size", "2MiB-1MiB"], ["--count", "0"], ["--get", "0", "--put", "0", "--stat", "0", "--delete", "0"],
                 ["--duration", "soon"]):
        proc = good.run("bench", "mixed", *args, check=False)
        assert proc.returncode == 64, args  # ArgumentParser's validation failure


@pytest.mark.skipif(shutil.which("moto_server") is None, reason="moto_server not installed")
@pytest.mark.parametrize("workload,operation", [("put", "PutObject"), ("get", "GetObject")])
def test_bench_against_moto(moto, work, workload, operation):  # noqa: F811 - the fixture
    cairn = Cairn(moto.endpoint, work, moto.default_user.access_key, moto.default_user.secret_key)
    b = unique_name("bench")
    report, _ = bench(cairn, workload, "--bucket", b, "--count", 20, "--concurrency", 4,
                      "--obj-size", "16KiB", "--objects", 5)
    r = rows(report)[operation]
    assert r["count"] == 20 and r["errors"] == 0 and r["bytes"] == 20 * 16384
    listing = cairn.s3api("list-buckets").stdout.decode()
    assert b not in listing, "the bucket the run created is deleted afterwards"


def test_bench_delete_stops_when_its_objects_run_out(cairn):
    report, _ = bench(cairn, "delete", "--duration", "60s", "--objects", 12, "--concurrency", 3, "--obj-size", "1KiB")
    assert report["stopped_by"] == "objects-exhausted"
    assert rows(report)["DeleteObject"]["count"] == 12 and report["total"]["errors"] == 0


def test_bench_draws_a_live_line_on_a_terminal_only(cairn):
    leader, follower = pty.openpty()
    proc = subprocess.Popen([CAIRN_BIN, "bench", "stat", "--duration", "2500ms", "--objects", "2", "--obj-size", "1KiB",
                             "--concurrency", "2", "--endpoint-url", cairn.endpoint],
                            stdout=follower, stderr=subprocess.PIPE, env=cairn.env(), cwd=cairn.workdir)
    os.close(follower)
    out = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        out += chunk
    assert proc.wait(30) == 0, proc.stderr.read()
    os.close(leader)
    text = out.decode()
    # The line is redrawn in place (carriage return + erase) about once a second, then erased
    # before the table.
    assert text.count("\r\x1b[Kstat  ") >= 2 and "req/s" in text and "HeadObject" in text
    piped = cairn.run("bench", "stat", "--count", 5, "--objects", 2, "--obj-size", "1KiB").stdout.decode()
    assert "\r" not in piped and "req/s" not in piped and piped.startswith("stat on ")


def test_bench_help_names_the_workloads_and_options(cairn):
    text = cairn.run("bench", "--help", endpoint=False).stdout.decode()
    for word in ("put, get, mixed, multipart, list, stat or delete", "--obj-size", "--autoterm", "--noclear",
                 "--server-pid", "--json", "--endpoint-url"):
        assert word in text, word


def test_bench_interrupted_still_reports_and_cleans_up(cairn, s3):
    b = unique_name("bench")
    proc = subprocess.Popen([CAIRN_BIN, "bench", "put", "--bucket", b, "--duration", "60s", "--obj-size", "1KiB",
                             "--concurrency", "2", "--json", "--endpoint-url", cairn.endpoint],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=cairn.env(), cwd=cairn.workdir)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not (bucket_exists(s3, b) and keys(s3, b)):
        time.sleep(0.1)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    report = json.loads(out)
    assert report["stopped_by"] == "interrupted" and report["seconds"] < 30
    assert rows(report)["PutObject"]["count"] > 0
    assert not bucket_exists(s3, b), "an interrupted run still removes what it created"
