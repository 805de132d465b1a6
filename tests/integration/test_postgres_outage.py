"""Issue 17 (a metadata store that is slow or gone): the PostgreSQL server of a running node stops.
Requests must answer within a bound (503 ServiceUnavailable, which SDKs retry), never pile up
waiting for a database that is not there, and nothing a refused write sent may become visible;
once PostgreSQL is back, the same node serves again without a restart, and every object written
before the outage reads back."""

from __future__ import annotations

import hashlib
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from botocore.exceptions import ClientError

from cairntest import unique_name
from postgres_cluster import PostgresCluster, binary


@pytest.fixture()
def cluster():
    c = PostgresCluster()
    c.start()
    yield c
    try:
        c.stop()
    except subprocess.CalledProcessError:
        pass  # already stopped by a failed test; stop() removed the folder anyway


def pg_ctl(cluster: PostgresCluster, *args: str) -> None:
    cluster._run(binary("pg_ctl"), "-D", str(cluster.data), *args)


def test_requests_answer_503_within_a_bound_while_postgres_is_down_and_work_again_after(start_server, cluster):
    url = cluster.create_database()
    srv = start_server(extra_args=["--metadata", url])
    srv.metadata_url = url
    s3 = srv.client()  # no SDK retries: each call shows the server's own answer and how long it took
    bucket = unique_name("outage")
    s3.create_bucket(Bucket=bucket)
    before = {f"k{i}": hashlib.sha256(str(i).encode()).digest() * 100 for i in range(5)}
    for key, body in before.items():
        s3.put_object(Bucket=bucket, Key=key, Body=body)
    upload = s3.create_multipart_upload(Bucket=bucket, Key="mp")["UploadId"]

    pg_ctl(cluster, "-m", "immediate", "-w", "stop")

    def attempt(call):
        started = time.monotonic()
        try:
            call()
            return None, time.monotonic() - started
        except ClientError as e:
            return e.response, time.monotonic() - started

    calls = [
        lambda: s3.put_object(Bucket=bucket, Key="during", Body=b"x" * 100_000),
        lambda: s3.put_object(Bucket=bucket, Key="during-small", Body=b"small"),
        lambda: s3.get_object(Bucket=bucket, Key="k1")["Body"].read(),
        lambda: s3.head_object(Bucket=bucket, Key="k2"),
        lambda: s3.list_objects_v2(Bucket=bucket),
        lambda: s3.upload_part(Bucket=bucket, Key="mp", UploadId=upload, PartNumber=1, Body=b"p" * 100_000),
    ] * 4
    with ThreadPoolExecutor(len(calls)) as pool:
        answers = list(pool.map(attempt, calls))
    for response, seconds in answers:
        assert response is not None, "a request succeeded with PostgreSQL down"
        assert response["ResponseMetadata"]["HTTPStatusCode"] == 503, response
        # A HEAD answer has no body, so botocore names the error by its status.
        assert response["Error"]["Code"] in ("ServiceUnavailable", "503"), response
        assert seconds < 15, f"answered after {seconds:.1f} s"
    assert srv.is_running()

    pg_ctl(cluster, "-l", str(cluster.folder / "server.log"), "-w", "-o",
           f"-p {cluster.port} -k {cluster.folder} -c listen_addresses=127.0.0.1 -c fsync=off", "start")
    deadline = time.monotonic() + 30
    while True:
        try:
            s3.head_bucket(Bucket=bucket)
            break
        except ClientError:
            assert time.monotonic() < deadline, "the node did not come back after PostgreSQL did"
            time.sleep(0.5)
    for key, body in before.items():
        assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == body
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
    assert keys == sorted(before), "a write refused during the outage became visible"
    assert s3.list_parts(Bucket=bucket, Key="mp", UploadId=upload).get("Parts", []) == []
    s3.put_object(Bucket=bucket, Key="after", Body=b"after")
    assert s3.get_object(Bucket=bucket, Key="after")["Body"].read() == b"after"
    assert srv.stored_blob_count() == len(before) + 1
