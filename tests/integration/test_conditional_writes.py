"""Conditional writes: PutObject, CopyObject and CompleteMultipartUpload with If-None-Match: * or
If-Match, DeleteObject with If-Match, checked in the transaction that writes, so that of racing
conditional writes of one key exactly one wins (threads and separate processes)."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest
from botocore.exceptions import ClientError

from cairntest import error_code, http_status, quoted_etag


def test_put_if_none_match_star_writes_only_a_new_key(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"first", IfNoneMatch="*")
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="k", Body=b"second", IfNoneMatch="*")
    assert http_status(e.value) == 412 and error_code(e.value) == "PreconditionFailed"
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"first"
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="k", Body=b"x", IfNoneMatch=quoted_etag(b"first"))
    assert http_status(e.value) == 501


def test_put_if_match_replaces_only_the_named_version(s3, bucket):
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="k", Body=b"x", IfMatch=quoted_etag(b"x"))
    assert http_status(e.value) == 404 and error_code(e.value) == "NoSuchKey"
    s3.put_object(Bucket=bucket, Key="k", Body=b"one")
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="k", Body=b"two", IfMatch=quoted_etag(b"other"))
    assert http_status(e.value) == 412
    s3.put_object(Bucket=bucket, Key="k", Body=b"two", IfMatch=quoted_etag(b"one"))
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"two"


def test_a_delete_marker_counts_as_no_object(s3, bucket):
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket=bucket, Key="k", Body=b"one")
    s3.delete_object(Bucket=bucket, Key="k")
    s3.put_object(Bucket=bucket, Key="k", Body=b"back", IfNoneMatch="*")
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"back"


def test_copy_and_complete_honour_the_conditions(s3, bucket):
    s3.put_object(Bucket=bucket, Key="src", Body=b"source")
    s3.put_object(Bucket=bucket, Key="dst", Body=b"taken")
    with pytest.raises(ClientError) as e:
        s3.copy_object(Bucket=bucket, Key="dst", CopySource={"Bucket": bucket, "Key": "src"}, IfNoneMatch="*")
    assert http_status(e.value) == 412
    s3.copy_object(Bucket=bucket, Key="dst", CopySource={"Bucket": bucket, "Key": "src"}, IfMatch=quoted_etag(b"taken"))
    assert s3.get_object(Bucket=bucket, Key="dst")["Body"].read() == b"source"


def test_delete_if_match(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"one")
    with pytest.raises(ClientError) as e:
        s3.delete_object(Bucket=bucket, Key="k", IfMatch=quoted_etag(b"other"))
    assert http_status(e.value) == 412
    s3.delete_object(Bucket=bucket, Key="k", IfMatch=quoted_etag(b"one"))
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_racing_if_none_match_writes_from_threads_have_one_winner(server, s3, bucket):
    outcomes: list[str] = []
    lock = threading.Lock()

    def write(n: int) -> None:
        client = server.client()
        try:
            client.put_object(Bucket=bucket, Key="race", Body=f"writer {n}".encode(), IfNoneMatch="*")
            result = f"won {n}"
        except ClientError as e:
            result = error_code(e)
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    winners = [o for o in outcomes if o.startswith("won")]
    assert len(winners) == 1, outcomes
    assert all(o in ("PreconditionFailed", "ConditionalRequestConflict") for o in outcomes if not o.startswith("won"))
    assert s3.get_object(Bucket=bucket, Key="race")["Body"].read() == winners[0].replace("won", "writer").encode()


RACER = """
import sys, boto3
from botocore.config import Config
from botocore.exceptions import ClientError
endpoint, key, secret, bucket, n = sys.argv[1:]
s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=key,
                  aws_secret_access_key=secret, config=Config(s3={"addressing_style": "path"}))
try:
    s3.put_object(Bucket=bucket, Key="race", Body=("process " + n).encode(), IfNoneMatch="*")
    print("won")
except ClientError as e:
    print(e.response["Error"]["Code"])
"""


def test_racing_if_none_match_writes_from_processes_have_one_winner(server, s3, bucket):
    user = server.default_user
    procs = [subprocess.Popen([sys.executable, "-c", RACER, server.endpoint, user.access_key, user.secret_key, bucket, str(n)],
                              stdout=subprocess.PIPE, text=True) for n in range(8)]
    results = [p.communicate(timeout=60)[0].strip() for p in procs]
    assert results.count("won") == 1, results
    assert set(results) - {"won"} <= {"PreconditionFailed", "ConditionalRequestConflict"}
