"""The client against a second S3 implementation: moto_server (pip install 'moto[server]').
Skipped when moto is not installed."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import socket
import subprocess
import time

import pytest

from cairntest import MiB, User, free_port
from clienttest import Cairn, assert_same_output

pytestmark = pytest.mark.skipif(shutil.which("moto_server") is None, reason="moto_server not installed")


class MotoServer:
    """Enough of CairnServer's interface for run_aws / assert_same_output."""

    def __init__(self, port: int, log):
        self.port = port
        self.endpoint = f"http://127.0.0.1:{port}"
        self.default_user = User("AKIAMOTO000000000000", "moto-secret-key")
        self._log = log

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(open(self._log, errors="replace").read().splitlines()[-lines:])
        except OSError:
            return ""


@pytest.fixture
def moto(tmp_path):
    port = free_port()
    log = tmp_path / "moto.log"
    with open(log, "wb") as f:
        proc = subprocess.Popen(["moto_server", "-p", str(port)], stdout=f, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            time.sleep(0.1)
    else:
        proc.kill()
        pytest.skip("moto_server did not start")
    yield MotoServer(port, log)
    proc.terminate()
    proc.wait(10)


@pytest.fixture
def cairn(moto, work):
    return Cairn(moto.endpoint, work, moto.default_user.access_key, moto.default_user.secret_key)


def test_moto_multipart_family_matches_aws(moto, cairn, work):
    cairn.s3api("create-bucket", "--bucket", "my-bucket")
    uid = cairn.json("create-multipart-upload", "--bucket", "my-bucket", "--key", "multipart/01")["UploadId"]
    (work / "part01").write_bytes(b"a" * (5 * MiB))
    # The spec's example with `aws` replaced by `cairn`, then the same call through the aws CLI.
    out = assert_same_output(cairn, moto, work, "upload-part", "--bucket", "my-bucket", "--key", "multipart/01",
                             "--part-number", "1", "--body", "part01", "--upload-id", uid)
    etag = json.loads(out)["ETag"]
    assert etag == f'"{hashlib.md5(b"a" * (5 * MiB)).hexdigest()}"'
    (work / "p2").write_bytes(b"tail")
    cairn.s3api("upload-part", "--bucket", "my-bucket", "--key", "multipart/01", "--part-number", "2",
                "--body", "p2", "--upload-id", uid)
    strip = lambda s: re.sub(r'"(LastModified|Initiated)": "[^"]+"', r'"\1": "T"', s)
    for extra in ([], ["--max-items", "1"], ["--output", "text"], ["--query", "Parts[*].[PartNumber,Size]"]):
        assert_same_output(cairn, moto, work, "list-parts", "--bucket", "my-bucket", "--key", "multipart/01",
                           "--upload-id", uid, *extra, normalise=strip)
    assert_same_output(cairn, moto, work, "list-multipart-uploads", "--bucket", "my-bucket", normalise=strip)
    parts = cairn.json("list-parts", "--bucket", "my-bucket", "--key", "multipart/01", "--upload-id", uid,
                       "--query", "{Parts: Parts[*].{ETag: ETag, PartNumber: PartNumber}}")
    done = cairn.json("complete-multipart-upload", "--bucket", "my-bucket", "--key", "multipart/01",
                      "--upload-id", uid, "--multipart-upload", json.dumps(parts))
    assert done["Key"] == "multipart/01" and done["ETag"].endswith('-2"')
    p = cairn.s3api("upload-part", "--bucket", "my-bucket", "--key", "multipart/01", "--part-number", "3",
                    "--body", "p2", "--upload-id", uid, check=False)
    assert p.returncode == 254
    # moto answers a completed upload id with a bare 500; the wording is still the aws CLI's,
    # which names the exhausted retries of a 500 even when one attempt was all it had.
    assert re.match(r"An error occurred \(NoSuchUpload\) when calling the UploadPart operation: |"
                    r"An error occurred \(500\) when calling the UploadPart operation \(reached max retries: 0\): ",
                    p.stderr.decode().strip())


def test_moto_cp_multipart_round_trip(moto, cairn, work):
    cairn.s3api("create-bucket", "--bucket", "bkt")
    data = hashlib.sha256(b"x").digest() * (11 * MiB // 32) + b"end"
    (work / "f.bin").write_bytes(data)
    cairn.run("cp", "f.bin", "s3://bkt/f.bin", "--part-size", "5MiB")
    head = cairn.json("head-object", "--bucket", "bkt", "--key", "f.bin")
    assert head["ContentLength"] == len(data) and head["ETag"].endswith('-3"')
    cairn.run("cp", "s3://bkt/f.bin", "back.bin")
    assert (work / "back.bin").read_bytes() == data
    assert_same_output(cairn, moto, work, "list-objects-v2", "--bucket", "bkt",
                       normalise=lambda s: re.sub(r'"LastModified": "[^"]+"', '"LastModified": "T"', s))
