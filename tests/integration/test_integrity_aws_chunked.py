"""aws-chunked request bodies sent raw, in every payload mode, over HTTP and HTTPS.

The bodies are built by awschunked.py (checked against AWS's published examples in
test_integrity_awschunked_vectors.py). Checked here:
- the object stored is the decoded data byte for byte: no size line, signature, CRLF or trailer
  ends up in it, whatever the alignment of HTTP chunks and aws-chunks (botocore over HTTPS sends
  128 KiB HTTP chunks of 1 MiB aws-chunks);
- a wrong chunk signature or trailer signature: 403 SignatureDoesNotMatch;
- a trailing checksum that does not match: 400 BadDigest "The <ALG> you specified did not match
  the calculated checksum.";
- x-amz-decoded-content-length different from the decoded data, malformed framing (bad hex size,
  missing CRLF, truncated body, bytes after the final chunk): 400 with an S3 error document;
- and after every rejection nothing is stored (an existing object is left as it was).
"""

from __future__ import annotations

import hashlib

import pytest

from awschunked import KiB, MiB, MODES, SIGNED, SIGNED_TRAILER, UNSIGNED_TRAILER, put_aws_chunked
from cairntest import parse_error
from test_integrity_helpers import (  # noqa: F401 (fixtures and the parametrizing hook)
    ALL_ALGORITHMS, assert_nothing_stored, assert_s3_error, bad_digest_message, body_of, checksum,
    header_name, http_only, ibucket, is3, iserver, module_client, module_server,
    pytest_generate_tests, snapshot, tls_cert, wrong_checksum)

TRAILER_MODES = (UNSIGNED_TRAILER, SIGNED_TRAILER)


