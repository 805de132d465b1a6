"""The admin listener (--admin-address): /metrics, /health, /ready, --metrics-token; and the
access log (--access-log). Real boto3 requests against a real server, then a scrape."""

from __future__ import annotations

import base64
import json
import os
import re
import socket
import subprocess
import time
from urllib.parse import urlsplit

import pytest
import requests

from cairntest import ADMIN, CAIRN_BIN, KiB, free_port, unique_name

MIN_PART = 1 * KiB
TOKEN = "metrics-token-0123456789"

_LINE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


class Ops:
    """A server with an admin listener and an access log, and ways to read both."""

    def __init__(self, srv, admin_port: int, log_path):
        self.srv, self.admin, self.log_path = srv, f"http://127.0.0.1:{admin_port}", log_path

    def get(self, path: str, **kw) -> requests.Response:
        return requests.get(self.admin + path, timeout=10, **kw)

    def wait_until_healthy(self, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if self.get("/health").status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            assert time.monotonic() < deadline, "the admin listener did not answer /health"
            time.sleep(0.02)

    def scrape(self, token: str | None = None) -> dict:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        r = self.get("/metrics", headers=headers)
        assert r.status_code == 200, r.text
        assert r.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        return parse_metrics(r.text)

    def log_lines(self, count: int, timeout: float = 5.0) -> list[dict]:
        """The access log's lines once it has at least `count` (it is written off the request path)."""
        deadline = time.monotonic() + timeout
        while True:
            text = self.log_path.read_text() if self.log_path.exists() else ""
            lines = [json.loads(line) for line in text.splitlines()]
            if len(lines) >= count or time.monotonic() > deadline:
                return lines
            time.sleep(0.02)

    def log_line(self, request_id: str) -> dict:
        deadline = time.monotonic() + 5
        while True:
            for line in self.log_lines(0):
                if line["request_id"] == request_id:
                    return line
            assert time.monotonic() < deadline, f"no access log line for request {request_id}"
            time.sleep(0.02)


def parse_metrics(text: str) -> dict:
    """{(name, frozenset(labels)): value} of a Prometheus text exposition."""
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = _LINE.match(line)
        assert m, f"not a sample line: {line!r}"
        labels = frozenset(_LABEL.findall(m.group(2) or ""))
        out[(m.group(1), labels)] = float(m.group(3))
    return out


def sample(metrics: dict, name: str, **labels) -> float:
    return metrics.get((name, frozenset(labels.items())), 0.0)


def delta(before: dict, after: dict, name: str, **labels) -> float:
    return sample(after, name, **labels) - sample(before, name, **labels)


@pytest.fixture
def start_ops(start_server, tmp_path):
    def _start(*extra: str, access_log: bool = True, env_token: str | None = None) -> Ops:
        admin_port = free_port()
        log_path = tmp_path / f"access-{admin_port}.log"
        args = ["--admin-address", f"127.0.0.1:{admin_port}", *extra]
        if access_log:
            args += ["--access-log", str(log_path)]
        srv = start_server(min_part_size=MIN_PART, extra_args=args)
        ops = Ops(srv, admin_port, log_path)
        ops.wait_until_healthy()
        return ops
    return _start


def plain_client(srv):
    # No aws-chunked framing: the bytes received are exactly the bodies sent.
    return srv.client(request_checksum_calculation="when_required")


def test_request_metrics_move_exactly_per_operation(start_ops):
    ops = start_ops()
    s3 = plain_client(ops.srv)
    bucket = unique_name("metrics")
    s3.create_bucket(Bucket=bucket)
    before = ops.scrape()

    body = os.urandom(1000)
    s3.put_object(Bucket=bucket, Key="one", Body=body)
    upload = s3.create_multipart_upload(Bucket=bucket, Key="multi")["UploadId"]
    parts = []
    for n, size in ((1, 2 * KiB), (2, 100)):
        etag = s3.upload_part(Bucket=bucket, Key="multi", UploadId=upload, PartNumber=n,
                              Body=os.urandom(size))["ETag"]
        parts.append({"PartNumber": n, "ETag": etag})
    s3.complete_multipart_upload(Bucket=bucket, Key="multi", UploadId=upload,
                                 MultipartUpload={"Parts": parts})
    assert s3.get_object(Bucket=bucket, Key="one")["Body"].read() == body
    with pytest.raises(s3.exceptions.NoSuchKey):
        s3.get_object(Bucket=bucket, Key="missing")

    after = ops.scrape()
    requests_total = "cairn_s3_requests_total"
    assert delta(before, after, requests_total, operation="PutObject") == 1
    assert delta(before, after, requests_total, operation="CreateMultipartUpload") == 1
    assert delta(before, after, requests_total, operation="UploadPart") == 2
    assert delta(before, after, requests_total, operation="CompleteMultipartUpload") == 1
    assert delta(before, after, requests_total, operation="GetObject") == 2
    # The scrape itself is not an S3 request.
    assert delta(before, after, requests_total, operation="ListBuckets") == 0

    assert delta(before, after, "cairn_s3_received_bytes_total", operation="PutObject") == 1000
    assert delta(before, after, "cairn_s3_received_bytes_total", operation="UploadPart") == 2 * KiB + 100
    get_sent = delta(before, after, "cairn_s3_sent_bytes_total", operation="GetObject")
    # 1000 bytes of object plus the NoSuchKey error document.
    assert 1000 + 100 < get_sent < 1000 + 1000
    assert delta(before, after, "cairn_s3_sent_bytes_total", operation="PutObject") == 0

    errors = "cairn_s3_errors_total"
    assert delta(before, after, errors, operation="GetObject", code="NoSuchKey", status="404") == 1
    assert sum(v for (n, _), v in after.items() if n == errors) - \
        sum(v for (n, _), v in before.items() if n == errors) == 1

    for op, n in (("PutObject", 1), ("UploadPart", 2), ("GetObject", 2)):
        assert delta(before, after, "cairn_s3_request_duration_seconds_count", operation=op) == n
        assert delta(before, after, "cairn_s3_request_duration_seconds_bucket", operation=op, le="+Inf") == n
        assert delta(before, after, "cairn_s3_time_to_first_byte_seconds_count", operation=op) == n
        assert sample(after, "cairn_s3_requests_in_flight", operation=op) == 0
    assert sample(after, "process_resident_memory_bytes") > 1_000_000
    assert sample(after, "process_open_fds") >= 3


def test_in_flight_counts_a_request_until_its_body_is_done(start_ops):
    """A presigned PUT whose body arrives in two halves is in flight in between."""
    ops = start_ops()
    s3 = plain_client(ops.srv)
    bucket = unique_name("inflight")
    s3.create_bucket(Bucket=bucket)
    url = s3.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "slow"}, ExpiresIn=60)
    parts = urlsplit(url)
    body = os.urandom(4000)
    with socket.create_connection(("127.0.0.1", ops.srv.port), timeout=10) as sock:
        sock.sendall(f"PUT {parts.path}?{parts.query} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
                     f"Content-Length: {len(body)}\r\n\r\n".encode() + body[:2000])
        deadline = time.monotonic() + 5
        while sample(ops.scrape(), "cairn_s3_requests_in_flight", operation="PutObject") != 1:
            assert time.monotonic() < deadline, "the PUT never showed as in flight"
            time.sleep(0.02)
        sock.sendall(body[2000:])
        assert sock.recv(4096).startswith(b"HTTP/1.1 200")
    deadline = time.monotonic() + 5
    while sample(ops.scrape(), "cairn_s3_requests_in_flight", operation="PutObject") != 0:
        assert time.monotonic() < deadline, "the PUT stayed in flight after its response"
        time.sleep(0.02)
    assert s3.get_object(Bucket=bucket, Key="slow")["Body"].read() == body


