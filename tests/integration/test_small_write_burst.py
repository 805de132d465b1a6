"""A burst of small acknowledged writes survives a SIGKILL (issue 19): 32 clients PUT 16 KiB objects
and upload 16 KiB parts (inline bodies, group-committed metadata) while the server is killed. After a
restart every acknowledged object reads back byte for byte and every acknowledged part is listed
with its ETag; nothing unacknowledged is half-visible."""

from __future__ import annotations

import hashlib
import os
import threading
import time

from cairntest import KiB

WORKERS = 32


def test_sigkill_during_a_burst_of_small_writes_loses_no_acknowledged_one(server):
    s3 = server.client(max_pool_connections=WORKERS)
    s3.create_bucket(Bucket="burst")
    uid = s3.create_multipart_upload(Bucket="burst", Key="parts")["UploadId"]
    acked_objects: dict[str, str] = {}
    acked_parts: dict[int, str] = {}
    lock = threading.Lock()
    stop = threading.Event()

    def worker(w: int) -> None:
        n = 0
        while not stop.is_set():
            n += 1
            body = os.urandom(16 * KiB)
            try:
                if n % 2:
                    key = f"w{w}/o{n}"
                    s3.put_object(Bucket="burst", Key=key, Body=body)
                    with lock:
                        acked_objects[key] = hashlib.md5(body).hexdigest()
                else:
                    number = w * 300 + n // 2 + 1
                    if number > 10_000:
                        continue
                    etag = s3.upload_part(Bucket="burst", Key="parts", UploadId=uid, PartNumber=number, Body=body)["ETag"]
                    with lock:
                        acked_parts[number] = etag
            except Exception:
                return  # the server is gone

    threads = [threading.Thread(target=worker, args=(w,)) for w in range(WORKERS)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with lock:
            if len(acked_objects) + len(acked_parts) >= 400:
                break
        time.sleep(0.05)
    server.kill()
    stop.set()
    for t in threads:
        t.join(30)
    with lock:
        objects, parts = dict(acked_objects), dict(acked_parts)
    assert len(objects) + len(parts) >= 100, "too few writes were acknowledged before the kill to test anything"

    server.start()
    s3 = server.client()
    for key, md5 in objects.items():
        assert hashlib.md5(s3.get_object(Bucket="burst", Key=key)["Body"].read()).hexdigest() == md5, key
    listed = {}
    for page in s3.get_paginator("list_parts").paginate(Bucket="burst", Key="parts", UploadId=uid):
        listed.update({p["PartNumber"]: p["ETag"] for p in page.get("Parts", [])})
    for number, etag in parts.items():
        assert listed.get(number) == etag, number
    # Every listed object reads whole (acknowledged or not, none is half-written).
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket="burst"):
        for o in page.get("Contents", []):
            assert len(s3.get_object(Bucket="burst", Key=o["Key"])["Body"].read()) == o["Size"] == 16 * KiB
    s3.close()
