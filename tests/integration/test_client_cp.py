"""`cairn cp`: parallel multipart upload and download with verification, an interrupted
(SIGKILL) and resumed upload, and the progress bar on a terminal."""

from __future__ import annotations

import hashlib
import os
import re
import signal
import subprocess

import pytest

from cairntest import CAIRN_BIN, KiB, MiB, wait_until
from clienttest import Cairn, flip_stored_byte


@pytest.fixture
def small_parts_server(start_server):
    # 256 KiB parts are allowed here so that multi-part files stay small and fast.
    return start_server(min_part_size=256 * KiB)


@pytest.fixture
def cairn(small_parts_server, work):
    u = small_parts_server.default_user
    return Cairn(small_parts_server.endpoint, work, u.access_key, u.secret_key)


@pytest.fixture
def s3c(small_parts_server):
    return small_parts_server.client()


def make_file(path, size, seed=1):
    block = hashlib.sha256(str(seed).encode()).digest() * 2048  # 64 KiB
    with open(path, "wb") as f:
        left, i = size, 0
        while left > 0:
            chunk = (block[i % 64:] + block[:i % 64])[:min(left, len(block))]
            f.write(chunk)
            left -= len(chunk)
            i += 1
    return path


def multipart_etag(path, part_size):
    md5s = []
    with open(path, "rb") as f:
        while chunk := f.read(part_size):
            md5s.append(hashlib.md5(chunk).digest())
    return f'"{hashlib.md5(b"".join(md5s)).hexdigest()}-{len(md5s)}"'


def test_cp_small_file_single_put_and_back(cairn, s3c, work):
    s3c.create_bucket(Bucket="bkt")
    make_file(work / "small.bin", 100 * KiB)
    p = cairn.run("cp", "small.bin", "s3://bkt/small.bin")
    assert p.stdout.decode().strip() == "upload: small.bin to s3://bkt/small.bin"
    head = s3c.head_object(Bucket="bkt", Key="small.bin")
    assert head["ETag"] == f'"{hashlib.md5((work / "small.bin").read_bytes()).hexdigest()}"'
    p = cairn.run("cp", "s3://bkt/small.bin", "copy.bin")
    assert (work / "copy.bin").read_bytes() == (work / "small.bin").read_bytes()
    # An empty file both ways.
    (work / "empty").write_bytes(b"")
    cairn.run("cp", "empty", "s3://bkt/empty")
    cairn.run("cp", "s3://bkt/empty", "empty.back")
    assert (work / "empty.back").read_bytes() == b""
    # Key from the file name when the destination ends with '/'; not a TTY -> no progress bar.
    p = cairn.run("cp", "small.bin", "s3://bkt/dir/")
    assert "\r" not in p.stdout.decode()
    assert s3c.head_object(Bucket="bkt", Key="dir/small.bin")["ContentLength"] == 100 * KiB


def test_cp_parallel_multipart_upload_and_download(cairn, s3c, work):
    s3c.create_bucket(Bucket="bkt")
    size = 3 * MiB + 12345
    make_file(work / "big.bin", size, seed=7)
    cairn.run("cp", "big.bin", "s3://bkt/big.bin", "--part-size", "512KiB", "--concurrency", "4")
    head = s3c.head_object(Bucket="bkt", Key="big.bin")
    assert head["ContentLength"] == size
    assert head["ETag"] == multipart_etag(work / "big.bin", 512 * KiB)
    assert s3c.list_multipart_uploads(Bucket="bkt").get("Uploads", []) == []
    # Download: parallel ranged GETs, ETag verified via the part size from HEAD ?partNumber=1.
    p = cairn.run("cp", "s3://bkt/big.bin", "back.bin", "--part-size", "256KiB", "--debug")
    assert (work / "back.bin").read_bytes() == (work / "big.bin").read_bytes()
    err = p.stderr.decode()
    assert "partNumber=1" in err and err.count("Range: bytes=") == 7
    # A download of an object that is not what its ETag says is refused (checked by corrupting
    # nothing on the server: an object uploaded by boto3 in one PUT verifies by plain MD5).
    s3c.put_object(Bucket="bkt", Key="plain", Body=b"z" * 1000)
    cairn.run("cp", "s3://bkt/plain", "plain.out")
    assert (work / "plain.out").read_bytes() == b"z" * 1000


