"""Issue 17: a metadata store held locked by another process (a long transaction). Writes wait a
bounded time and answer 503 SlowDown instead of piling up; reads go on; nothing half-written is
left; once the lock is gone everything works."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
from botocore.exceptions import ClientError

from cairntest import METADATA, error_code, http_status


@pytest.mark.skipif(METADATA == "postgres", reason="locks metadata.sqlite directly")
def test_writes_answer_slow_down_while_another_process_holds_the_database(server, s3, bucket):
    s3.put_object(Bucket=bucket, Key="before", Body=b"kept")
    db = sqlite3.connect(str(server.data_dir / "metadata.sqlite"), isolation_level=None, timeout=30)
    db.execute("BEGIN EXCLUSIVE")
    try:
        outcomes: list[tuple[str, float]] = []
        lock = threading.Lock()

        def put(i: int) -> None:
            c = server.client()
            t = time.monotonic()
            try:
                c.put_object(Bucket=bucket, Key=f"during-{i}", Body=b"x" * 1000)
                result = "ok"
            except ClientError as e:
                result = f"{http_status(e)} {error_code(e)}"
            with lock:
                outcomes.append((result, time.monotonic() - t))

        threads = [threading.Thread(target=put, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        # Reads do not wait for the writer (WAL).
        assert s3.get_object(Bucket=bucket, Key="before")["Body"].read() == b"kept"
        for t in threads:
            t.join()
        assert [r for r, _ in outcomes] == ["503 SlowDown"] * 8, outcomes
        # Bounded: a writer waits for the process's other writers and then SQLite's lock, 5 s each at most.
        assert max(d for _, d in outcomes) < 14, outcomes
    finally:
        db.execute("ROLLBACK")
        db.close()
    names = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
    assert names == ["before"]
    s3.put_object(Bucket=bucket, Key="after", Body=b"fine")
    assert s3.get_object(Bucket=bucket, Key="after")["Body"].read() == b"fine"
    tmp = [p for p in (server.data_dir / "tmp").rglob("*") if p.is_file()]
    assert tmp == []
    # The refused PUTs' bodies were read before the metadata refused them: none may remain, as a
    # file or inline.
    assert server.stored_blob_count() == 2, (server.blob_files(), server.inline_blob_count())
