"""Multipart upload: CreateMultipartUpload / UploadPart / CompleteMultipartUpload round trips,
part-number validation, NoSuchUpload, part replacement (also under concurrency), Abort, and the
5 GiB part limit.

AWS behaviour mirrored here (S3 API reference, UploadPart / AbortMultipartUpload, and the
upload-part manual page in ../shared/spec/upload-part.txt):
  * part numbers are 1..10,000; anything else is 400 InvalidArgument "Part number must be an
    integer between 1 and 10000, inclusive" with ArgumentName partNumber and the ArgumentValue
    (a captured AWS response: github.com/basho/riak_cs/issues/945);
  * an unknown, aborted or completed upload id is 404 NoSuchUpload (spec "Special Errors");
  * uploading a part number again overwrites the earlier part (spec);
  * AbortMultipartUpload answers 204 No Content and frees the parts' storage;
  * a multipart object's ETag is the MD5 of the concatenated binary part MD5s, "-N".
"""

from __future__ import annotations

import hashlib
import socket
import threading
import time

import pytest
from botocore.exceptions import ClientError

from cairntest import (GiB, UNSIGNED_PAYLOAD, error_code, http_status, key_path,
                       parse_error, quoted_etag, sign_headers, wait_until)
from test_multipart_helpers import (  # noqa: F401 - fixtures
    AWS_MIN_PART, NO_SUCH_UPLOAD_MESSAGE, PART_NUMBER_MESSAGE, SMALL_MIN_PART, blob_count,
    body_of, complete, create_upload, multipart_etag, q, raw, small_bucket, small_s3,
    small_server, upload_parts)


def test_round_trip_with_5_mib_parts_has_multipart_etag_and_exact_bytes(s3, bucket):
    # Default server: AWS's 5 MiB minimum applies; parts of exactly 5 MiB and a short last part.
    bodies = [body_of(AWS_MIN_PART, 1), body_of(AWS_MIN_PART, 2), body_of(12345, 3)]
    created = s3.create_multipart_upload(Bucket=bucket, Key="big/object.bin",
                                         ContentType="application/x-test",
                                         Metadata={"origin": "multipart"})
    assert created["Bucket"] == bucket
    assert created["Key"] == "big/object.bin"
    upload_id = created["UploadId"]
    assert upload_id

    parts = []
    for number, body in enumerate(bodies, 1):
        resp = s3.upload_part(Bucket=bucket, Key="big/object.bin", UploadId=upload_id,
                              PartNumber=number, Body=body)
        # each part's ETag is the quoted MD5 of its bytes
        assert resp["ETag"] == quoted_etag(body)
        parts.append({"PartNumber": number, "ETag": resp["ETag"]})

    # the object does not exist until Complete
    with pytest.raises(ClientError) as e:
        s3.head_object(Bucket=bucket, Key="big/object.bin")
    assert http_status(e.value) == 404

    done = complete(s3, bucket, "big/object.bin", upload_id, parts)
    expected_etag = multipart_etag(bodies)
    assert done["ETag"] == expected_etag
    assert expected_etag.endswith('-3"')
    assert done["Bucket"] == bucket
    assert done["Key"] == "big/object.bin"
    assert done.get("Location")

    head = s3.head_object(Bucket=bucket, Key="big/object.bin")
    assert head["ContentLength"] == sum(map(len, bodies))
    assert head["ETag"] == expected_etag
    # headers given at CreateMultipartUpload describe the finished object
    assert head["ContentType"] == "application/x-test"
    assert head["Metadata"] == {"origin": "multipart"}

    got = s3.get_object(Bucket=bucket, Key="big/object.bin")
    data = got["Body"].read()
    assert hashlib.sha256(data).digest() == hashlib.sha256(b"".join(bodies)).digest()
    assert got["ETag"] == expected_etag

    # a completed upload is no longer in progress
    assert not s3.list_multipart_uploads(Bucket=bucket).get("Uploads")


