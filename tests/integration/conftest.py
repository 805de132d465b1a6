"""Fixtures: every test gets its own `cairn server` on a free port with its own data dir."""

from __future__ import annotations

import itertools

import pytest

from cairntest import ALICE, BOB, AwsCli, CairnServer, ServerStartError, unique_name


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.failed and report.when in ("setup", "call"):
        for srv in getattr(item, "_cairn_servers", []):
            report.sections.append(
                (f"cairn server log tail ({srv.log_path})", srv.log_tail(80)))
    return report


@pytest.fixture
def start_server(request, tmp_path):
    """Factory: start_server(users=None, domain=None, min_part_size=None) -> CairnServer.

    Each server gets tmp_path/<name>/data (created by the server) and
    tmp_path/<name>/server.log. All are stopped at teardown."""
    servers: list[CairnServer] = []
    request.node._cairn_servers = servers
    counter = itertools.count()

    def _start(**kwargs) -> CairnServer:
        srv = CairnServer(tmp_path / f"server{next(counter)}", **kwargs)
        servers.append(srv)
        try:
            srv.start()
        except ServerStartError as e:
            pytest.fail(str(e), pytrace=False)
        return srv

    yield _start
    for srv in servers:
        srv.stop()


@pytest.fixture
def server(start_server) -> CairnServer:
    """A server with the single user given by CAIRN_ACCESS_KEY / CAIRN_SECRET_KEY."""
    return start_server()


class _ClientProxy:
    """A boto3 client that follows its server across restarts (the port may change)."""

    def __init__(self, server: CairnServer, **kwargs):
        self._server, self._kwargs = server, kwargs
        self._port, self._client = None, None

    def _current(self):
        if self._client is None or self._port != self._server.port:
            self._client = self._server.client(**self._kwargs)
            self._port = self._server.port
        return self._client

    def __getattr__(self, name):
        return getattr(self._current(), name)


@pytest.fixture
def s3(server):
    return _ClientProxy(server)


@pytest.fixture
def bucket(s3) -> str:
    name = unique_name("test")
    s3.create_bucket(Bucket=name)
    return name


@pytest.fixture
def users_server(start_server) -> CairnServer:
    """A server started with --users (alice and bob)."""
    return start_server(users=[ALICE, BOB])


@pytest.fixture
def alice(users_server):
    return _ClientProxy(users_server, user=ALICE)


@pytest.fixture
def bob(users_server):
    return _ClientProxy(users_server, user=BOB)


@pytest.fixture
def aws(server, tmp_path):
    workdir = tmp_path / "cli"
    workdir.mkdir()
    return AwsCli(server, workdir)


@pytest.fixture
def work(tmp_path):
    """A working folder for cairn's own client (its config, files to upload and download)."""
    d = tmp_path / "client"
    d.mkdir()
    return d