def upload_in_parts(s3c, key, data, sizes):
    """A multipart upload of the first sum(sizes) bytes of `data` into bkt/key, parts of `sizes`."""
    up = s3c.create_multipart_upload(Bucket="bkt", Key=key)["UploadId"]
    parts, off = [], 0
    for n, size in enumerate(sizes, 1):
        r = s3c.upload_part(Bucket="bkt", Key=key, UploadId=up, PartNumber=n, Body=data[off:off + size])
        parts.append({"PartNumber": n, "ETag": r["ETag"]})
        off += size
    s3c.complete_multipart_upload(Bucket="bkt", Key=key, UploadId=up, MultipartUpload={"Parts": parts})


def test_cp_download_verifies_parts_of_any_size(small_parts_server, cairn, s3c, work):
    """Ranges are hashed as they arrive. An object whose parts differ in size (S3 allows it; other
    tools make them) is verified by asking each part's size; a stored byte that changed is caught
    and the download leaves nothing behind."""
    s3c.create_bucket(Bucket="bkt")
    sizes = [300 * KiB, 700 * KiB, 256 * KiB, 100 * KiB]
    data = os.urandom(sum(sizes))
    upload_in_parts(s3c, "mixed", data, sizes)
    p = cairn.run("cp", "s3://bkt/mixed", "mixed.out", "--debug")
    assert (work / "mixed.out").read_bytes() == data
    assert "partNumber=4" in p.stderr.decode()  # each part's size was asked for
    # As many ranges as parts, cut in the wrong places (part 1 is larger than the rest).
    sizes2 = [300 * KiB, 256 * KiB, 300 * KiB, 290 * KiB]
    upload_in_parts(s3c, "uneven", data, sizes2)
    p = cairn.run("cp", "s3://bkt/uneven", "uneven.out", "--debug")
    assert (work / "uneven.out").read_bytes() == data[:sum(sizes2)]
    assert p.stderr.decode().count("Range: bytes=") == 4 and "partNumber=4" in p.stderr.decode()
    # A single-PUT object fetched in several ranges is hashed again in order.
    s3c.put_object(Bucket="bkt", Key="one", Body=data[:600 * KiB])
    p = cairn.run("cp", "s3://bkt/one", "one.out", "--part-size", "256KiB", "--debug")
    assert (work / "one.out").read_bytes() == data[:600 * KiB] and p.stderr.decode().count("Range: bytes=") == 3

    # One byte of the 700 KiB part changed on disk behind the server's back.
    flip_stored_byte(small_parts_server, 700 * KiB, 1234)
    p = cairn.run("cp", "s3://bkt/mixed", "bad.out", check=False)
    assert p.returncode == 255 and "does not match the data received" in p.stderr.decode()
    assert not (work / "bad.out").exists() and not (work / "bad.out.cairn-download").exists()


@pytest.fixture
def dropping_proxy(small_parts_server):
    """A TCP relay to the server that cuts the connection (RST) carrying the first UploadPart of
    part 2 after 100 KiB of it have passed; everything else goes through untouched."""
    import socket
    import struct
    import threading
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    state = {"dropped": 0}
    lock = threading.Lock()

    def upstream(client):
        server = socket.create_connection(("127.0.0.1", small_parts_server.port))
        threading.Thread(target=relay_back, args=(server, client), daemon=True).start()
        seen, after = b"", None
        try:
            while data := client.recv(65536):
                if after is None:
                    seen += data
                    with lock:
                        if b"partNumber=2&" in seen and state["dropped"] == 0:
                            state["dropped"] = 1
                            after = 0
                    seen = seen[-64:]
                else:
                    after += len(data)
                    if after > 100 * KiB:
                        for s in (client, server):
                            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                            s.shutdown(socket.SHUT_RD)  # wakes relay_back, so that close() resets now
                        return
                server.sendall(data)
        except OSError:
            pass
        finally:
            for s in (client, server):
                try:
                    s.shutdown(socket.SHUT_RDWR)  # wakes relay_back; a close alone would not
                    s.close()
                except OSError:
                    pass

    def relay_back(server, client):
        try:
            while data := server.recv(65536):
                client.sendall(data)
        except OSError:
            pass

    def serve():
        while True:
            try:
                c, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=upstream, args=(c,), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}", state
    listener.close()