def test_round_trip_with_small_parts_under_min_part_size_option(small_s3, small_bucket):
    s3, bucket = small_s3, small_bucket
    bodies = [body_of(SMALL_MIN_PART, 10), body_of(SMALL_MIN_PART + 7, 11), body_of(1, 12)]
    upload_id = create_upload(s3, bucket, "small")
    parts = upload_parts(s3, bucket, "small", upload_id, bodies)
    assert complete(s3, bucket, "small", upload_id, parts)["ETag"] == multipart_etag(bodies)
    assert s3.get_object(Bucket=bucket, Key="small")["Body"].read() == b"".join(bodies)


def test_single_part_upload_etag_has_suffix_1(small_s3, small_bucket):
    s3, bucket = small_s3, small_bucket
    body = b"only one part"
    upload_id = create_upload(s3, bucket, "one")
    parts = upload_parts(s3, bucket, "one", upload_id, [body])
    etag = complete(s3, bucket, "one", upload_id, parts)["ETag"]
    assert etag == multipart_etag([body])
    assert etag.endswith('-1"')
    assert s3.get_object(Bucket=bucket, Key="one")["Body"].read() == body


def test_complete_overwrites_an_existing_object(small_s3, small_bucket):
    s3, bucket = small_s3, small_bucket
    s3.put_object(Bucket=bucket, Key="k", Body=b"old single-part body")
    upload_id = create_upload(s3, bucket, "k")
    bodies = [body_of(2000, 1), b"tail"]
    complete(s3, bucket, "k", upload_id, upload_parts(s3, bucket, "k", upload_id, bodies))
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"".join(bodies)


# -- part numbers ---------------------------------------------------------------------------

def test_part_number_out_of_range_is_invalid_argument(server, s3, bucket):
    # botocore validates PartNumber's type client-side, so the requests are sent raw.
    upload_id = create_upload(s3, bucket, "k")
    for part_number in ["0", "10001", "-1", "abc", "1.5"]:
        resp = raw(server, "PUT", bucket, "k", body=b"part",
                   query=f"partNumber={q(part_number)}&uploadId={q(upload_id)}")
        assert resp.status_code == 400, (part_number, resp.text)
        err = parse_error(resp.content)
        assert err["Code"] == "InvalidArgument", part_number
        assert err["Message"] == PART_NUMBER_MESSAGE, part_number
        assert err.get("ArgumentName") == "partNumber", part_number
        assert err.get("ArgumentValue") == part_number, part_number
    # nothing was stored
    assert s3.list_parts(Bucket=bucket, Key="k", UploadId=upload_id).get("Parts", []) == []


def test_part_numbers_1_and_10000_are_accepted(s3, bucket):
    upload_id = create_upload(s3, bucket, "k")
    upload_parts(s3, bucket, "k", upload_id, [b"first", b"last"], numbers=[1, 10000])
    listed = s3.list_parts(Bucket=bucket, Key="k", UploadId=upload_id)
    assert [p["PartNumber"] for p in listed["Parts"]] == [1, 10000]


# -- NoSuchUpload ---------------------------------------------------------------------------

def _calls(s3, bucket, key, upload_id):
    """Every call that names an upload id (Complete is checked separately: on a completed
    upload, Complete with the same list is a retry)."""
    return {
        "UploadPart": lambda: s3.upload_part(Bucket=bucket, Key=key, UploadId=upload_id,
                                             PartNumber=1, Body=b"data"),
        "UploadPartCopy": lambda: s3.upload_part_copy(
            Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=1,
            CopySource={"Bucket": bucket, "Key": "source"}),
        "ListParts": lambda: s3.list_parts(Bucket=bucket, Key=key, UploadId=upload_id),
        "AbortMultipartUpload": lambda: s3.abort_multipart_upload(Bucket=bucket, Key=key,
                                                                  UploadId=upload_id),
    }


def _assert_no_such_upload(call, name):
    with pytest.raises(ClientError) as e:
        call()
    assert error_code(e.value) == "NoSuchUpload", name
    assert http_status(e.value) == 404, name
    assert e.value.response["Error"]["Message"] == NO_SUCH_UPLOAD_MESSAGE, name


