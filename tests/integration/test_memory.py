"""Streaming both ways: a 2 GiB PUT and GET keep the server's resident memory under 100 MiB."""

import hashlib
import threading
import time

import pytest

from cairntest import GiB, MiB, key_path, pattern_chunks, streaming_put

RSS_LIMIT = 100 * MiB


class RssSampler(threading.Thread):
    def __init__(self, server, interval=0.05):
        super().__init__(daemon=True)
        self.server, self.interval = server, interval
        self.peak = 0
        self.samples = 0
        self._stop_event = threading.Event()

    def run(self):
        while not self._stop_event.is_set():
            try:
                self.peak = max(self.peak, self.server.rss_bytes("VmRSS"))
                self.samples += 1
            except (OSError, RuntimeError):
                pass
            time.sleep(self.interval)

    def stop(self):
        self._stop_event.set()
        self.join(5)


@pytest.mark.slow
def test_2_gib_streamed_put_and_get_keep_server_rss_under_100_mib(server, s3, bucket):
    size = 2 * GiB
    sampler = RssSampler(server)
    sampler.start()
    try:
        sent_md5 = hashlib.md5()

        def body():
            for chunk in pattern_chunks(size, chunk_size=MiB, seed=7):
                sent_md5.update(chunk)
                yield chunk

        t0 = time.monotonic()
        status, headers, resp_body = streaming_put(server, bucket, "huge.bin", body(), size,
                                                   timeout=600)
        put_seconds = time.monotonic() - t0
        assert status == 200, resp_body[:500]
        assert headers["etag"] == f'"{sent_md5.hexdigest()}"'
        put_peak = sampler.peak

        head = s3.head_object(Bucket=bucket, Key="huge.bin")
        assert head["ContentLength"] == size

        t0 = time.monotonic()
        resp = server.signed_request("GET", key_path(bucket, "huge.bin"), stream=True,
                                     timeout=600)
        assert resp.status_code == 200
        got_md5 = hashlib.md5()
        received = 0
        for chunk in resp.raw.stream(MiB, decode_content=False):
            got_md5.update(chunk)
            received += len(chunk)
        get_seconds = time.monotonic() - t0
        assert received == size
        assert got_md5.hexdigest() == sent_md5.hexdigest()
    finally:
        sampler.stop()

    high_water = server.rss_bytes("VmHWM")  # the kernel's own peak RSS for the process
    peak = max(sampler.peak, high_water)
    print(f"PUT {put_seconds:.1f} s, GET {get_seconds:.1f} s, sampled peak RSS "
          f"{sampler.peak / MiB:.1f} MiB (during PUT {put_peak / MiB:.1f} MiB), "
          f"VmHWM {high_water / MiB:.1f} MiB, {sampler.samples} samples")
    assert sampler.samples > 0
    assert peak < RSS_LIMIT, f"server peak RSS {peak / MiB:.1f} MiB >= 100 MiB"