def test_cp_retries_a_part_cut_off_mid_body(cairn, s3c, work, dropping_proxy):
    url, state = dropping_proxy
    s3c.create_bucket(Bucket="bkt")
    size = 4 * 512 * KiB + 777
    make_file(work / "cut.bin", size, seed=11)
    p = cairn.run("cp", "cut.bin", "s3://bkt/cut.bin", "--endpoint-url", url, "--part-size", "512KiB", "--debug",
                  endpoint=False, env=cairn.env(AWS_MAX_ATTEMPTS="3"))
    assert state["dropped"] == 1 and "retrying after connection error" in p.stderr.decode()
    head = s3c.head_object(Bucket="bkt", Key="cut.bin")
    assert head["ContentLength"] == size and head["ETag"] == multipart_etag(work / "cut.bin", 512 * KiB)


def test_cp_errors(cairn, s3c, work):
    p = cairn.run("cp", "missing.bin", "s3://nobucket/x", check=False)
    assert p.returncode == 255 and "does not exist" in p.stderr.decode()
    make_file(work / "f", 10)
    p = cairn.run("cp", "f", "s3://nobucket/x", check=False)
    assert p.returncode == 254 and "NoSuchBucket" in p.stderr.decode()
    p = cairn.run("cp", "f", "g", check=False)
    assert p.returncode == 252