@pytest.mark.parametrize("state", ["unknown", "aborted", "completed", "other-key"])
def test_calls_on_unknown_aborted_or_completed_upload_are_no_such_upload(small_s3, small_bucket,
                                                                        state):
    s3, bucket = small_s3, small_bucket
    s3.put_object(Bucket=bucket, Key="source", Body=b"copy source")
    key = "k"
    if state == "unknown":
        upload_id = "VXBsb2FkIElEIGZvciB0aGlzIGRvZXMgbm90IGV4aXN0"
    else:
        upload_id = create_upload(s3, bucket, key)
        parts = upload_parts(s3, bucket, key, upload_id, [b"x" * 10])
        if state == "aborted":
            s3.abort_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id)
        elif state == "completed":
            complete(s3, bucket, key, upload_id, parts)
        else:
            # an upload id is bound to its key: naming it with another key finds nothing
            key = "another-key"
    for name, call in _calls(s3, bucket, key, upload_id).items():
        _assert_no_such_upload(call, name)
    if state != "completed":
        _assert_no_such_upload(
            lambda: complete(s3, bucket, key, upload_id, [{"PartNumber": 1,
                                                             "ETag": quoted_etag(b"x" * 10)}]),
            "CompleteMultipartUpload")


def test_no_such_upload_error_names_the_upload_id(server, s3, bucket):
    resp = raw(server, "GET", bucket, "k", query="uploadId=nonexistent-upload-id")
    assert resp.status_code == 404
    err = parse_error(resp.content)
    assert err["Code"] == "NoSuchUpload"
    # AWS adds the upload id to the error document
    assert err.get("UploadId") == "nonexistent-upload-id"


# -- replacing parts ------------------------------------------------------------------------

def test_reuploading_a_part_number_replaces_the_part(small_s3, small_bucket):
    s3, bucket = small_s3, small_bucket
    first, second, replacement = body_of(3000, 1), body_of(1500, 2), body_of(4500, 3)
    upload_id = create_upload(s3, bucket, "k")
    old = upload_parts(s3, bucket, "k", upload_id, [first, second])
    new_etag = s3.upload_part(Bucket=bucket, Key="k", UploadId=upload_id, PartNumber=1,
                              Body=replacement)["ETag"]
    assert new_etag == quoted_etag(replacement)

    listed = s3.list_parts(Bucket=bucket, Key="k", UploadId=upload_id)["Parts"]
    assert [(p["PartNumber"], p["ETag"], p["Size"]) for p in listed] == [
        (1, quoted_etag(replacement), len(replacement)), (2, quoted_etag(second), len(second))]

    # the replaced part is gone: its ETag no longer matches part 1
    with pytest.raises(ClientError) as e:
        complete(s3, bucket, "k", upload_id, old)
    assert error_code(e.value) == "InvalidPart"

    done = complete(s3, bucket, "k", upload_id, [{"PartNumber": 1, "ETag": new_etag}, old[1]])
    assert done["ETag"] == multipart_etag([replacement, second])
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == replacement + second


