"""Helpers for the `cairn s3api` / `cairn cp` client tests: run the cairn client and the aws CLI
with the same isolated configuration and compare what they print."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from cairntest import CAIRN_BIN, REGION, CairnServer, run_aws


def client_env(workdir: Path, access_key: str, secret_key: str, **extra) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    config = workdir / "aws-config"
    if not config.exists():
        config.write_text("[default]\nregion = us-east-1\ns3 =\n    addressing_style = path\n")
    env.update({
        "AWS_ACCESS_KEY_ID": access_key,
        "AWS_SECRET_ACCESS_KEY": secret_key,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_CONFIG_FILE": str(config),
        "AWS_SHARED_CREDENTIALS_FILE": str(workdir / "aws-credentials-none"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_MAX_ATTEMPTS": "1",
        "AWS_PAGER": "",
        "HOME": str(workdir),
    })
    env.update(extra)
    return env


class Cairn:
    """Runs `cairn <args>` (CAIRN_BIN) against an endpoint with isolated aws config files."""

    def __init__(self, endpoint: str, workdir: Path, access_key: str, secret_key: str):
        self.endpoint, self.workdir = endpoint, workdir
        self.access_key, self.secret_key = access_key, secret_key

    def env(self, **extra):
        return client_env(self.workdir, self.access_key, self.secret_key, **extra)

    def run(self, *args, check=True, endpoint=True, env=None, input=None, timeout=120):
        cmd = [CAIRN_BIN] + [str(a) for a in args]
        if endpoint:
            cmd += ["--endpoint-url", self.endpoint]
        proc = subprocess.run(cmd, cwd=self.workdir, env=env or self.env(), capture_output=True,
                              timeout=timeout, input=input)
        if check and proc.returncode != 0:
            raise AssertionError(f"cairn {' '.join(map(str, args))} exited {proc.returncode}\n"
                                 f"stdout:\n{proc.stdout.decode(errors='replace')}\n"
                                 f"stderr:\n{proc.stderr.decode(errors='replace')}")
        return proc

    def s3api(self, *args, **kw):
        return self.run("s3api", *args, **kw)

    def json(self, *args, **kw):
        out = self.s3api(*args, **kw).stdout.decode()
        return json.loads(out) if out.strip() else {}


def aws_raw(server: CairnServer, workdir: Path, *args, check=True, group="s3api"):
    """`aws s3api ...` (or `aws <group> ...`) run in this process (awscli's own driver, same configuration as run_aws):
    ~0.1 s a call instead of ~1 s for a new interpreter."""
    import contextlib
    import io
    from unittest import mock

    from awscli.clidriver import create_clidriver

    u = server.default_user
    env = client_env(workdir, u.access_key, u.secret_key)
    import awscli  # noqa: F401 - sets AWS_DATA_PATH (the CLI's own data) at import
    env["AWS_DATA_PATH"] = os.environ.get("AWS_DATA_PATH", "")
    out, err = io.StringIO(), io.StringIO()
    old = os.getcwd()
    argv = ["--endpoint-url", server.endpoint, group, *[str(a) for a in args]]
    try:
        os.chdir(workdir)
        with mock.patch.dict(os.environ, env, clear=True), contextlib.redirect_stdout(out), \
                contextlib.redirect_stderr(err):
            try:
                rc = create_clidriver().main(argv)
            except SystemExit as e:  # argparse usage errors
                rc = e.code if isinstance(e.code, int) else 2
    finally:
        os.chdir(old)
    proc = subprocess.CompletedProcess(["aws", *argv], rc, out.getvalue().encode(), err.getvalue().encode())
    if check and rc != 0:
        raise AssertionError(f"aws {' '.join(argv)} exited {rc}\nstdout:\n{out.getvalue()}\nstderr:\n{err.getvalue()}")
    return proc


def assert_same_output(cairn: Cairn, server: CairnServer, workdir: Path, *args, normalise=None):
    """Runs the same s3api call with both clients; the printed bytes must be identical (after
    `normalise`, for values that differ between two calls, e.g. upload ids)."""
    mine = cairn.s3api(*args).stdout.decode()
    theirs = aws_raw(server, workdir, *args).stdout.decode()
    if normalise:
        mine, theirs = normalise(mine), normalise(theirs)
    assert mine == theirs, f"cairn printed:\n{mine}\naws printed:\n{theirs}"
    return mine


def flip_stored_byte(server, size: int, offset: int) -> None:
    """Changes one byte of the only blob of `size` bytes in the server's data folder, behind its
    back (what a bad disk would do)."""
    stored = [Path(r) / f for r, _, fs in os.walk(server.data_dir / "blobs") for f in fs if (Path(r) / f).stat().st_size == size]
    assert len(stored) == 1, stored
    with open(stored[0], "r+b") as f:
        f.seek(offset)
        b = f.read(1)
        f.seek(offset)
        f.write(bytes([b[0] ^ 0x40]))


def relay_bytes(src, dst, count=None) -> None:
    """Copies what `src` receives to `dst` until either side closes (`count(n)` told of each
    chunk), then shuts both down, which wakes the thread relaying the other way."""
    import socket
    try:
        while data := src.recv(65536):
            if count:
                count(len(data))
            dst.sendall(data)
    except OSError:
        pass
    finally:
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