def test_health_and_ready(start_ops):
    ops = start_ops(access_log=False)
    r = ops.get("/health")
    assert (r.status_code, r.json()) == (200, {"status": "ok"})
    r = ops.get("/ready")
    assert (r.status_code, r.json()) == (200, {"status": "ready"})
    # The data folder's tmp/ gone: nothing can be uploaded, so the server is not ready.
    tmp = ops.srv.data_dir / "tmp"
    tmp.rename(ops.srv.data_dir / "tmp-away")
    try:
        r = ops.get("/ready")
        assert r.status_code == 503
        assert r.json()["status"] == "unavailable"
        assert "data" in r.json() and "metadata" not in r.json()
        assert ops.get("/ready").status_code == 503
        assert ops.get("/health").status_code == 200
    finally:
        (ops.srv.data_dir / "tmp-away").rename(tmp)
    assert ops.get("/ready").status_code == 200
    # Logged when readiness changes, not at every probe.
    log = ops.srv.log_path.read_text()
    assert log.count("not ready: data:") == 1 and log.count("ready again") == 1
    assert ops.get("/nothing-here").status_code == 404


def test_metrics_token_is_required_when_set(start_ops):
    ops = start_ops("--metrics-token", TOKEN, access_log=False)
    r = ops.get("/metrics")
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"].startswith("Bearer")
    assert ops.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}x"}).status_code == 401
    assert ops.get("/metrics", headers={"Authorization": f"Basic {TOKEN}"}).status_code == 401
    assert "cairn_s3" not in r.text
    ops.srv.client().list_buckets()
    metrics = ops.scrape(token=TOKEN)
    assert sample(metrics, "cairn_s3_requests_total", operation="ListBuckets") == 1
    # Health and readiness stay open for load balancers.
    assert ops.get("/health").status_code == 200
    assert ops.get("/ready").status_code == 200