def test_concurrent_uploads_of_one_part_number_leave_exactly_one_body(server, s3, bucket):
    writers = 8
    bodies = [bytes([i]) * 1024 + body_of(256 * 1024, 100 + i) for i in range(writers)]
    by_etag = {quoted_etag(b): b for b in bodies}
    clients = [server.client() for _ in range(writers)]

    for round_number in range(2):
        key = f"race-{round_number}"
        upload_id = create_upload(s3, bucket, key)
        barrier = threading.Barrier(writers)
        results: list = [None] * writers

        def writer(i):
            try:
                barrier.wait(10)
                results[i] = clients[i].upload_part(Bucket=bucket, Key=key, UploadId=upload_id,
                                                    PartNumber=1, Body=bodies[i])["ETag"]
            except Exception as exc:  # noqa: BLE001 - reported below
                results[i] = exc

        threads = [threading.Thread(target=writer, args=(i,)) for i in range(writers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert all(isinstance(r, str) for r in results), results
        assert sorted(results) == sorted(by_etag)

        listed = s3.list_parts(Bucket=bucket, Key=key, UploadId=upload_id)["Parts"]
        assert len(listed) == 1
        winner_etag = listed[0]["ETag"]
        assert winner_etag in by_etag, "ListParts shows an ETag of no uploaded body"
        winner = by_etag[winner_etag]
        assert listed[0]["Size"] == len(winner)

        done = complete(s3, bucket, key, upload_id, [{"PartNumber": 1, "ETag": winner_etag}])
        assert done["ETag"] == multipart_etag([winner])
        data = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        assert data == winner, "the object is not exactly the body ListParts named"

    # the losing bodies were not leaked: only the two objects' blobs remain
    assert wait_until(lambda: blob_count(server) == 2, 3), blob_count(server)


# -- Content-MD5 ----------------------------------------------------------------------------

def test_upload_part_with_wrong_content_md5_is_bad_digest_and_stores_nothing(s3, bucket):
    upload_id = create_upload(s3, bucket, "k")
    wrong = "1B2M2Y8AsgTpgAmY7PhCfg=="  # MD5 of the empty string
    with pytest.raises(ClientError) as e:
        s3.upload_part(Bucket=bucket, Key="k", UploadId=upload_id, PartNumber=1,
                       Body=b"not empty", ContentMD5=wrong)
    assert error_code(e.value) == "BadDigest"
    assert http_status(e.value) == 400
    assert s3.list_parts(Bucket=bucket, Key="k", UploadId=upload_id).get("Parts", []) == []


# -- Abort ----------------------------------------------------------------------------------

def test_abort_returns_204_frees_the_parts_and_forgets_the_upload(server, s3, bucket):
    baseline = blob_count(server)
    upload_id = create_upload(s3, bucket, "k")
    upload_parts(s3, bucket, "k", upload_id, [body_of(64 * 1024, i) for i in range(3)])
    # replacing a part must not leak the replaced blob either
    s3.upload_part(Bucket=bucket, Key="k", UploadId=upload_id, PartNumber=2, Body=b"again")
    assert blob_count(server) > baseline, "parts are expected under DATA/blobs"

    resp = s3.abort_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id)
    assert http_status(resp) == 204

    with pytest.raises(ClientError) as e:
        s3.list_parts(Bucket=bucket, Key="k", UploadId=upload_id)
    assert error_code(e.value) == "NoSuchUpload"
    assert not s3.list_multipart_uploads(Bucket=bucket).get("Uploads")
    assert wait_until(lambda: blob_count(server) == baseline, 2.0), \
        f"blobs/ holds {blob_count(server)} files after Abort, {baseline} before the upload"
    # no object appeared
    with pytest.raises(ClientError) as e:
        s3.head_object(Bucket=bucket, Key="k")
    assert http_status(e.value) == 404


# -- part size limit ------------------------------------------------------------------------

def _read_head(sock: socket.socket, timeout: float) -> bytes:
    sock.settimeout(timeout)
    data = b""
    deadline = time.monotonic() + timeout
    while b"\r\n\r\n" not in data and time.monotonic() < deadline:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    # read whatever body follows (the error XML) for a moment
    sock.settimeout(0.5)
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
            if b"</Error>" in data:
                break
    except OSError:
        pass
    return data


def test_part_over_5_gib_is_entity_too_large(server, s3, bucket):
    # AWS: a part may be at most 5 GiB; a larger declared Content-Length is refused with
    # 400 EntityTooLarge before any byte is read. Sent with Expect: 100-continue so that no
    # body is needed: the server must answer with the error instead of 100 Continue.
    upload_id = create_upload(s3, bucket, "k")
    size = 5 * GiB + 1
    path = key_path(bucket, "k")
    query = f"partNumber=1&uploadId={q(upload_id)}"
    hdrs = sign_headers("PUT", f"{server.endpoint}{path}?{query}", server.default_user,
                        headers={"Content-Length": str(size)}, payload_hash=UNSIGNED_PAYLOAD)
    lines = [f"PUT {path}?{query} HTTP/1.1"] + [f"{k}: {v}" for k, v in hdrs.items()] + \
        ["Expect: 100-continue", "", ""]
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    try:
        sock.sendall("\r\n".join(lines).encode())
        response = _read_head(sock, timeout=10)
    finally:
        sock.close()
    assert response.startswith(b"HTTP/1.1 400"), \
        f"expected 400 EntityTooLarge without reading the body, got {response[:200]!r}"
    assert b"<Code>EntityTooLarge</Code>" in response
    assert s3.list_parts(Bucket=bucket, Key="k", UploadId=upload_id).get("Parts", []) == []


# -- Abort racing UploadPart / Complete -----------------------------------------------------

def test_abort_racing_upload_part_leaves_no_orphaned_blob(server, s3, bucket):
    baseline = blob_count(server)
    writers = 6
    clients = [server.client() for _ in range(writers + 1)]
    for round_number in range(3):
        key = f"race-{round_number}"
        upload_id = create_upload(s3, bucket, key)
        barrier = threading.Barrier(writers + 1)
        outcomes: list = [None] * writers

        def writer(i):
            barrier.wait(10)
            try:
                clients[i].upload_part(Bucket=bucket, Key=key, UploadId=upload_id,
                                       PartNumber=i + 1, Body=body_of(512 * 1024, i))
                outcomes[i] = "ok"
            except ClientError as exc:
                outcomes[i] = error_code(exc)

        threads = [threading.Thread(target=writer, args=(i,)) for i in range(writers)]
        for t in threads:
            t.start()
        barrier.wait(10)
        time.sleep(0.005 * round_number)
        resp = clients[writers].abort_multipart_upload(Bucket=bucket, Key=key,
                                                       UploadId=upload_id)
        assert http_status(resp) == 204
        for t in threads:
            t.join(60)
        assert set(outcomes) <= {"ok", "NoSuchUpload"}, outcomes
        with pytest.raises(ClientError) as e:
            s3.list_parts(Bucket=bucket, Key=key, UploadId=upload_id)
        assert error_code(e.value) == "NoSuchUpload"
    assert wait_until(lambda: blob_count(server) == baseline, 3.0), \
        f"{blob_count(server) - baseline} blobs left behind by parts of aborted uploads"
    assert not s3.list_multipart_uploads(Bucket=bucket).get("Uploads")


def test_abort_racing_complete_has_exactly_one_winner(small_server, small_s3, small_bucket):
    server, s3, bucket = small_server, small_s3, small_bucket
    bodies = [body_of(64 * 1024, 1), body_of(100, 2)]
    completer, aborter = server.client(), server.client()
    for round_number in range(4):
        key = f"race-{round_number}"
        baseline = blob_count(server)
        upload_id = create_upload(s3, bucket, key)
        parts = upload_parts(s3, bucket, key, upload_id, bodies)
        barrier = threading.Barrier(2)
        outcome: dict = {}

        def run(name, call):
            barrier.wait(10)
            try:
                call()
                outcome[name] = "ok"
            except ClientError as exc:
                outcome[name] = error_code(exc)

        threads = [
            threading.Thread(target=run, args=("complete", lambda: complete(
                completer, bucket, key, upload_id, parts))),
            threading.Thread(target=run, args=("abort", lambda: aborter.abort_multipart_upload(
                Bucket=bucket, Key=key, UploadId=upload_id))),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert sorted(outcome.values()) == ["NoSuchUpload", "ok"], outcome
        if outcome["complete"] == "ok":
            assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == b"".join(bodies)
            expected_blobs = baseline + len(bodies)
        else:
            with pytest.raises(ClientError) as e:
                s3.head_object(Bucket=bucket, Key=key)
            assert http_status(e.value) == 404
            expected_blobs = baseline
        assert wait_until(lambda: blob_count(server) == expected_blobs, 3.0), \
            (outcome, blob_count(server), expected_blobs)