def test_cp_interrupted_by_sigkill_then_resumed(small_parts_server, cairn, s3c, work):
    """Kill `cairn cp` (SIGKILL) mid-upload; ListParts shows what arrived; `--resume` finds the
    upload, checks the parts against the file, sends only the missing ones and completes."""
    s3c.create_bucket(Bucket="bkt")
    part = 256 * KiB
    size = 12 * part + 1000
    make_file(work / "big.bin", size, seed=3)
    cmd = [CAIRN_BIN, "cp", "big.bin", "s3://bkt/big.bin", "--part-size", "256KiB", "--concurrency", "1",
           "--max-bandwidth", "1MiB", "--endpoint-url", small_parts_server.endpoint]
    proc = subprocess.Popen(cmd, cwd=work, env=cairn.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def some_parts():
        ups = s3c.list_multipart_uploads(Bucket="bkt").get("Uploads", [])
        if not ups:
            return False
        return len(s3c.list_parts(Bucket="bkt", Key="big.bin", UploadId=ups[0]["UploadId"]).get("Parts", [])) >= 3

    assert wait_until(some_parts, timeout=30), proc.communicate(timeout=5)
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    uid = s3c.list_multipart_uploads(Bucket="bkt")["Uploads"][0]["UploadId"]
    before = {p["PartNumber"]: p for p in s3c.list_parts(Bucket="bkt", Key="big.bin", UploadId=uid)["Parts"]}
    assert 3 <= len(before) < 13
    with pytest.raises(Exception):
        s3c.head_object(Bucket="bkt", Key="big.bin")
    # Resume through ListMultipartUploads alone (no state file), then check what was sent.
    for f in (work / ".cache" / "cairn" / "uploads").glob("*.json"):
        f.unlink()
    p = cairn.run("cp", "big.bin", "s3://bkt/big.bin", "--resume", "--part-size", "256KiB", "--debug")
    sent = sorted(int(n) for n in re.findall(r"> PUT \S+\?partNumber=(\d+)&uploadId=", p.stderr.decode()))
    assert sent == [n for n in range(1, 14) if n not in before], sent
    head = s3c.head_object(Bucket="bkt", Key="big.bin")
    assert head["ETag"] == multipart_etag(work / "big.bin", part)
    got = s3c.get_object(Bucket="bkt", Key="big.bin")["Body"].read()
    assert got == (work / "big.bin").read_bytes()
    assert s3c.list_multipart_uploads(Bucket="bkt").get("Uploads", []) == []


def test_cp_resume_with_state_file_and_a_corrupt_part(small_parts_server, cairn, s3c, work):
    """The state file in ~/.cache/cairn finds the upload; a part whose bytes differ from the local
    file (ETag mismatch) is sent again."""
    s3c.create_bucket(Bucket="bkt")
    part = 256 * KiB
    make_file(work / "f.bin", 4 * part, seed=5)
    cmd = [CAIRN_BIN, "cp", "f.bin", "s3://bkt/f", "--part-size", "256KiB", "--concurrency", "1",
           "--max-bandwidth", "512KiB", "--endpoint-url", small_parts_server.endpoint]
    proc = subprocess.Popen(cmd, cwd=work, env=cairn.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def two_parts():
        ups = s3c.list_multipart_uploads(Bucket="bkt").get("Uploads", [])
        return bool(ups) and len(s3c.list_parts(Bucket="bkt", Key="f", UploadId=ups[0]["UploadId"]).get("Parts", [])) >= 2

    assert wait_until(two_parts, timeout=30)
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    assert list((work / ".cache" / "cairn" / "uploads").glob("*.json"))
    uid = s3c.list_multipart_uploads(Bucket="bkt")["Uploads"][0]["UploadId"]
    # Overwrite part 1 with other bytes of the same size: resume must notice and resend it.
    s3c.upload_part(Bucket="bkt", Key="f", UploadId=uid, PartNumber=1, Body=b"x" * part)
    have = {p["PartNumber"] for p in s3c.list_parts(Bucket="bkt", Key="f", UploadId=uid)["Parts"]}
    p = cairn.run("cp", "f.bin", "s3://bkt/f", "--resume", "--debug")
    sent = sorted(int(n) for n in re.findall(r"> PUT \S+\?partNumber=(\d+)&uploadId=", p.stderr.decode()))
    assert sent == sorted({1} | ({1, 2, 3, 4} - have))
    assert s3c.get_object(Bucket="bkt", Key="f")["Body"].read() == (work / "f.bin").read_bytes()
    assert not list((work / ".cache" / "cairn" / "uploads").glob("*.json"))


def test_cp_progress_bar_on_a_terminal(small_parts_server, cairn, s3c, work):
    pexpect = pytest.importorskip("pexpect")
    s3c.create_bucket(Bucket="bkt")
    make_file(work / "f.bin", 2 * MiB)
    child = pexpect.spawn(CAIRN_BIN, ["cp", "f.bin", "s3://bkt/f", "--part-size", "256KiB", "--max-bandwidth", "2MiB",
                                      "--endpoint-url", small_parts_server.endpoint],
                          cwd=str(work), env=cairn.env(), timeout=30)
    child.expect(pexpect.EOF)
    child.close()
    out = child.before.decode()
    assert child.exitstatus == 0, out
    assert re.search(r"upload \[[#-]+\]\s+\d+% [\d.]+ \w*B/2\.0 MiB [\d.]+ \w*B/s ETA \d+:\d\d", out), out
    assert "100%" in out and "upload: f.bin to s3://bkt/f" in out


def test_cp_into_sse_kms_default_bucket_and_back(cairn, s3c, work):
    """Under SSE-KMS the ETag is not the MD5 of the data, so cp cannot check it against the local
    MD5s (Content-MD5 still protects every part); upload and download must still succeed."""
    s3c.create_bucket(Bucket="kmsbkt")
    s3c.put_bucket_encryption(Bucket="kmsbkt", ServerSideEncryptionConfiguration={
        "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]})
    make_file(work / "small.bin", 100 * KiB, seed=5)
    make_file(work / "big.bin", 700 * KiB, seed=6)
    cairn.run("cp", "small.bin", "s3://kmsbkt/small.bin")
    cairn.run("cp", "big.bin", "s3://kmsbkt/big.bin", "--part-size", "256KiB")
    assert s3c.head_object(Bucket="kmsbkt", Key="big.bin")["ServerSideEncryption"] == "aws:kms"
    for name in ("small.bin", "big.bin"):
        cairn.run("cp", f"s3://kmsbkt/{name}", f"{name}.back")
        assert (work / f"{name}.back").read_bytes() == (work / name).read_bytes()


def test_cp_resume_of_an_empty_file(cairn, s3c, work):
    s3c.create_bucket(Bucket="bkt")
    (work / "empty").write_bytes(b"")
    cairn.run("cp", "empty", "s3://bkt/empty", "--resume")
    assert s3c.get_object(Bucket="bkt", Key="empty")["Body"].read() == b""