def test_metrics_are_never_served_on_the_s3_port(start_ops):
    ops = start_ops(access_log=False)
    r = requests.get(ops.srv.endpoint + "/metrics", timeout=10)
    assert r.status_code != 200
    assert "cairn_s3_requests_total" not in r.text
    assert "<Error>" in r.text


def test_access_log_lines_carry_s3_fields(start_ops):
    ops = start_ops()
    s3 = plain_client(ops.srv)
    bucket = unique_name("log")
    s3.create_bucket(Bucket=bucket)
    body = b"x" * 1500
    put = s3.put_object(Bucket=bucket, Key="dir/a b.txt", Body=body)
    upload = s3.create_multipart_upload(Bucket=bucket, Key="multi")["UploadId"]
    part = s3.upload_part(Bucket=bucket, Key="multi", UploadId=upload, PartNumber=1, Body=b"p" * 300)
    done = s3.complete_multipart_upload(Bucket=bucket, Key="multi", UploadId=upload,
                                        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})
    got = s3.get_object(Bucket=bucket, Key="dir/a b.txt", Range="bytes=0-99")
    got["Body"].read()
    with pytest.raises(s3.exceptions.NoSuchKey) as missing:
        s3.get_object(Bucket=bucket, Key="missing")

    line = ops.log_line(put["ResponseMetadata"]["RequestId"])
    assert line["operation"] == "REST.PUT.OBJECT"
    assert line["aws_operation"] == "PutObject"
    assert (line["bucket"], line["key"]) == (bucket, "dir/a b.txt")
    assert line["status"] == 200 and line["error_code"] == "-"
    assert line["requester"] == ADMIN.access_key
    assert line["remote_ip"] == "127.0.0.1"
    assert line["object_size"] == 1500 and line["bytes_received"] == 1500 and line["bytes_sent"] == 0
    assert line["signature_version"] == "SigV4"
    assert line["host"] == f"127.0.0.1:{ops.srv.port}"
    assert line["tls_version"] == "-"
    assert "Boto3" in line["user_agent"]
    assert line["request_uri"] == f"PUT /{bucket}/dir/a%20b.txt HTTP/1.1"
    assert line["total_time_ms"] >= line["turn_around_time_ms"] >= 0
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", line["time"])

    part_line = ops.log_line(part["ResponseMetadata"]["RequestId"])
    assert part_line["operation"] == "REST.PUT.PART"
    assert part_line["object_size"] == 300
    assert ops.log_line(done["ResponseMetadata"]["RequestId"])["operation"] == "REST.POST.UPLOAD"

    ranged = ops.log_line(got["ResponseMetadata"]["RequestId"])
    assert ranged["operation"] == "REST.GET.OBJECT"
    assert (ranged["status"], ranged["bytes_sent"], ranged["object_size"]) == (206, 100, 1500)

    error = ops.log_line(missing.value.response["ResponseMetadata"]["RequestId"])
    assert (error["status"], error["error_code"], error["key"]) == (404, "NoSuchKey", "missing")
    assert error["object_size"] is None
    assert error["bytes_sent"] > 0


