"""`cairn s3` with many files: operations run `max_concurrent_requests` at a time over a pool of
connections (not one file after another), and S3 -> S3 copies move no object bytes through the
client (CopyObject, UploadPartCopy). Both are observed from a TCP relay between the client and
the server that counts connections open at once and the bytes in each direction."""

from __future__ import annotations

import socket
import threading

import pytest

from cairntest import KiB
from clienttest import relay_bytes
from s3cmdtest import S3Cmds, s3c, s3cmds, write_tree  # noqa: F401 - fixtures

FILES = {f"d{i % 4}/f{i:03d}.bin": bytes([i]) * (20 * KiB) for i in range(60)}
BIG = 700 * KiB  # above the 600 KiB multipart threshold of s3cmdtest's config: UploadPartCopy


class CountingRelay:
    def __init__(self, port: int):
        self.port_to = port
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.endpoint = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.lock = threading.Lock()
        self.open = self.max_open = self.connections = 0
        self.up = self.down = 0
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.port_to))
            with self.lock:
                self.open += 1
                self.connections += 1
                self.max_open = max(self.max_open, self.open)
            threading.Thread(target=self.pump, args=(client, server, "up"), daemon=True).start()
            threading.Thread(target=self.pump, args=(server, client, "down"), daemon=True).start()

    def pump(self, src, dst, direction):
        def count(n):
            with self.lock:
                setattr(self, direction, getattr(self, direction) + n)
        relay_bytes(src, dst, count)
        if direction == "up":
            with self.lock:
                self.open -= 1

    def reset(self):
        with self.lock:
            self.max_open = self.open
            self.connections = self.up = self.down = 0


@pytest.fixture
def relay(s3cmds):  # noqa: F811
    r = CountingRelay(s3cmds.server.port)
    yield r
    r.listener.close()


def test_many_files_go_in_parallel_and_copies_stay_on_the_server(s3cmds, s3c, relay):  # noqa: F811
    work = s3cmds.work
    write_tree(work / "many", FILES)
    (work / "many" / "big.bin").write_bytes(b"x" * BIG)
    total = sum(map(len, FILES.values())) + BIG
    s3c.create_bucket(Bucket="pool")
    cairn = s3cmds.client

    cairn.endpoint = relay.endpoint
    cairn.run("s3", "cp", "--recursive", "many", "s3://pool/up/", "--only-show-errors")
    # A pool of connections carried the uploads at once (aws's default: 10 requests in flight).
    assert 4 <= relay.max_open <= 10 + 2, relay.max_open
    assert relay.up >= total

    relay.reset()
    p = cairn.run("s3", "cp", "--recursive", "s3://pool/up/", "s3://pool/copy/")
    assert p.stdout.decode().count("copy: ") == len(FILES) + 1
    # Requests and XML only: no object's bytes went up or came down.
    assert relay.up < total // 4 and relay.down < total // 4, (relay.up, relay.down, total)
    assert 4 <= relay.max_open <= 12, relay.max_open
    got = s3c.get_object(Bucket="pool", Key="copy/big.bin")
    assert got["Body"].read() == b"x" * BIG and got["ETag"].endswith('-3"')  # 3 UploadPartCopy parts of 256 KiB

    relay.reset()
    cairn.run("s3", "sync", "s3://pool/copy", "back", "--only-show-errors")
    assert 4 <= relay.max_open <= 12, relay.max_open
    assert (work / "back" / "d1" / "f001.bin").read_bytes() == FILES["d1/f001.bin"]