def tricky_data(size: int, seed: int) -> bytes:
    """Pseudo-random bytes with aws-chunked framing look-alikes planted at many offsets, so that
    a decoder which searched the data for framing, or kept framing bytes, would be caught."""
    data = bytearray(body_of(size, seed))
    traps = [b"\r\n", b"0\r\n\r\n", b"\r\n0;chunk-signature=" + b"0" * 64 + b"\r\n",
             b"x-amz-checksum-crc32:AAAAAA==\r\n\r\n", b"10000;chunk-signature="]
    step = max(size // 40, 1)
    for i, off in enumerate(range(0, max(size - 100, 0), step)):
        t = traps[i % len(traps)]
        data[off:off + len(t)] = t
    return bytes(data)


def trailer_for(mode: str, data: bytes, algorithm: str = "CRC32") -> dict:
    if mode == SIGNED:
        return {}
    return {"trailer": header_name(algorithm), "trailer_value": checksum(algorithm, data)}


def assert_stored_exactly(s3, bucket: str, key: str, data: bytes) -> None:
    got = s3.get_object(Bucket=bucket, Key=key)
    body = got["Body"].read()
    assert len(body) == len(data) and body == data, "stored bytes differ from the decoded data"
    assert got["ContentLength"] == len(data)
    assert got["ETag"] == f'"{hashlib.md5(data).hexdigest()}"'
    assert "ContentEncoding" not in got  # aws-chunked is not a stored Content-Encoding
    # A ranged read from the end: a stray framing byte anywhere would shift the tail.
    tail = s3.get_object(Bucket=bucket, Key=key, Range="bytes=-37")
    assert tail["Body"].read() == data[-37:]


# -- round trips -----------------------------------------------------------------------------

LAYOUTS = {
    # name: (size, aws-chunk size, HTTP chunk size or None for Content-Length)
    "content-length-64k": (200 * KiB + 17, 64 * KiB, None),
    "botocore-like-128k-http-over-1m-aws": (3 * MiB + 5, MiB, 128 * KiB),
    "odd-http-chunks": (100_003, 8 * KiB + 3, 4093),
    "aws-chunk-larger-than-data": (1000, 64 * KiB, 77),
    "one-byte-aws-chunks": (300, 1, 7),
}


@pytest.mark.parametrize("mode", MODES)
def test_round_trip_is_byte_exact(iserver, is3, ibucket, mode):
    for layout, (size, chunk_size, http_chunk) in LAYOUTS.items():
        data = tricky_data(size, 1)
        r = put_aws_chunked(iserver, ibucket, layout, data, mode=mode, chunk_size=chunk_size,
                            http_chunk=http_chunk, **trailer_for(mode, data))
        assert r.status == 200, (layout, r.body)
        assert r.headers["etag"] == f'"{hashlib.md5(data).hexdigest()}"', layout
        if mode != SIGNED:
            assert r.headers["x-amz-checksum-crc32"] == checksum("CRC32", data), layout
        assert_stored_exactly(is3, ibucket, layout, data)


@http_only
@pytest.mark.parametrize("mode", MODES)
def test_empty_object(iserver, is3, ibucket, mode):
    r = put_aws_chunked(iserver, ibucket, "empty", b"", mode=mode, chunks=[],
                        **trailer_for(mode, b""))
    assert r.status == 200, r.body
    got = is3.get_object(Bucket=ibucket, Key="empty")
    assert got["ContentLength"] == 0 and got["Body"].read() == b""


@pytest.mark.parametrize("mode", TRAILER_MODES)
def test_trailing_checksum_each_algorithm(iserver, is3, ibucket, mode):
    data = tricky_data(150_000, 2)
    for algorithm in ALL_ALGORITHMS:
        r = put_aws_chunked(iserver, ibucket, algorithm, data, mode=mode, http_chunk=32 * KiB,
                            **trailer_for(mode, data, algorithm))
        assert r.status == 200, (algorithm, r.body)
        assert r.headers[header_name(algorithm)] == checksum(algorithm, data)
        head = is3.head_object(Bucket=ibucket, Key=algorithm, ChecksumMode="ENABLED")
        assert head[f"Checksum{algorithm}"] == checksum(algorithm, data)
        assert head["ChecksumType"] == "FULL_OBJECT"
        assert_stored_exactly(is3, ibucket, algorithm, data)


@pytest.mark.parametrize("mode", TRAILER_MODES)
def test_trailing_checksum_mismatch_is_bad_digest(iserver, is3, ibucket, mode):
    data = tricky_data(90_000, 3)
    for algorithm in ALL_ALGORITHMS:
        before = snapshot(iserver)
        r = put_aws_chunked(iserver, ibucket, "obj", data, mode=mode, http_chunk=16 * KiB,
                            trailer=header_name(algorithm),
                            trailer_value=wrong_checksum(algorithm, data))
        assert_s3_error(r.status, r.body, 400, "BadDigest", bad_digest_message(algorithm))
        assert_nothing_stored(iserver, is3, ibucket, "obj", before)


@http_only
@pytest.mark.parametrize("mode", TRAILER_MODES)
def test_malformed_trailing_checksum_is_invalid_request(iserver, is3, ibucket, mode):
    data = b"abc" * 1000
    before = snapshot(iserver)
    r = put_aws_chunked(iserver, ibucket, "obj", data, mode=mode,
                        trailer="x-amz-checksum-crc32", trailer_value="not-a-crc")
    assert_s3_error(r.status, r.body, 400, "InvalidRequest")
    assert_nothing_stored(iserver, is3, ibucket, "obj", before)


@http_only
def test_trailer_announced_but_not_sent(iserver, is3, ibucket):
    data = b"x" * 5000
    before = snapshot(iserver)
    r = put_aws_chunked(iserver, ibucket, "obj", data, mode=UNSIGNED_TRAILER,
                        headers={"x-amz-trailer": "x-amz-checksum-crc32"})
    assert 400 <= r.status < 500, r.body
    parse_error(r.body)
    assert_nothing_stored(iserver, is3, ibucket, "obj", before)


def test_checksum_header_with_streaming_body(iserver, is3, ibucket):
    """A checksum sent as a header (not a trailer) with a signed aws-chunked body is verified
    against the decoded data."""
    data = tricky_data(70_000, 4)
    r = put_aws_chunked(iserver, ibucket, "obj", data, mode=SIGNED,
                        headers={"x-amz-checksum-sha1": checksum("SHA1", data)})
    assert r.status == 200, r.body
    assert r.headers["x-amz-checksum-sha1"] == checksum("SHA1", data)
    before = snapshot(iserver)
    r = put_aws_chunked(iserver, ibucket, "obj2", data, mode=SIGNED,
                        headers={"x-amz-checksum-sha1": wrong_checksum("SHA1", data)})
    assert_s3_error(r.status, r.body, 400, "BadDigest", bad_digest_message("SHA1"))
    assert_nothing_stored(iserver, is3, ibucket, "obj2", before)


@pytest.mark.parametrize("mode", MODES)
def test_content_md5_is_of_the_decoded_data(iserver, is3, ibucket, mode):
    import base64
    data = tricky_data(60_000, 5)
    md5 = base64.b64encode(hashlib.md5(data).digest()).decode()
    r = put_aws_chunked(iserver, ibucket, "obj", data, mode=mode, headers={"Content-MD5": md5},
                        **trailer_for(mode, data))
    assert r.status == 200, r.body
    before = snapshot(iserver)
    wrong = base64.b64encode(hashlib.md5(data[:-1]).digest()).decode()
    r = put_aws_chunked(iserver, ibucket, "obj2", data, mode=mode, headers={"Content-MD5": wrong},
                        **trailer_for(mode, data))
    assert_s3_error(r.status, r.body, 400, "BadDigest")
    assert_nothing_stored(iserver, is3, ibucket, "obj2", before)


# -- signatures ----------------------------------------------------------------------------------

@pytest.mark.parametrize("mode", (SIGNED, SIGNED_TRAILER))
def test_wrong_chunk_signature_is_rejected(iserver, is3, ibucket, mode):
    data = tricky_data(5 * 16 * KiB + 100, 6)  # 6 data chunks of 16 KiB, then the final one
    is3.put_object(Bucket=ibucket, Key="obj", Body=b"previous")
    for which, index in {"first": 0, "middle": 3, "final": 6}.items():
        before = snapshot(iserver)
        r = put_aws_chunked(iserver, ibucket, "obj", data, mode=mode, chunk_size=16 * KiB,
                            tamper_chunk_signature=index, **trailer_for(mode, data))
        assert_s3_error(r.status, r.body, 403, "SignatureDoesNotMatch")
        assert_nothing_stored(iserver, is3, ibucket, "obj", before, previous=b"previous")


@pytest.mark.parametrize("mode", (SIGNED, SIGNED_TRAILER))
def test_data_changed_after_signing_is_rejected(iserver, is3, ibucket, mode):
    data = tricky_data(3 * 16 * KiB, 7)

    def flip(body: bytes) -> bytes:
        i = body.index(b"\r\n") + 2 + 100  # a data byte of the first chunk
        return body[:i] + bytes([body[i] ^ 1]) + body[i + 1:]

    before = snapshot(iserver)
    r = put_aws_chunked(iserver, ibucket, "obj", data, mode=mode, chunk_size=16 * KiB,
                        mutate=flip, **trailer_for(mode, data))
    assert_s3_error(r.status, r.body, 403, "SignatureDoesNotMatch")
    assert_nothing_stored(iserver, is3, ibucket, "obj", before)


@http_only
@pytest.mark.parametrize("mode", (SIGNED, SIGNED_TRAILER))
def test_chunks_reordered_is_rejected(iserver, is3, ibucket, mode):
    data = b"A" * (16 * KiB) + b"B" * (16 * KiB)
    before = snapshot(iserver)
    # The same two signed chunks, swapped on the wire.
    def swap(body: bytes) -> bytes:
        first_len = body.index(b"\r\n") + 2 + 16 * KiB + 2
        second_len = body.index(b"\r\n", first_len) + 2 + 16 * KiB + 2 - first_len
        a, b, rest = body[:first_len], body[first_len:first_len + second_len], \
            body[first_len + second_len:]
        return b + a + rest
    r = put_aws_chunked(iserver, ibucket, "obj", data, mode=mode, chunk_size=16 * KiB,
                        mutate=swap, **trailer_for(mode, data))
    assert_s3_error(r.status, r.body, 403, "SignatureDoesNotMatch")
    assert_nothing_stored(iserver, is3, ibucket, "obj", before)


def test_wrong_trailer_signature_is_rejected(iserver, is3, ibucket):
    data = tricky_data(50_000, 8)
    before = snapshot(iserver)
    r = put_aws_chunked(iserver, ibucket, "obj", data, mode=SIGNED_TRAILER,
                        tamper_trailer_signature=True, **trailer_for(SIGNED_TRAILER, data))
    assert_s3_error(r.status, r.body, 403, "SignatureDoesNotMatch")
    assert_nothing_stored(iserver, is3, ibucket, "obj", before)


def test_trailer_changed_after_signing_is_rejected(iserver, is3, ibucket):
    """The trailer signature covers the trailer: replacing the (correct) value by another one
    breaks it, even if the new value would be a valid checksum of other data."""
    data = tricky_data(50_000, 9)
    good, other = checksum("CRC32", data), checksum("CRC32", data + b"!")

    def replace(body: bytes) -> bytes:
        return body.replace(f"x-amz-checksum-crc32:{good}".encode(),
                            f"x-amz-checksum-crc32:{other}".encode())

    before = snapshot(iserver)
    r = put_aws_chunked(iserver, ibucket, "obj", data, mode=SIGNED_TRAILER, mutate=replace,
                        **trailer_for(SIGNED_TRAILER, data))
    assert r.status in (400, 403), r.body  # signature (403) or checksum (400) - never stored
    assert parse_error(r.body)["Code"] in ("SignatureDoesNotMatch", "BadDigest")
    assert_nothing_stored(iserver, is3, ibucket, "obj", before)


@http_only
def test_missing_trailer_signature_is_rejected(iserver, is3, ibucket):
    data = tricky_data(20_000, 10)

    def strip(body: bytes) -> bytes:
        i = body.index(b"x-amz-trailer-signature:")
        return body[:i] + body[body.index(b"\r\n", i) + 2:]

    before = snapshot(iserver)
    r = put_aws_chunked(iserver, ibucket, "obj", data, mode=SIGNED_TRAILER, mutate=strip,
                        **trailer_for(SIGNED_TRAILER, data))
    assert r.status in (400, 403), r.body
    parse_error(r.body)
    assert_nothing_stored(iserver, is3, ibucket, "obj", before)


@http_only
def test_signed_chunk_without_signature_is_rejected(iserver, is3, ibucket):
    data = b"z" * 20_000

    def strip(body: bytes) -> bytes:
        head, rest = body.split(b"\r\n", 1)
        return head.split(b";")[0] + b"\r\n" + rest

    before = snapshot(iserver)
    r = put_aws_chunked(iserver, ibucket, "obj", data, mode=SIGNED, mutate=strip)
    assert r.status in (400, 403), r.body
    parse_error(r.body)
    assert_nothing_stored(iserver, is3, ibucket, "obj", before)


# -- lengths and framing ---------------------------------------------------------------------------

@http_only
@pytest.mark.parametrize("mode", MODES)
def test_decoded_length_mismatch(iserver, is3, ibucket, mode):
    data = tricky_data(40_000, 11)
    is3.put_object(Bucket=ibucket, Key="obj", Body=b"previous")
    for delta in (-1, +1, -5000):
        before = snapshot(iserver)
        r = put_aws_chunked(iserver, ibucket, "obj", data, mode=mode, chunk_size=8 * KiB,
                            decoded_length=len(data) + delta, **trailer_for(mode, data))
        assert_s3_error(r.status, r.body, 400)
        assert_nothing_stored(iserver, is3, ibucket, "obj", before, previous=b"previous")


@http_only
def test_missing_decoded_length(iserver, is3, ibucket):
    data = b"q" * 1000
    before = snapshot(iserver)

    r = put_aws_chunked(iserver, ibucket, "obj", data, mode=UNSIGNED_TRAILER, http_chunk=100,
                        headers={"x-amz-decoded-content-length": ""}, **trailer_for(UNSIGNED_TRAILER, data))
    assert 400 <= r.status < 500, r.body
    parse_error(r.body)
    assert_nothing_stored(iserver, is3, ibucket, "obj", before)


def _first_line_end(body: bytes) -> int:
    return body.index(b"\r\n")


FRAMING_ERRORS = {
    "bad-hex-size": lambda b: b"zz" + b[_first_line_end(b):],
    "negative-size": lambda b: b"-1" + b[len(b[:_first_line_end(b)].split(b";")[0]):],
    "size-line-lf-only": lambda b: b.replace(b"\r\n", b"\n", 1),
    "missing-crlf-after-data": lambda b: _drop_crlf_after_first_chunk(b),
    "chunk-longer-than-declared": lambda b: _insert_after_first_chunk_data(b, b"EXTRA"),
    "truncated-in-data": lambda b: b[:len(b) // 2],
    "truncated-before-final-chunk": lambda b: b[:b.rindex(b"\r\n0")] + b"\r\n",
    "no-final-crlf": lambda b: b[:-2],
    "garbage-after-final-chunk": lambda b: b + b"garbage",
}


def _first_chunk_data_end(b: bytes) -> int:
    line_end = _first_line_end(b)
    size = int(b[:line_end].split(b";")[0], 16)
    return line_end + 2 + size


def _drop_crlf_after_first_chunk(b: bytes) -> bytes:
    end = _first_chunk_data_end(b)
    assert b[end:end + 2] == b"\r\n"
    return b[:end] + b[end + 2:]


def _insert_after_first_chunk_data(b: bytes, extra: bytes) -> bytes:
    end = _first_chunk_data_end(b)
    return b[:end] + extra + b[end:]


@http_only
@pytest.mark.parametrize("error", list(FRAMING_ERRORS))
def test_malformed_framing_is_rejected(iserver, is3, ibucket, error):
    data = tricky_data(3 * 8 * KiB + 10, 12)
    is3.put_object(Bucket=ibucket, Key="obj", Body=b"previous")
    for mode in MODES:
        before = snapshot(iserver)
        r = put_aws_chunked(iserver, ibucket, "obj", data, mode=mode, chunk_size=8 * KiB,
                            mutate=FRAMING_ERRORS[error], http_chunk=5000,
                            **trailer_for(mode, data))
        assert r.status == 400, (mode, r.status, r.body)
        err = parse_error(r.body)
        assert err["Code"] and err["Message"], err
        assert_nothing_stored(iserver, is3, ibucket, "obj", before, previous=b"previous")


# -- UploadPart ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("mode", MODES)
def test_upload_part_with_aws_chunked_body(iserver, is3, ibucket, mode):
    parts = [tricky_data(200_000, 20), tricky_data(33_333, 21)]
    algorithm = "CRC32C"
    upload_id = is3.create_multipart_upload(Bucket=ibucket, Key="mp",
                                            ChecksumAlgorithm=algorithm)["UploadId"]
    completed = []
    for n, data in enumerate(parts, 1):
        trailer = {} if mode == SIGNED else {"trailer": header_name(algorithm),
                                             "trailer_value": checksum(algorithm, data)}
        r = put_aws_chunked(iserver, ibucket, "mp", data, mode=mode, chunk_size=64 * KiB,
                            http_chunk=50_000, query=f"partNumber={n}&uploadId={upload_id}",
                            **trailer)
        assert r.status == 200, r.body
        assert r.headers["etag"] == f'"{hashlib.md5(data).hexdigest()}"'
        assert r.headers[header_name(algorithm)] == checksum(algorithm, data)
        completed.append({"PartNumber": n, "ETag": r.headers["etag"],
                          "ChecksumCRC32C": checksum(algorithm, data)})
    listed = is3.list_parts(Bucket=ibucket, Key="mp", UploadId=upload_id)["Parts"]
    assert [p["Size"] for p in listed] == [len(p) for p in parts]
    is3.complete_multipart_upload(Bucket=ibucket, Key="mp", UploadId=upload_id,
                                  MultipartUpload={"Parts": completed})
    assert is3.get_object(Bucket=ibucket, Key="mp")["Body"].read() == b"".join(parts)


@pytest.mark.parametrize("failure", ["chunk-signature", "trailer-checksum", "decoded-length"])
def test_upload_part_rejected_stores_no_part(iserver, is3, ibucket, failure):
    data = tricky_data(50_000, 22)
    upload_id = is3.create_multipart_upload(Bucket=ibucket, Key="mp",
                                            ChecksumAlgorithm="CRC32")["UploadId"]
    before = snapshot(iserver)
    kwargs = {"trailer": "x-amz-checksum-crc32", "trailer_value": checksum("CRC32", data)}
    if failure == "chunk-signature":
        kwargs["tamper_chunk_signature"] = 1
    elif failure == "trailer-checksum":
        kwargs["trailer_value"] = wrong_checksum("CRC32", data)
    else:
        kwargs["decoded_length"] = len(data) - 1
    r = put_aws_chunked(iserver, ibucket, "mp", data, mode=SIGNED_TRAILER, chunk_size=16 * KiB,
                        query=f"partNumber=1&uploadId={upload_id}", **kwargs)
    assert r.status in (400, 403), r.body
    parse_error(r.body)
    assert is3.list_parts(Bucket=ibucket, Key="mp", UploadId=upload_id).get("Parts", []) == []
    assert snapshot(iserver) == before