def test_access_log_never_holds_secrets(start_ops):
    ops = start_ops("--sse-c-insecure-http")
    s3 = plain_client(ops.srv)
    bucket = unique_name("secret")
    s3.create_bucket(Bucket=bucket)
    # A presigned GET: its signature is a bearer credential for the URL's lifetime.
    s3.put_object(Bucket=bucket, Key="k", Body=b"data")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"}, ExpiresIn=60)
    signature = re.search(r"X-Amz-Signature=([0-9a-f]+)", url).group(1)
    r = requests.get(url, timeout=10)
    assert r.status_code == 200
    # SSE-C: the key travels in a header on every request.
    key = os.urandom(32)
    sse = s3.put_object(Bucket=bucket, Key="enc", Body=b"secret body", SSECustomerAlgorithm="AES256",
                        SSECustomerKey=key)
    s3.get_object(Bucket=bucket, Key="enc", SSECustomerAlgorithm="AES256", SSECustomerKey=key)["Body"].read()

    presigned = ops.log_line(r.headers["x-amz-request-id"])
    assert presigned["operation"] == "REST.GET.OBJECT"
    assert "X-Amz-Signature=REDACTED" in presigned["request_uri"]
    assert "X-Amz-Credential=" in presigned["request_uri"]
    assert presigned["requester"] == ADMIN.access_key
    assert ops.log_line(sse["ResponseMetadata"]["RequestId"])["operation"] == "REST.PUT.OBJECT"

    text = ops.log_path.read_text()
    assert signature not in text
    for secret in (base64.b64encode(key).decode(), key.hex(), ADMIN.secret_key, "AWS4-HMAC-SHA256 Credential"):
        assert secret not in text
    assert "Authorization" not in text and "authorization" not in text


def test_access_log_to_standard_output(start_ops):
    ops = start_ops("--access-log", "-", access_log=False)
    s3 = ops.srv.client()
    reply = s3.list_buckets()
    request_id = reply["ResponseMetadata"]["RequestId"]
    deadline = time.monotonic() + 5
    while True:
        lines = [json.loads(l) for l in ops.srv.log_path.read_text().splitlines() if l.startswith("{")]
        match = [l for l in lines if l["request_id"] == request_id]
        if match:
            assert match[0]["operation"] == "REST.GET.SERVICE"
            return
        assert time.monotonic() < deadline, "no access log line on standard output"
        time.sleep(0.02)


def test_a_request_refused_before_it_names_an_operation_is_counted_as_dash(start_ops):
    ops = start_ops()
    before = ops.scrape()
    bad = ops.srv.client(secret_key="not-the-secret")
    with pytest.raises(bad.exceptions.ClientError) as refused:
        bad.list_buckets()
    assert refused.value.response["Error"]["Code"] == "SignatureDoesNotMatch"
    after = ops.scrape()
    assert delta(before, after, "cairn_s3_requests_total", operation="-") == 1
    assert delta(before, after, "cairn_s3_errors_total", operation="-", code="SignatureDoesNotMatch", status="403") == 1
    assert delta(before, after, "cairn_s3_requests_total", operation="ListBuckets") == 0
    assert sample(after, "cairn_s3_requests_in_flight", operation="-") == 0
    line = ops.log_line(refused.value.response["ResponseMetadata"]["RequestId"])
    assert (line["operation"], line["requester"], line["status"]) == ("-", "-", 403)
    assert line["signature_version"] == "SigV4"


@pytest.mark.parametrize("args, message", [
    (["--metrics-token", "t"], "--metrics-token needs --admin-address"),
    (["--admin-address", "127.0.0.1:{port}"], "must not be the S3 port"),
    (["--admin-address", "nonsense"], "--admin-address must be HOST:PORT"),
    (["--admin-address", "127.0.0.1:0", "--metrics-token", ""], "--metrics-token must not be empty"),
])
def test_admin_options_are_checked_at_start(tmp_path, args, message):
    port = free_port()
    cmd = [CAIRN_BIN, "server", "--data", str(tmp_path / "data"), "--address", f"127.0.0.1:{port}",
           *[a.format(port=port) for a in args]]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    assert done.returncode != 0
    assert message in done.stderr


