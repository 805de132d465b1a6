"""S3's strong read-after-write consistency under concurrent reads. With one shared SQLite reader
connection, overlapping statements kept one read snapshot open, and a read right after an
acknowledged write could miss it (an UploadPart answered NoSuchUpload for the upload its
CreateMultipartUpload had just returned; found by scripts/soak). Readers hammer the metadata while
a writer checks that each write is visible to the very next request."""

from __future__ import annotations

import threading
import time

from botocore.exceptions import ClientError


def test_every_acknowledged_write_is_visible_to_the_next_request(server, bucket):
    s3 = server.client()
    s3.put_object(Bucket=bucket, Key="busy", Body=b"x")
    # Listings of a few hundred keys keep statements in flight long enough to overlap.
    for i in range(300):
        s3.put_object(Bucket=bucket, Key=f"busy/{i:04}", Body=b"")
    stop = time.monotonic() + 15
    misses: list[str] = []

    def reader():
        c = server.client()
        while time.monotonic() < stop:
            c.head_object(Bucket=bucket, Key="busy")
            c.list_objects_v2(Bucket=bucket, Prefix="busy/")

    def writer(n: int):
        c = server.client()
        i = 0
        while time.monotonic() < stop:
            i += 1
            key = f"w{n}/{i}"
            uid = c.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
            try:
                c.upload_part(Bucket=bucket, Key=key, UploadId=uid, PartNumber=1, Body=b"p")
            except ClientError as e:
                misses.append(f"UploadPart after Create: {e}")
            c.abort_multipart_upload(Bucket=bucket, Key=key, UploadId=uid)
            c.put_object(Bucket=bucket, Key=key, Body=b"v")
            try:
                c.head_object(Bucket=bucket, Key=key)
            except ClientError as e:
                misses.append(f"HEAD after PUT: {e}")

    threads = [threading.Thread(target=reader) for _ in range(8)] + [threading.Thread(target=writer, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert misses == [], misses[:5]
