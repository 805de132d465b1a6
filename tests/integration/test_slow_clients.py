"""Issue 17: slow and abusive clients. Trickled headers and never-read responses are closed by the
idle timeout and hold no memory; --max-connections answers one connection too many with
503 SlowDown; a header section over S3's 8 KiB is 400 RequestHeaderSectionTooLarge."""

from __future__ import annotations

import socket
import time

import pytest

from cairntest import MiB, key_path, sign_headers, wait_until
from protocolfuzz import read_answer, serialize


def connect(server) -> socket.socket:
    return socket.create_connection(("127.0.0.1", server.port), timeout=10)


def closed_by_server(sock: socket.socket, within: float) -> bool:
    """True when the server closes `sock` (EOF or reset) within `within` seconds."""
    sock.settimeout(within)
    try:
        while True:
            data = sock.recv(65536)
            if not data:
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except socket.timeout:
        return False


def signed_wire(server, method: str, path: str, headers: dict | None = None, body: bytes = b"") -> bytes:
    hdrs = sign_headers(method, server.endpoint + path, server.default_user, headers=headers or {}, body=body)
    hdrs["Content-Length"] = str(len(body))
    return serialize(method, path, list(hdrs.items()), body)


def test_trickled_headers_are_closed_by_the_idle_timeout(start_server):
    server = start_server(extra_args=["--idle-timeout", "2"])
    sock = connect(server)
    start = time.monotonic()
    sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
    # One header byte every half second: the headers never complete.
    try:
        for _ in range(20):
            sock.sendall(b"x")
            time.sleep(0.5)
            if time.monotonic() - start > 6:
                break
    except (BrokenPipeError, ConnectionResetError):
        pass
    assert closed_by_server(sock, 5), "a connection trickling its headers stayed open"
    assert time.monotonic() - start < 9
    sock.close()


def test_a_response_nobody_reads_is_closed_and_holds_no_memory(start_server):
    server = start_server(extra_args=["--idle-timeout", "2"])
    s3 = server.client()
    s3.create_bucket(Bucket="slow")
    s3.put_object(Bucket="slow", Key="big", Body=b"\x5a" * (64 * MiB))
    rss_before = server.rss_bytes()
    socks = []
    for _ in range(4):
        sock = connect(server)
        sock.sendall(signed_wire(server, "GET", key_path("slow", "big")))
        socks.append(sock)
    time.sleep(1)
    # Four unread 64 MiB responses must not be buffered in the server.
    assert server.rss_bytes() - rss_before < 48 * MiB
    # Read nothing for longer than the idle timeout; the server must give up on the stalled writes.
    time.sleep(6)
    for sock in socks:
        received, closed = _drain(sock, limit=32 * MiB)
        assert closed, f"a never-read response held its connection ({received} bytes drained)"
        sock.close()
    assert s3.get_object(Bucket="slow", Key="big", Range="bytes=0-3")["Body"].read() == b"ZZZZ"


def _drain(sock: socket.socket, limit: int) -> tuple[int, bool]:
    """Reads what the kernel holds; (bytes, True) when the server had closed the connection."""
    sock.settimeout(2)
    total = 0
    try:
        while total < limit:
            data = sock.recv(1 << 20)
            if not data:
                return total, True
            total += len(data)
    except socket.timeout:
        return total, False
    except (ConnectionResetError, BrokenPipeError):
        return total, True
    return total, False


def test_max_connections_answers_one_too_many_with_slow_down(start_server):
    server = start_server(extra_args=["--max-connections", "4"])
    idle = [connect(server) for _ in range(4)]
    time.sleep(0.3)
    extra = connect(server)
    extra.sendall(signed_wire(server, "GET", "/"))
    ans = read_answer(extra, False, 10)
    assert ans.status == 503, ans
    assert b"<Code>SlowDown</Code>" in ans.body and b"Please reduce your request rate." in ans.body
    assert ans.headers.get("connection") == "close"
    extra.close()
    # A freed slot serves the next client.
    idle.pop().close()
    time.sleep(0.3)
    assert server.client().list_buckets()["ResponseMetadata"]["HTTPStatusCode"] == 200
    for s in idle:
        s.close()


@pytest.mark.parametrize("size,status", [(7000, 200), (9000, 400)])
def test_header_section_over_8_kib_is_request_header_section_too_large(server, size, status):
    sock = connect(server)
    sock.sendall(signed_wire(server, "GET", "/", headers={"x-amz-meta-pad": "p" * size}))
    ans = read_answer(sock, False, 10)
    sock.close()
    assert ans.status == status, ans
    if status == 400:
        assert b"<Code>RequestHeaderSectionTooLarge</Code>" in ans.body
        assert b"<MaxSizeAllowed>8192</MaxSizeAllowed>" in ans.body
