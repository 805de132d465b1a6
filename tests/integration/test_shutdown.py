"""SIGTERM stops the server promptly while clients hold idle keep-alive connections, over HTTP and
HTTPS (a TLS connection used to wait 5 s for the client's close_notify before closing)."""

from __future__ import annotations

import signal
import socket
import time

import pytest

from cairntest import CairnServer
from test_integrity_helpers import TLSCairnServer, tls_cert  # noqa: F401 (fixture)


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_sigterm_with_idle_keep_alive_connections_exits_promptly(tmp_path, tls_cert, scheme):  # noqa: F811
    server = (TLSCairnServer(tmp_path, cert=tls_cert[0], key=tls_cert[1]) if scheme == "https"
              else CairnServer(tmp_path))
    server.start()
    try:
        s3 = server.client()
        s3.create_bucket(Bucket="shutdown")
        s3.put_object(Bucket="shutdown", Key="k", Body=b"x" * 1000)
        assert s3.get_object(Bucket="shutdown", Key="k")["Body"].read() == b"x" * 1000
        # The client's pool now holds an idle keep-alive connection.
        started = time.monotonic()
        server.proc.send_signal(signal.SIGTERM)
        code = server.proc.wait(10)
        elapsed = time.monotonic() - started
        assert code == 0, server.log_tail()
        assert elapsed < 2.0, f"{scheme}: exit took {elapsed:.1f} s"
        s3.close()
    finally:
        server.kill()


def test_a_client_gone_quiet_mid_body_is_dropped_after_the_idle_timeout(tmp_path):
    """A client that stops sending mid-body without closing (a partition, a crashed NAT) would hold
    the upload's buffers and temporary blob, and every graceful stop, forever. After --idle-timeout
    the server closes the connection and discards the upload; SIGTERM meanwhile is not held longer."""
    from cairntest import open_streaming_put, wait_until
    server = CairnServer(tmp_path, extra_args=["--idle-timeout", "1"])
    server.start()
    try:
        s3 = server.client()
        s3.create_bucket(Bucket="quiet")
        conn = open_streaming_put(server, "quiet", "stalled", 1 << 20, timeout=15)
        conn.send(b"x" * 100_000)
        assert wait_until(lambda: [p for p in (server.data_dir / "tmp").rglob("*") if p.is_file()] != [], timeout=5)  # being written
        started = time.monotonic()
        try:
            closed = conn.sock.recv(1) == b""
        except ConnectionResetError:
            closed = True
        elapsed = time.monotonic() - started
        assert closed and 0.5 < elapsed < 5, elapsed
        assert "Contents" not in s3.list_objects_v2(Bucket="quiet")
        assert wait_until(lambda: [p for p in (server.data_dir / "tmp").rglob("*") if p.is_file()] == [], timeout=5)
        # An idle keep-alive connection is closed the same way; boto3's next request just works.
        idle = socket.create_connection(("127.0.0.1", server.port), timeout=10)
        idle.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        assert idle.recv(65536).startswith(b"HTTP/1.1 403")
        started = time.monotonic()
        assert idle.recv(1) == b""
        assert 0.5 < time.monotonic() - started < 5
        idle.close()
        s3.put_object(Bucket="quiet", Key="after", Body=b"y")
        assert s3.get_object(Bucket="quiet", Key="after")["Body"].read() == b"y"
        # Another stalled upload does not hold a graceful stop for more than the idle timeout.
        conn2 = open_streaming_put(server, "quiet", "stalled2", 1 << 20, timeout=15)
        conn2.send(b"z" * 1000)
        time.sleep(0.2)
        started = time.monotonic()
        server.proc.send_signal(signal.SIGTERM)
        assert server.proc.wait(10) == 0
        assert time.monotonic() - started < 3
    finally:
        server.stop()
