"""SIGTERM stops the server promptly while clients hold idle keep-alive connections, over HTTP and
HTTPS (a TLS connection used to wait 5 s for the client's close_notify before closing)."""

from __future__ import annotations

import signal
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