def test_an_access_log_that_cannot_be_opened_stops_the_start(tmp_path):
    done = subprocess.run([CAIRN_BIN, "server", "--data", str(tmp_path / "data"), "--address", f"127.0.0.1:{free_port()}",
                           "--access-log", str(tmp_path / "no-such-folder" / "access.log")],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode != 0
    assert "cannot open access log" in done.stdout + done.stderr


def test_access_log_to_a_closed_standard_output_drops_lines_and_serves_on(tmp_path):
    """`cairn server --access-log - | head -1`: the reader goes away; the server must not die of SIGPIPE."""
    import boto3
    port, admin_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAIRN_")}
    env.update(CAIRN_ACCESS_KEY=ADMIN.access_key, CAIRN_SECRET_KEY=ADMIN.secret_key)
    proc = subprocess.Popen([CAIRN_BIN, "server", "--data", str(tmp_path / "data"), "--address", f"127.0.0.1:{port}",
                             "--admin-address", f"127.0.0.1:{admin_port}", "--access-log", "-"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, env=env)
    try:
        seen = ""
        while "cairn listening" not in seen or "cairn admin listening" not in seen:
            line = proc.stdout.readline().decode()
            assert line, "the server exited before listening"
            seen += line
        proc.stdout.close()
        s3 = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
                          aws_access_key_id=ADMIN.access_key, aws_secret_access_key=ADMIN.secret_key)
        ops = Ops(None, admin_port, tmp_path / "unused.log")
        deadline = time.monotonic() + 10
        while sample(ops.scrape(), "cairn_access_log_dropped_lines_total") < 1:
            s3.list_buckets()
            assert time.monotonic() < deadline, "no line was dropped"
            time.sleep(0.05)
        s3.list_buckets()
        assert proc.poll() is None
    finally:
        proc.terminate()
        proc.wait(10)


def test_the_grafana_dashboard_reads_only_metrics_the_server_exports(start_ops):
    from cairntest import REPO_ROOT
    dashboard = json.loads((REPO_ROOT / "docs" / "grafana" / "cairn-dashboard.json").read_text())
    exprs = [t["expr"] for p in dashboard["panels"] for t in p["targets"]]
    used = {name for e in exprs for name in re.findall(r"\b((?:cairn|process)_[a-z0-9_]+)\b", e)}
    assert len(used) >= 10
    ops = start_ops()
    s3 = ops.srv.client()
    s3.create_bucket(Bucket="dash")
    # Per-bucket storage series exist once the bucket holds something (an object, a marker, an upload).
    s3.put_bucket_versioning(Bucket="dash", VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket="dash", Key="kept", Body=b"x")
    s3.put_object(Bucket="dash", Key="kept", Body=b"y")
    s3.delete_object(Bucket="dash", Key="gone")
    s3.create_multipart_upload(Bucket="dash", Key="pending")
    with pytest.raises(s3.exceptions.NoSuchKey):
        s3.get_object(Bucket="dash", Key="missing")
    ops.log_lines(2)
    exported = {name for name, _ in ops.scrape()}
    assert used <= exported, used - exported


def test_metrics_token_from_the_environment(tmp_path):
    """CAIRN_METRICS_TOKEN keeps the token out of the process list."""
    from cairntest import CairnServer
    admin_port = free_port()
    srv = CairnServer(tmp_path / "server", extra_args=["--admin-address", f"127.0.0.1:{admin_port}"])
    plain_environment = srv.environment
    srv.environment = lambda: {**plain_environment(), "CAIRN_METRICS_TOKEN": TOKEN}
    srv.start()
    try:
        ops = Ops(srv, admin_port, tmp_path / "unused.log")
        ops.wait_until_healthy()
        assert ops.get("/metrics").status_code == 401
        ops.scrape(token=TOKEN)  # 200 with the token
        assert TOKEN not in " ".join(srv.command())
    finally:
        srv.stop()


def test_sighup_reopens_the_access_log_after_rotation(start_ops):
    import signal
    ops = start_ops()
    s3 = ops.srv.client()
    first = s3.list_buckets()["ResponseMetadata"]["RequestId"]
    ops.log_line(first)
    rotated = ops.log_path.with_name(ops.log_path.name + ".1")
    ops.log_path.rename(rotated)
    os.kill(ops.srv.pid, signal.SIGHUP)
    deadline = time.monotonic() + 5
    while not ops.log_path.exists():
        assert time.monotonic() < deadline, "SIGHUP did not reopen the access log"
        time.sleep(0.02)
    second = s3.list_buckets()["ResponseMetadata"]["RequestId"]
    assert ops.log_line(second)["operation"] == "REST.GET.SERVICE"
    assert [json.loads(l)["request_id"] for l in rotated.read_text().splitlines()] == [first]
    assert ops.srv.is_running()


def test_access_log_over_https_names_the_tls_version(tmp_path):
    from test_integrity_helpers import TLSCairnServer, make_self_signed
    cert, key = make_self_signed(tmp_path)
    log_path = tmp_path / "access.log"
    srv = TLSCairnServer(tmp_path / "server", cert=cert, key=key, extra_args=["--access-log", str(log_path)])
    srv.start()
    try:
        reply = srv.client().list_buckets()
        line = Ops(srv, 0, log_path).log_line(reply["ResponseMetadata"]["RequestId"])
        assert line["tls_version"] in ("TLSv1.2", "TLSv1.3")
        assert line["operation"] == "REST.GET.SERVICE"
    finally:
        srv.stop()
